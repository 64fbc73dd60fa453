import { UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Progress,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { UploadFile } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { useI18n } from '../../app/i18n';
import {
  ENCODINGS,
  SOURCE_FORMATS,
  formatOfFileName,
  uploadFile,
  type Encoding,
  type ErrorPolicy,
  type IngestOutcome,
  type SourceFormat,
} from './provision-api';
import { sizeText } from './provision-labels';

const FORMAT_LABELS: Record<SourceFormat, string> = {
  csv: 'CSV',
  xlsx: 'Excel (.xlsx)',
  json: 'JSON',
  ndjson: 'NDJSON',
  geojson: 'GeoJSON',
};

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; loaded: number; total: number }
  | { kind: 'validating'; total: number }
  | { kind: 'done'; total: number; ok: boolean };

type Props = {
  entryId: string;
  policy: ErrorPolicy | null;
  policySaving: boolean;
  onPolicyChange: (policy: ErrorPolicy) => void;
  /** A file was taken in (published or refused with a report). */
  onOutcome: (outcome: IngestOutcome) => void;
  /** The server could not read the file (400) or refused it (413 and others). */
  onError: (error: unknown) => void;
  /** A new upload started: the previous result is outdated. */
  onStart: () => void;
};

/** 上传数据文件: the file, its format and encoding, the error policy, and the bytes sent. */
export function UploadCard({
  entryId,
  policy,
  policySaving,
  onPolicyChange,
  onOutcome,
  onError,
  onStart,
}: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<SourceFormat | null>(null);
  const [encoding, setEncoding] = useState<Encoding>('auto');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const busy = phase.kind === 'uploading' || phase.kind === 'validating';

  const fileList: UploadFile[] = file
    ? [{ uid: 'the-file', name: file.name, size: file.size, status: 'done' }]
    : [];

  const pickFile = (f: File) => {
    setFile(f);
    setFormat(formatOfFileName(f.name));
    setEncoding('auto');
    setPhase({ kind: 'idle' });
  };

  const submit = async () => {
    if (!file || !format) return;
    onStart();
    setPhase({ kind: 'uploading', loaded: 0, total: file.size });
    try {
      const outcome = await uploadFile(
        entryId,
        file,
        { format, encoding },
        {
          onProgress: ({ loaded, total }) => setPhase({ kind: 'uploading', loaded, total }),
          onSent: () => setPhase({ kind: 'validating', total: file.size }),
        },
      );
      setPhase({ kind: 'done', total: file.size, ok: outcome.state === 'ready' });
      if (outcome.state === 'ready') {
        void message.success(
          outcome.excludedRowCount > 0
            ? t('provision.upload.successExcluded', {
                no: outcome.versionNo,
                rows: outcome.rowCount,
                excluded: outcome.excludedRowCount,
              })
            : t('provision.upload.success', { no: outcome.versionNo, rows: outcome.rowCount }),
        );
      }
      onOutcome(outcome);
    } catch (err) {
      setPhase({ kind: 'done', total: file.size, ok: false });
      if (!(err instanceof ApiError)) void message.error(t('provision.upload.error'));
      onError(err);
    }
  };

  const percent =
    phase.kind === 'uploading'
      ? phase.total > 0
        ? Math.floor((phase.loaded / phase.total) * 100)
        : 0
      : phase.kind === 'idle'
        ? 0
        : 100;
  const loaded = phase.kind === 'uploading' ? phase.loaded : phase.kind === 'idle' ? 0 : phase.total;
  const total = phase.kind === 'idle' ? (file?.size ?? 0) : phase.total;

  return (
    <Card title={t('provision.upload.title')} data-testid="provision-upload-card">
      <Form layout="vertical">
        <Form.Item extra={t('provision.upload.hint')}>
          <Upload
            accept=".csv,.xlsx,.json,.ndjson,.geojson"
            multiple={false}
            maxCount={1}
            disabled={busy}
            fileList={fileList}
            beforeUpload={(f) => {
              pickFile(f);
              return false;
            }}
            onRemove={() => {
              setFile(null);
              setFormat(null);
              setPhase({ kind: 'idle' });
            }}
            data-testid="provision-upload-input"
          >
            <Button icon={<UploadOutlined />} disabled={busy} data-testid="provision-upload-pick">
              {t('provision.upload.pick')}
            </Button>
          </Upload>
        </Form.Item>
        <Space size="large" wrap align="start">
          <Form.Item
            label={t('provision.upload.format')}
            {...(file && !format
              ? { validateStatus: 'warning' as const, help: t('provision.upload.unknownFormat') }
              : {})}
          >
            <Select<SourceFormat>
              style={{ width: 180 }}
              value={format ?? undefined}
              onChange={setFormat}
              disabled={busy}
              options={SOURCE_FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] }))}
              data-testid="provision-format"
            />
          </Form.Item>
          {format === 'csv' ? (
            <Form.Item label={t('provision.upload.encoding')}>
              <Select<Encoding>
                style={{ width: 160 }}
                value={encoding}
                onChange={setEncoding}
                disabled={busy}
                options={ENCODINGS.map((e) => ({ value: e, label: t(`provision.encoding.${e}`) }))}
                data-testid="provision-encoding"
              />
            </Form.Item>
          ) : null}
          <Form.Item label={t('provision.upload.policy')}>
            <Space orientation="vertical" size={4}>
              <Space>
                <Tag color={policy === 'exclude' ? 'orange' : 'blue'} data-testid="provision-policy">
                  {policy ? t(`provision.policy.${policy}`) : '—'}
                </Tag>
                <Switch
                  checked={policy === 'exclude'}
                  loading={policySaving}
                  disabled={policy === null || busy}
                  onChange={(checked) => onPolicyChange(checked ? 'exclude' : 'reject')}
                  data-testid="provision-policy-switch"
                />
                <span>{t('provision.upload.excludeSwitch')}</span>
              </Space>
              {policy ? (
                <Typography.Text type="secondary">
                  {t(policy === 'exclude' ? 'provision.policy.excludeHint' : 'provision.policy.rejectHint')}
                </Typography.Text>
              ) : null}
            </Space>
          </Form.Item>
        </Space>
        <div>
          <Button
            type="primary"
            icon={<UploadOutlined />}
            disabled={!file || !format}
            loading={busy}
            onClick={() => void submit()}
            data-testid="provision-upload-submit"
          >
            {t('provision.upload.submit')}
          </Button>
        </div>
      </Form>
      {phase.kind !== 'idle' ? (
        <div
          className="ht-provision-progress"
          style={{ marginTop: 16 }}
          data-testid="provision-progress"
          data-phase={phase.kind}
          data-percent={percent}
        >
          <Progress
            percent={percent}
            status={
              phase.kind === 'done'
                ? phase.ok
                  ? 'success'
                  : 'exception'
                : phase.kind === 'validating'
                  ? 'active'
                  : 'normal'
            }
          />
          <Space size="middle">
            <Typography.Text type="secondary" data-testid="provision-progress-bytes">
              {t('provision.upload.sent', { loaded: sizeText(loaded, total), total: sizeText(total) })}
            </Typography.Text>
            {phase.kind === 'validating' ? (
              <Typography.Text data-testid="provision-validating">
                {t('provision.upload.validating')}
              </Typography.Text>
            ) : null}
          </Space>
        </div>
      ) : null}
    </Card>
  );
}

/** The server's explanation of a refused upload (400 unreadable file, 413 too large, …). */
export function UploadError({ error }: { error: unknown }) {
  const { t, pick } = useI18n();
  if (!(error instanceof ApiError)) return null;
  const p = error.problem;
  const row = p.extra?.['row'];
  const column = p.extra?.['column'];
  const title = p.message
    ? pick(p.message)
    : p.status === 413
      ? t('provision.upload.tooLarge')
      : (p.detail ?? p.title ?? t('provision.upload.error'));
  return (
    <Alert
      type="error"
      showIcon
      data-testid="provision-upload-error"
      title={title}
      description={
        typeof row === 'number' ? (
          <span data-testid="provision-upload-error-place">
            {t('provision.upload.place', { row, column: typeof column === 'string' ? column : '—' })}
          </span>
        ) : null
      }
    />
  );
}
