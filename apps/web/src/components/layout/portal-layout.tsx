import { DesktopOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Space, Tooltip } from 'antd';
import { Suspense } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { useAuth } from '../../features/auth/auth-context';
import type { MessageKey } from '../../i18n/zh-CN';
import { FullPageSpin } from '../full-page-spin';
import { Brand } from './brand';
import { LanguageSwitch } from './language-switch';

type PortalNavItem = { key: string; to: string; label: MessageKey; disabled?: boolean };

const PORTAL_NAV: readonly PortalNavItem[] = [
  { key: 'home', to: '/', label: 'portal.nav.home' },
  { key: 'catalog', to: '/catalog', label: 'portal.nav.catalog' },
  { key: 'applications', to: '/applications', label: 'portal.nav.applications' },
  { key: 'requests', to: '/requests', label: 'portal.nav.requests' },
  { key: 'developers', to: '/developers', label: 'portal.nav.developers' },
  { key: 'showcase', to: '/showcase', label: 'portal.nav.showcase' },
];

export function PortalLayout() {
  const { t } = useI18n();
  const { account, signOut } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();

  const onSignOut = async () => {
    await signOut();
    void message.success(t('auth.signedOut'));
    void navigate('/', { replace: true });
  };

  return (
    <div className="ht-portal">
      <div className="ht-portal-topline">
        <div className="ht-container ht-portal-topline-inner">
          <span>{t('portal.topline')}</span>
          <Space size="small">
            <LanguageSwitch />
          </Space>
        </div>
      </div>
      <header className="ht-portal-header">
        <div className="ht-container ht-portal-header-inner">
          <Brand to="/" subtitle={t('portal.brandSubtitle')} />
          <nav className="ht-portal-nav" aria-label={t('portal.nav.label')}>
            {PORTAL_NAV.map((item) =>
              item.disabled ? (
                <Tooltip key={item.key} title={t('comingSoon.title')}>
                  <span
                    className="ht-portal-nav-item is-disabled"
                    data-testid={`portal-nav-${item.key}`}
                    aria-disabled="true"
                  >
                    {t(item.label)}
                    <span className="ht-soon-badge">{t('comingSoon.badge')}</span>
                  </span>
                </Tooltip>
              ) : (
                <NavLink
                  key={item.key}
                  to={item.to}
                  end={item.to === '/'}
                  className={({ isActive }) => `ht-portal-nav-item${isActive ? ' is-active' : ''}`}
                  data-testid={`portal-nav-${item.key}`}
                >
                  {t(item.label)}
                </NavLink>
              ),
            )}
          </nav>
          <Space size="small" className="ht-portal-actions">
            <Button
              ghost
              icon={<DesktopOutlined />}
              data-testid="portal-workspace-link"
              onClick={() => void navigate('/workspace')}
            >
              {t('portal.workspaceLink')}
            </Button>
            {account ? (
              <>
                <span className="ht-portal-user" data-testid="portal-user">
                  <UserOutlined /> {account.displayName}
                </span>
                <Button
                  type="text"
                  icon={<LogoutOutlined />}
                  style={{ color: '#fff' }}
                  data-testid="sign-out-button"
                  onClick={() => void onSignOut()}
                >
                  {t('auth.signOut')}
                </Button>
              </>
            ) : (
              <>
                <Button
                  className="ht-btn-light"
                  data-testid="portal-sign-in"
                  onClick={() => void navigate('/sign-in')}
                >
                  {t('auth.signIn')}
                </Button>
                <Button ghost data-testid="portal-register" onClick={() => void navigate('/register')}>
                  {t('auth.register')}
                </Button>
              </>
            )}
          </Space>
        </div>
      </header>
      <main className="ht-portal-main">
        <Suspense fallback={<FullPageSpin />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="ht-portal-footer">
        <div className="ht-container ht-portal-footer-inner">
          <div>
            <div className="ht-footer-title">{t('portal.footer.title')}</div>
            <div>{t('portal.footer.host')}</div>
            <div>{t('portal.footer.basis')}</div>
          </div>
          <div className="ht-footer-links">
            <Link to="/developers">{t('portal.nav.developers')}</Link>
            <Link to="/workspace">{t('portal.workspaceLink')}</Link>
            <a href="/api/docs">{t('portal.footer.apiDocs')}</a>
          </div>
        </div>
        <div className="ht-container ht-footer-copy">{t('portal.footer.copyright')}</div>
      </footer>
    </div>
  );
}
