import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Progress,
  Space,
  Table,
  Tag,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect } from 'react';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { LoadError } from '../../components/load-error';
import { FullPageSpin } from '../../components/full-page-spin';
import type { EntryQuality, VersionTrend } from '@huitong/contract/quality';
import { qualityApi } from './quality-api';
import { MustAct, ProblemKindTag, SeverityTag, beijingDate } from './quality-labels';

/** A share 0–1, or null when there is nothing to divide. */
type Share = number | null;

const SHA_HEX = /^[0-9a-fA-F]{64}$/;

function ShareBar({ value, testId }: { value: Share; testId: string }) {
  if (value === null) return <span className="ht-muted">—</span>;
  const percent = Math.round(value * 1000) / 10;
  return (
    <Progress
      percent={percent}
      size="small"
      status={percent < 95 ? 'exception' : 'normal'}
      format={(p) => `${p}%`}
      data-testid={testId}
      data-value={value}
    />
  );
}

/** The department states what it holds: the row count and the SM3 of the file it provided. */
function DeclarationForm({ data, onSaved }: { data: EntryQuality; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ rowCount: number | null; checksum: string }>();
  useEffect(() => {
    form.setFieldsValue({
      rowCount: data.declaration?.rowCount ?? null,
      checksum: data.declaration?.checksum ?? '',
    });
  }, [data, form]);
  const save = async (v: { rowCount: number | null; checksum: string }) => {
    try {
      await qualityApi.declare(data.entry.id, {
        rowCount: v.rowCount ?? null,
        checksum: v.checksum.trim() === '' ? null : v.checksum.trim(),
      });
      void message.success(t('common.saved'));
      onSaved();
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="quality-declaration-form">
      <Form.Item name="rowCount" label={t('provision.quality.declaration.rowCount')}>
        <InputNumber min={0} precision={0} style={{ width: 200 }} data-testid="quality-declared-rows" />
      </Form.Item>
      <Form.Item
        name="checksum"
        label={t('provision.quality.declaration.checksum')}
        extra={t('provision.quality.declaration.checksumHint')}
        rules={[
          {
            validator: (_, v: string | undefined) =>
              !v || SHA_HEX.test(v.trim())
                ? Promise.resolve()
                : Promise.reject(new Error(t('provision.quality.declaration.checksumInvalid'))),
          },
        ]}
      >
        <Input style={{ fontFamily: 'monospace' }} maxLength={64} data-testid="quality-declared-checksum" />
      </Form.Item>
      <Button type="primary" htmlType="submit" data-testid="quality-declare">
        {t('provision.quality.declaration.save')}
      </Button>
    </Form>
  );
}

/** One entry's quality at the side of the dashboard: problems, declaration, trend per version. */
export function QualityEntryDrawer({
  entryId,
  onClose,
  onChanged,
  canDeclare,
}: {
  entryId: string | null;
  onClose: () => void;
  onChanged: () => void;
  canDeclare: (orgId: string) => boolean;
}) {
  const { t, pick, tDynamic } = useI18n();
  const detail = useAsync(
    (signal) => (entryId ? qualityApi.entry(entryId, signal) : Promise.resolve(null)),
    [entryId],
  );
  const data = detail.data ?? null;

  const match = (ok: boolean | null) =>
    ok === null ? (
      <Tag>{t('provision.quality.declaration.notCompared')}</Tag>
    ) : ok ? (
      <Tag color="green">{t('provision.quality.declaration.matches')}</Tag>
    ) : (
      <Tag color="red">{t('provision.quality.declaration.differs')}</Tag>
    );

  const columns: TableColumnsType<VersionTrend> = [
    {
      title: t('provision.versions.version'),
      dataIndex: 'versionNo',
      width: 90,
      render: (v: number, r) => (
        <Space size={4}>
          v{v}
          {r.current ? <Tag color="blue">{t('provision.versions.current')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('provision.versions.state'),
      dataIndex: 'state',
      width: 80,
      render: (v: string, r) => (
        <span>
          {tDynamic(`provision.state.${v}`, v)}
          <div className="ht-cell-sub">{tDynamic(`provision.source.${r.source}`, r.source)}</div>
        </span>
      ),
    },
    {
      title: t('provision.versions.rows'),
      dataIndex: 'rowCount',
      width: 80,
      align: 'right',
      render: (v: number | null) => v ?? '—',
    },
    {
      title: t('provision.versions.excluded'),
      dataIndex: 'excludedRowCount',
      width: 80,
      align: 'right',
      render: (v: number | null) => (v ? <span style={{ color: '#d46b08' }}>{v}</span> : (v ?? '—')),
    },
    {
      title: t('provision.report.completeness'),
      dataIndex: 'completeness',
      width: 140,
      render: (v: Share) => <ShareBar value={v} testId="quality-trend-completeness" />,
    },
    {
      title: t('provision.report.validShare'),
      dataIndex: 'validity',
      width: 140,
      render: (v: Share) => <ShareBar value={v} testId="quality-trend-validity" />,
    },
    {
      title: t('provision.versions.time'),
      dataIndex: 'completedAt',
      width: 100,
      render: (v: string | null, r) => beijingDate(v ?? r.createdAt),
    },
  ];

  return (
    <Drawer
      open={entryId !== null}
      onClose={onClose}
      size="large"
      title={data ? data.entry.name : t('provision.quality.trend')}
      data-testid="quality-entry-drawer"
      destroyOnHidden
    >
      {detail.error ? <LoadError error={detail.error} onRetry={detail.reload} /> : null}
      {!data ? (
        detail.error ? null : (
          <FullPageSpin />
        )
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('provision.quality.col.org')}>{data.entry.orgName}</Descriptions.Item>
            <Descriptions.Item label={t('provision.quality.entry.code')}>
              {data.entry.code ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('provision.quality.entry.updateCycle')}>
              {tDynamic(`catalog.updateCycle.${data.entry.updateCycle}`, data.entry.updateCycle)}
            </Descriptions.Item>
            <Descriptions.Item label={t('provision.quality.entry.allowance')}>
              {t('provision.quality.days', { days: data.entry.overdueAfterDays })}
            </Descriptions.Item>
            <Descriptions.Item label={t('provision.quality.entry.checksum')} span={2}>
              <span
                style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
                data-testid="quality-checksum"
              >
                {data.checksum ?? '—'}
              </span>
            </Descriptions.Item>
          </Descriptions>

          <div data-testid="quality-entry-problems">
            <h4 style={{ margin: '0 0 8px' }}>{t('provision.quality.entry.problems')}</h4>
            {data.problems.length === 0 ? (
              <Alert type="success" showIcon title={t('provision.quality.entry.noProblems')} />
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {data.problems.map((p) => (
                  <Alert
                    key={`${p.kind}-${p.subject}`}
                    type={p.severity === 'high' ? 'error' : p.severity === 'medium' ? 'warning' : 'info'}
                    title={
                      <Space size={6} wrap>
                        <SeverityTag severity={p.severity} />
                        <ProblemKindTag kind={p.kind} />
                        {pick(p.message)}
                      </Space>
                    }
                    description={
                      <Space size={6} wrap>
                        <span className="ht-muted">
                          {t('provision.quality.days', { days: p.ageDays })} ·{' '}
                          {t('provision.quality.since', { date: beijingDate(p.since) })} ·{' '}
                          {t('provision.quality.col.mustAct')}
                        </span>
                        <MustAct problem={p} />
                      </Space>
                    }
                  />
                ))}
              </Space>
            )}
          </div>

          <div data-testid="quality-declaration">
            <h4 style={{ margin: '0 0 8px' }}>{t('provision.quality.declaration.title')}</h4>
            {data.declaration ? (
              <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
                <Descriptions.Item label={t('provision.quality.declaration.rowCount')}>
                  <Space>
                    {data.declaration.rowCount ?? '—'}
                    {data.declaration.rowCount === null ? null : match(data.declaration.rowCountMatches)}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('provision.quality.declaration.checksum')}>
                  <Space wrap>
                    <span style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
                      {data.declaration.checksum ?? '—'}
                    </span>
                    {data.declaration.checksum === null ? null : match(data.declaration.checksumMatches)}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('provision.quality.declaration.at')}>
                  {beijingDate(data.declaration.declaredAt)}
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <p className="ht-muted">{t('provision.quality.declaration.none')}</p>
            )}
            {canDeclare(data.entry.orgId) ? (
              <DeclarationForm
                data={data}
                onSaved={() => {
                  detail.reload();
                  onChanged();
                }}
              />
            ) : null}
          </div>

          <div data-testid="quality-trend">
            <h4 style={{ margin: '0 0 8px' }}>{t('provision.quality.entry.trend')}</h4>
            <PagedTable<VersionTrend>
              rowKey="id"
              size="small"
              columns={columns}
              rows={data.versions}
              pageSize={10}
              showTotal={false}
              emptyText={t('provision.versions.empty')}
              onRow={(v) =>
                ({ 'data-testid': 'quality-trend-row', 'data-version': String(v.versionNo) }) as object
              }
              expandable={{
                rowExpandable: (v) => v.fields.length > 0,
                expandedRowRender: (v) => (
                  <Table
                    rowKey="field"
                    size="small"
                    pagination={false}
                    dataSource={v.fields}
                    columns={[
                      {
                        title: t('provision.report.field'),
                        dataIndex: 'label',
                        render: (label: string, f) => (
                          <span>
                            {label} <span className="ht-muted">{f.field}</span>
                            {f.required ? (
                              <Tag style={{ marginLeft: 6 }}>{t('provision.report.required')}</Tag>
                            ) : null}
                          </span>
                        ),
                      },
                      {
                        title: t('provision.report.completeness'),
                        dataIndex: 'completeness',
                        width: 160,
                        render: (s: Share) => <ShareBar value={s} testId="quality-field-completeness" />,
                      },
                      {
                        title: t('provision.report.validShare'),
                        dataIndex: 'validShare',
                        width: 160,
                        render: (s: Share) => <ShareBar value={s} testId="quality-field-validity" />,
                      },
                    ]}
                  />
                ),
              }}
            />
          </div>
        </Space>
      )}
    </Drawer>
  );
}
