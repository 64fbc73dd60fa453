import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { isAdmin } from '../auth/auth-api';
import { useAuth } from '../auth/auth-context';
import { CreateCredentialModal, CredentialTokenModal } from './credential-modals';
import type { CreatedCredential } from '@huitong/contract/org';
import { orgApi } from './org-api';
import { credentialStatus, type CredentialStatus } from './org-status';
import type { Credential } from '@huitong/contract/org';
import { OrganisationSelect } from './organisation-select';
import { RoleTags } from './role-tags';

const STATUS_COLOURS: Record<CredentialStatus, string> = {
  active: 'green',
  expired: 'orange',
  revoked: 'default',
};

function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—';
}

export function CredentialsPanel() {
  const { t } = useI18n();
  const { account } = useAuth();
  const { message } = App.useApp();
  const showError = useShowError();
  const admin = isAdmin(account);
  // A security officer who is not an administrator manages only their own organisation's credentials.
  const org = account?.org;
  const fixedOrg = useMemo(
    () => (!admin && org ? { id: org.id, name: org.name, kind: org.kind } : null),
    [admin, org],
  );
  const [orgId, setOrgId] = useState<string | undefined>(fixedOrg?.id);
  const list = useAsync(
    (signal) => orgApi.listCredentials(fixedOrg?.id ?? orgId, signal),
    [orgId, fixedOrg?.id],
  );
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedCredential | null>(null);

  const revoke = async (c: Credential) => {
    try {
      await orgApi.revokeCredential(c.id);
      void message.success(t('credential.revoked'));
      list.reload();
    } catch (err) {
      showError(err);
    }
  };

  const columns: TableColumnsType<Credential> = [
    {
      title: t('credential.name'),
      dataIndex: 'name',
      width: 250,
      render: (_, c) => (
        <div>
          <Typography.Text strong>{c.name}</Typography.Text>
          <div className="ht-cell-sub">
            <Typography.Text code>{c.keyId}</Typography.Text>
          </div>
        </div>
      ),
    },
    { title: t('account.organisation'), dataIndex: 'orgName' },
    {
      title: t('account.roles'),
      dataIndex: 'roles',
      render: (roles: string[]) => <RoleTags roles={roles} />,
    },
    {
      title: t('credential.status'),
      key: 'status',
      width: 100,
      render: (_, c) => {
        const status = credentialStatus(c);
        return (
          <Tag color={STATUS_COLOURS[status]} data-testid="credential-status" data-status={status}>
            {t(`credential.status.${status}`)}
          </Tag>
        );
      },
    },
    {
      title: t('credential.createdAt'),
      dataIndex: 'createdAt',
      width: 150,
      render: (v: string) => formatTime(v),
    },
    {
      title: t('credential.expiresAt'),
      dataIndex: 'expiresAt',
      width: 150,
      render: (v: string | null) => (v ? formatTime(v) : t('credential.never')),
    },
    {
      title: t('credential.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      width: 150,
      render: (v: string | null) => formatTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      fixed: 'right',
      render: (_, c) =>
        credentialStatus(c) === 'revoked' ? null : (
          <Popconfirm
            title={t('credential.revoke.confirm', { name: c.name })}
            description={t('credential.revoke.description')}
            okText={t('credential.revoke')}
            okButtonProps={{ danger: true, 'data-testid': 'credential-revoke-confirm' }}
            onConfirm={() => revoke(c)}
          >
            <Button type="link" size="small" danger icon={<StopOutlined />} data-testid="credential-revoke">
              {t('credential.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <PageContainer
      title={t('nav.admin.credentials')}
      description={t('credential.page.description')}
      testId="credentials-page"
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="credential-create"
          onClick={() => setCreating(true)}
        >
          {t('credential.create')}
        </Button>
      }
    >
      {admin ? (
        <div className="ht-filters">
          <OrganisationSelect
            value={orgId}
            onChange={setOrgId}
            placeholder={t('account.filter.organisation')}
            style={{ width: 300 }}
            testId="credential-filter-org"
          />
        </div>
      ) : null}
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <div data-testid="credentials-table">
        <PagedTable<Credential>
          rowKey="id"
          size="middle"
          columns={columns}
          rows={list.data ?? []}
          loading={list.loading}
          showTotal={false}
          rowTestId="credential-row"
          scroll={{ x: 1100 }}
        />
      </div>
      <CreateCredentialModal
        open={creating}
        fixedOrg={fixedOrg}
        defaultOrgId={orgId}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          setCreated(c);
          list.reload();
        }}
      />
      <CredentialTokenModal created={created} onClose={() => setCreated(null)} />
    </PageContainer>
  );
}
