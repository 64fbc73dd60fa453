import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Segmented, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { navFrom } from '../../app/workspace-nav';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { useAuth } from '../auth/auth-context';
import { canCatalogue } from './catalog-access';
import { catalogApi } from './catalog-api';
import { StateTag, formatTime } from './catalog-labels';
import type { OwnEntry } from '@huitong/contract/catalog';
import { XlsxImportButton, XlsxTemplateButton } from './catalog-xlsx';

type Filter = 'all' | 'working' | 'returned' | 'published';

/** Entries opened from here keep 我的目录 highlighted in the menu. */
const FROM = navFrom('catalog-mine');

/** 我的目录: the organisation's entries in every state. */
export function MyEntries() {
  const { t } = useI18n();
  const { account } = useAuth();
  const navigate = useNavigate();
  const list = useAsync((signal) => catalogApi.mine(signal), []);
  const [filter, setFilter] = useState<Filter>('all');
  const cataloguer = canCatalogue(account);

  const rows = (list.data ?? []).filter((e) => {
    switch (filter) {
      case 'all':
        return true;
      case 'working':
        return e.workingState !== null;
      case 'returned':
        return e.workingState === 'returned';
      case 'published':
        return e.publishedVersionNo !== null;
    }
  });

  const columns: TableColumnsType<OwnEntry> = [
    {
      title: t('catalog.field.name'),
      dataIndex: 'name',
      render: (v: string, e) => (
        <Link to={`/workspace/catalog/entries/${e.id}`} state={FROM} data-testid="mine-entry-link">
          {v || '—'}
        </Link>
      ),
    },
    {
      title: t('catalog.field.code'),
      dataIndex: 'code',
      width: 170,
      render: (v: string | null) =>
        v ? (
          <Typography.Text code>{v}</Typography.Text>
        ) : (
          <span className="ht-muted">{t('catalog.entry.notPublished')}</span>
        ),
    },
    {
      title: t('catalog.mine.published'),
      dataIndex: 'publishedVersionNo',
      width: 130,
      render: (v: number | null) =>
        v ? (
          <Space size={4}>
            <StateTag value="published" />
            {t('catalog.entry.version', { no: v })}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: t('catalog.mine.working'),
      key: 'working',
      width: 150,
      render: (_, e) =>
        e.workingState && e.workingVersionNo ? (
          <Space size={4}>
            <StateTag value={e.workingState} testId="mine-working-state" />
            {t('catalog.entry.version', { no: e.workingVersionNo })}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: t('catalog.entry.confirmedAt'),
      dataIndex: 'confirmedAt',
      width: 150,
      render: (v: string | null) => formatTime(v),
    },
    {
      title: t('common.updatedAt'),
      dataIndex: 'updatedAt',
      width: 150,
      render: (v: string) => formatTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, e) =>
        cataloguer && (e.workingState === 'draft' || e.workingState === 'returned') ? (
          <Button
            type="link"
            size="small"
            icon={<EditOutlined />}
            onClick={() => void navigate(`/workspace/catalog/entries/${e.id}/edit`, { state: FROM })}
            data-testid="mine-edit"
          >
            {t('common.edit')}
          </Button>
        ) : null,
    },
  ];

  return (
    <PageContainer
      title={t('nav.catalog.mine')}
      description={t('catalog.mine.description')}
      testId="catalog-mine-page"
      extra={
        cataloguer ? (
          <>
            <XlsxTemplateButton />
            <XlsxImportButton onImported={list.reload} />
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/workspace/catalog/new')}
              data-testid="catalog-create"
            >
              {t('catalog.mine.create')}
            </Button>
          </>
        ) : null
      }
    >
      <div className="ht-filters">
        <Segmented<Filter>
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: t('catalog.mine.filter.all') },
            { value: 'working', label: t('catalog.mine.filter.working') },
            { value: 'returned', label: t('catalog.mine.filter.returned') },
            { value: 'published', label: t('catalog.mine.filter.published') },
          ]}
          data-testid="mine-filter"
        />
      </div>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <PagedTable<OwnEntry>
        rowKey="id"
        size="middle"
        columns={columns}
        rows={rows}
        loading={list.loading}
        hideOnSinglePage={false}
        emptyText={t('catalog.mine.empty')}
        rowTestId="mine-row"
        scroll={{ x: 1000 }}
      />
    </PageContainer>
  );
}
