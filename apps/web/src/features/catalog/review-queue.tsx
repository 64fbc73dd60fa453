import { AuditOutlined, WarningOutlined } from '@ant-design/icons';
import { Button, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link, useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { navFrom } from '../../app/workspace-nav';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { catalogApi } from './catalog-api';
import { formatTime } from './catalog-labels';
import type { ReviewQueueItem } from '@huitong/contract/catalog';

/** Entries opened from here keep 目录审核 highlighted in the menu. */
const FROM = navFrom('catalog-review');

/** 目录审核: the versions waiting for this reviewer's authority. */
export function ReviewQueue() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queue = useAsync((signal) => catalogApi.reviewQueue(signal), []);

  const columns: TableColumnsType<ReviewQueueItem> = [
    {
      title: t('catalog.field.name'),
      dataIndex: 'name',
      render: (v: string, r) => (
        <Link to={`/workspace/catalog/entries/${r.entryId}`} state={FROM} data-testid="review-entry-link">
          {v}
        </Link>
      ),
    },
    { title: t('catalog.field.org'), dataIndex: 'orgName', width: 220 },
    {
      title: t('catalog.queue.kind'),
      key: 'kind',
      width: 150,
      render: (_, r) =>
        r.code ? (
          <span>
            <Tag color="blue">{t('catalog.queue.kind.change')}</Tag>
            {t('catalog.entry.version', { no: r.versionNo })}
            <div className="ht-cell-sub">{r.code}</div>
          </span>
        ) : (
          <Tag color="green">{t('catalog.queue.kind.new')}</Tag>
        ),
    },
    {
      title: t('catalog.queue.submittedAt'),
      dataIndex: 'submittedAt',
      width: 150,
      defaultSortOrder: 'ascend',
      sorter: (a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''),
      render: (v: string | null) => formatTime(v),
    },
    {
      title: t('catalog.queue.submittedBy'),
      dataIndex: 'submittedBy',
      width: 140,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('catalog.field.duplicateJustification'),
      dataIndex: 'duplicateJustification',
      width: 300,
      render: (v: string | null) =>
        v ? (
          <span className="ht-dup-justification" data-testid="queue-duplicate-justification">
            <WarningOutlined style={{ color: '#d48806', marginInlineEnd: 4 }} />
            <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 260 }}>
              {v}
            </Typography.Text>
          </span>
        ) : (
          <span className="ht-muted">—</span>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_, r) => (
        <Button
          type="link"
          size="small"
          icon={<AuditOutlined />}
          onClick={() => void navigate(`/workspace/catalog/entries/${r.entryId}`, { state: FROM })}
          data-testid="review-open"
        >
          {t('catalog.queue.open')}
        </Button>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('nav.catalog.review')}
      description={t('catalog.queue.description')}
      testId="review-queue-page"
    >
      {queue.error ? <LoadError error={queue.error} onRetry={queue.reload} /> : null}
      <PagedTable<ReviewQueueItem>
        rowKey={(r) => `${r.entryId}-${r.versionNo}`}
        size="middle"
        columns={columns}
        rows={queue.data ?? []}
        loading={queue.loading}
        hideOnSinglePage={false}
        emptyText={t('catalog.queue.empty')}
        rowTestId="review-row"
        scroll={{ x: 1200 }}
      />
    </PageContainer>
  );
}
