import { App, Space, Typography } from 'antd';
import { Link, useNavigate } from 'react-router';
import { useDocumentTitle, useI18n } from '../app/i18n';
import { AuthFrame } from '../components/layout/auth-frame';
import { useAuth } from '../features/auth/auth-context';
import { RegisterForm } from '../features/auth/register-form';

export function RegisterPage() {
  const { t } = useI18n();
  const { refresh } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  useDocumentTitle(t('register.title'));

  const onRegistered = async () => {
    void message.success(t('register.done'));
    // Some deployments sign the new account in at once; otherwise go to sign-in.
    const me = await refresh();
    void navigate(me ? '/' : '/sign-in', { replace: true });
  };

  return (
    <AuthFrame title={t('register.title')} subtitle={t('register.subtitle')} wide>
      <RegisterForm onRegistered={() => void onRegistered()} />
      <Space className="ht-auth-links" separator={<Typography.Text type="secondary">|</Typography.Text>}>
        <Link to="/sign-in">{t('register.haveAccount')}</Link>
        <Link to="/">{t('auth.backToPortal')}</Link>
      </Space>
    </AuthFrame>
  );
}
