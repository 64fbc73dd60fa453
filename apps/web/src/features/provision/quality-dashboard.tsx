import { ApartmentOutlined, LineChartOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Select, Space, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { navFrom } from '../../app/workspace-nav';
import { CountStatistic, OrgNameCell, countColumn } from '../../components/counts';
import { FullPageSpin } from '../../components/full-page-spin';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { rowAttrs } from '../../components/row-test-id';
import { useAuth } from '../auth/auth-context';
import { canProvide, canViewProvision } from './provision-access';
import type { QualityOrganisation, QualityProblem } from '@huitong/contract/quality';
import { PROBLEM_KINDS, SEVERITIES, type ProblemKind, type Severity } from '@huitong/contract/values';
import { qualityApi, watchesJurisdiction } from './quality-api';
import { QualityEntryDrawer } from './quality-entry';
import {
  KIND_COLOURS,
  MustAct,
  ProblemKindTag,
  SEVERITY_COLOURS,
  SeverityTag,
  beijingDate,
} from './quality-labels';

/** Pages opened from here keep 数据质量 highlighted in the menu. */
const FROM = navFrom('provision-quality');

/**
 * 数据质量 (Art. 16, 34). An authority sees every organisation of its jurisdiction with its counts,
 * then every problem; a department sees the problems of its own entries. Each problem names its
 * entry, its age and who must act; the trend of an entry's versions opens at the side.
 */
export function QualityDashboard() {
  const { t, pick } = useI18n();
  const { account } = useAuth();
  const authority = watchesJurisdiction(account);
  const provider = canProvide(account);

  const [kind, setKind] = useState<ProblemKind | null>(null);
  const [severity, setSeverity] = useState<Severity | null>(null);
  const [orgId, setOrgId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [open, setOpen] = useState<string | null>(null);
  const overview = useAsync(
    (signal) =>
      qualityApi.overview(
        {
          kind: kind ?? undefined,
          severity: severity ?? undefined,
          orgId: orgId ?? undefined,
          page,
          pageSize,
        },
        signal,
      ),
    [kind, severity, orgId, page, pageSize],
  );
  const data = overview.data;

  if (!data) {
    return (
      <PageContainer title={t('nav.provision.quality')} testId="quality-page">
        {overview.error ? <LoadError error={overview.error} onRetry={overview.reload} /> : <FullPageSpin />}
      </PageContainer>
    );
  }

  const filterBy = (next: {
    kind?: ProblemKind | null;
    severity?: Severity | null;
    orgId?: string | null;
  }) => {
    if (next.kind !== undefined) setKind(next.kind);
    if (next.severity !== undefined) setSeverity(next.severity);
    if (next.orgId !== undefined) setOrgId(next.orgId);
    setPage(1);
  };

  const orgColumns: TableColumnsType<QualityOrganisation> = [
    {
      title: t('provision.quality.orgs.org'),
      dataIndex: 'orgName',
      render: (v: string, o) => <OrgNameCell name={v} level={o.level} testId="quality-org-name" />,
    },
    countColumn('entries', t('provision.quality.orgs.entries'), 80),
    {
      title: t('provision.quality.orgs.withData'),
      dataIndex: 'withData',
      width: 90,
      align: 'right',
      render: (v: number, o) => (
        <span>
          {v}
          <span className="ht-muted"> / {o.entries}</span>
        </span>
      ),
    },
    countColumn('problems', t('provision.quality.orgs.problems'), 80, { colour: SEVERITY_COLOURS.medium }),
    countColumn('high', t('provision.quality.severity.high'), 70, { colour: SEVERITY_COLOURS.high }),
    countColumn('escalated', t('provision.quality.orgs.escalated'), 90, {
      colour: SEVERITY_COLOURS.high,
      sortable: false,
    }),
    {
      title: t('provision.quality.orgs.byKind'),
      key: 'byKind',
      render: (_, o) => (
        <Space size={[4, 4]} wrap>
          {PROBLEM_KINDS.filter((k) => o.byKind[k] > 0).map((k) => (
            <Tag key={k} color={KIND_COLOURS[k]}>
              {t(`provision.quality.kind.${k}`)} {o.byKind[k]}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('provision.quality.orgs.oldest'),
      dataIndex: 'oldestDays',
      width: 100,
      align: 'right',
      sorter: (a, b) => (a.oldestDays ?? -1) - (b.oldestDays ?? -1),
      render: (v: number | null) => (v === null ? '—' : t('provision.quality.days', { days: v })),
    },
  ];

  const columns: TableColumnsType<QualityProblem> = [
    {
      title: t('provision.quality.col.severity'),
      dataIndex: 'severity',
      width: 76,
      render: (v: Severity) => <SeverityTag severity={v} />,
    },
    {
      title: t('provision.quality.col.entry'),
      dataIndex: 'entryName',
      render: (v: string, p) => (
        <>
          {canViewProvision(account) && (authority || p.orgId === account?.org?.id) ? (
            <Link
              to={`/workspace/provision/entries/${p.entryId}`}
              state={FROM}
              data-testid="quality-entry-link"
            >
              {v}
            </Link>
          ) : (
            <Link
              to={`/workspace/catalog/entries/${p.entryId}`}
              state={FROM}
              data-testid="quality-entry-link"
            >
              {v}
            </Link>
          )}
          <div className="ht-cell-sub">{p.entryCode ?? '—'}</div>
        </>
      ),
    },
    ...(authority ? [{ title: t('provision.quality.col.org'), dataIndex: 'orgName', width: 170 }] : []),
    {
      title: t('provision.quality.col.kind'),
      dataIndex: 'kind',
      width: 150,
      render: (v: ProblemKind, p) => (
        <div>
          <ProblemKindTag kind={v} />
          <div className="ht-cell-sub" data-testid="quality-message">
            {pick(p.message)}
          </div>
        </div>
      ),
    },
    {
      title: t('provision.quality.col.age'),
      dataIndex: 'ageDays',
      width: 110,
      render: (v: number, p) => (
        <span data-testid="quality-age" data-days={v}>
          {t('provision.quality.days', { days: v })}
          <div className="ht-cell-sub">{t('provision.quality.since', { date: beijingDate(p.since) })}</div>
        </span>
      ),
    },
    {
      title: t('provision.quality.col.mustAct'),
      key: 'mustAct',
      width: 270,
      render: (_, p) => <MustAct problem={p} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, p) => (
        <Button
          type="link"
          size="small"
          icon={<LineChartOutlined />}
          onClick={() => setOpen(p.entryId)}
          data-testid="quality-open-entry"
        >
          {t('provision.quality.trend')}
        </Button>
      ),
    },
  ];

  const s = data.summary;
  const stats: { key: string; label: string; value: number; colour?: string }[] = [
    ...(authority
      ? [
          {
            key: 'organisations',
            label: t('provision.quality.summary.organisations'),
            value: s.organisations,
          },
        ]
      : []),
    { key: 'entries', label: t('provision.quality.summary.entries'), value: s.entries },
    { key: 'withData', label: t('provision.quality.summary.withData'), value: s.withData },
    {
      key: 'withProblems',
      label: t('provision.quality.summary.withProblems'),
      value: s.withProblems,
      colour: SEVERITY_COLOURS.medium,
    },
    { key: 'problems', label: t('provision.quality.summary.problems'), value: s.problems },
    {
      key: 'high',
      label: t('provision.quality.severity.high'),
      value: s.bySeverity.high,
      colour: SEVERITY_COLOURS.high,
    },
    {
      key: 'escalated',
      label: t('provision.quality.orgs.escalated'),
      value: s.escalated,
      colour: SEVERITY_COLOURS.high,
    },
  ];
  const chosenOrg = data.organisations.find((o) => o.orgId === orgId);

  return (
    <PageContainer
      title={t('nav.provision.quality')}
      description={t(
        authority ? 'provision.quality.description.authority' : 'provision.quality.description.department',
      )}
      testId="quality-page"
    >
      <div data-view={authority ? 'authority' : 'department'} data-testid="quality-view">
        {overview.error ? <LoadError error={overview.error} onRetry={overview.reload} /> : null}
        <Card
          size="small"
          className="ht-card"
          title={t('provision.quality.summary.title')}
          style={{ marginBottom: 16 }}
          extra={
            <span className="ht-muted">
              {t('provision.quality.generatedAt', { date: beijingDate(data.generatedAt) })}
            </span>
          }
        >
          <Row gutter={[16, 12]} data-testid="quality-summary">
            {stats.map((x) => (
              <Col key={x.key} xs={12} sm={8} md={6} lg={3}>
                <CountStatistic
                  label={x.label}
                  value={x.value}
                  colour={x.colour}
                  testId={`quality-stat-${x.key}`}
                />
              </Col>
            ))}
          </Row>
          <div style={{ marginTop: 12 }} data-testid="quality-kind-counts">
            <Space size={[6, 6]} wrap>
              {PROBLEM_KINDS.map((k) => (
                <Tag.CheckableTag
                  key={k}
                  checked={kind === k}
                  onChange={(checked) => filterBy({ kind: checked ? k : null })}
                  data-testid={`quality-kind-filter-${k}`}
                  data-count={s.byKind[k]}
                >
                  {t(`provision.quality.kind.${k}`)} <b>{s.byKind[k]}</b>
                </Tag.CheckableTag>
              ))}
            </Space>
          </div>
        </Card>

        {authority ? (
          <Card
            size="small"
            className="ht-card"
            style={{ marginBottom: 16 }}
            data-testid="quality-orgs"
            title={
              <Space size={6}>
                <ApartmentOutlined />
                {t('provision.quality.orgs.title')}
                <span className="ht-muted" style={{ fontWeight: 'normal' }}>
                  {t('provision.quality.orgs.hint')}
                </span>
              </Space>
            }
          >
            <PagedTable<QualityOrganisation>
              rowKey="orgId"
              size="small"
              columns={orgColumns}
              rows={data.organisations}
              pageSize={8}
              onRow={(o) =>
                rowAttrs(
                  {
                    'data-testid': 'quality-org-row',
                    'data-org-name': o.orgName,
                    'data-problems': String(o.problems),
                  },
                  {
                    onClick: () => filterBy({ orgId: orgId === o.orgId ? null : o.orgId }),
                    style: { cursor: 'pointer', background: o.orgId === orgId ? '#e6f4ff' : undefined },
                  },
                )
              }
              scroll={{ x: 900 }}
            />
          </Card>
        ) : null}

        <Card
          size="small"
          className="ht-card"
          title={t('provision.quality.problems.title')}
          extra={
            <Space wrap>
              {chosenOrg ? (
                <Tag closable onClose={() => filterBy({ orgId: null })} data-testid="quality-org-filter">
                  {chosenOrg.orgName}
                </Tag>
              ) : null}
              <Select<ProblemKind | ''>
                value={kind ?? ''}
                style={{ width: 170 }}
                onChange={(v) => filterBy({ kind: v === '' ? null : v })}
                options={[
                  { value: '', label: t('provision.quality.filter.allKinds') },
                  ...PROBLEM_KINDS.map((k) => ({ value: k, label: t(`provision.quality.kind.${k}`) })),
                ]}
                data-testid="quality-kind-select"
              />
              <Select<Severity | ''>
                value={severity ?? ''}
                style={{ width: 130 }}
                onChange={(v) => filterBy({ severity: v === '' ? null : v })}
                options={[
                  { value: '', label: t('provision.quality.filter.allSeverities') },
                  ...SEVERITIES.map((x) => ({ value: x, label: t(`provision.quality.severity.${x}`) })),
                ]}
                data-testid="quality-severity-select"
              />
            </Space>
          }
        >
          <Table<QualityProblem>
            rowKey={(p) => `${p.entryId}-${p.kind}-${p.subject}`}
            size="small"
            columns={columns}
            dataSource={data.items}
            loading={overview.loading}
            locale={{ emptyText: t('provision.quality.problems.empty') }}
            onRow={(p) =>
              rowAttrs({
                'data-testid': 'quality-problem-row',
                'data-entry-name': p.entryName,
                'data-org-name': p.orgName,
                'data-kind': p.kind,
              })
            }
            pagination={{
              current: data.page,
              pageSize: data.pageSize,
              total: data.total,
              showSizeChanger: true,
              pageSizeOptions: [20, 50, 100],
              showTotal: (total) => t('table.total', { total }),
              onChange: (p, size) => {
                setPage(size === pageSize ? p : 1);
                setPageSize(size);
              },
            }}
            scroll={{ x: 1000 }}
          />
        </Card>
      </div>
      <QualityEntryDrawer
        entryId={open}
        onClose={() => setOpen(null)}
        onChanged={overview.reload}
        canDeclare={(orgOfEntry) => provider && orgOfEntry === account?.org?.id}
      />
    </PageContainer>
  );
}
