import {
  ApartmentOutlined,
  CheckCircleOutlined,
  EditOutlined,
  FileSearchOutlined,
  SyncOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Col, Row, Segmented, Space, Tag, Tooltip } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { navFrom } from '../../app/workspace-nav';
import { CountStatistic, OrgNameCell, countColumn } from '../../components/counts';
import { FullPageSpin } from '../../components/full-page-spin';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { rowAttrs } from '../../components/row-test-id';
import { useAuth } from '../auth/auth-context';
import { canKeepUpkeep, canScanUpkeep } from './catalog-access';
import { catalogApi } from './catalog-api';
import { basisTitle } from './catalog-labels';
import type {
  UpkeepEntry,
  UpkeepFilter,
  UpkeepOrganisation,
  UpkeepScanResult,
  UpkeepSummary,
} from '@huitong/contract/catalog';
import type { UpkeepStatus } from '@huitong/contract/values';
import { UpkeepScheduleCard } from './upkeep-schedule';

dayjs.extend(utc);

/** Dates of the upkeep schedule are Beijing dates, wherever the browser is. */
const BEIJING_OFFSET = 8 * 60;
const DAY_MS = 24 * 60 * 60 * 1000;
const beijing = (iso: string) => dayjs(iso).utcOffset(BEIJING_OFFSET);
const beijingTime = (iso: string | null): string => (iso ? beijing(iso).format('YYYY-MM-DD HH:mm') : '—');
const beijingDate = (iso: string | null): string => (iso ? beijing(iso).format('YYYY-MM-DD') : '—');

export const UPKEEP_COLOURS: Record<UpkeepStatus, string> = {
  current: 'green',
  due: 'orange',
  overdue: 'red',
  outdated: 'magenta',
};

/** The colour of a non-zero count in the summary and the organisation table. */
const COUNT_COLOURS: Record<Exclude<UpkeepStatus, 'current'>, string> = {
  due: '#d46b08',
  overdue: '#cf1322',
  outdated: '#c41d7f',
};

/** Entries opened from here keep 目录更新维护 highlighted in the menu. */
const FROM = navFrom('catalog-upkeep');

const FILTERS: readonly UpkeepFilter[] = ['attention', 'overdue', 'due', 'outdated', 'current', 'all'];

export function UpkeepStatusTag({ value }: { value: UpkeepStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={UPKEEP_COLOURS[value]} data-testid="upkeep-status" data-status={value}>
      {t(`catalog.upkeep.status.${value}`)}
    </Tag>
  );
}

/**
 * 目录更新维护 (Art. 12). An authority's reviewers and administrators see the schedule (and set it),
 * the state of every organisation of their jurisdiction and the entries needing attention; a
 * department's cataloguers see their own entries and confirm those still accurate.
 */
export function CatalogUpkeep() {
  const { t } = useI18n();
  const { account } = useAuth();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const navigate = useNavigate();
  const keeper = canKeepUpkeep(account);
  const canScan = canScanUpkeep(account);

  const [status, setStatus] = useState<UpkeepFilter>('attention');
  const [orgId, setOrgId] = useState<string | null>(null);
  const [onlyNoCatalog, setOnlyNoCatalog] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [scanning, setScanning] = useState(false);
  const [scanResult, setScanResult] = useState<UpkeepScanResult | null>(null);
  const overview = useAsync(
    (signal) => catalogApi.upkeep({ orgId: orgId ?? undefined, status }, signal),
    [orgId, status],
  );
  const data = overview.data;

  // Keep only the selected entries that are still listed and may be confirmed.
  useEffect(() => {
    const confirmable = new Set(
      (data?.entries ?? []).filter((e) => e.status !== 'outdated').map((e) => e.entryId),
    );
    setSelected((s) => s.filter((id) => confirmable.has(id)));
  }, [data]);

  const organisations = useMemo(
    () =>
      (data?.organisations ?? [])
        .filter((o) => !onlyNoCatalog || o.noCatalog)
        // Those to chase first: no catalog, then the most entries overdue or outdated, then due.
        .map((o, i) => ({ o, i }))
        .sort(
          (a, b) =>
            Number(b.o.noCatalog) - Number(a.o.noCatalog) ||
            b.o.overdue + b.o.outdated - (a.o.overdue + a.o.outdated) ||
            b.o.due - a.o.due ||
            a.i - b.i,
        )
        .map(({ o }) => o),
    [data, onlyNoCatalog],
  );
  const chosenOrg = data?.organisations.find((o) => o.orgId === orgId);

  if (!data) {
    return (
      <PageContainer title={t('nav.catalog.upkeep')} testId="catalog-upkeep-page">
        {overview.error ? <LoadError error={overview.error} onRetry={overview.reload} /> : <FullPageSpin />}
      </PageContainer>
    );
  }

  const scan = async () => {
    setScanning(true);
    try {
      const result = await catalogApi.scanUpkeep();
      setScanResult(result);
      void message.success(t('catalog.upkeep.scan.done', result));
      overview.reload();
    } catch (err) {
      showError(err);
    } finally {
      setScanning(false);
    }
  };

  const confirmSelected = () => {
    const ids = [...selected];
    const names = data.entries.filter((e) => ids.includes(e.entryId)).map((e) => e.name);
    void modal.confirm({
      title: t('catalog.upkeep.confirm.title'),
      width: 520,
      content: (
        <div data-testid="upkeep-confirm-dialog">
          <p>
            {t('catalog.upkeep.confirm.content', {
              count: ids.length,
              days: data.schedule.intervalDays,
            })}
          </p>
          <ul className="ht-upkeep-confirm-list">
            {names.slice(0, 8).map((n) => (
              <li key={n}>{n}</li>
            ))}
            {names.length > 8 ? <li>…</li> : null}
          </ul>
        </div>
      ),
      okText: t('catalog.upkeep.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const { confirmed } = await catalogApi.confirmUpkeep(ids);
          void message.success(t('catalog.upkeep.confirmed', { count: confirmed }));
          setSelected([]);
          overview.reload();
        } catch (err) {
          showError(err);
          overview.reload();
        }
      },
    });
  };

  const orgColumns: TableColumnsType<UpkeepOrganisation> = [
    {
      title: t('catalog.upkeep.orgs.org'),
      dataIndex: 'orgName',
      render: (v: string, o) => (
        <OrgNameCell name={v} level={o.level} testId="upkeep-org-name">
          {o.noCatalog ? (
            <Tag color="red" data-testid="upkeep-no-catalog">
              {t('catalog.upkeep.orgs.noCatalog')}
            </Tag>
          ) : null}
        </OrgNameCell>
      ),
    },
    countColumn('published', t('catalog.upkeep.orgs.published'), 90),
    countColumn('inProgress', t('catalog.upkeep.orgs.inProgress'), 80, { sortable: false }),
    countColumn('due', t('catalog.upkeep.status.due'), 100, { colour: COUNT_COLOURS.due }),
    countColumn('overdue', t('catalog.upkeep.status.overdue'), 110, { colour: COUNT_COLOURS.overdue }),
    countColumn('outdated', t('catalog.upkeep.status.outdated'), 110, { colour: COUNT_COLOURS.outdated }),
    {
      title: t('catalog.upkeep.orgs.lastConfirmed'),
      dataIndex: 'lastConfirmedAt',
      width: 130,
      render: (v: string | null) => beijingDate(v),
    },
  ];

  const now = Date.now();
  const entryColumns: TableColumnsType<UpkeepEntry> = [
    {
      title: t('catalog.upkeep.entries.status'),
      dataIndex: 'status',
      width: 104,
      render: (v: UpkeepStatus) => <UpkeepStatusTag value={v} />,
    },
    {
      title: t('catalog.field.name'),
      dataIndex: 'name',
      render: (v: string, e) => (
        <>
          <Link to={`/workspace/catalog/entries/${e.entryId}`} state={FROM} data-testid="upkeep-entry-link">
            {v}
          </Link>
          <div className="ht-cell-sub" data-testid="upkeep-entry-code">
            {e.code ?? '—'}
          </div>
        </>
      ),
    },
    ...(keeper
      ? [
          {
            title: t('catalog.field.org'),
            dataIndex: 'orgName',
            width: 190,
          },
        ]
      : []),
    {
      title: t('catalog.upkeep.entries.confirmedAt'),
      dataIndex: 'confirmedAt',
      width: 140,
      render: (v: string | null) => beijingTime(v),
    },
    {
      title: t('catalog.upkeep.entries.dueAt'),
      dataIndex: 'dueAt',
      width: 120,
      render: (v: string, e) => {
        const left = new Date(v).getTime() - now;
        const sub =
          e.status === 'current' || e.status === 'outdated'
            ? null
            : left > 0
              ? t('catalog.upkeep.entries.daysLeft', { days: Math.ceil(left / DAY_MS) })
              : Math.floor(-left / DAY_MS) === 0
                ? t('catalog.upkeep.entries.dueToday')
                : t('catalog.upkeep.entries.daysOver', { days: Math.floor(-left / DAY_MS) });
        return (
          <span data-testid="upkeep-due">
            {beijingDate(v)}
            {sub ? (
              <div className="ht-cell-sub" style={left <= 0 ? { color: COUNT_COLOURS.overdue } : undefined}>
                {sub}
              </div>
            ) : null}
          </span>
        );
      },
    },
    {
      title: t('catalog.upkeep.entries.notes'),
      key: 'notes',
      width: 210,
      render: (_, e) =>
        e.pendingVersion || e.repealedBases.length > 0 ? (
          <div className="ht-upkeep-notes">
            {e.pendingVersion ? (
              <Tag color="processing" data-testid="upkeep-pending">
                {t('catalog.upkeep.entries.pending')}
              </Tag>
            ) : null}
            {e.repealedBases.length > 0 ? (
              <div data-testid="upkeep-repealed">
                <span className="ht-muted">{t('catalog.upkeep.entries.repealed')}</span>
                {e.repealedBases.map((b) => (
                  <div key={b.id} className="ht-upkeep-basis">
                    {basisTitle(b)}
                  </div>
                ))}
              </div>
            ) : null}
          </div>
        ) : (
          <span className="ht-muted">—</span>
        ),
    },
    ...(keeper
      ? []
      : [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 80,
            render: (_: unknown, e: UpkeepEntry) =>
              e.status === 'outdated' ? (
                <Tooltip title={t('catalog.upkeep.revise.hint')}>
                  <Button
                    type="link"
                    size="small"
                    danger
                    icon={<EditOutlined />}
                    onClick={() => void navigate(`/workspace/catalog/entries/${e.entryId}`, { state: FROM })}
                    data-testid="upkeep-revise"
                  >
                    {t('catalog.upkeep.revise')}
                  </Button>
                </Tooltip>
              ) : null,
          },
        ]),
  ];

  const stats: { key: keyof UpkeepSummary; label: string; colour?: string }[] = [
    ...(keeper
      ? [
          { key: 'organisations' as const, label: t('catalog.upkeep.summary.organisations') },
          {
            key: 'withoutCatalog' as const,
            label: t('catalog.upkeep.summary.withoutCatalog'),
            colour: COUNT_COLOURS.overdue,
          },
        ]
      : []),
    { key: 'published', label: t('catalog.upkeep.summary.published') },
    { key: 'due', label: t('catalog.upkeep.status.due'), colour: COUNT_COLOURS.due },
    { key: 'overdue', label: t('catalog.upkeep.status.overdue'), colour: COUNT_COLOURS.overdue },
    { key: 'outdated', label: t('catalog.upkeep.status.outdated'), colour: COUNT_COLOURS.outdated },
  ];

  const emptyText =
    status === 'attention' ? t('catalog.upkeep.entries.empty.attention') : t('catalog.upkeep.entries.empty');

  return (
    <PageContainer
      title={t('nav.catalog.upkeep')}
      description={t(keeper ? 'catalog.upkeep.description.keeper' : 'catalog.upkeep.description.department')}
      testId="catalog-upkeep-page"
      extra={
        canScan ? (
          <Button
            type="primary"
            icon={<SyncOutlined />}
            loading={scanning}
            onClick={() => void scan()}
            data-testid="upkeep-scan"
          >
            {t('catalog.upkeep.scan')}
          </Button>
        ) : null
      }
    >
      <div className="ht-upkeep" data-view={keeper ? 'authority' : 'department'}>
        {scanResult ? (
          <div data-testid="upkeep-scan-result">
            <Alert
              type="success"
              showIcon
              title={t('catalog.upkeep.scan.done', scanResult)}
              closable={{ onClose: () => setScanResult(null) }}
              style={{ marginBottom: 16 }}
            />
          </div>
        ) : null}
        {overview.error ? <LoadError error={overview.error} onRetry={overview.reload} /> : null}
        {!keeper && data.summary.published === 0 ? (
          <Alert
            type="warning"
            showIcon
            title={t('catalog.upkeep.noCatalog.department')}
            style={{ marginBottom: 16 }}
            data-testid="upkeep-department-no-catalog"
          />
        ) : null}

        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={24} xl={9}>
            <UpkeepScheduleCard schedule={data.schedule} keeper={keeper} onSaved={overview.reload} />
          </Col>
          <Col xs={24} xl={15}>
            <Card
              size="small"
              className="ht-card ht-upkeep-card"
              title={t('catalog.upkeep.summary.title')}
              style={{ height: '100%' }}
            >
              <div className="ht-upkeep-summary" data-testid="upkeep-summary">
                {stats.map((s) => (
                  <CountStatistic
                    key={s.key}
                    label={s.label}
                    value={data.summary[s.key]}
                    colour={s.colour}
                    testId={`upkeep-stat-${s.key}`}
                  />
                ))}
              </div>
            </Card>
          </Col>
        </Row>

        {keeper ? (
          <Card
            size="small"
            className="ht-card ht-upkeep-card"
            style={{ marginBottom: 16 }}
            data-testid="upkeep-orgs"
            title={
              <Space size={6}>
                <ApartmentOutlined />
                {t('catalog.upkeep.orgs.title')}
                <span className="ht-muted ht-upkeep-title-hint">{t('catalog.upkeep.orgs.hint')}</span>
              </Space>
            }
            extra={
              <Checkbox
                checked={onlyNoCatalog}
                onChange={(e) => setOnlyNoCatalog(e.target.checked)}
                data-testid="upkeep-only-no-catalog"
              >
                {t('catalog.upkeep.orgs.onlyNoCatalog')}
              </Checkbox>
            }
          >
            <PagedTable<UpkeepOrganisation>
              rowKey="orgId"
              size="small"
              columns={orgColumns}
              rows={organisations}
              loading={overview.loading}
              pageSize={10}
              emptyText={t('catalog.upkeep.orgs.empty')}
              rowClassName={(o) =>
                `ht-upkeep-org${o.orgId === orgId ? ' is-chosen' : ''}${o.noCatalog ? ' is-empty' : ''}`
              }
              onRow={(o) =>
                rowAttrs(
                  {
                    'data-testid': 'upkeep-org-row',
                    'data-org-name': o.orgName,
                    'data-org-id': o.orgId,
                    'data-published': String(o.published),
                    'data-due': String(o.due),
                    'data-overdue': String(o.overdue),
                    'data-outdated': String(o.outdated),
                  },
                  { onClick: () => setOrgId((current) => (current === o.orgId ? null : o.orgId)) },
                )
              }
              scroll={{ x: 900 }}
            />
          </Card>
        ) : null}

        <Card
          size="small"
          className="ht-card ht-upkeep-card"
          title={
            <Space size={6}>
              <FileSearchOutlined />
              {t('catalog.upkeep.entries.title')}
            </Space>
          }
        >
          <div className="ht-upkeep-toolbar">
            <Segmented<UpkeepFilter>
              value={status}
              onChange={setStatus}
              options={FILTERS.map((f) => ({
                value: f,
                label:
                  f === 'attention' || f === 'all'
                    ? t(`catalog.upkeep.filter.${f}`)
                    : t(`catalog.upkeep.status.${f}`),
              }))}
              data-testid="upkeep-status-filter"
            />
            {keeper && orgId ? (
              <Tag closable onClose={() => setOrgId(null)} color="blue" data-testid="upkeep-org-filter">
                {t('catalog.upkeep.entries.orgFilter', { name: chosenOrg?.orgName ?? '' })}
              </Tag>
            ) : null}
            {keeper ? null : (
              <>
                <span className="ht-muted ht-upkeep-select-hint">{t('catalog.upkeep.selectHint')}</span>
                <Button
                  type="primary"
                  icon={<CheckCircleOutlined />}
                  disabled={selected.length === 0}
                  onClick={confirmSelected}
                  data-testid="upkeep-confirm"
                >
                  {selected.length > 0
                    ? t('catalog.upkeep.confirm.count', { count: selected.length })
                    : t('catalog.upkeep.confirm')}
                </Button>
              </>
            )}
          </div>
          <PagedTable<UpkeepEntry>
            rowKey="entryId"
            size="middle"
            columns={entryColumns}
            rows={data.entries}
            loading={overview.loading}
            locale={{ emptyText }}
            rowSelection={
              keeper
                ? undefined
                : {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys.map(String)),
                    getCheckboxProps: (e) => ({ disabled: e.status === 'outdated' }),
                  }
            }
            onRow={(e) =>
              rowAttrs({
                'data-testid': 'upkeep-entry-row',
                'data-status': e.status,
                'data-entry-id': e.entryId,
              })
            }
            scroll={{ x: keeper ? 1040 : 900 }}
          />
        </Card>
      </div>
    </PageContainer>
  );
}
