import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import { authApi } from './auth-api';
import { PASSWORD_MIN_LENGTH } from './password-policy';
import { useConfirmPasswordRules, usePasswordRules } from './use-password-rules';

type Values = { currentPassword: string; newPassword: string; confirm: string };

export function ChangePasswordForm({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [submitting, setSubmitting] = useState(false);
  const passwordRules = usePasswordRules();
  const confirmRules = useConfirmPasswordRules('newPassword');

  const onFinish = async (values: Values) => {
    setSubmitting(true);
    try {
      await authApi.changePassword(values.currentPassword, values.newPassword);
      onChanged();
    } catch (err) {
      showError(err, form);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={(v) => void onFinish(v)}
      data-testid="change-password-form"
    >
      <Form.Item
        name="currentPassword"
        label={t('auth.currentPassword')}
        rules={[{ required: true, message: t('auth.password.required') }]}
      >
        <Input.Password autoComplete="current-password" data-testid="change-password-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('auth.newPassword')}
        extra={t('auth.password.rule', { min: PASSWORD_MIN_LENGTH })}
        rules={[
          ...passwordRules,
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              value && value === getFieldValue('currentPassword')
                ? Promise.reject(new Error(t('auth.password.sameAsOld')))
                : Promise.resolve(),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="change-password-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('auth.confirmPassword')}
        dependencies={['newPassword']}
        rules={confirmRules}
      >
        <Input.Password autoComplete="new-password" data-testid="change-password-confirm" />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        block
        loading={submitting}
        data-testid="change-password-submit"
      >
        {t('auth.changePassword.submit')}
      </Button>
    </Form>
  );
}
