import { Space, Typography } from 'antd';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useDocumentTitle, useI18n } from '../app/i18n';
import { FullPageSpin } from '../components/full-page-spin';
import { AuthFrame } from '../components/layout/auth-frame';
import { useAuth } from '../features/auth/auth-context';
import { homeOf } from '../features/auth/guards';
import { SignInForm } from '../features/auth/sign-in-form';

export function SignInPage() {
  const { t } = useI18n();
  const { state } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  useDocumentTitle(t('auth.signIn.title'));

  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'signed-in') {
    const { account } = state.me;
    if (account.mustChangePassword) return <Navigate to="/change-password" replace />;
    return <Navigate to={homeOf(account, next)} replace />;
  }

  return (
    <AuthFrame title={t('auth.signIn.title')} subtitle={t('auth.signIn.subtitle')}>
      <SignInForm
        onSignedIn={(me) => {
          const dest = homeOf(me.account, next);
          if (me.account.mustChangePassword) {
            void navigate(`/change-password?next=${encodeURIComponent(dest)}`, { replace: true });
          } else {
            void navigate(dest, { replace: true });
          }
        }}
      />
      <Space className="ht-auth-links" separator={<Typography.Text type="secondary">|</Typography.Text>}>
        <Link to="/register" data-testid="sign-in-register-link">
          {t('auth.signIn.noAccount')}
        </Link>
        <Link to="/" data-testid="sign-in-portal-link">
          {t('auth.backToPortal')}
        </Link>
      </Space>
    </AuthFrame>
  );
}
