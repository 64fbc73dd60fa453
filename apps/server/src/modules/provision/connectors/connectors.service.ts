/**
 * Scheduled pull connectors (Art. 10 way (c)): a department's providers configure, per catalog
 * entry, one source — an HTTP(S) URL answering CSV/JSON/NDJSON/GeoJSON, or a SELECT on a PostgreSQL
 * or MySQL/MariaDB database — read on the entry's update cycle, a cron expression, or on demand,
 * each run a new version of the entry's data (source `connector`) under the entry's error policy.
 * Secrets are sealed with SM4 and never answered; every address is checked against the platform
 * administrator's allow-list when the connector is saved and again at every run.
 */
import type { Config } from '../../../config/config.ts';
import type { DatabaseHandle, Db, Trx } from '../../../db/database.ts';
import type {
  ConnectorKind,
  ConnectorRunState,
  ConnectorRunTrigger,
  ConnectorSchedule,
} from '../../../db/database.types.ts';
import { AppError, ForbiddenError, invalidField, type Message } from '../../../shared/errors.ts';
import { ROUTE_POLICIES } from '../../../shared/policy.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../shared/principal.ts';
import { publishedEntry } from '../../catalog/index.ts';
import { appendAudit } from '../../security/index.ts';
import { holdsFiles } from '../files/files.ts';
import { versionError } from '../versions/versions.repository.ts';
import {
  accepted,
  ingestFile,
  ingestRows,
  rowAligner,
  type IngestResult,
  type IngestTarget,
  type RowInput,
} from '../versions/ingest.ts';
import {
  assertViewer,
  assertProvider,
  loadEntry,
  settingsOf,
  type ProvisionEntry,
} from '../provision.service.ts';
import {
  checkTarget,
  parseAllowHost,
  parseTargetHost,
  systemLookup,
  type AllowEntry,
  type Lookup,
} from './address-check.ts';
import { checkQuery, openMysql, openPostgres, type QueryRows } from './database-source.ts';
import {
  ConnectorBusy,
  ConnectorExists,
  PlatformDatabaseRefused,
  SourceError,
  allowEntryNotFound,
  connectorNotFound,
  errorCodeOf,
} from './errors.ts';
import { fetchHttp, parseSourceUrl, portOf } from './http-source.ts';
import {
  FAILING_AFTER,
  RETRY_BACKOFF_MINUTES,
  effectiveCron,
  nextScheduledRun,
  validateCron,
} from './schedule.ts';
import { isPlatformDatabase, platformDatabaseOf, type PlatformDatabase } from './platform-database.ts';
import * as repo from './connectors.repository.ts';
import { installationBox, type SecretBox } from './secrets.ts';
import type { HttpFormat, SourceEncoding as HttpEncoding } from '@huitong/contract/values';

/** Where a failed run's raw error goes (the server log): never the run history or an answer. */
export interface ConnectorLog {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** What runs need from the configuration. */
export interface ConnectorRuntime {
  box: () => SecretBox;
  maxBytes: number;
  timeoutMs: number;
  /** The platform's own database (DATABASE_URL), which no connector may read. */
  platform: PlatformDatabase | null;
  /** Name resolution (the system's by default). */
  lookup?: Lookup;
  log?: ConnectorLog;
  /** Where downloads are kept while they are read (see temp-files.ts). */
  dataDir?: string;
}

export function runtimeOf(config: Config, log?: ConnectorLog): ConnectorRuntime {
  return {
    box: () => installationBox(config),
    maxBytes: config.uploadLimit,
    timeoutMs: config.connectorTimeoutSeconds * 1000,
    platform: platformDatabaseOf(config.databaseUrl),
    dataDir: config.dataDir,
    ...(log ? { log } : {}),
  };
}

/* ------------------------------------------------------------------ allow-list (city admin) */

export interface AllowEntryInput {
  host: string;
  portFrom?: number | null;
  portTo?: number | null;
  note?: string | null;
}

function assertCityAdmin(actor: Actor) {
  if (!ROUTE_POLICIES.cityAdmin(actor.principal))
    throw new ForbiddenError({
      zh: '只有市级平台管理员可以管理连接器地址清单',
      en: "Only the city's platform administrator manages the connector allow-list",
    });
  const p = actor.principal;
  return p && p.kind === 'staff' ? p.accountId : null;
}

export async function loadAllowList(db: Db): Promise<AllowEntry[]> {
  const rows = await repo.allowListHosts(db);
  return rows.map((r) => ({ host: r.host, portFrom: r.port_from, portTo: r.port_to }));
}

function allowView(r: {
  id: string;
  host: string;
  port_from: number | null;
  port_to: number | null;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    id: r.id,
    host: r.host,
    portFrom: r.port_from,
    portTo: r.port_to,
    note: r.note,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function allowValues(input: AllowEntryInput) {
  const host = parseAllowHost(input.host).value;
  const from = input.portFrom ?? null;
  const to = input.portTo ?? from;
  if (from === null && to !== null)
    throw invalidField('portFrom', '填写了结束端口时须填写起始端口', 'is required when portTo is given');
  if (from !== null && to !== null && to < from)
    throw invalidField('portTo', '不得小于起始端口', 'must not be lower than portFrom');
  return { host, port_from: from, port_to: to, note: input.note?.trim() || null };
}

/** Records a change of the allow list, naming the host and ports. */
const auditAllowEntry = (
  trx: Trx,
  actor: Actor,
  action: string,
  row: { id: string; host: string; port_from: number | null; port_to: number | null },
) =>
  appendAudit(trx, actor, {
    action,
    targetType: 'connector_allow_list',
    targetId: row.id,
    detail: { host: row.host, portFrom: row.port_from, portTo: row.port_to },
  });

export async function listAllowList(db: Db, actor: Actor) {
  assertCityAdmin(actor);
  const rows = await repo.listAllowEntries(db);
  return rows.map(allowView);
}

export async function createAllowEntry(db: Db, actor: Actor, input: AllowEntryInput) {
  const by = assertCityAdmin(actor);
  const values = allowValues(input);
  return db.transaction().execute(async (trx) => {
    const row = await repo.insertAllowEntry(trx, { ...values, created_by: by, updated_by: by });
    await auditAllowEntry(trx, actor, 'provision.connector_allow_added', row);
    return allowView(row);
  });
}

export async function updateAllowEntry(db: Db, actor: Actor, id: string, input: AllowEntryInput) {
  const by = assertCityAdmin(actor);
  const values = allowValues(input);
  return db.transaction().execute(async (trx) => {
    const row = await repo.updateAllowEntry(trx, id, { ...values, updated_by: by, updated_at: new Date() });
    if (!row) throw allowEntryNotFound();
    await auditAllowEntry(trx, actor, 'provision.connector_allow_changed', row);
    return allowView(row);
  });
}

export async function deleteAllowEntry(db: Db, actor: Actor, id: string) {
  assertCityAdmin(actor);
  await db.transaction().execute(async (trx) => {
    const row = await repo.deleteAllowEntry(trx, id);
    if (!row) throw allowEntryNotFound();
    await auditAllowEntry(trx, actor, 'provision.connector_allow_removed', row);
  });
}

/* ------------------------------------------------------------------ connectors */

export { HTTP_FORMATS, SOURCE_ENCODINGS as HTTP_ENCODINGS } from '@huitong/contract/values';
export type { HttpEncoding, HttpFormat };

export interface ConnectorInput {
  kind: ConnectorKind;
  enabled: boolean;
  schedule: ConnectorSchedule;
  cron?: string | null;
  url?: string | null;
  format?: HttpFormat | null;
  encoding?: HttpEncoding | null;
  delimiter?: string | null;
  headerName?: string | null;
  host?: string | null;
  port?: number | null;
  database?: string | null;
  user?: string | null;
  query?: string | null;
  mapping?: Record<string, string>;
  /** A new secret (password, header value); absent keeps the stored one. */
  secret?: string;
  clearSecret?: boolean;
}

/** What is stored in `connectors.settings`: everything but the secret. */
interface StoredSettings {
  url: string | null;
  format: HttpFormat | null;
  encoding: HttpEncoding | null;
  delimiter: string | null;
  headerName: string | null;
  host: string | null;
  port: number | null;
  database: string | null;
  user: string | null;
  query: string | null;
  mapping: Record<string, string>;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
]);

/** Checks a connector's settings per kind; answers them with the host and port to check. */
function normalise(input: ConnectorInput, entry: ProvisionEntry) {
  const required = (field: keyof ConnectorInput, value: string | null | undefined) => {
    if (value === undefined || value === null || value.trim() === '')
      throw invalidField(field, '为必填项', 'is required');
    return value.trim();
  };
  if (holdsFiles(entry))
    throw new AppError('connector_needs_table', 409, {
      zh: '该目录的资源是文件（非结构化数据），不能用数据连接器拉取',
      en: "This entry's resources are files (not a table); a connector cannot pull them",
    });
  const names = new Set(entry.items.map((i) => i.name));
  for (const [column, item] of Object.entries(input.mapping ?? {})) {
    if (!names.has(item))
      throw invalidField(`mapping/${column}`, `没有信息项 ${item}`, `no data item ${item}`);
  }
  const base: StoredSettings = {
    url: null,
    format: null,
    encoding: null,
    delimiter: null,
    headerName: null,
    host: null,
    port: null,
    database: null,
    user: null,
    query: null,
    mapping: input.mapping ?? {},
  };
  if (input.kind === 'http') {
    const url = parseSourceUrl(required('url', input.url));
    const headerName = input.headerName?.trim() || null;
    if (
      headerName !== null &&
      (!HEADER_NAME.test(headerName) || RESERVED_HEADERS.has(headerName.toLowerCase()))
    )
      throw invalidField('headerName', '不是可用的 HTTP 请求头名称', 'is not a usable HTTP header name');
    if (input.delimiter !== undefined && input.delimiter !== null && input.delimiter.length !== 1)
      throw invalidField('delimiter', '须为一个字符', 'must be one character');
    return {
      settings: {
        ...base,
        url: url.toString(),
        format: input.format ?? 'csv',
        encoding: input.encoding ?? 'auto',
        delimiter: input.delimiter ?? null,
        headerName,
      },
      host: url.hostname,
      port: portOf(url),
    };
  }
  const host = parseTargetHost(required('host', input.host), 'host');
  const port = input.port ?? (input.kind === 'postgres' ? 5432 : 3306);
  return {
    settings: {
      ...base,
      host,
      port,
      database: required('database', input.database),
      user: required('user', input.user),
      query: checkQuery(required('query', input.query)),
    },
    host,
    port,
  };
}

async function updateCycleOf(db: Db, entryId: string): Promise<string | null> {
  return (await publishedEntry(db, entryId))?.updateCycle ?? null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

interface RunError {
  code: string;
  message: Message;
  detail: string | null;
}

function view(row: repo.ConnectorRow, cycle: string | null) {
  const s = row.settings as StoredSettings;
  const lastError = row.last_error as RunError | null;
  return {
    id: row.id,
    entryId: row.entry_id,
    kind: row.kind,
    url: s.url,
    format: s.format,
    encoding: s.encoding,
    delimiter: s.delimiter,
    headerName: s.headerName,
    host: s.host,
    port: s.port,
    database: s.database,
    user: s.user,
    query: s.query,
    mapping: s.mapping,
    hasSecret: row.secret !== null,
    secretUpdatedAt: iso(row.secret_updated_at),
    schedule: row.schedule,
    cron: row.cron,
    effectiveCron: effectiveCron(row, cycle),
    updateCycle: cycle,
    enabled: row.enabled,
    nextRunAt: iso(row.next_run_at),
    lastRunAt: iso(row.last_run_at),
    lastState: row.last_state,
    consecutiveFailures: row.consecutive_failures,
    failing: row.failing_since !== null,
    failingSince: iso(row.failing_since),
    lastError: lastError?.message ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type ConnectorView = ReturnType<typeof view>;

export async function listConnectors(db: Db, actor: Actor, entry: ProvisionEntry): Promise<ConnectorView[]> {
  assertViewer(actor, entry);
  const cycle = await updateCycleOf(db, entry.id);
  const rows = await repo.listEntryConnectors(db, entry.id);
  return rows.map((r) => view(r, cycle));
}

async function ownConnector(db: Db, entry: ProvisionEntry, id: string) {
  const row = await repo.findConnector(db, id);
  if (!row || row.entry_id !== entry.id) throw connectorNotFound();
  return row;
}

const accountOf = (actor: Actor) => {
  const p = actor.principal;
  return p && p.kind === 'staff' ? p.accountId : null;
};

/** Checks the input, the address (allow-list) and the schedule; answers the row values. */
async function prepare(
  db: Db,
  runtime: ConnectorRuntime,
  entry: ProvisionEntry,
  id: string,
  input: ConnectorInput,
  old: repo.ConnectorRow | null,
) {
  const { settings, host, port } = normalise(input, entry);
  const cron = input.schedule === 'cron' ? validateCron(input.cron ?? '') : null;
  let secret = old && old.kind === input.kind ? old.secret : null;
  let secretUpdatedAt = old && old.kind === input.kind ? old.secret_updated_at : null;
  if (input.clearSecret) {
    secret = null;
    secretUpdatedAt = null;
  }
  if (input.secret !== undefined) {
    secret = runtime.box().seal(input.secret, id);
    secretUpdatedAt = new Date();
  }
  if (input.kind === 'http' && settings.headerName !== null && secret === null)
    throw invalidField('secret', '填写了请求头名称时须填写其值', 'is required with a header name');
  const target = await checkTarget(await loadAllowList(db), host, port, runtime.lookup);
  if (
    input.kind === 'postgres' &&
    (await isPlatformDatabase(
      runtime.platform,
      target,
      settings.database ?? '',
      runtime.lookup ?? systemLookup,
    ))
  )
    throw new PlatformDatabaseRefused(`${host}:${port}/${settings.database ?? ''}`);
  const cycle = await updateCycleOf(db, entry.id);
  const next = input.enabled
    ? nextScheduledRun({ id, schedule: input.schedule, cron }, cycle, new Date())
    : null;
  return {
    kind: input.kind,
    settings: JSON.stringify(settings),
    secret,
    secret_updated_at: secretUpdatedAt,
    schedule: input.schedule,
    cron,
    enabled: input.enabled,
    next_run_at: next,
  };
}

function auditDetail(values: {
  kind: ConnectorKind;
  settings: string;
  schedule: string;
  cron: string | null;
  enabled: boolean;
}) {
  const s = JSON.parse(values.settings) as StoredSettings;
  return {
    kind: values.kind,
    target: s.url ?? `${s.host ?? ''}:${s.port ?? ''}/${s.database ?? ''}`,
    schedule: values.schedule,
    cron: values.cron,
    enabled: values.enabled,
  };
}

export async function createConnector(
  db: Db,
  runtime: ConnectorRuntime,
  actor: Actor,
  entry: ProvisionEntry,
  input: ConnectorInput,
): Promise<ConnectorView> {
  assertProvider(actor, entry);
  if (await repo.entryHasConnector(db, entry.id)) throw new ConnectorExists();
  const id = crypto.randomUUID();
  const values = await prepare(db, runtime, entry, id, input, null);
  const by = accountOf(actor);
  await db.transaction().execute(async (trx) => {
    try {
      await repo.insertConnector(trx, {
        id,
        entry_id: entry.id,
        org_id: entry.orgId,
        ...values,
        created_by: by,
        updated_by: by,
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ConnectorExists();
      throw err;
    }
    await appendAudit(trx, actor, {
      action: 'provision.connector_created',
      targetType: 'catalog_entry',
      targetId: entry.id,
      detail: { connectorId: id, ...auditDetail(values), secret: values.secret !== null },
    });
  });
  return savedView(db, entry, id);
}

/** The connector as stored after a create or an update. */
async function savedView(db: Db, entry: ProvisionEntry, id: string): Promise<ConnectorView> {
  const row = await repo.findConnector(db, id);
  if (!row) throw connectorNotFound();
  return view(row, await updateCycleOf(db, entry.id));
}

export async function updateConnector(
  db: Db,
  runtime: ConnectorRuntime,
  actor: Actor,
  entry: ProvisionEntry,
  id: string,
  input: ConnectorInput,
): Promise<ConnectorView> {
  assertProvider(actor, entry);
  const old = await ownConnector(db, entry, id);
  const values = await prepare(db, runtime, entry, id, input, old);
  await db.transaction().execute(async (trx) => {
    await repo.updateConnector(trx, id, {
      ...values,
      // A connector changed by its department starts afresh: no pending retry.
      retry_attempt: 0,
      updated_by: accountOf(actor),
      updated_at: new Date(),
    });
    await appendAudit(trx, actor, {
      action: 'provision.connector_changed',
      targetType: 'catalog_entry',
      targetId: entry.id,
      detail: {
        connectorId: id,
        ...auditDetail(values),
        secretChanged: input.secret !== undefined || input.clearSecret === true,
      },
    });
  });
  return savedView(db, entry, id);
}

export async function deleteConnector(
  db: Db,
  actor: Actor,
  entry: ProvisionEntry,
  id: string,
): Promise<void> {
  assertProvider(actor, entry);
  await ownConnector(db, entry, id);
  await db.transaction().execute(async (trx) => {
    await repo.deleteConnector(trx, id);
    await appendAudit(trx, actor, {
      action: 'provision.connector_deleted',
      targetType: 'catalog_entry',
      targetId: entry.id,
      detail: { connectorId: id },
    });
  });
}

/* ------------------------------------------------------------------ runs */

function runView(r: repo.RunRow) {
  const error = r.error as RunError | null;
  return {
    id: r.id,
    connectorId: r.connector_id,
    trigger: r.trigger,
    attempt: r.attempt,
    state: r.state,
    startedAt: r.started_at.toISOString(),
    finishedAt: iso(r.finished_at),
    durationMs: r.duration_ms,
    rowCount: r.row_count === null ? null : Number(r.row_count),
    excludedRowCount: r.excluded_row_count === null ? null : Number(r.excluded_row_count),
    byteCount: r.byte_count === null ? null : Number(r.byte_count),
    versionId: r.version_id,
    error: error ? { code: error.code, message: error.message, detail: error.detail } : null,
  };
}

export type RunView = ReturnType<typeof runView>;

export async function listRuns(
  db: Db,
  actor: Actor,
  entry: ProvisionEntry,
  connectorId: string,
  limit = 50,
): Promise<RunView[]> {
  assertViewer(actor, entry);
  await ownConnector(db, entry, connectorId);
  const rows = await repo.listRuns(db, connectorId, limit);
  return rows.map(runView);
}

/**
 * A failed run as stored and answered: our own code and messages, and as detail a driver's error
 * code (never its message: it can carry the source's data) or the fields of our own validation.
 */
function errorOf(err: unknown): RunError {
  if (err instanceof AppError) {
    const fields =
      err.fields.length > 0 ? err.fields.map((f) => `${f.field}: ${f.message.en}`).join('; ') : null;
    const technical = typeof err.extra.technical === 'string' ? err.extra.technical : null;
    return { code: err.code, message: err.messages, detail: technical ?? fields };
  }
  return {
    code: 'connector_failed',
    message: {
      zh: '连接器运行出错（原因已记入平台日志，可请平台管理员查看）',
      en: "The connector run failed (the cause is in the platform's log; ask the platform administrator)",
    },
    detail: errorCodeOf(err),
  };
}

/** The error to log for a failed run: the driver's or client's own (raw) error when there is one. */
function rawOf(err: unknown): unknown {
  if (err instanceof SourceError) return err.raw;
  return err instanceof AppError ? undefined : err;
}

/** The platform database's fingerprint (see platform-database.ts); null on PGlite. */
async function platformFingerprint(handle: DatabaseHandle): Promise<string | null> {
  if (handle.backend !== 'postgres') return null;
  return repo.databaseFingerprint(handle.db);
}

async function readSource(
  handle: DatabaseHandle,
  runtime: ConnectorRuntime,
  row: repo.ConnectorRow,
  entry: ProvisionEntry,
  target: IngestTarget,
): Promise<{ result: IngestResult; bytes: number }> {
  const s = row.settings as StoredSettings;
  const secret = row.secret === null ? null : runtime.box().open(row.secret, row.id);
  const allowList = await loadAllowList(handle.db);
  if (row.kind === 'http') {
    const download = await fetchHttp({
      url: s.url ?? '',
      header: s.headerName && secret !== null ? { name: s.headerName, value: secret } : null,
      allowList,
      maxBytes: runtime.maxBytes,
      timeoutMs: runtime.timeoutMs,
      ...(runtime.lookup ? { lookup: runtime.lookup } : {}),
      ...(runtime.dataDir ? { dataDir: runtime.dataDir } : {}),
    });
    try {
      const result = await ingestFile(handle, target, download.file, {
        format: s.format ?? 'csv',
        ...(s.encoding ? { encoding: s.encoding } : {}),
        ...(s.delimiter ? { delimiter: s.delimiter } : {}),
        ...(download.fileName ? { fileName: download.fileName } : {}),
        mapping: s.mapping,
      });
      return { result, bytes: download.bytes };
    } finally {
      await download.cleanup();
    }
  }
  const options = {
    host: s.host ?? '',
    port: s.port ?? 0,
    database: s.database ?? '',
    user: s.user ?? '',
    password: secret,
    query: s.query ?? '',
    allowList,
    timeoutMs: runtime.timeoutMs,
    maxBytes: runtime.maxBytes,
    ...(runtime.lookup ? { lookup: runtime.lookup } : {}),
    platform: runtime.platform,
    platformFingerprint: row.kind === 'postgres' ? await platformFingerprint(handle) : null,
  };
  const source: QueryRows = row.kind === 'postgres' ? await openPostgres(options) : await openMysql(options);
  try {
    const align = rowAligner(source.headers, entry.items, s.mapping);
    async function* rows(): AsyncIterable<RowInput> {
      for await (const r of source.rows) yield { record: r.record, values: align(r) };
    }
    const result = await ingestRows(handle, target, rows(), { file: { format: row.kind } });
    return { result, bytes: source.bytesRead() };
  } finally {
    await source.close();
  }
}

/**
 * Runs a connector once: reads its source into a new version and records the run. Two runs of one
 * connector never overlap, on one server or several (a lease in the database): a second answers
 * null. A failure schedules a retry after 1, 5 and 25 minutes, then waits for the next scheduled
 * time; three failures in a row mark the connector failing until a run succeeds.
 */
export async function runConnector(
  handle: DatabaseHandle,
  runtime: ConnectorRuntime,
  connectorId: string,
  trigger: ConnectorRunTrigger,
  actor: Actor = SYSTEM_ACTOR,
  startedBy: string | null = accountOf(actor),
): Promise<RunView | null> {
  const db = handle.db;
  const lease = await handle.lease(`connector-run:${connectorId}`);
  if (!lease) return null;
  try {
    const row = await repo.findConnector(db, connectorId);
    if (!row) return null;
    const attempt = trigger === 'manual' ? 1 : row.retry_attempt + 1;
    const run = await repo.insertRun(db, {
      connector_id: row.id,
      entry_id: row.entry_id,
      trigger,
      attempt,
      state: 'running',
      started_by: startedBy,
    });
    const started = Date.now();
    let outcome: { result: IngestResult; bytes: number } | null = null;
    let error: RunError | null = null;
    try {
      const entry = await loadEntry(db, row.entry_id);
      const settings = await settingsOf(db, entry.id);
      outcome = await readSource(handle, runtime, row, entry, {
        entryId: entry.id,
        items: entry.items,
        settings: { errorPolicy: settings.errorPolicy, enumerations: settings.enumerations },
        source: 'connector',
        createdBy: startedBy,
      });
      // A run whose rows are the current version's is a success that makes no version (`unchanged`).
      if (!accepted(outcome.result)) {
        const stored = (await versionError(db, outcome.result.versionId)) as {
          code?: string;
          message?: Message;
        } | null;
        error = {
          code: stored?.code ?? 'connector_version_rejected',
          message: stored?.message ?? {
            zh: '数据未通过校验，未发布新版本',
            en: 'The data failed validation; no version was published',
          },
          detail: null,
        };
      }
    } catch (err) {
      error = errorOf(err);
      const raw = rawOf(err);
      runtime.log?.warn(
        { connectorId, runId: run.id, code: error.code, ...(raw !== undefined ? { err: raw } : {}) },
        'connector run failed',
      );
    }
    const state: ConnectorRunState = error === null ? 'succeeded' : 'failed';
    const now = new Date();
    const result = outcome?.result ?? null;
    await repo.finishRun(db, run.id, {
      state,
      finished_at: now,
      duration_ms: Date.now() - started,
      row_count: result?.rowCount ?? null,
      excluded_row_count: result?.excludedRowCount ?? null,
      byte_count: outcome?.bytes ?? null,
      version_id: result?.versionId ?? null,
      error: error === null ? null : JSON.stringify(error),
    });
    await afterRun(db, connectorId, state, attempt, now, error);
    await appendAudit(db, actor, {
      action: 'provision.connector_run',
      targetType: 'catalog_entry',
      targetId: row.entry_id,
      result: state === 'succeeded' ? 'success' : 'failure',
      orgId: row.org_id,
      detail: {
        connectorId,
        runId: run.id,
        trigger,
        attempt,
        versionId: result?.versionId ?? null,
        rows: result?.rowCount ?? null,
        unchanged: result?.state === 'unchanged',
        error: error?.code ?? null,
      },
    });
    const done = await repo.findRun(db, run.id);
    return done ? runView(done) : null;
  } finally {
    await lease.release();
  }
}

/** The connector's schedule after a run (the row is re-read: it may have changed meanwhile). */
async function afterRun(
  db: Db,
  connectorId: string,
  state: ConnectorRunState,
  attempt: number,
  now: Date,
  error: RunError | null,
) {
  const row = await repo.findConnector(db, connectorId);
  if (!row) return;
  const cycle = await updateCycleOf(db, row.entry_id);
  const scheduled = row.enabled ? nextScheduledRun(row, cycle, now) : null;
  if (state === 'succeeded') {
    await repo.updateConnector(db, connectorId, {
      last_run_at: now,
      last_state: state,
      last_error: null,
      retry_attempt: 0,
      consecutive_failures: 0,
      failing_since: null,
      next_run_at: scheduled,
    });
    return;
  }
  const failures = row.consecutive_failures + 1;
  const backoff = RETRY_BACKOFF_MINUTES[attempt - 1];
  const retry = row.enabled && backoff !== undefined;
  await repo.updateConnector(db, connectorId, {
    last_run_at: now,
    last_state: state,
    last_error: JSON.stringify(error),
    consecutive_failures: failures,
    failing_since: failures >= FAILING_AFTER ? (row.failing_since ?? now) : row.failing_since,
    retry_attempt: retry ? attempt : 0,
    next_run_at: retry ? new Date(now.getTime() + backoff * 60_000) : scheduled,
  });
}

/** "Run now" by a provider: at once in this process, or queued when `enqueue` is given. */
export async function requestRun(
  handle: DatabaseHandle,
  runtime: ConnectorRuntime,
  actor: Actor,
  entry: ProvisionEntry,
  connectorId: string,
  enqueue?: (connectorId: string, startedBy: string | null) => Promise<void>,
): Promise<RunView | null> {
  assertProvider(actor, entry);
  await ownConnector(handle.db, entry, connectorId);
  if (await repo.hasRunningRun(handle.db, connectorId)) throw new ConnectorBusy();
  await appendAudit(handle.db, actor, {
    action: 'provision.connector_run_requested',
    targetType: 'catalog_entry',
    targetId: entry.id,
    detail: { connectorId },
  });
  if (enqueue) {
    await enqueue(connectorId, accountOf(actor));
    return null;
  }
  const run = await runConnector(handle, runtime, connectorId, 'manual', actor);
  if (!run) throw new ConnectorBusy();
  return run;
}

/** How long a claimed connector waits before it is dispatched again if its run never reports. */
const CLAIM_MINUTES = 30;

/**
 * The dispatcher (every minute): closes runs whose server died, then claims every enabled
 * connector that is due and starts its run. A claim moves `next_run_at` forward in one statement,
 * so two dispatchers on two servers never claim the same connector twice.
 */
export async function dispatchDue(
  handle: DatabaseHandle,
  start: (connectorId: string, trigger: ConnectorRunTrigger) => Promise<void>,
  now = new Date(),
): Promise<number> {
  const db = handle.db;
  await recoverInterrupted(handle);
  const due = await repo.claimDueConnectors(db, now, new Date(now.getTime() + CLAIM_MINUTES * 60_000));
  for (const c of due) await start(c.id, c.retry_attempt > 0 ? 'retry' : 'schedule');
  return due.length;
}

/** Runs left `running` by a server that died (their lease is free) are marked failed. */
async function recoverInterrupted(handle: DatabaseHandle) {
  const running = await repo.runningRuns(handle.db);
  for (const r of running) {
    const lease = await handle.lease(`connector-run:${r.connector_id}`);
    if (!lease) continue;
    try {
      await repo.failRunningRun(
        handle.db,
        r.id,
        JSON.stringify({
          code: 'connector_interrupted',
          message: { zh: '运行被中断（服务器停止）', en: 'The run was interrupted (the server stopped)' },
          detail: null,
        } satisfies RunError),
        new Date(),
      );
    } finally {
      await lease.release();
    }
  }
}

/**
 * Failing connectors (three or more failed runs in a row), for the quality watch: which entry,
 * since when, and the last error. `orgIds` limits them to those organisations.
 */
export async function connectorFailures(db: Db, options: { orgIds?: readonly string[] } = {}) {
  if (options.orgIds && options.orgIds.length === 0) return [];
  const rows = await repo.failingConnectors(db, options.orgIds);
  return rows.map((r) => {
    const e = r.last_error as RunError | null;
    return {
      connectorId: r.id,
      entryId: r.entry_id,
      orgId: r.org_id,
      kind: r.kind,
      failingSince: r.failing_since ?? new Date(0),
      consecutiveFailures: r.consecutive_failures,
      lastRunAt: r.last_run_at,
      lastError: e ? { code: e.code, message: e.message, detail: e.detail } : null,
    };
  });
}
