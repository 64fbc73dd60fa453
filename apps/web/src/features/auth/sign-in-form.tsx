import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { useI18n } from '../../app/i18n';
import type { Me } from '@huitong/contract/org';
import { useAuth } from './auth-context';

type Values = { username: string; password: string };

/** Username and password; 401/429 and other failures show the server's message above the form. */
export function SignInForm({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t, pick } = useI18n();
  const { signIn } = useAuth();
  const [form] = Form.useForm<Values>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFinish = async (values: Values) => {
    setSubmitting(true);
    setError(null);
    try {
      const me = await signIn(values.username.trim(), values.password);
      onSignedIn(me);
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.problem.message) setError(pick(err.problem.message));
        else if (err.status === 401) setError(t('auth.signIn.invalid'));
        else if (err.status === 429) setError(t('auth.signIn.tooMany'));
        else if (err.status === 0) setError(t('error.network'));
        else setError(t('error.http', { status: err.status }));
      } else {
        setError(t('error.unexpected'));
      }
      form.setFieldValue('password', '');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      size="large"
      onFinish={(v) => void onFinish(v)}
      requiredMark={false}
      data-testid="sign-in-form"
    >
      {error ? (
        <div data-testid="sign-in-error">
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />
        </div>
      ) : null}
      <Form.Item
        name="username"
        label={t('auth.username')}
        rules={[{ required: true, whitespace: true, message: t('auth.username.required') }]}
      >
        <Input
          prefix={<UserOutlined />}
          autoComplete="username"
          autoFocus
          data-testid="sign-in-username"
          placeholder={t('auth.username.placeholder')}
        />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('auth.password')}
        rules={[{ required: true, message: t('auth.password.required') }]}
      >
        <Input.Password
          prefix={<LockOutlined />}
          autoComplete="current-password"
          data-testid="sign-in-password"
          placeholder={t('auth.password.placeholder')}
        />
      </Form.Item>
      <Form.Item style={{ marginBottom: 8 }}>
        <Button type="primary" htmlType="submit" block loading={submitting} data-testid="sign-in-submit">
          {t('auth.signIn')}
        </Button>
      </Form.Item>
    </Form>
  );
}
