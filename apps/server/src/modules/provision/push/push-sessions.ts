/**
 * Push sessions (Art. 10 way (b)): a department's system opens a new version of an entry's data,
 * sends its rows in as many requests as it likes (batches of JSON or NDJSON, or the whole file) and
 * commits it. Rows go into the version's table as they arrive, validated, and the running report
 * (per-field counts, the first 1,000 problems) is kept in the version row; the version becomes
 * current only at the commit, so readers see the previous one until then.
 *
 * Between requests the version is `open` (not `receiving`, which the crash clean-up takes for
 * interrupted) and expires after `PUSH_IDLE_HOURS` without a request; the expiry job then drops its
 * table. Every request that touches a session takes the version's lease first — so two batches of
 * one session are written one after the other, and the expiry never drops a table being written —
 * and a batch is written in one transaction, report included: a batch is appended whole or not at
 * all, even if the server dies in the middle.
 */
import { Type } from 'typebox';
import type { DatabaseHandle, Lease, Db, Trx } from '../../../db/database.ts';
import { defineJob, type JobDefinition } from '../../../plugins/jobs.ts';
import { AppError, ConflictError, invalidField, type Message } from '../../../shared/errors.ts';
import { SYSTEM_ACTOR, type Actor, type StaffPrincipal } from '../../../shared/principal.ts';
import { appendAudit } from '../../security/index.ts';
import type { DataItem } from '../../catalog/index.ts';
import {
  DuplicateVersionKey,
  abandonVersion,
  appendRows,
  beginTableVersion,
  completeVersion,
  lockEntry,
  type ColumnSpec,
  type OpenVersion,
  leaseKey,
} from '../versions/versions.store.ts';
import { ingestAudit, rowAligner, storedText, type IngestResult } from '../versions/ingest.ts';
import { openRowSource, type OpenOptions, type RowSource } from '../../../formats/index.ts';
import { assertProvider, settingsOf, type ProvisionEntry } from '../provision.service.ts';
import {
  ValidationReport,
  createValidator,
  type ValidationProblem,
  formulaNotice,
  type ValidationNotice,
  type ValidationSummary,
} from '../versions/validation.ts';
import { beijingDay } from '../../../shared/beijing-time.ts';
import * as repo from './push-sessions.repository.ts';
import type { SessionRow } from './push-sessions.repository.ts';
import type { ErrorPolicy } from '@huitong/contract/values';

/** A session without a request for this long expires (its table is dropped, the version cancelled). */
export const PUSH_IDLE_HOURS = 24;
/** How long a request waits for another request of the same session to finish. */
export const PUSH_LEASE_WAIT_MS = 60_000;
/** Problems listed in a report (all are counted). */
const MAX_PROBLEMS = 1000;
/** Rows per append. */
const APPEND_BATCH = 1000;

export type { ErrorPolicy };
export type PushSessionState =
  'open' | 'busy' | 'committed' | 'unchanged' | 'failed' | 'cancelled' | 'expired';

/** What a session keeps of its creation: the data items and rules its rows are checked against. */
interface PushOptions {
  errorPolicy: ErrorPolicy;
  mapping: Record<string, string>;
  enumerations: Record<string, string[]>;
  items: DataItem[];
}

export interface PushSessionView {
  versionId: string;
  versionNo: number;
  entryId: string;
  state: PushSessionState;
  errorPolicy: ErrorPolicy;
  mapping: Record<string, string>;
  note: string | null;
  createdAt: string;
  /** While open: when the session expires unless a request comes. */
  expiresAt: string | null;
  /** Committed, failed or cancelled: when. */
  closedAt: string | null;
  rowsReceived: number;
  rowsAppended: number;
  invalidRows: number;
  batches: number;
  /** Whether a commit now would publish the version (rows received, and none invalid under `reject`). */
  committable: boolean;
  file: {
    fileName: string | null;
    format: string | null;
    encoding: string | null;
    byteCount: number | null;
    sm3: string | null;
  } | null;
  error: { code: string; message: Message } | null;
  report: ValidationSummary | null;
}

export interface BatchOutcome {
  sequence: number;
  /** The batch's first row, numbered over the whole session (1-based). */
  firstRow: number;
  rows: number;
  invalidRows: number;
  appended: number;
  /** A retry of a batch already taken: nothing was appended. */
  replayed: boolean;
  problemCount: number;
  /** The batch's problems (at most 1,000), rows numbered over the whole session. */
  problems: ValidationProblem[];
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export class PushSessionNotFound extends AppError {
  constructor(versionId: string) {
    super('push_session_not_found', 404, {
      zh: `此目录条目下没有推送会话 ${versionId}`,
      en: `This catalog entry has no push session ${versionId}`,
    });
  }
}

const STATE_NAMES: Record<PushSessionState, Message> = {
  open: { zh: '进行中', en: 'open' },
  busy: { zh: '正在提交', en: 'being committed' },
  committed: { zh: '已提交', en: 'committed' },
  unchanged: { zh: '已提交（数据未变化，未生成新版本）', en: 'committed (unchanged data, no new version)' },
  failed: { zh: '未通过（已失败）', en: 'failed' },
  cancelled: { zh: '已取消', en: 'cancelled' },
  expired: { zh: '已过期', en: 'expired' },
};

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function alreadyCommitted(row: SessionRow): AppError {
  const at = iso(row.completed_at) ?? '';
  return new AppError(
    'push_already_committed',
    409,
    {
      zh: `推送会话已于 ${at} 提交为第 ${row.version_no} 版（${row.id}），不能再次提交或修改；数据未作任何改动`,
      en: `The push session was committed as version ${row.version_no} (${row.id}) at ${at}; it cannot be committed or changed again. Nothing was changed`,
    },
    [],
    { versionId: row.id, versionNo: row.version_no, committedAt: at },
  );
}

function notOpen(row: SessionRow, state: PushSessionState): AppError {
  if (state === 'committed') return alreadyCommitted(row);
  const name = STATE_NAMES[state];
  return new AppError(
    state === 'expired'
      ? 'push_session_expired'
      : state === 'busy'
        ? 'push_session_busy'
        : 'push_session_closed',
    409,
    {
      zh: `推送会话 ${row.id} ${name.zh}，不能再接收数据或提交；请新建推送会话`,
      en: `The push session ${row.id} is ${name.en}: it takes no more data and cannot be committed. Open a new push session`,
    },
    [],
    { versionId: row.id, versionNo: row.version_no, state },
  );
}

const busy = (versionId: string) =>
  new AppError(
    'push_session_busy',
    409,
    {
      zh: `推送会话 ${versionId} 的另一个请求仍在处理，请稍后重试`,
      en: `Another request of the push session ${versionId} is still being processed; retry later`,
    },
    [],
    { versionId, state: 'busy' },
  );

// ---------------------------------------------------------------------------------------------
// Rows of a session
// ---------------------------------------------------------------------------------------------

async function sessionRow(db: Db, entryId: string, versionId: string): Promise<SessionRow> {
  const row = await repo.findSession(db, entryId, versionId);
  if (!row) throw new PushSessionNotFound(versionId);
  return row;
}

const optionsOf = (row: SessionRow) => row.push_options as PushOptions;
const errorOf = (row: SessionRow) => row.error as { code: string; message: Message } | null;

/** The session state a client sees (an open session past its expiry is expired, even before the clean-up). */
export function stateOf(row: SessionRow, now = new Date()): PushSessionState {
  switch (row.state) {
    case 'open':
      return row.expires_at && new Date(row.expires_at) <= now ? 'expired' : 'open';
    case 'receiving':
      return 'busy';
    case 'ready':
    case 'retired':
      return 'committed';
    case 'unchanged':
      return 'unchanged';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return errorOf(row)?.code === 'push_session_expired' ? 'expired' : 'cancelled';
  }
}

function viewOf(row: SessionRow, batches: number, withReport = true): PushSessionView {
  const options = optionsOf(row);
  const report = (row.report ??
    (errorOf(row) as { report?: unknown } | null)?.report ??
    null) as ValidationSummary | null;
  const state = stateOf(row);
  const received = report?.totalRows ?? 0;
  const invalid = Number(row.excluded_row_count ?? 0);
  return {
    versionId: row.id,
    versionNo: row.version_no,
    entryId: row.entry_id,
    state,
    errorPolicy: options.errorPolicy,
    mapping: options.mapping,
    note: row.note,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: row.state === 'open' ? iso(row.expires_at) : null,
    closedAt: iso(row.completed_at),
    rowsReceived: received,
    rowsAppended: Number(row.row_count ?? 0),
    invalidRows: invalid,
    batches,
    committable: state === 'open' && received > 0 && (options.errorPolicy === 'exclude' || invalid === 0),
    file: row.format
      ? {
          fileName: row.file_name,
          format: row.format,
          encoding: row.encoding,
          byteCount: row.byte_count === null ? null : Number(row.byte_count),
          sm3: row.sm3,
        }
      : null,
    error: row.error
      ? { code: errorOf(row)?.code ?? 'failed', message: errorOf(row)?.message ?? STATE_NAMES.failed }
      : null,
    report: withReport ? report : null,
  };
}

/** Waits for the version's lease (another request of the session may hold it for a while). */
async function takeLease(
  handle: DatabaseHandle,
  versionId: string,
  waitMs = PUSH_LEASE_WAIT_MS,
): Promise<Lease> {
  const until = Date.now() + waitMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    const lease = await handle.lease(leaseKey(versionId));
    if (lease) return lease;
    if (Date.now() >= until) throw busy(versionId);
    await new Promise((r) => setTimeout(r, pause));
  }
}

const accountOf = (p: StaffPrincipal) => (p.kind === 'staff' ? p.accountId : null);
const expiryFrom = (now: Date) => new Date(now.getTime() + PUSH_IDLE_HOURS * 3600_000);

/** An empty report for the items (a session without rows yet). */
function emptySummary(items: readonly DataItem[]): ValidationSummary {
  return new ValidationReport(items).summary();
}

/**
 * Adds the report of a batch to the running report of the session: counts add up, the listed
 * problems are the first `max` of both in row order, completeness and valid share are recomputed —
 * the same report as if all rows had come in one file.
 */
export function mergeReports(
  a: ValidationSummary,
  b: ValidationSummary,
  max = MAX_PROBLEMS,
): ValidationSummary {
  const totalRows = a.totalRows + b.totalRows;
  const byRule: Record<string, number> = { ...a.problemsByRule };
  for (const [rule, n] of Object.entries(b.problemsByRule)) byRule[rule] = (byRule[rule] ?? 0) + (n ?? 0);
  const problems = [...a.problems, ...b.problems.slice(0, Math.max(0, max - a.problems.length))];
  const problemCount = a.problemCount + b.problemCount;
  return {
    totalRows,
    validRows: a.validRows + b.validRows,
    invalidRows: a.invalidRows + b.invalidRows,
    problemCount,
    problemsTruncated: problemCount > problems.length,
    problemsByRule: byRule,
    fields: a.fields.map((f, i) => {
      const g = b.fields[i];
      const filled = f.filled + (g?.filled ?? 0);
      const valid = f.valid + (g?.valid ?? 0);
      return {
        ...f,
        filled,
        valid,
        problems: f.problems + (g?.problems ?? 0),
        completeness: totalRows === 0 ? null : filled / totalRows,
        validShare: filled === 0 ? null : valid / filled,
      };
    }),
    problems,
    notices: mergeNotices(a.notices ?? [], b.notices ?? [], a.fields),
  };
}

/** Notices of two reports in item order: counts of a field add up, the first value is the earlier report's. */
function mergeNotices(
  a: readonly ValidationNotice[],
  b: readonly ValidationNotice[],
  fields: readonly { field: string }[],
): ValidationNotice[] {
  const merged = new Map(a.map((n) => [n.field, n]));
  for (const n of b) {
    const m = merged.get(n.field);
    merged.set(n.field, m ? formulaNotice({ ...m, count: m.count + n.count }) : n);
  }
  return fields.flatMap((f) => merged.get(f.field) ?? []);
}

function checkMapping(items: readonly DataItem[], mapping: Record<string, string>) {
  const names = new Set(items.map((i) => i.name));
  for (const [header, name] of Object.entries(mapping))
    if (!names.has(name))
      throw invalidField(
        `mapping/${header}`,
        `目录中没有信息项 ${name}`,
        `the entry has no data item ${name}`,
      );
}

// ---------------------------------------------------------------------------------------------
// Create, read
// ---------------------------------------------------------------------------------------------

/** How long a retried create waits for a concurrent create of the same key to finish opening. */
const OPENING_WAIT_MS = 5_000;

const isBeingOpened = (v: {
  source: string;
  state: string;
  push_options: unknown;
  file_name: string | null;
}) => v.source === 'push' && v.state === 'receiving' && v.push_options === null && v.file_name === null;

/**
 * Opens a push session: a new version (number reserved now) that is `open` until committed,
 * cancelled or expired. The idempotency key makes a retry answer the same session (`created:
 * false`); while another session of the entry is open, a second one is refused naming it.
 */
export async function createPushSession(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  input: {
    idempotencyKey: string;
    errorPolicy?: ErrorPolicy;
    mapping?: Record<string, string>;
    note?: string | null;
  },
): Promise<{ session: PushSessionView; created: boolean }> {
  const p = assertProvider(actor, entry);
  const mapping = input.mapping ?? {};
  checkMapping(entry.items, mapping);
  if (entry.items.length === 0)
    throw new ConflictError('entry_without_items', {
      zh: '该目录条目没有信息项，不能推送数据',
      en: 'The catalog entry has no data items; no data can be pushed to it',
    });
  const find = () => repo.findByIdempotencyKey(handle.db, entry.id, input.idempotencyKey);
  const replay = async (): Promise<{ session: PushSessionView; created: boolean } | null> => {
    let existing = await find();
    if (!existing) return null;
    // A request with the same key is opening this session right now (its version exists, its
    // options follow a moment later): wait for it rather than call the key used by something else.
    for (let waited = 0; isBeingOpened(existing) && waited < OPENING_WAIT_MS; waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      existing = (await find()) ?? existing;
    }
    if (existing.push_options === null)
      throw new AppError(
        'idempotency_key_used',
        409,
        {
          zh: `此幂等键已用于该目录的另一次数据提交（版本 ${existing.id}），请换一个键`,
          en: `This idempotency key was already used for another data submission of the entry (version ${existing.id}); use another key`,
        },
        [],
        { versionId: existing.id },
      );
    return { session: viewOf(existing, await repo.countBatches(handle.db, existing.id)), created: false };
  };
  const alreadyOpen = (o: { id: string; version_no: number; expires_at: Date | null }) =>
    new AppError(
      'push_session_open',
      409,
      {
        zh: `该目录已有一个进行中的推送会话（第 ${o.version_no} 版，${o.id}），请先提交或取消它`,
        en: `The entry already has an open push session (version ${o.version_no}, ${o.id}); commit or cancel it first`,
      },
      [],
      { versionId: o.id, versionNo: o.version_no, expiresAt: iso(o.expires_at) },
    );

  const replayed = await replay();
  if (replayed) return replayed;
  const open = await repo.findOpenSession(handle.db, entry.id);
  if (open) throw alreadyOpen(open);

  const settings = await settingsOf(handle.db, entry.id);
  const options: PushOptions = {
    errorPolicy: input.errorPolicy ?? settings.errorPolicy,
    mapping,
    enumerations: settings.enumerations,
    items: entry.items,
  };
  let version: OpenVersion;
  try {
    version = await beginTableVersion(handle, {
      entryId: entry.id,
      items: entry.items,
      source: 'push',
      createdBy: accountOf(p),
      idempotencyKey: input.idempotencyKey,
    });
  } catch (err) {
    // The same key at the same moment: the other request created the session.
    if (err instanceof DuplicateVersionKey) {
      const again = await replay();
      if (again) return again;
    }
    throw err;
  }
  let conflict: Awaited<ReturnType<typeof repo.findOpenSession>>;
  try {
    conflict = await handle.db.transaction().execute(async (trx) => {
      await lockEntry(trx, entry.id);
      const other = await repo.findOpenSession(trx, entry.id);
      if (other) return other;
      await repo.openSession(trx, version.id, {
        expires_at: expiryFrom(new Date()),
        push_options: JSON.stringify(options),
        note: input.note ?? null,
        report: JSON.stringify(emptySummary(entry.items)),
        row_count: 0,
        excluded_row_count: 0,
      });
      await appendAudit(trx, actor, {
        action: 'provision.push_opened',
        targetType: 'catalog_entry',
        targetId: entry.id,
        detail: { versionId: version.id, versionNo: version.versionNo, errorPolicy: options.errorPolicy },
      });
      return undefined;
    });
  } catch (err) {
    await abandonVersion(handle.db, version, 'failed', {
      code: 'internal',
      message: { zh: '推送会话创建失败', en: 'The push session could not be opened' },
    }).catch(() => undefined);
    throw err;
  }
  if (conflict) {
    // Another session was opened at the same moment: this one is given up, that one named.
    await abandonVersion(handle.db, version, 'cancelled', {
      code: 'push_session_open',
      message: { zh: '同时已有另一个推送会话', en: 'Another push session was opened at the same time' },
    });
    throw alreadyOpen(conflict);
  }
  await version.lease.release();
  return { session: viewOf(await sessionRow(handle.db, entry.id, version.id), 0), created: true };
}

export async function getPushSession(
  db: Db,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
): Promise<PushSessionView> {
  assertProvider(actor, entry);
  const row = await sessionRow(db, entry.id, versionId);
  return viewOf(row, await repo.countBatches(db, row.id));
}

// ---------------------------------------------------------------------------------------------
// Batches and the file
// ---------------------------------------------------------------------------------------------

/** A request body received into a file, with its SM3 digest and size. */
export interface ReceivedBody {
  file: string;
  sm3: string;
  bytes: number;
}

/**
 * Takes the lease of an open session: checks the caller and the session (cheaply, before the body
 * is read), waits for the lease, and checks again under it. An open session found past its expiry
 * is expired here and now.
 */
async function enterOpen(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
): Promise<{ row: SessionRow; lease: Lease }> {
  assertProvider(actor, entry);
  const first = await sessionRow(handle.db, entry.id, versionId);
  const state = stateOf(first);
  if (state !== 'open' && state !== 'expired') throw notOpen(first, state);
  const lease = await takeLease(handle, versionId);
  try {
    const row = await sessionRow(handle.db, entry.id, versionId);
    const now = stateOf(row);
    if (now === 'expired' && row.state === 'open') {
      await expireLeased(handle, row, lease);
      throw notOpen(row, 'expired');
    }
    if (now !== 'open') throw notOpen(row, now);
    return { row, lease };
  } catch (err) {
    await lease.release();
    throw err;
  }
}

/** The open version as versions.store.ts writes it. */
function openVersionOf(row: SessionRow, lease: Lease): OpenVersion {
  return {
    id: row.id,
    entryId: row.entry_id,
    versionNo: row.version_no,
    tableName: row.table_name ?? '',
    columns: row.columns as ColumnSpec[],
    written: Number(row.row_count ?? 0),
    // Without the lease's connection: appendRows then writes with INSERTs through the batch's own
    // transaction (not the COPY on the lease's connection), so that a batch and its report are
    // committed together, or neither is.
    lease: { release: () => lease.release() },
  };
}

/**
 * Validates the rows of a source and appends the acceptable ones to the session's table, in the
 * caller's transaction. Rows are numbered from `firstRow` (batches) or by the file's own record
 * numbers (a file).
 */
async function writeSource(
  trx: Trx,
  row: SessionRow,
  lease: Lease,
  source: RowSource,
  numbering: { firstRow: number } | 'records',
): Promise<{ report: ValidationSummary; rows: number; invalid: number; appended: number }> {
  const options = optionsOf(row);
  const items = options.items;
  const align = rowAligner(source.headers, items, options.mapping);
  const validator = createValidator(items, {
    enumerations: options.enumerations,
    latestBirthDate: beijingDay(),
  });
  const report = new ValidationReport(items, { maxProblems: MAX_PROBLEMS });
  const version = openVersionOf(row, lease);
  const rejecting = options.errorPolicy === 'reject';
  // Under `reject`, once a row of the session is invalid the commit will fail: rows are only checked.
  let failing = rejecting && Number(row.excluded_row_count ?? 0) > 0;
  let batch: { row: number; values: (string | null)[] }[] = [];
  let count = 0;
  let invalid = 0;
  let appended = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await appendRows(trx, version, batch);
    appended += batch.length;
    batch = [];
  };
  for await (const r of source.rows) {
    const rowNo = numbering === 'records' ? r.record : numbering.firstRow + count;
    const result = validator.validate(align(r), { row: rowNo, geometry: r.geometry ?? undefined });
    report.add(result);
    count++;
    if (!result.valid) {
      invalid++;
      if (rejecting) failing = true;
    } else if (!failing) {
      batch.push({ row: rowNo, values: items.map((i) => storedText(result.values[i.name])) });
      if (batch.length >= APPEND_BATCH) await flush();
    }
  }
  await flush();
  return { report: report.summary(), rows: count, invalid, appended };
}

/**
 * Appends a batch of rows (a JSON array or NDJSON, received by `receive` once the session is held)
 * to an open session. With `sequence`, a batch already taken under that number is acknowledged
 * without appending when its SM3 digest is the same, and refused (409) when it is not; without,
 * the batch gets the next free number.
 */
export async function appendBatch(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
  input: {
    sequence?: number;
    format: 'json' | 'ndjson';
    encoding?: OpenOptions['encoding'];
    receive: () => Promise<ReceivedBody>;
  },
): Promise<{ session: PushSessionView; batch: BatchOutcome }> {
  const { row, lease } = await enterOpen(handle, actor, entry, versionId);
  try {
    if (row.format)
      throw new ConflictError('push_session_has_file', {
        zh: '此推送会话已上传整个文件，不能再追加数据批次',
        en: 'A whole file was put into this push session; it takes no batches',
      });
    const body = await input.receive();
    if (input.sequence !== undefined) {
      const taken = await repo.findBatch(handle.db, row.id, input.sequence);
      if (taken) {
        if (taken.sm3 !== body.sm3)
          throw new AppError(
            'push_batch_conflict',
            409,
            {
              zh: `批次序号 ${input.sequence} 已用于内容不同的另一批数据（SM3 ${taken.sm3}）；重试时请发送相同内容，新数据请用新序号`,
              en: `Batch sequence ${input.sequence} was already used for a batch with other content (SM3 ${taken.sm3}); a retry must send the same content, new data a new number`,
            },
            [],
            { versionId: row.id, sequence: input.sequence, sm3: taken.sm3 },
          );
        return {
          session: viewOf(row, await repo.countBatches(handle.db, row.id), false),
          batch: {
            sequence: taken.sequence,
            firstRow: Number(taken.first_row),
            rows: taken.row_count,
            invalidRows: taken.invalid_count,
            appended: taken.appended_count,
            replayed: true,
            problemCount: taken.problem_count,
            problems: taken.problems as ValidationProblem[],
          },
        };
      }
    }
    const source = await openRowSource(body.file, {
      format: input.format,
      ...(input.encoding ? { encoding: input.encoding } : {}),
    });
    try {
      const outcome = await handle.db.transaction().execute(async (trx) => {
        if (!(await repo.lockSession(trx, row.id))) throw new PushSessionNotFound(row.id);
        const previous = (row.report as ValidationSummary | null) ?? emptySummary(optionsOf(row).items);
        const firstRow = previous.totalRows + 1;
        const written = await writeSource(trx, row, lease, source, { firstRow });
        const sequence = input.sequence ?? (await repo.lastBatchSequence(trx, row.id)) + 1;
        const merged = mergeReports(previous, written.report);
        await repo.updateOpenSession(trx, row.id, {
          report: JSON.stringify(merged),
          row_count: Number(row.row_count ?? 0) + written.appended,
          excluded_row_count: Number(row.excluded_row_count ?? 0) + written.invalid,
          expires_at: expiryFrom(new Date()),
        });
        await repo.insertBatch(trx, {
          version_id: row.id,
          sequence,
          sm3: body.sm3,
          byte_count: body.bytes,
          first_row: firstRow,
          row_count: written.rows,
          invalid_count: written.invalid,
          appended_count: written.appended,
          problems: JSON.stringify(written.report.problems),
          problem_count: written.report.problemCount,
        });
        return {
          sequence,
          firstRow,
          rows: written.rows,
          invalidRows: written.invalid,
          appended: written.appended,
          replayed: false,
          problemCount: written.report.problemCount,
          problems: written.report.problems,
        };
      });
      const after = await sessionRow(handle.db, entry.id, row.id);
      return { session: viewOf(after, await repo.countBatches(handle.db, row.id), false), batch: outcome };
    } finally {
      await source.close();
    }
  } finally {
    await lease.release();
  }
}

/**
 * Puts the whole file into an open session that has no rows yet (any supported format, as an upload).
 * The same file again (same SM3) is acknowledged; another file, or a file after batches, is refused.
 */
export async function putFile(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
  input: OpenOptions & {
    fileName?: string;
    mapping?: Record<string, string>;
    receive: () => Promise<ReceivedBody>;
  },
): Promise<{ session: PushSessionView; replayed: boolean; problems: ValidationProblem[] }> {
  if (input.mapping) checkMapping(entry.items, input.mapping);
  const { row, lease } = await enterOpen(handle, actor, entry, versionId);
  try {
    const batches = await repo.countBatches(handle.db, row.id);
    if (batches > 0)
      throw new ConflictError('push_session_has_batches', {
        zh: `此推送会话已接收 ${batches} 个数据批次，不能再上传整个文件`,
        en: `This push session has taken ${batches} batch(es) of rows; it takes no whole file`,
      });
    const body = await input.receive();
    if (row.format) {
      if (row.sm3 === body.sm3)
        return {
          session: viewOf(row, 0, false),
          replayed: true,
          problems: (row.report as ValidationSummary).problems,
        };
      throw new AppError(
        'push_file_conflict',
        409,
        {
          zh: `此推送会话已上传另一个文件（SM3 ${row.sm3 ?? ''}）；如需替换，请取消会话后重新推送`,
          en: `Another file (SM3 ${row.sm3 ?? ''}) was put into this push session; to replace it, cancel the session and push again`,
        },
        [],
        { versionId: row.id, sm3: row.sm3 },
      );
    }
    const { receive: _receive, fileName, mapping, ...open } = input;
    const source = await openRowSource(body.file, open);
    try {
      const sessionWithMapping = mapping
        ? ({ ...row, push_options: { ...optionsOf(row), mapping } } as SessionRow)
        : row;
      const report = await handle.db.transaction().execute(async (trx) => {
        await repo.lockSession(trx, row.id);
        const written = await writeSource(trx, sessionWithMapping, lease, source, 'records');
        await repo.updateOpenSession(trx, row.id, {
          report: JSON.stringify(written.report),
          row_count: written.appended,
          excluded_row_count: written.invalid,
          expires_at: expiryFrom(new Date()),
          format: input.format,
          encoding: source.encoding ?? null,
          file_name: fileName ?? null,
          byte_count: body.bytes,
          sm3: body.sm3,
          ...(mapping ? { push_options: JSON.stringify(optionsOf(sessionWithMapping)) } : {}),
        });
        return written.report;
      });
      const after = await sessionRow(handle.db, entry.id, row.id);
      return { session: viewOf(after, 0, false), replayed: false, problems: report.problems };
    } finally {
      await source.close();
    }
  } finally {
    await lease.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Commit, cancel, expiry
// ---------------------------------------------------------------------------------------------

/** Moves an open session held under `lease` to `receiving`, so that versions.store.ts may finish it. */
async function toReceiving(db: Db, row: SessionRow): Promise<void> {
  if (!(await repo.markReceiving(db, row.id))) throw new Error(`push session ${row.id} is no longer open`);
}

/**
 * Commits an open session: under the policy it becomes the current version (`ready`), or fails
 * with its full report (no rows; invalid rows under `reject`). A committed session cannot be
 * committed again (409 naming the version and when it was committed).
 */
export async function commitPushSession(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
  input: { expectedRows?: number } = {},
): Promise<IngestResult> {
  const p = assertProvider(actor, entry);
  const { row, lease } = await enterOpen(handle, actor, entry, versionId);
  const options = optionsOf(row);
  const report = (row.report as ValidationSummary | null) ?? emptySummary(options.items);
  const received = report.totalRows;
  if (input.expectedRows !== undefined && input.expectedRows !== received) {
    await lease.release();
    throw new AppError(
      'push_count_mismatch',
      409,
      {
        zh: `推送会话共收到 ${received} 行，与声明的 ${input.expectedRows} 行不符；会话仍可继续接收数据，未作任何改动`,
        en: `The push session received ${received} rows, not the ${input.expectedRows} declared; the session stays open and nothing was changed`,
      },
      [],
      { versionId: row.id, received, expected: input.expectedRows },
    );
  }
  try {
    await toReceiving(handle.db, row);
  } catch (err) {
    await lease.release();
    throw err;
  }
  const version = openVersionOf(row, lease);
  const invalid = Number(row.excluded_row_count ?? 0);
  const appended = Number(row.row_count ?? 0);
  const refused = received === 0 || (options.errorPolicy === 'reject' && invalid > 0);
  let result: IngestResult = {
    versionId: row.id,
    versionNo: row.version_no,
    state: refused ? 'failed' : 'ready',
    rowCount: refused ? received : appended,
    excludedRowCount: invalid,
    report,
  };
  try {
    if (refused) {
      await abandonVersion(handle.db, version, 'failed', {
        code: received === 0 ? 'no_rows' : 'invalid_rows',
        message:
          received === 0
            ? { zh: '推送会话没有收到任何数据行', en: 'The push session received no data rows' }
            : {
                zh: `${invalid} 行数据未通过校验，按“整体拒绝”规则未发布此版本`,
                en: `${invalid} rows failed validation; under the "reject whole version" rule this version was not published`,
              },
        report,
      });
    } else {
      const outcome = await completeVersion(handle.db, version, {
        rowCount: appended,
        excludedRowCount: invalid,
        byteCount: row.byte_count,
        sm3: row.sm3,
        report,
        by: accountOf(p),
      });
      result = { ...result, ...outcome };
    }
  } catch (err) {
    await abandonVersion(handle.db, version, 'failed', {
      code: 'internal',
      message: { zh: '提交失败', en: 'The commit failed' },
    }).catch(() => undefined);
    throw err;
  }
  await appendAudit(handle.db, actor, {
    ...ingestAudit(result),
    targetType: 'catalog_entry',
    targetId: entry.id,
    detail: {
      versionId: row.id,
      ...(result.sameAs ? { sameAsVersionNo: result.sameAs.versionNo } : {}),
      versionNo: row.version_no,
      source: 'push-session',
      rows: result.rowCount,
      excluded: invalid,
      batches: await repo.countBatches(handle.db, row.id),
    },
  });
  return result;
}

/**
 * Cancels an open session: its table is dropped and the version cancelled. Cancelling a session
 * that is already closed (cancelled, expired, failed) changes nothing; a committed one is refused.
 */
export async function cancelPushSession(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
): Promise<PushSessionView> {
  assertProvider(actor, entry);
  const first = await sessionRow(handle.db, entry.id, versionId);
  const state = stateOf(first);
  if (state === 'committed') throw alreadyCommitted(first);
  if (state !== 'open' && state !== 'expired' && state !== 'busy')
    return viewOf(first, await repo.countBatches(handle.db, first.id));
  const lease = await takeLease(handle, versionId);
  const row = await sessionRow(handle.db, entry.id, versionId).catch(async (err: unknown) => {
    await lease.release();
    throw err;
  });
  if (row.state !== 'open') {
    await lease.release();
    if (row.state === 'ready') throw alreadyCommitted(row);
    return viewOf(row, await repo.countBatches(handle.db, row.id));
  }
  try {
    await toReceiving(handle.db, row);
  } catch (err) {
    await lease.release();
    throw err;
  }
  await abandonVersion(handle.db, openVersionOf(row, lease), 'cancelled', {
    code: 'push_session_cancelled',
    message: { zh: '推送会话已取消', en: 'The push session was cancelled' },
    report: row.report,
  });
  await appendAudit(handle.db, actor, {
    action: 'provision.push_cancelled',
    targetType: 'catalog_entry',
    targetId: entry.id,
    detail: { versionId: row.id, versionNo: row.version_no },
  });
  return viewOf(await sessionRow(handle.db, entry.id, row.id), await repo.countBatches(handle.db, row.id));
}

/** Expires an open session whose lease the caller holds (and releases it). */
async function expireLeased(handle: DatabaseHandle, row: SessionRow, lease: Lease): Promise<void> {
  try {
    await toReceiving(handle.db, row);
  } catch (err) {
    await lease.release();
    throw err;
  }
  await abandonVersion(handle.db, openVersionOf(row, lease), 'cancelled', {
    code: 'push_session_expired',
    message: {
      zh: `推送会话超过 ${PUSH_IDLE_HOURS} 小时没有请求，已过期并清理`,
      en: `The push session had no request for ${PUSH_IDLE_HOURS} hours; it expired and was cleaned up`,
    },
    report: row.report,
  });
  await appendAudit(handle.db, SYSTEM_ACTOR, {
    action: 'provision.push_expired',
    targetType: 'catalog_entry',
    targetId: row.entry_id,
    detail: { versionId: row.id, versionNo: row.version_no },
  });
}

/**
 * Expires the open sessions whose time is up as of `now`: each table is dropped, each version
 * cancelled (`push_session_expired`). A session a request is working on (its lease held) is left
 * alone — that request moves its expiry on. Answers how many expired.
 */
export async function expirePushSessions(handle: DatabaseHandle, now = new Date()): Promise<number> {
  const due = await repo.expiredSessions(handle.db, now);
  let expired = 0;
  for (const d of due) {
    const lease = await handle.lease(leaseKey(d.id));
    if (!lease) continue;
    const row = await repo.findSession(handle.db, d.entry_id, d.id);
    if (!row || row.state !== 'open' || !row.expires_at || new Date(row.expires_at) > now) {
      await lease.release();
      continue;
    }
    await expireLeased(handle, row, lease);
    expired++;
  }
  return expired;
}

export const pushSessionExpiryJob = defineJob({
  name: 'provision-push-expiry',
  payload: Type.Object({}, { additionalProperties: false }),
  cron: '*/10 * * * *',
  retryLimit: 1,
  handler: ({ database }) => expirePushSessions(database),
});

export const pushSessionJobs: JobDefinition[] = [pushSessionExpiryJob];
