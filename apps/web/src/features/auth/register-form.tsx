import { Button, Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import { isValidCreditCode } from '../org/credit-code';
import type { PublicType } from '@huitong/contract/values';
import type { RegisterBody as RegisterInput } from '@huitong/contract/org';
import { authApi } from './auth-api';
import { PASSWORD_MIN_LENGTH } from './password-policy';
import { useConfirmPasswordRules, usePasswordRules, useUsernameRules } from './use-password-rules';

type Values = {
  publicType: PublicType;
  username: string;
  displayName: string;
  creditCode?: string;
  phone?: string;
  email?: string;
  password: string;
  confirm: string;
};

/** Public registration: a citizen (自然人) or an organisation (法人和其他组织, with its credit code). */
export function RegisterForm({ onRegistered }: { onRegistered: (username: string) => void }) {
  const { t } = useI18n();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const publicType = Form.useWatch('publicType', form) ?? 'natural';
  const [submitting, setSubmitting] = useState(false);
  const passwordRules = usePasswordRules();
  const confirmRules = useConfirmPasswordRules('password');
  const usernameRules = useUsernameRules();

  const onFinish = async (v: Values) => {
    setSubmitting(true);
    const input: RegisterInput = {
      username: v.username.trim(),
      password: v.password,
      displayName: v.displayName.trim(),
      publicType: v.publicType,
    };
    if (v.publicType === 'legal' && v.creditCode) input.creditCode = v.creditCode.trim().toUpperCase();
    if (v.phone?.trim()) input.phone = v.phone.trim();
    if (v.email?.trim()) input.email = v.email.trim();
    try {
      await authApi.register(input);
      onRegistered(input.username);
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
      initialValues={{ publicType: 'natural' }}
      onFinish={(v) => void onFinish(v)}
      data-testid="register-form"
    >
      <Form.Item name="publicType" label={t('register.publicType')}>
        <Radio.Group optionType="button" buttonStyle="solid" data-testid="register-public-type">
          <Radio.Button value="natural">
            <span data-testid="register-type-natural">{t('publicType.natural')}</span>
          </Radio.Button>
          <Radio.Button value="legal">
            <span data-testid="register-type-legal">{t('publicType.legal')}</span>
          </Radio.Button>
        </Radio.Group>
      </Form.Item>
      <Form.Item
        name="displayName"
        label={publicType === 'legal' ? t('register.orgName') : t('register.personName')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 100 }]}
      >
        <Input data-testid="register-display-name" />
      </Form.Item>
      {publicType === 'legal' ? (
        <Form.Item
          name="creditCode"
          label={t('org.creditCode')}
          extra={t('org.creditCode.hint')}
          rules={[
            { required: true, whitespace: true, message: t('form.required') },
            {
              validator: (_, value: string | undefined) =>
                !value || isValidCreditCode(value.trim().toUpperCase())
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('org.creditCode.invalid'))),
            },
          ]}
        >
          <Input maxLength={18} data-testid="register-credit-code" style={{ textTransform: 'uppercase' }} />
        </Form.Item>
      ) : null}
      <Form.Item
        name="username"
        label={t('auth.username')}
        extra={t('register.username.hint')}
        rules={usernameRules}
      >
        <Input autoComplete="username" data-testid="register-username" />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('register.phone')}
        rules={[{ pattern: /^[0-9+()\- ]{5,30}$/, message: t('register.phone.invalid') }]}
      >
        <Input autoComplete="tel" data-testid="register-phone" />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('register.email')}
        rules={[{ type: 'email', message: t('register.email.invalid') }]}
      >
        <Input autoComplete="email" data-testid="register-email" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('auth.password')}
        extra={t('auth.password.rule', { min: PASSWORD_MIN_LENGTH })}
        rules={passwordRules}
      >
        <Input.Password autoComplete="new-password" data-testid="register-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('auth.confirmPassword')}
        dependencies={['password']}
        rules={confirmRules}
      >
        <Input.Password autoComplete="new-password" data-testid="register-confirm" />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        block
        size="large"
        loading={submitting}
        data-testid="register-submit"
      >
        {t('register.submit')}
      </Button>
    </Form>
  );
}
