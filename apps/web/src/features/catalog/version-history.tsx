import { ArrowRightOutlined, DiffOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Select, Space, Spin, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { rowTestId } from '../../components/row-test-id';
import { catalogApi } from './catalog-api';
import { StateTag, basisTitle, categoryText, formatTime } from './catalog-labels';
import type { Category, DataItem, LegalBasis, Version, VersionDiff } from '@huitong/contract/catalog';

type Row = {
  key: string;
  kind: 'field' | 'added' | 'removed' | 'changed';
  field: string;
  before: ReactNode;
  after: ReactNode;
};

const ENUM_FIELDS: Record<string, string> = {
  classification: 'catalog.classification',
  baseKind: 'catalog.baseKind',
  format: 'catalog.format',
  shareType: 'catalog.shareType',
  shareMethod: 'catalog.shareMethod',
  openType: 'catalog.openType',
  updateCycle: 'catalog.updateCycle',
  dataType: 'catalog.dataType',
  sensitivity: 'catalog.sensitivity',
};

function useValueText(bases: Map<string, LegalBasis>) {
  const { t, tDynamic } = useI18n();
  const empty = <span className="ht-muted">{t('catalog.diff.empty')}</span>;
  return (field: string, value: unknown): ReactNode => {
    if (value === null || value === undefined || value === '') return empty;
    if (Array.isArray(value)) {
      if (value.length === 0) return empty;
      if (field === 'shareBasisIds' || field === 'openBasisIds') {
        return (
          <ul className="ht-diff-list">
            {value.map((id) => {
              const b = bases.get(String(id));
              return <li key={String(id)}>{b ? basisTitle(b) : String(id)}</li>;
            })}
          </ul>
        );
      }
      return value.map(String).join('、');
    }
    if (field === 'category' && typeof value === 'object') return categoryText(value as Category) || empty;
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
    if (typeof value === 'object') return JSON.stringify(value);
    const raw = typeof value === 'string' ? value : JSON.stringify(value);
    const prefix = ENUM_FIELDS[field];
    if (prefix) return tDynamic(`${prefix}.${raw}`, raw);
    return <span className="ht-pre">{raw}</span>;
  };
}

function itemSummary(d: DataItem, t: ReturnType<typeof useI18n>['t']): string {
  return [
    `${d.label}（${d.name}）`,
    t(`catalog.dataType.${d.dataType}`),
    d.length ? `${t('catalog.item.length')} ${d.length}` : null,
    d.required ? t('catalog.item.required') : null,
    t(`catalog.sensitivity.${d.sensitivity}`),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A field-by-field table of what changed between two versions. */
export function DiffTable({
  diff,
  bases,
  items,
}: {
  diff: VersionDiff;
  bases: Map<string, LegalBasis>;
  items: DataItem[];
}) {
  const { t, tDynamic } = useI18n();
  const valueText = useValueText(bases);
  const labelOf = (name: string) => items.find((d) => d.name === name)?.label ?? name;

  const rows: Row[] = [
    ...diff.fields.map((f): Row => ({
      key: `f-${f.field}`,
      kind: 'field',
      field: tDynamic(`catalog.field.${f.field}`, f.field),
      before: valueText(f.field, f.before),
      after: valueText(f.field, f.after),
    })),
    ...diff.items.added.map((d): Row => ({
      key: `a-${d.name}`,
      kind: 'added',
      field: t('catalog.item.prefix', { label: d.label }),
      before: <span className="ht-muted">{t('catalog.diff.empty')}</span>,
      after: itemSummary(d, t),
    })),
    ...diff.items.removed.map((d): Row => ({
      key: `r-${d.name}`,
      kind: 'removed',
      field: t('catalog.item.prefix', { label: d.label }),
      before: itemSummary(d, t),
      after: <span className="ht-muted">{t('catalog.diff.empty')}</span>,
    })),
    ...diff.items.changed.flatMap((c) =>
      c.changes.map((ch): Row => ({
        key: `c-${c.name}-${ch.field}`,
        kind: 'changed',
        field: `${t('catalog.item.prefix', { label: labelOf(c.name) })} · ${tDynamic(`catalog.item.${ch.field}`, ch.field)}`,
        before: valueText(ch.field, ch.before),
        after: valueText(ch.field, ch.after),
      })),
    ),
  ];

  const KIND_TAGS: Record<Row['kind'], ReactNode> = {
    field: null,
    added: <Tag color="green">{t('catalog.diff.added')}</Tag>,
    removed: <Tag color="red">{t('catalog.diff.removed')}</Tag>,
    changed: <Tag color="blue">{t('catalog.diff.changed')}</Tag>,
  };

  const columns: TableColumnsType<Row> = [
    {
      title: t('catalog.diff.field'),
      dataIndex: 'field',
      width: 260,
      render: (v: string, r) => (
        <span>
          {KIND_TAGS[r.kind]}
          <strong>{v}</strong>
        </span>
      ),
    },
    {
      title: t('catalog.diff.before'),
      dataIndex: 'before',
      render: (v: ReactNode) => <div className="ht-diff-before">{v}</div>,
    },
    { title: '', key: 'arrow', width: 36, render: () => <ArrowRightOutlined className="ht-muted" /> },
    {
      title: t('catalog.diff.after'),
      dataIndex: 'after',
      render: (v: ReactNode) => <div className="ht-diff-after">{v}</div>,
    },
  ];

  if (rows.length === 0) return <Empty description={t('catalog.diff.none')} data-testid="diff-empty" />;
  return (
    <div data-testid="diff-table">
      <Table<Row>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={false}
        onRow={rowTestId('diff-row')}
      />
    </div>
  );
}

/** The version history of an entry, with a diff between any two versions. */
export function VersionHistory({ entryId }: { entryId: string }) {
  const { t } = useI18n();
  const versions = useAsync((signal) => catalogApi.versions(entryId, signal), [entryId]);
  const bases = useAsync((signal) => catalogApi.listLegalBases(true, signal), []);
  const basisMap = useMemo(() => new Map((bases.data ?? []).map((b) => [b.id, b])), [bases.data]);
  const list = versions.data ?? [];
  const [from, setFrom] = useState<number | undefined>(undefined);
  const [to, setTo] = useState<number | undefined>(undefined);

  // Compare the two newest versions by default.
  useEffect(() => {
    if (!versions.data || versions.data.length < 2) return;
    const nos = versions.data.map((v) => v.versionNo).sort((a, b) => b - a);
    setTo(nos[0]);
    setFrom(nos[1]);
  }, [versions.data]);

  const diff = useAsync(
    (signal) =>
      from !== undefined && to !== undefined && from !== to
        ? catalogApi.diff(entryId, from, to, signal)
        : Promise.resolve(undefined),
    [entryId, from, to],
  );

  const columns: TableColumnsType<Version> = [
    {
      title: t('catalog.field.version'),
      dataIndex: 'versionNo',
      width: 90,
      render: (no: number) => t('catalog.entry.version', { no }),
    },
    {
      title: t('catalog.history.state'),
      dataIndex: 'state',
      width: 100,
      render: (s: Version['state']) => <StateTag value={s} />,
    },
    { title: t('catalog.field.name'), key: 'name', render: (_, v) => v.metadata.name },
    {
      title: t('catalog.history.submitted'),
      key: 'submitted',
      width: 190,
      render: (_, v) =>
        v.submittedAt ? (
          <div>
            <div>{formatTime(v.submittedAt)}</div>
            <div className="ht-cell-sub">{v.submittedBy ?? ''}</div>
          </div>
        ) : (
          '—'
        ),
    },
    {
      title: t('catalog.history.reviewed'),
      key: 'reviewed',
      width: 220,
      render: (_, v) =>
        v.reviewedAt ? (
          <div>
            <div>{formatTime(v.reviewedAt)}</div>
            <div className="ht-cell-sub">
              {v.reviewedBy ?? ''}
              {v.reviewComment ? ` · ${v.reviewComment}` : ''}
            </div>
          </div>
        ) : (
          '—'
        ),
    },
    {
      title: t('catalog.history.publishedAt'),
      dataIndex: 'publishedAt',
      width: 150,
      render: (v: string | null) => formatTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 140,
      render: (_, v) => {
        const previous = list
          .map((x) => x.versionNo)
          .filter((n) => n < v.versionNo)
          .sort((a, b) => b - a)[0];
        return previous === undefined ? null : (
          <Button
            type="link"
            size="small"
            icon={<DiffOutlined />}
            onClick={() => {
              setFrom(previous);
              setTo(v.versionNo);
            }}
            data-testid="version-compare"
          >
            {t('catalog.history.compare')}
          </Button>
        );
      },
    },
  ];

  const options = list.map((v) => ({
    value: v.versionNo,
    label: `${t('catalog.entry.version', { no: v.versionNo })} · ${t(`catalog.state.${v.state}`)}`,
  }));
  const toVersion = list.find((v) => v.versionNo === to);
  const fromVersion = list.find((v) => v.versionNo === from);
  const items = [...(toVersion?.metadata.dataItems ?? []), ...(fromVersion?.metadata.dataItems ?? [])];

  return (
    <div data-testid="version-history">
      {versions.error ? <LoadError error={versions.error} onRetry={versions.reload} /> : null}
      <Table<Version>
        rowKey="versionNo"
        size="small"
        columns={columns}
        dataSource={list}
        loading={versions.loading}
        pagination={false}
        onRow={rowTestId('version-row')}
        scroll={{ x: 1000 }}
      />
      <Card
        size="small"
        className="ht-card"
        style={{ marginTop: 16 }}
        title={
          <Space wrap>
            <DiffOutlined />
            <span>{t('catalog.history.from')}</span>
            <Select
              size="small"
              value={from}
              options={options}
              onChange={setFrom}
              style={{ minWidth: 170 }}
              data-testid="diff-from"
            />
            <span>{t('catalog.history.to')}</span>
            <Select
              size="small"
              value={to}
              options={options}
              onChange={setTo}
              style={{ minWidth: 170 }}
              data-testid="diff-to"
            />
          </Space>
        }
      >
        {list.length < 2 && !versions.loading ? (
          <Alert type="info" showIcon title={t('catalog.history.single')} />
        ) : from === to ? (
          <Alert type="info" showIcon title={t('catalog.diff.sameVersion')} />
        ) : diff.error ? (
          <LoadError error={diff.error} onRetry={diff.reload} />
        ) : (
          <Spin spinning={diff.loading}>
            {diff.data ? (
              <>
                <div className="ht-diff-title" data-testid="diff-title">
                  {t('catalog.diff.title', { from: diff.data.from, to: diff.data.to })}
                </div>
                <DiffTable diff={diff.data} bases={basisMap} items={items} />
              </>
            ) : null}
          </Spin>
        )}
      </Card>
    </div>
  );
}
