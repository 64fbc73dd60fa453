import { Button, DatePicker, Select, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { usePagedList } from '../../components/hooks/use-paged-list';
import { PagedTable } from '../../components/paged-table';
import { PageContainer } from '../../components/page-container';
import { SearchInput } from '../../components/search-input';
import type { AuditEntry } from '@huitong/contract/security';
import { AUDIT_RESULTS, type AuditResult } from '@huitong/contract/values';
import { auditApi } from './audit-api';
import { useVerifyChain } from './use-verify-chain';

type Filters = {
  action?: string | undefined;
  result?: AuditResult | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

const RESULT_COLOURS: Record<AuditResult, string> = { success: 'green', failure: 'orange', denied: 'red' };

function AuditDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  return (
    <div className="ht-audit-detail" data-testid="audit-detail">
      <div className="ht-audit-detail-grid">
        <div>
          <div className="ht-audit-label">{t('audit.detail')}</div>
          <pre className="ht-json">{JSON.stringify(entry.detail ?? {}, null, 2)}</pre>
        </div>
        <div>
          <div className="ht-audit-label">{t('audit.target')}</div>
          <div>
            {entry.targetType ?? '—'}{' '}
            {entry.targetId ? <Typography.Text code>{entry.targetId}</Typography.Text> : null}
          </div>
          <div className="ht-audit-label">{t('audit.actorKind')}</div>
          <div>{t(`audit.actorKind.${entry.actorKind}`)}</div>
          <div className="ht-audit-label">{t('audit.hash')}</div>
          <Typography.Text code className="ht-hash" data-testid="audit-hash">
            {entry.hash}
          </Typography.Text>
          <div className="ht-audit-label">{t('audit.prevHash')}</div>
          <Typography.Text code className="ht-hash" data-testid="audit-prev-hash">
            {entry.prevHash}
          </Typography.Text>
        </div>
      </div>
    </div>
  );
}

export function AuditPanel() {
  const { t } = useI18n();
  const list = usePagedList<AuditEntry, Filters>((query, signal) => auditApi.list(query, signal), {}, 50);
  const verify = useVerifyChain();
  const [resetKey, setResetKey] = useState(0);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    {
      title: t('audit.at'),
      dataIndex: 'at',
      width: 170,
      render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm:ss'),
    },
    {
      title: t('audit.actor'),
      key: 'actor',
      width: 160,
      render: (_, e) => (
        <div>
          <div>{e.actorName ?? '—'}</div>
          <div className="ht-cell-sub">{t(`audit.actorKind.${e.actorKind}`)}</div>
        </div>
      ),
    },
    {
      title: t('audit.organisation'),
      dataIndex: 'orgName',
      width: 190,
      render: (v: string | null | undefined) => v ?? <span className="ht-muted">—</span>,
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 220,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: t('audit.target'),
      key: 'target',
      render: (_, e) =>
        e.targetType ? (
          <span>
            {e.targetType}
            {e.targetId ? (
              <span className="ht-cell-sub">
                {' '}
                {e.targetId.length > 12 ? `${e.targetId.slice(0, 8)}…` : e.targetId}
              </span>
            ) : null}
          </span>
        ) : (
          <span className="ht-muted">—</span>
        ),
    },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130 },
    {
      title: t('audit.result'),
      dataIndex: 'result',
      width: 90,
      render: (r: AuditResult) => (
        <Tag color={RESULT_COLOURS[r]} data-result={r}>
          {t(`audit.result.${r}`)}
        </Tag>
      ),
    },
  ];

  const apply = (next: Partial<Filters>) => list.setFilters({ ...list.filters, ...next });

  return (
    <PageContainer
      title={t('nav.admin.audit')}
      description={t('audit.page.description')}
      testId="audit-page"
      extra={verify.button}
    >
      {verify.result}
      <div className="ht-filters">
        <SearchInput
          key={resetKey}
          placeholder={t('audit.filter.action')}
          onSearch={(v) => apply({ action: v || undefined })}
          style={{ width: 240 }}
          testId="audit-filter-action"
        />
        <Select
          allowClear
          placeholder={t('audit.result')}
          value={list.filters.result}
          onChange={(result: AuditResult | undefined) => apply({ result })}
          options={AUDIT_RESULTS.map((r) => ({ value: r, label: t(`audit.result.${r}`) }))}
          style={{ width: 140 }}
          data-testid="audit-filter-result"
        />
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => {
            setRange(v);
            const [start, end] = v ?? [null, null];
            apply({
              from: start ? start.startOf('day').toISOString() : undefined,
              to: end ? end.add(1, 'day').startOf('day').toISOString() : undefined,
            });
          }}
          data-testid="audit-filter-range"
        />
        <Button
          onClick={() => {
            setResetKey((k) => k + 1);
            setRange(null);
            list.setFilters({});
          }}
        >
          {t('common.reset')}
        </Button>
      </div>
      <PagedTable<AuditEntry>
        list={list}
        testId="audit-table"
        rowTestId="audit-row"
        rowKey="seq"
        size="small"
        columns={columns}
        expandable={{ expandedRowRender: (e) => <AuditDetail entry={e} /> }}
        scroll={{ x: 1250 }}
      />
    </PageContainer>
  );
}
