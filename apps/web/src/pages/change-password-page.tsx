import { Alert, App, Button } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { useDocumentTitle, useI18n } from '../app/i18n';
import { AuthFrame } from '../components/layout/auth-frame';
import { useAuth } from '../features/auth/auth-context';
import { ChangePasswordForm } from '../features/auth/change-password-form';
import { homeOf } from '../features/auth/guards';

export function ChangePasswordPage() {
  const { t } = useI18n();
  const { account, refresh, signOut } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  useDocumentTitle(t('auth.changePassword'));
  const forced = account?.mustChangePassword === true;

  const onChanged = async () => {
    void message.success(t('auth.changePassword.done'));
    const me = await refresh();
    if (!me) {
      void navigate('/sign-in', { replace: true });
      return;
    }
    void navigate(homeOf(me.account, next), { replace: true });
  };

  return (
    <AuthFrame
      title={t('auth.changePassword')}
      subtitle={account ? `${account.displayName} (${account.username})` : undefined}
    >
      {forced ? (
        <div data-testid="change-password-required">
          <Alert
            type="warning"
            showIcon
            title={t('auth.changePassword.required')}
            style={{ marginBottom: 16 }}
          />
        </div>
      ) : null}
      <ChangePasswordForm onChanged={() => void onChanged()} />
      <div className="ht-auth-links">
        {forced ? (
          <Button
            type="link"
            data-testid="sign-out-button"
            onClick={() => {
              void signOut().then(() => navigate('/sign-in', { replace: true }));
            }}
          >
            {t('auth.signOut')}
          </Button>
        ) : (
          <Button
            type="link"
            data-testid="change-password-cancel"
            onClick={() => void navigate(account ? homeOf(account, next) : '/')}
          >
            {t('common.back')}
          </Button>
        )}
      </div>
    </AuthFrame>
  );
}
