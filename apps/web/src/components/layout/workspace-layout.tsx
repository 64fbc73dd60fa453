import { ApartmentOutlined, LockOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Layout, Menu, Space, Tooltip } from 'antd';
import type { MenuProps } from 'antd';
import { Suspense } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { HOME_ITEM, selectedKey, visibleGroups } from '../../app/workspace-nav';
import { useAuth } from '../../features/auth/auth-context';
import { InboxBell } from '../../features/inbox/inbox-bell';
import { RoleTags } from '../../features/org/role-tags';
import { FullPageSpin } from '../full-page-spin';
import { Brand } from './brand';
import { LanguageSwitch } from './language-switch';

type MenuItem = Required<MenuProps>['items'][number];

export function WorkspaceLayout() {
  const { t } = useI18n();
  const { account, signOut } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();

  if (!account) return <FullPageSpin />;

  const groups = visibleGroups(account);
  const items: MenuItem[] = [
    {
      key: HOME_ITEM.key,
      icon: HOME_ITEM.icon,
      label: t(HOME_ITEM.label),
      'data-testid': `nav-${HOME_ITEM.key}`,
    },
    ...groups.map((g): MenuItem => ({
      type: 'group',
      key: `group-${g.key}`,
      label: t(g.label),
      children: g.items.map((i) => ({
        key: i.key,
        icon: i.icon,
        label: i.ready ? (
          t(i.label)
        ) : (
          <span className="ht-menu-soon">
            {t(i.label)}
            <span className="ht-soon-badge">{t('comingSoon.badge')}</span>
          </span>
        ),
        'data-testid': `nav-${i.key}`,
      })),
    })),
  ];

  const paths = new Map<string, string>([[HOME_ITEM.key, HOME_ITEM.path]]);
  for (const g of groups) for (const i of g.items) paths.set(i.key, i.path);
  const selected = selectedKey(location, (key) => paths.has(key));

  const onSignOut = async () => {
    await signOut();
    void message.success(t('auth.signedOut'));
    void navigate('/sign-in', { replace: true });
  };

  return (
    <Layout className="ht-workspace">
      <Layout.Header className="ht-workspace-header">
        <Brand to="/workspace" subtitle={t('app.workspace')} />
        <Space size="middle" className="ht-topbar" wrap={false}>
          <Tooltip title={t('topbar.organisation')}>
            <span className="ht-topbar-org" data-testid="topbar-org">
              <ApartmentOutlined /> {account.org?.name ?? ''}
            </span>
          </Tooltip>
          <span className="ht-topbar-user" data-testid="topbar-user">
            <UserOutlined /> {account.displayName}
          </span>
          <span className="ht-topbar-roles">
            <RoleTags roles={account.roles} testId="topbar-roles" />
          </span>
          {account.kind === 'staff' ? <InboxBell /> : null}
          <LanguageSwitch light />
          <Button
            type="text"
            size="small"
            icon={<LockOutlined />}
            style={{ color: '#fff' }}
            data-testid="change-password-button"
            onClick={() => void navigate(`/change-password?next=${encodeURIComponent(location.pathname)}`)}
          >
            {t('auth.changePassword')}
          </Button>
          <Button
            type="text"
            size="small"
            icon={<LogoutOutlined />}
            style={{ color: '#fff' }}
            data-testid="sign-out-button"
            onClick={() => void onSignOut()}
          >
            {t('auth.signOut')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider
          width={256}
          className="ht-workspace-sider"
          breakpoint="lg"
          collapsedWidth={0}
          theme="light"
        >
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            items={items}
            data-testid="workspace-menu"
            onClick={({ key }) => {
              const path = paths.get(key);
              if (path) void navigate(path);
            }}
          />
        </Layout.Sider>
        <Layout.Content className="ht-workspace-content">
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
