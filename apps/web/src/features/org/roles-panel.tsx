import { CheckOutlined, MinusOutlined } from '@ant-design/icons';
import { Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useI18n } from '../../app/i18n';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { rowTestId } from '../../components/row-test-id';
import type { RoleInfo } from '@huitong/contract/values';
import { useRoleCatalog } from './use-roles';

export function RolesPanel() {
  const { t, pick } = useI18n();
  const { roles, loading, error } = useRoleCatalog();

  const columns: TableColumnsType<RoleInfo> = [
    {
      title: t('role.code'),
      dataIndex: 'role',
      width: 160,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: t('role.nameZh'),
      key: 'zh',
      width: 150,
      render: (_, r) => <Typography.Text strong>{r.zh}</Typography.Text>,
    },
    { title: t('role.nameEn'), key: 'en', width: 180, render: (_, r) => r.en },
    {
      title: t('role.description'),
      key: 'description',
      render: (_, r) => pick({ zh: r.descriptionZh, en: r.descriptionEn }),
    },
    {
      title: t('role.orgKinds'),
      key: 'orgKinds',
      width: 260,
      render: (_, r) => (
        <Space size={[0, 4]} wrap>
          {r.orgKinds.map((k) => (
            <Tag key={k}>{t(`org.kind.${k}`)}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('role.forSystems'),
      key: 'forSystems',
      width: 120,
      align: 'center',
      render: (_, r) =>
        r.forSystems ? (
          <CheckOutlined style={{ color: '#389e0d' }} />
        ) : (
          <MinusOutlined className="ht-muted" />
        ),
    },
  ];

  return (
    <PageContainer title={t('nav.admin.roles')} description={t('role.page.description')} testId="roles-page">
      {error ? <LoadError error={error} /> : null}
      <div data-testid="roles-table">
        <Table<RoleInfo>
          rowKey="role"
          size="middle"
          columns={columns}
          dataSource={roles}
          loading={loading}
          pagination={false}
          onRow={rowTestId('role-row')}
        />
      </div>
    </PageContainer>
  );
}
