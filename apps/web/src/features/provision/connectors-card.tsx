import { ApiOutlined, DeleteOutlined, EditOutlined, PlayCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { rowTestId } from '../../components/row-test-id';
import { formatTime } from '../catalog/catalog-labels';
import type { Connector, ConnectorBody as ConnectorInput, ConnectorRun } from '@huitong/contract/provision';
import {
  CONNECTOR_KINDS,
  HTTP_FORMATS,
  type ConnectorKind,
  type ConnectorSchedule,
  type HttpFormat,
  type ConnectorRunState as RunState,
} from '@huitong/contract/values';
import { connectorsApi } from './connectors-api';
import { SOURCE_ENCODINGS as ENCODINGS, type SourceEncoding as Encoding } from '@huitong/contract/values';

/** A URL as people write it (percent-encoded Chinese path segments decoded). */
function readableUrl(url: string | null): string {
  if (!url) return '';
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

const RUN_COLOURS: Record<RunState, string> = { running: 'processing', succeeded: 'green', failed: 'red' };

type FormValues = {
  kind: ConnectorKind;
  url?: string;
  format?: HttpFormat;
  encoding?: Encoding;
  headerName?: string;
  host?: string;
  port?: number | null;
  database?: string;
  user?: string;
  query?: string;
  secret?: string;
  clearSecret?: boolean;
  schedule: ConnectorSchedule;
  cron?: string;
  enabled: boolean;
  mapping?: string;
};

function valuesOf(c: Connector | null): FormValues {
  if (!c) return { kind: 'http', format: 'csv', encoding: 'auto', schedule: 'cycle', enabled: true };
  return {
    kind: c.kind,
    url: c.url ?? undefined,
    format: c.format ?? 'csv',
    encoding: c.encoding ?? 'auto',
    headerName: c.headerName ?? undefined,
    host: c.host ?? undefined,
    port: c.port,
    database: c.database ?? undefined,
    user: c.user ?? undefined,
    query: c.query ?? undefined,
    schedule: c.schedule,
    cron: c.cron ?? undefined,
    enabled: c.enabled,
    mapping: Object.entries(c.mapping)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
}

/** "column=item" lines to a mapping; the number of the first bad line otherwise. */
function parseMapping(text: string | undefined): Record<string, string> | number {
  const mapping: Record<string, string> = {};
  const lines = (text ?? '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0 || at === line.length - 1) return i + 1;
    mapping[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return mapping;
}

function inputOf(v: FormValues, mapping: Record<string, string>): ConnectorInput {
  const common = {
    kind: v.kind,
    enabled: v.enabled,
    schedule: v.schedule,
    cron: v.schedule === 'cron' ? (v.cron ?? '') : null,
    mapping,
    ...(v.secret ? { secret: v.secret } : {}),
    ...(v.clearSecret && !v.secret ? { clearSecret: true } : {}),
  };
  if (v.kind === 'http')
    return {
      ...common,
      url: v.url ?? '',
      format: v.format ?? 'csv',
      encoding: v.encoding ?? 'auto',
      headerName: v.headerName?.trim() || null,
    };
  return {
    ...common,
    host: v.host ?? '',
    port: v.port ?? null,
    database: v.database ?? '',
    user: v.user ?? '',
    query: v.query ?? '',
  };
}

type FormProps = {
  entryId: string;
  connector: Connector | null;
  open: boolean;
  onClose: () => void;
  onSaved: (c: Connector) => void;
};

/** The connector form: one source kind at a time; the secret is write-only. */
function ConnectorForm({ entryId, connector, open, onClose, onSaved }: FormProps) {
  const { t, pick } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form) ?? connector?.kind ?? 'http';
  const schedule = Form.useWatch('schedule', form) ?? connector?.schedule ?? 'cycle';
  const format = Form.useWatch('format', form) ?? 'csv';

  useEffect(() => {
    if (open) form.setFieldsValue({ ...valuesOf(connector), secret: undefined, clearSecret: false });
  }, [open, connector, form]);

  const submit = async (v: FormValues) => {
    const mapping = parseMapping(v.mapping);
    if (typeof mapping === 'number') {
      form.setFields([{ name: 'mapping', errors: [t('connectors.mapping.invalid', { line: mapping })] }]);
      return;
    }
    const input = inputOf(v, mapping);
    const saved = connector
      ? await connectorsApi.update(entryId, connector.id, input)
      : await connectorsApi.create(entryId, input);
    // The secret leaves the page once it is stored.
    form.setFieldsValue({ secret: undefined, clearSecret: false });
    onSaved(saved);
  };

  const keptSecret =
    connector?.hasSecret && connector.kind === kind
      ? t('connectors.secret.stored', { time: formatTime(connector.secretUpdatedAt) })
      : undefined;

  return (
    <FormModal<FormValues>
      open={open}
      width={720}
      title={connector ? t('connectors.edit') : t('connectors.configure')}
      form={form}
      onSubmit={submit}
      onCancel={() => {
        form.setFieldsValue({ secret: undefined });
        onClose();
      }}
      okText={t('common.save')}
      okTestId="connector-save"
      formTestId="connector-form"
    >
      <Form.Item name="kind" label={t('connectors.kind')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          options={CONNECTOR_KINDS.map((k) => ({ value: k, label: t(`connectors.kind.${k}`) }))}
        />
      </Form.Item>
      {kind === 'http' ? (
        <>
          <Form.Item
            name="url"
            label={t('connectors.url')}
            extra={t('connectors.url.hint')}
            rules={[{ required: true }]}
          >
            <Input placeholder="https://" data-testid="connector-url" />
          </Form.Item>
          <Space size="large" wrap>
            <Form.Item name="format" label={t('connectors.format')}>
              <Select
                style={{ width: 160 }}
                options={HTTP_FORMATS.map((f) => ({ value: f, label: f.toUpperCase() }))}
                data-testid="connector-format"
              />
            </Form.Item>
            {format === 'csv' ? (
              <Form.Item name="encoding" label={t('connectors.encoding')}>
                <Select
                  style={{ width: 200 }}
                  options={ENCODINGS.map((e) => ({ value: e, label: t(`provision.encoding.${e}`) }))}
                />
              </Form.Item>
            ) : null}
          </Space>
          <Form.Item
            name="headerName"
            label={t('connectors.headerName')}
            extra={t('connectors.headerName.hint')}
          >
            <Input placeholder="Authorization" />
          </Form.Item>
        </>
      ) : (
        <>
          <Space size="middle" wrap align="start">
            <Form.Item name="host" label={t('connectors.host')} rules={[{ required: true }]}>
              <Input style={{ width: 260 }} data-testid="connector-host" />
            </Form.Item>
            <Form.Item name="port" label={t('connectors.port')}>
              <InputNumber min={1} max={65535} placeholder={kind === 'postgres' ? '5432' : '3306'} />
            </Form.Item>
            <Form.Item name="database" label={t('connectors.database')} rules={[{ required: true }]}>
              <Input style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name="user" label={t('connectors.user')} rules={[{ required: true }]}>
              <Input style={{ width: 160 }} autoComplete="off" />
            </Form.Item>
          </Space>
          <Form.Item
            name="query"
            label={t('connectors.query')}
            extra={t('connectors.query.hint')}
            rules={[{ required: true }]}
          >
            <Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} placeholder="select … from …" />
          </Form.Item>
        </>
      )}
      <Form.Item
        name="secret"
        label={kind === 'http' ? t('connectors.secret.http') : t('connectors.secret.db')}
        extra={keptSecret}
      >
        <Input.Password
          autoComplete="new-password"
          placeholder={keptSecret ? '••••••••' : t('connectors.secret.none')}
          visibilityToggle={false}
          data-testid="connector-secret"
        />
      </Form.Item>
      {keptSecret ? (
        <Form.Item name="clearSecret" valuePropName="checked">
          <Checkbox>{t('connectors.secret.clear')}</Checkbox>
        </Form.Item>
      ) : null}
      <Form.Item name="schedule" label={t('connectors.schedule')}>
        <Radio.Group
          options={(['cycle', 'cron', 'manual'] as const).map((s) => ({
            value: s,
            label: t(`connectors.schedule.${s}`),
          }))}
        />
      </Form.Item>
      {schedule === 'cron' ? (
        <Form.Item
          name="cron"
          label={t('connectors.cron')}
          extra={t('connectors.cron.hint')}
          rules={[{ required: true }]}
        >
          <Input style={{ width: 220, fontFamily: 'monospace' }} placeholder="30 2 * * *" />
        </Form.Item>
      ) : null}
      <Form.Item name="enabled" label={t('connectors.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item name="mapping" label={t('connectors.mapping')} extra={t('connectors.mapping.hint')}>
        <Input.TextArea rows={2} style={{ fontFamily: 'monospace' }} placeholder="编号=record_no" />
      </Form.Item>
      {connector?.lastError ? <Alert type="warning" showIcon title={pick(connector.lastError)} /> : null}
    </FormModal>
  );
}

function RunHistory({ runs, loading }: { runs: ConnectorRun[]; loading: boolean }) {
  const { t, pick } = useI18n();
  const columns: TableColumnsType<ConnectorRun> = [
    {
      title: t('connectors.runs.startedAt'),
      dataIndex: 'startedAt',
      width: 170,
      render: (v: string) => formatTime(v),
    },
    {
      title: t('connectors.runs.trigger'),
      key: 'trigger',
      width: 130,
      render: (_: unknown, r) =>
        `${t(`connectors.runs.trigger.${r.trigger}`)}${r.attempt > 1 ? ` · ${t('connectors.runs.attempt', { n: r.attempt })}` : ''}`,
    },
    {
      title: t('connectors.runs.state'),
      dataIndex: 'state',
      width: 90,
      render: (s: RunState) => <Tag color={RUN_COLOURS[s]}>{t(`connectors.runs.state.${s}`)}</Tag>,
    },
    {
      title: t('connectors.runs.rows'),
      dataIndex: 'rowCount',
      width: 90,
      align: 'right',
      render: (n: number | null) => (n === null ? '—' : n.toLocaleString()),
    },
    {
      title: t('connectors.runs.duration'),
      dataIndex: 'durationMs',
      width: 90,
      align: 'right',
      render: (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`),
    },
    {
      title: t('connectors.runs.error'),
      key: 'error',
      render: (_: unknown, r) =>
        r.error ? (
          <Space orientation="vertical" size={0}>
            <Typography.Text type="danger">{pick(r.error.message)}</Typography.Text>
            {r.error.detail ? (
              <Tooltip title={r.error.detail}>
                <Typography.Text type="secondary" ellipsis style={{ maxWidth: 360, fontSize: 12 }}>
                  {t('connectors.runs.detail')}: {r.error.detail}
                </Typography.Text>
              </Tooltip>
            ) : null}
          </Space>
        ) : (
          '—'
        ),
    },
  ];
  return (
    <Table<ConnectorRun>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={runs}
      loading={loading}
      pagination={false}
      locale={{ emptyText: t('connectors.runs.empty') }}
      onRow={(r) => rowTestId<ConnectorRun>(`connector-run-${r.state}`)(r)}
      data-testid="connector-runs"
    />
  );
}

type Props = {
  entryId: string;
  /** The department's providers configure and run; others only read. */
  canEdit: boolean;
  /** Called when a run may have made a new version. */
  onVersion?: () => void;
};

/** 定时拉取: the entry's pull connector, its schedule, "run now" and its run history. */
export function ConnectorsCard({ entryId, canEdit, onVersion }: Props) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const list = useAsync((signal) => connectorsApi.list(entryId, signal), [entryId]);
  const connector = list.data?.[0] ?? null;
  const runs = useAsync(
    (signal) => (connector ? connectorsApi.runs(entryId, connector.id, signal) : Promise.resolve([])),
    [entryId, connector?.id],
  );
  const [editing, setEditing] = useState(false);
  const [running, setRunning] = useState(false);
  const [watchUntil, setWatchUntil] = useState(0);

  // After a queued run, or while one is running, look again every two seconds (for a minute at most).
  const busy = runs.data?.[0]?.state === 'running';
  const { reload: reloadRuns } = runs;
  const { reload: reloadList } = list;
  useEffect(() => {
    if (!busy && Date.now() > watchUntil) return;
    const timer = setTimeout(() => {
      reloadRuns();
      reloadList();
      onVersion?.();
    }, 2000);
    return () => clearTimeout(timer);
  }, [busy, watchUntil, runs.data, reloadRuns, reloadList, onVersion]);

  const runNow = async () => {
    if (!connector) return;
    setRunning(true);
    try {
      const res = await connectorsApi.run(entryId, connector.id);
      if (res.queued) {
        void message.info(t('connectors.run.queued'));
        setWatchUntil(Date.now() + 60_000);
      } else if (res.run.state === 'succeeded') {
        void message.success(t('connectors.run.succeeded', { rows: res.run.rowCount ?? 0 }));
      } else {
        void message.error(t('connectors.run.failed', { message: pick(res.run.error?.message) }));
      }
      list.reload();
      runs.reload();
      onVersion?.();
    } catch (err) {
      showError(err);
    } finally {
      setRunning(false);
    }
  };

  const remove = async () => {
    if (!connector) return;
    try {
      await connectorsApi.remove(entryId, connector.id);
      void message.success(t('connectors.deleted'));
      list.reload();
    } catch (err) {
      showError(err);
    }
  };

  const scheduleText = (c: Connector) => {
    if (c.schedule === 'manual') return t('connectors.schedule.manual');
    if (c.schedule === 'cron') return `${t('connectors.schedule.cron')}：${c.cron ?? ''}`;
    return t('connectors.schedule.cycleHint', {
      cycle: c.updateCycle ? t(`catalog.updateCycle.${c.updateCycle}` as 'catalog.updateCycle.daily') : '—',
      cron: c.effectiveCron ?? '—',
    });
  };

  return (
    <Card
      title={
        <Space>
          <ApiOutlined />
          {t('connectors.title')}
        </Space>
      }
      data-testid="connectors-card"
      extra={
        connector && canEdit ? (
          <Space>
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              loading={running}
              disabled={busy}
              onClick={() => void runNow()}
              data-testid="connector-run"
            >
              {t('connectors.runNow')}
            </Button>
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="connector-edit">
              {t('connectors.edit')}
            </Button>
            <Popconfirm
              title={t('connectors.deleteConfirm')}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              onConfirm={() => void remove()}
            >
              <Button danger icon={<DeleteOutlined />} aria-label={t('connectors.delete')} />
            </Popconfirm>
          </Space>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('connectors.description')}</Typography.Paragraph>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      {!list.loading && !connector ? (
        <Empty description={t('connectors.none')} image={Empty.PRESENTED_IMAGE_SIMPLE}>
          {canEdit ? (
            <Button type="primary" onClick={() => setEditing(true)} data-testid="connector-configure">
              {t('connectors.configure')}
            </Button>
          ) : null}
        </Empty>
      ) : null}
      {connector ? (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered data-testid="connector-summary">
            <Descriptions.Item label={t('connectors.kind')}>
              {t(`connectors.kind.${connector.kind}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('connectors.state')}>
              <Space size={4}>
                {connector.enabled ? (
                  <Tag color="blue">{t('connectors.state.enabled')}</Tag>
                ) : (
                  <Tag>{t('connectors.state.disabled')}</Tag>
                )}
                {connector.failing ? (
                  <Tag color="red" data-testid="connector-failing">
                    {t('connectors.state.failing')}
                  </Tag>
                ) : null}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item
              label={connector.kind === 'http' ? t('connectors.url') : t('connectors.host')}
              span={2}
            >
              <Typography.Text code copyable={false}>
                {connector.kind === 'http'
                  ? readableUrl(connector.url)
                  : `${connector.user ?? ''}@${connector.host ?? ''}:${connector.port ?? ''}/${connector.database ?? ''}`}
              </Typography.Text>
              {connector.hasSecret ? (
                <Tag style={{ marginLeft: 8 }}>
                  {connector.kind === 'http' ? connector.headerName : t('connectors.secret.db')}: ••••••
                </Tag>
              ) : null}
            </Descriptions.Item>
            {connector.kind !== 'http' ? (
              <Descriptions.Item label={t('connectors.query')} span={2}>
                <Typography.Text code>{connector.query}</Typography.Text>
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('connectors.schedule')} span={2}>
              {scheduleText(connector)}
            </Descriptions.Item>
            <Descriptions.Item label={t('connectors.nextRun')}>
              {connector.nextRunAt ? formatTime(connector.nextRunAt) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('connectors.lastRun')}>
              {connector.lastRunAt ? formatTime(connector.lastRunAt) : '—'}
            </Descriptions.Item>
          </Descriptions>
          {connector.lastError && connector.lastState === 'failed' ? (
            <Alert
              type={connector.failing ? 'error' : 'warning'}
              showIcon
              title={pick(connector.lastError)}
              description={
                connector.failing && connector.failingSince
                  ? t('connectors.failingSince', {
                      time: formatTime(connector.failingSince),
                      count: connector.consecutiveFailures,
                    })
                  : undefined
              }
              data-testid="connector-last-error"
            />
          ) : null}
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('connectors.runs.title')}
          </Typography.Title>
          {runs.error ? <LoadError error={runs.error} onRetry={runs.reload} /> : null}
          <RunHistory runs={runs.data ?? []} loading={runs.loading && !runs.data} />
        </Space>
      ) : null}
      {canEdit ? (
        <ConnectorForm
          entryId={entryId}
          connector={connector}
          open={editing}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void message.success(t('connectors.saved'));
            list.reload();
          }}
        />
      ) : null}
    </Card>
  );
}
