import { CloudUploadOutlined } from '@ant-design/icons';
import { Button, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link, useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { catalogApi } from '../catalog/catalog-api';
import { formatTime } from '../catalog/catalog-labels';
import type { OwnEntry } from '@huitong/contract/catalog';
import type { DataVersion } from '@huitong/contract/provision';
import { provisionApi } from './provision-api';

type Row = OwnEntry & { current: DataVersion | null };

export const provisionEntryPath = (id: string): string => `/workspace/provision/entries/${id}`;

/** The department's published entries, each with its current data version. */
async function loadRows(signal: AbortSignal): Promise<Row[]> {
  const published = (await catalogApi.mine(signal)).filter((e) => e.publishedVersionNo !== null);
  return Promise.all(
    published.map(async (e) => {
      const versions = await provisionApi.versions(e.id, signal);
      return { ...e, current: versions.find((v) => v.current) ?? null };
    }),
  );
}

/** 资源数据 (`/workspace/provision`): the department's published resources and their data. */
export function ProvisionList() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useAsync(loadRows, []);

  const columns: TableColumnsType<Row> = [
    {
      title: t('provision.field.entry'),
      dataIndex: 'name',
      render: (v: string, e) => (
        <Link to={provisionEntryPath(e.id)} data-testid="provision-entry-link">
          {v}
        </Link>
      ),
    },
    {
      title: t('catalog.field.code'),
      dataIndex: 'code',
      width: 190,
      render: (v: string | null) => (v ? <Typography.Text code>{v}</Typography.Text> : '—'),
    },
    {
      title: t('provision.field.current'),
      key: 'current',
      width: 150,
      render: (_, e) =>
        e.current ? (
          <Space size={4} data-testid="provision-entry-version">
            <Tag color="blue">v{e.current.versionNo}</Tag>
          </Space>
        ) : (
          <span className="ht-muted">{t('provision.noData')}</span>
        ),
    },
    {
      title: t('provision.field.rows'),
      key: 'rows',
      width: 110,
      align: 'right',
      render: (_, e) => (e.current?.rowCount ?? null)?.toLocaleString() ?? '—',
    },
    {
      title: t('provision.field.updatedAt'),
      key: 'updatedAt',
      width: 160,
      render: (_, e) => (e.current ? formatTime(e.current.completedAt ?? e.current.createdAt) : '—'),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, e) => (
        <Button
          type="link"
          size="small"
          icon={<CloudUploadOutlined />}
          onClick={() => void navigate(provisionEntryPath(e.id))}
          data-testid="provision-entry-open"
        >
          {t('provision.open')}
        </Button>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('nav.provision.data')}
      description={t('provision.list.description')}
      testId="provision-page"
    >
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <PagedTable<Row>
        rowKey="id"
        size="middle"
        columns={columns}
        rows={list.data ?? []}
        loading={list.loading}
        emptyText={t('provision.list.empty')}
        rowTestId="provision-entry-row"
        scroll={{ x: 900 }}
      />
    </PageContainer>
  );
}
