import { EditOutlined, KeyOutlined, LockOutlined, PlusOutlined, UnlockOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { usePagedList } from '../../components/hooks/use-paged-list';
import { useShowError } from '../../components/hooks/use-show-error';
import { PagedTable } from '../../components/paged-table';
import { PageContainer } from '../../components/page-container';
import { SearchInput } from '../../components/search-input';
import { CreateAccountModal, EditAccountModal, ResetPasswordModal } from './account-modals';
import { orgApi } from './org-api';
import { isLocked } from './org-status';
import type { Account as StaffAccount } from '@huitong/contract/org';
import { OrganisationSelect } from './organisation-select';
import { RoleTags } from './role-tags';

type Filters = { q?: string | undefined; orgId?: string | undefined };

export function AccountsPanel() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const list = usePagedList<StaffAccount, Filters>((query, signal) => orgApi.listAccounts(query, signal), {});
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<StaffAccount | null>(null);
  const [resetting, setResetting] = useState<StaffAccount | null>(null);

  const unlock = async (a: StaffAccount) => {
    try {
      await orgApi.unlockAccount(a.id);
      void message.success(t('account.unlocked'));
      list.reload();
    } catch (err) {
      showError(err);
    }
  };

  const columns: TableColumnsType<StaffAccount> = [
    {
      title: t('auth.username'),
      dataIndex: 'username',
      width: 160,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    { title: t('account.displayName'), dataIndex: 'displayName', width: 190 },
    { title: t('account.organisation'), dataIndex: 'orgName' },
    {
      title: t('account.roles'),
      dataIndex: 'roles',
      render: (roles: string[]) => <RoleTags roles={roles} />,
    },
    {
      title: t('account.status'),
      key: 'status',
      width: 150,
      render: (_, a) => (
        <Space size={[0, 4]} wrap>
          {a.status === 'active' ? (
            <Tag color="green">{t('account.status.active')}</Tag>
          ) : (
            <Tag>{t('account.status.disabled')}</Tag>
          )}
          {isLocked(a) ? (
            <Tooltip
              title={
                <>
                  {a.lockedAddresses?.length ? (
                    <div>{t('account.lockedAddresses', { addresses: a.lockedAddresses.join('、') })}</div>
                  ) : null}
                  {a.lockedUntil ? (
                    <div>
                      {t('account.lockedUntil', { time: dayjs(a.lockedUntil).format('YYYY-MM-DD HH:mm') })}
                    </div>
                  ) : null}
                </>
              }
            >
              <Tag color="red" icon={<LockOutlined />} data-testid="account-locked">
                {t('account.locked')}
              </Tag>
            </Tooltip>
          ) : null}
          {a.mustChangePassword ? <Tag color="orange">{t('account.mustChangePassword')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('account.lastSignIn'),
      dataIndex: 'lastSignInAt',
      width: 150,
      render: (v: string | null | undefined) =>
        v ? dayjs(v).format('YYYY-MM-DD HH:mm') : <span className="ht-muted">—</span>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 250,
      fixed: 'right',
      render: (_, a) => (
        <Space size={0} wrap>
          <Button
            type="link"
            size="small"
            icon={<EditOutlined />}
            data-testid="account-edit"
            onClick={() => setEditing(a)}
          >
            {t('common.edit')}
          </Button>
          <Button
            type="link"
            size="small"
            icon={<KeyOutlined />}
            data-testid="account-reset-password"
            onClick={() => setResetting(a)}
          >
            {t('account.resetPassword')}
          </Button>
          {isLocked(a) ? (
            <Popconfirm
              title={t('account.unlock.confirm', { username: a.username })}
              onConfirm={() => unlock(a)}
              okButtonProps={{ 'data-testid': 'account-unlock-confirm' }}
            >
              <Button type="link" size="small" icon={<UnlockOutlined />} data-testid="account-unlock">
                {t('account.unlock')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('nav.admin.accounts')}
      description={t('account.page.description')}
      testId="accounts-page"
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="account-create"
          onClick={() => setCreating(true)}
        >
          {t('account.create')}
        </Button>
      }
    >
      <div className="ht-filters">
        <SearchInput
          placeholder={t('account.search.placeholder')}
          onSearch={(q) => list.setFilters({ ...list.filters, q: q || undefined })}
          style={{ width: 260 }}
          testId="account-search"
        />
        <OrganisationSelect
          value={list.filters.orgId}
          onChange={(orgId) => list.setFilters({ ...list.filters, orgId })}
          placeholder={t('account.filter.organisation')}
          style={{ width: 280 }}
          testId="account-filter-org"
        />
      </div>
      <PagedTable<StaffAccount>
        list={list}
        testId="accounts-table"
        rowTestId="account-row"
        rowKey="id"
        size="middle"
        columns={columns}
        scroll={{ x: 1200 }}
      />
      <CreateAccountModal
        open={creating}
        defaultOrgId={list.filters.orgId}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          void message.success(t('account.created'));
          list.reload();
        }}
      />
      <EditAccountModal
        account={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void message.success(t('common.saved'));
          list.reload();
        }}
      />
      <ResetPasswordModal
        account={resetting}
        onClose={() => setResetting(null)}
        onDone={(password) => {
          const username = resetting?.username ?? '';
          setResetting(null);
          list.reload();
          void modal.success({
            title: t('account.resetPassword.done', { username }),
            content: (
              <div>
                <Typography.Paragraph>{t('account.resetPassword.tell')}</Typography.Paragraph>
                <Typography.Text code copyable data-testid="account-temporary-password">
                  {password}
                </Typography.Text>
              </div>
            ),
          });
        }}
      />
    </PageContainer>
  );
}
