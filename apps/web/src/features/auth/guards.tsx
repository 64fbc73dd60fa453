import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useDocumentTitle, useI18n } from '../../app/i18n';
import { FullPageSpin } from '../../components/full-page-spin';
import type { MeAccount } from '@huitong/contract/org';
import { useAuth } from './auth-context';

function useNext(): string {
  const location = useLocation();
  return encodeURIComponent(`${location.pathname}${location.search}`);
}

/** Staff only: anonymous visitors go to sign-in; a pending password change comes first. */
export function RequireStaff({ children }: { children: ReactNode }) {
  const { state, signOut } = useAuth();
  const { t } = useI18n();
  const navigate = useNavigate();
  const next = useNext();
  const publicAccount = state.status === 'signed-in' && state.me.account.kind !== 'staff';
  useDocumentTitle(publicAccount ? t('guard.staffOnly.title') : undefined);
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'anonymous') return <Navigate to={`/sign-in?next=${next}`} replace />;
  const { account } = state.me;
  if (account.mustChangePassword) return <Navigate to={`/change-password?next=${next}`} replace />;
  if (publicAccount) {
    return (
      <div data-testid="staff-only">
        <Result
          status="403"
          title={t('guard.staffOnly.title')}
          subTitle={t('guard.staffOnly.description')}
          extra={[
            <Button key="portal" type="primary" onClick={() => void navigate('/')}>
              {t('guard.backToPortal')}
            </Button>,
            <Button
              key="switch"
              data-testid="sign-out-button"
              onClick={() => {
                void signOut().then(() => navigate(`/sign-in?next=${next}`, { replace: true }));
              }}
            >
              {t('guard.switchAccount')}
            </Button>,
          ]}
        />
      </div>
    );
  }
  return <>{children}</>;
}

/** Any signed-in person. */
export function RequireSignedIn({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const next = useNext();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'anonymous') return <Navigate to={`/sign-in?next=${next}`} replace />;
  return <>{children}</>;
}

/** A workspace page for some roles only; others see a 403 inside the workspace. */
export function RequireAccess({
  allow,
  children,
}: {
  allow: (account: MeAccount) => boolean;
  children: ReactNode;
}) {
  const { account } = useAuth();
  const { t } = useI18n();
  const navigate = useNavigate();
  const allowed = account !== null && allow(account);
  useDocumentTitle(allowed ? undefined : t('guard.forbidden.title'));
  if (!allowed) {
    return (
      <div data-testid="forbidden">
        <Result
          status="403"
          title={t('guard.forbidden.title')}
          subTitle={t('guard.forbidden.description')}
          extra={
            <Button type="primary" onClick={() => void navigate('/workspace')}>
              {t('guard.backToWorkspace')}
            </Button>
          }
        />
      </div>
    );
  }
  return <>{children}</>;
}

/** Where a person goes after signing in: the page they came from, else staff → workspace, public → portal. */
export function homeOf(account: MeAccount, next: string | null): string {
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in')) {
    if (account.kind === 'staff' || !next.startsWith('/workspace')) return next;
  }
  return account.kind === 'staff' ? '/workspace' : '/';
}
