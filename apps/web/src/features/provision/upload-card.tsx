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
import { ColumnMapping } from './column-mapping';
import type { IngestOutcome } from '@huitong/contract/provision';
import {
  SOURCE_ENCODINGS as ENCODINGS,
  SOURCE_FORMATS,
  type SourceEncoding as Encoding,
  type ErrorPolicy,
  type SourceFormat,
} from '@huitong/contract/values';
import { formatOfFileName } from './provision-api';
import { sizeText } from './provision-labels';
import type { FilesOfVersion as FilesVersion, UploadPreview } from '@huitong/contract/provision';
import { ingestUpload, resumableUpload, uploadApi } from './upload-api';

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
  | { kind: 'previewing'; total: number }
  | { kind: 'mapping'; total: number; preview: UploadPreview; uploadId: string }
  | { kind: 'validating'; total: number; rows: number; bytes: number }
  | { kind: 'done'; total: number; ok: boolean; rows: number | null };

type Props = {
  entryId: string;
  /** The entry's data are files (documents, images, audio, video), not a table. */
  holdsFiles?: boolean;
  policy: ErrorPolicy | null;
  policySaving: boolean;
  onPolicyChange: (policy: ErrorPolicy) => void;
  /** A file was taken in (published or refused with a report). */
  onOutcome: (outcome: IngestOutcome) => void;
  /** Files were published as a new files version. */
  onFilesVersion?: (version: FilesVersion) => void;
  /** The server could not read the file (400) or refused it (413 and others). */
  onError: (error: unknown) => void;
  /** A new upload started: the previous result is outdated. */
  onStart: () => void;
};

/** The server no longer has the upload (used up, expired or removed): send the file again. */
const uploadGone = (err: unknown) => err instanceof ApiError && (err.status === 404 || err.status === 410);

/**
 * 上传数据文件: the file (or, for file resources, files), its format and encoding, the error policy;
 * a resumable upload with the bytes sent, the column mapping when headers do not match, and the rows
 * read while the data are checked.
 */
export function UploadCard({
  entryId,
  holdsFiles = false,
  policy,
  policySaving,
  onPolicyChange,
  onOutcome,
  onFilesVersion,
  onError,
  onStart,
}: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [files, setFiles] = useState<File[]>([]);
  const [format, setFormat] = useState<SourceFormat | null>(null);
  const [encoding, setEncoding] = useState<Encoding>('auto');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  // The completed upload of the chosen file: after a refusal it is ingested again, not re-sent.
  const [uploaded, setUploaded] = useState<{ file: File; uploadId: string } | null>(null);
  const busy = phase.kind === 'uploading' || phase.kind === 'previewing' || phase.kind === 'validating';
  const file = files[0] ?? null;

  const fileList: UploadFile[] = files.map((f, i) => ({
    uid: `file-${i}`,
    name: f.name,
    size: f.size,
    status: 'done',
  }));

  const pickFile = (f: File) => {
    if (holdsFiles) setFiles((list) => [...list, f]);
    else {
      setFiles([f]);
      setFormat(formatOfFileName(f.name));
      setEncoding('auto');
    }
    setPhase({ kind: 'idle' });
  };

  const choice = () => ({ format, encoding: format === 'csv' ? encoding : null });

  const send = async (f: File): Promise<string> => {
    if (uploaded?.file === f) return uploaded.uploadId;
    setPhase({ kind: 'uploading', loaded: 0, total: f.size });
    const id = await resumableUpload(entryId, f, choice(), ({ loaded, total }) =>
      setPhase({ kind: 'uploading', loaded, total }),
    );
    setUploaded({ file: f, uploadId: id });
    return id;
  };

  const fail = (total: number, err: unknown) => {
    setPhase({ kind: 'done', total, ok: false, rows: null });
    if (!(err instanceof ApiError)) void message.error(t('provision.upload.error'));
    onError(err);
  };

  const ingest = async (
    uploadId: string,
    total: number,
    options: { mapping?: Record<string, string>; sheet?: string | null } = {},
  ) => {
    setPhase({ kind: 'validating', total, rows: 0, bytes: 0 });
    try {
      const outcome = await ingestUpload(
        entryId,
        uploadId,
        {
          ...choice(),
          ...(options.sheet ? { sheet: options.sheet } : {}),
          ...(options.mapping ? { mapping: options.mapping } : {}),
        },
        (p) => setPhase({ kind: 'validating', total, rows: p.rows, bytes: p.bytes }),
      );
      setPhase({
        kind: 'done',
        total,
        ok: outcome.state === 'ready' || outcome.state === 'unchanged',
        rows: outcome.report?.totalRows ?? outcome.rowCount + outcome.excludedRowCount,
      });
      if (outcome.sameAs) {
        setUploaded(null); // used up: the run is recorded
        void message.info(
          t('provision.upload.unchanged', {
            no: outcome.versionNo,
            same: outcome.sameAs.versionNo,
            rows: outcome.rowCount,
          }),
        );
      } else if (outcome.state === 'ready') {
        setUploaded(null); // used up
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
      if (uploadGone(err)) setUploaded(null);
      fail(total, err);
    }
  };

  const preview = async (uploadId: string, total: number, sheet?: string) => {
    setPhase({ kind: 'previewing', total });
    const p = await uploadApi.preview(entryId, uploadId, { ...choice(), ...(sheet ? { sheet } : {}) });
    if (p.mapping.missingRequired.length > 0 || p.mapping.unmatchedHeaders.length > 0) {
      setPhase({ kind: 'mapping', total, preview: p, uploadId });
      return;
    }
    await ingest(uploadId, total, { sheet: p.sheet });
  };

  const submitData = async (f: File) => {
    try {
      let id = await send(f);
      try {
        await preview(id, f.size);
      } catch (err) {
        if (!uploadGone(err) || uploaded?.file !== f) throw err;
        // The kept upload is gone (expired): send the file again.
        setUploaded(null);
        id = await resumableUpload(entryId, f, choice(), ({ loaded, total }) =>
          setPhase({ kind: 'uploading', loaded, total }),
        );
        setUploaded({ file: f, uploadId: id });
        await preview(id, f.size);
      }
    } catch (err) {
      fail(f.size, err);
    }
  };

  const submitFiles = async () => {
    const total = files.reduce((n, f) => n + f.size, 0);
    try {
      const ids: string[] = [];
      let before = 0;
      for (const f of files) {
        const offset = before;
        const id = await resumableUpload(entryId, f, {}, ({ loaded }) =>
          setPhase({ kind: 'uploading', loaded: offset + loaded, total }),
        );
        ids.push(id);
        before += f.size;
      }
      setPhase({ kind: 'validating', total, rows: 0, bytes: total });
      const version = await uploadApi.createFilesVersion(entryId, ids);
      setPhase({ kind: 'done', total, ok: true, rows: null });
      void message.success(
        t('provision.files.published', { no: version.versionNo, files: version.files.length }),
      );
      setFiles([]);
      onFilesVersion?.(version);
    } catch (err) {
      fail(total, err);
    }
  };

  const submit = () => {
    onStart();
    if (holdsFiles) void submitFiles();
    else if (file && format) void submitData(file);
  };

  const total = phase.kind === 'idle' ? files.reduce((n, f) => n + f.size, 0) : phase.total;
  const percent =
    phase.kind === 'uploading'
      ? phase.total > 0
        ? Math.floor((phase.loaded / phase.total) * 100)
        : 0
      : phase.kind === 'validating'
        ? holdsFiles || phase.total === 0
          ? 99
          : Math.min(99, Math.floor((phase.bytes / phase.total) * 100))
        : phase.kind === 'idle' || phase.kind === 'previewing' || phase.kind === 'mapping'
          ? phase.kind === 'idle'
            ? 0
            : 100
          : 100;
  const loaded = phase.kind === 'uploading' ? phase.loaded : phase.kind === 'idle' ? 0 : phase.total;
  const rows = phase.kind === 'validating' ? phase.rows : phase.kind === 'done' ? phase.rows : null;

  return (
    <Card
      title={t(holdsFiles ? 'provision.files.uploadTitle' : 'provision.upload.title')}
      data-testid="provision-upload-card"
    >
      <Form layout="vertical">
        <Form.Item extra={t(holdsFiles ? 'provision.files.hint' : 'provision.upload.hint')}>
          <Upload
            {...(holdsFiles ? {} : { accept: '.csv,.xlsx,.json,.ndjson,.geojson' })}
            multiple={holdsFiles}
            {...(holdsFiles ? {} : { maxCount: 1 })}
            disabled={busy}
            fileList={fileList}
            beforeUpload={(f) => {
              pickFile(f);
              return false;
            }}
            onRemove={(removed) => {
              setFiles((list) => list.filter((_, i) => `file-${i}` !== removed.uid));
              if (!holdsFiles) setFormat(null);
              setPhase({ kind: 'idle' });
            }}
            data-testid="provision-upload-input"
          >
            <Button icon={<UploadOutlined />} disabled={busy} data-testid="provision-upload-pick">
              {t(holdsFiles ? 'provision.files.pick' : 'provision.upload.pick')}
            </Button>
          </Upload>
        </Form.Item>
        {holdsFiles ? null : (
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
        )}
        <div>
          <Button
            type="primary"
            icon={<UploadOutlined />}
            disabled={holdsFiles ? files.length === 0 : !file || !format}
            loading={busy}
            onClick={submit}
            data-testid="provision-upload-submit"
          >
            {t(holdsFiles ? 'provision.files.submit' : 'provision.upload.submit')}
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
            {rows !== null && !holdsFiles ? (
              <Typography.Text type="secondary" data-testid="provision-progress-rows" data-rows={rows}>
                {t('provision.upload.rowsRead', { rows: rows.toLocaleString() })}
              </Typography.Text>
            ) : null}
            {phase.kind === 'previewing' ? (
              <Typography.Text data-testid="provision-previewing">
                {t('provision.upload.previewing')}
              </Typography.Text>
            ) : null}
            {phase.kind === 'validating' ? (
              <Typography.Text data-testid="provision-validating">
                {t(holdsFiles ? 'provision.files.storing' : 'provision.upload.validating')}
              </Typography.Text>
            ) : null}
          </Space>
        </div>
      ) : null}
      {phase.kind === 'mapping' ? (
        <div style={{ marginTop: 16 }}>
          <ColumnMapping
            key={`${phase.uploadId}/${phase.preview.sheet ?? ''}`}
            preview={phase.preview}
            busy={false}
            onCancel={() => setPhase({ kind: 'idle' })}
            onSheetChange={(sheet) => {
              preview(phase.uploadId, phase.total, sheet).catch((err: unknown) => fail(phase.total, err));
            }}
            onConfirm={(mapping) =>
              void ingest(phase.uploadId, phase.total, { mapping, sheet: phase.preview.sheet })
            }
          />
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
