import { createHash } from 'node:crypto';
import { cityRetention, ruleOf } from './versions/retention.ts';
/**
 * Data provision for one catalog entry: who may provide and read its data, its settings (error
 * policy, enumerations, key fields), its versions, and the three ways in (upload, push, connectors)
 * on top of `ingest.ts` and `versions.store.ts`.
 */
import type { DatabaseHandle, Db } from '../../db/database.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, invalidField } from '../../shared/errors.ts';
import { staffOf, type Actor, type StaffPrincipal as Staff } from '../../shared/principal.ts';
import {
  DATA_ACTIONS,
  can,
  type DataAction,
  dataAccess,
  MASKED_FROM_SENSITIVITY,
  type DataAccess,
  type HolderRef,
} from '../../shared/policy.ts';
import { appendAudit, maskValue } from '../security/index.ts';
import { publishedEntry, type DataItem } from '../catalog/index.ts';
import { findOrgRef, usernames } from '../org/index.ts';
import * as repo from './versions/versions.repository.ts';
import {
  DuplicateVersionKey,
  compareVersions,
  lockEntry,
  nextVersionNo,
  versionTableName,
  currentVersion,
  makeCurrent,
  queryRows,
  type ColumnSpec,
} from './versions/versions.store.ts';
import {
  ingestAudit,
  ingestFile,
  ingestRows,
  type IngestProgress,
  type IngestResult,
  type IngestTarget,
  type RowInput,
} from './versions/ingest.ts';
import type { OpenOptions } from '../../formats/index.ts';

export const entryNotFound = () => new NotFoundError({ zh: '目录条目', en: 'Catalog entry' });
export const versionNotFound = () => new NotFoundError({ zh: '数据版本', en: 'Data version' });

export interface ProvisionEntry {
  id: string;
  orgId: string;
  orgLevel: string;
  divisionCode: string;
  name: string;
  format: string;
  items: DataItem[];
}

/** A published entry with its current data items. */
export async function loadEntry(db: Db, id: string): Promise<ProvisionEntry> {
  const entry = await publishedEntry(db, id);
  const org = entry && (await findOrgRef(db, entry.orgId));
  if (!entry || !org) throw entryNotFound();
  return {
    id: entry.id,
    orgId: entry.orgId,
    orgLevel: org.level,
    divisionCode: org.divisionCode,
    name: entry.name,
    format: entry.format,
    items: entry.dataItems,
  };
}

const holderOf = (entry: ProvisionEntry) => ({
  id: entry.orgId,
  level: entry.orgLevel as HolderRef['level'],
  divisionCode: entry.divisionCode,
});

/** What the caller may do with the entry's data, for the web (the policy decides). */
export function dataActionsOf(actor: Actor, entry: ProvisionEntry): DataAction[] {
  return DATA_ACTIONS.filter((a) => can(actor.principal, a, { kind: 'entryData', ref: holderOf(entry) }));
}

/** The department's providers (people or systems) provide its data. */
export function assertProvider(actor: Actor, entry: ProvisionEntry): Staff {
  const p = staffOf(actor);
  if (!can(p, 'provide', { kind: 'entryData', ref: holderOf(entry) })) {
    throw new ForbiddenError({
      zh: '只有本部门的数据员（或其系统）可以提供该目录的数据',
      en: "Only the department's data providers (people or systems) may provide this entry's data",
    });
  }
  return p;
}

/**
 * Versions, reports, settings, connectors: the department's providers, approvers and cataloguers
 * and its supervising authority's keepers (shared/policy.ts canViewProvision). Others are told the
 * entry does not exist.
 */
export function assertViewer(actor: Actor, entry: ProvisionEntry): Staff {
  const p = staffOf(actor);
  if (!can(p, 'viewState', { kind: 'entryData', ref: holderOf(entry) })) throw entryNotFound();
  return p;
}

/** How the caller reads the entry's rows (shared/policy.ts dataAccess); others are told it does not exist. */
export function assertDataReader(actor: Actor, entry: ProvisionEntry): DataAccess {
  const access = dataAccess(staffOf(actor), holderOf(entry));
  if (access === null) throw entryNotFound();
  return access;
}

/** Exports and file downloads: the department's own providers and approvers only. */
export function assertExporter(actor: Actor, entry: ProvisionEntry): Staff {
  const p = staffOf(actor);
  if (can(p, 'export', { kind: 'entryData', ref: holderOf(entry) })) return p;
  if (can(p, 'viewState', { kind: 'entryData', ref: holderOf(entry) })) throw exportRefused();
  throw entryNotFound();
}

const exportRefused = () =>
  new ForbiddenError({
    zh: '只有本部门的数据员和审批人可以导出或下载该资源的数据',
    en: "Only the department's data providers and approvers may export or download this resource's data",
  });

const accountOf = (p: Staff) => (p.kind === 'staff' ? p.accountId : null);

export async function settingsOf(db: Db, entryId: string) {
  const [row, city] = await Promise.all([repo.findSettings(db, entryId), cityRetention(db)]);
  return {
    errorPolicy: row?.error_policy ?? 'reject',
    enumerations: row?.enumerations ?? {},
    keyFields: row?.key_fields ?? [],
    declaredRowCount: row?.declared_row_count ?? null,
    declaredChecksum: row?.declared_checksum ?? null,
    keepVersions: row?.keep_versions ?? null,
    keepDays: row?.keep_days ?? null,
    retention: ruleOf(row ?? null, city),
  };
}

export async function updateSettings(
  db: Db,
  actor: Actor,
  entry: ProvisionEntry,
  input: {
    errorPolicy?: 'reject' | 'exclude';
    enumerations?: Record<string, string[]>;
    keyFields?: string[];
    keepVersions?: number | null;
    keepDays?: number | null;
  },
) {
  const p = assertProvider(actor, entry);
  const names = new Set(entry.items.map((i) => i.name));
  const unknown = [...(input.keyFields ?? []), ...Object.keys(input.enumerations ?? {})].filter(
    (n) => !names.has(n),
  );
  if (unknown.length > 0) {
    throw new ConflictError('unknown_data_item', {
      zh: `目录中没有这些信息项：${unknown.join('、')}`,
      en: `The entry has no such data items: ${unknown.join(', ')}`,
    });
  }
  const current = await settingsOf(db, entry.id);
  const next = {
    error_policy: input.errorPolicy ?? current.errorPolicy,
    enumerations: JSON.stringify(input.enumerations ?? current.enumerations),
    key_fields: input.keyFields ?? current.keyFields,
    keep_versions: input.keepVersions === undefined ? current.keepVersions : input.keepVersions,
    keep_days: input.keepDays === undefined ? current.keepDays : input.keepDays,
    updated_by: accountOf(p),
    updated_at: new Date(),
  };
  await db.transaction().execute(async (trx) => {
    await repo.upsertSettings(trx, entry.id, next);
    await appendAudit(trx, actor, {
      action: 'provision.settings',
      targetType: 'catalog_entry',
      targetId: entry.id,
      detail: {
        errorPolicy: next.error_policy,
        keyFields: next.key_fields,
        keepVersions: next.keep_versions,
        keepDays: next.keep_days,
      },
    });
  });
  return settingsOf(db, entry.id);
}

function targetOf(
  entry: ProvisionEntry,
  settings: Awaited<ReturnType<typeof settingsOf>>,
  p: Staff,
  source: IngestTarget['source'],
  idempotencyKey?: string | null,
): IngestTarget {
  return {
    entryId: entry.id,
    items: entry.items,
    settings: { errorPolicy: settings.errorPolicy, enumerations: settings.enumerations },
    source,
    createdBy: accountOf(p),
    idempotencyKey: idempotencyKey ?? null,
  };
}

async function auditIngest(
  db: Db,
  actor: Actor,
  entry: ProvisionEntry,
  result: IngestResult,
  source: string,
) {
  await appendAudit(db, actor, {
    ...ingestAudit(result),
    targetType: 'catalog_entry',
    targetId: entry.id,
    detail: {
      versionId: result.versionId,
      ...(result.sameAs ? { sameAsVersionNo: result.sameAs.versionNo } : {}),
      versionNo: result.versionNo,
      source,
      rows: result.rowCount,
      excluded: result.excludedRowCount,
    },
  });
}

/** Upload of a file: a new version from it (see ingest.ts). */
export async function uploadFile(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  file: string,
  options: OpenOptions & {
    fileName?: string;
    mapping?: Record<string, string>;
    idempotencyKey?: string | null;
    /** This upload only: overrides the entry's error policy (resumable uploads). */
    errorPolicy?: 'reject' | 'exclude';
    signal?: AbortSignal;
    onProgress?: (p: IngestProgress) => void;
    /** The file's SM3 and size, computed as it was received. */
    digest?: { sm3: string; bytes: number };
  },
): Promise<IngestResult> {
  const p = assertProvider(actor, entry);
  const stored = await settingsOf(handle.db, entry.id);
  const settings = options.errorPolicy ? { ...stored, errorPolicy: options.errorPolicy } : stored;
  const result = await ingestFile(
    handle,
    targetOf(entry, settings, p, 'upload', options.idempotencyKey),
    file,
    options,
  );
  await auditIngest(handle.db, actor, entry, result, 'upload');
  return result;
}

/** Push by a department's system: rows as objects keyed by data item name, one version per call. */
export async function pushRows(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  records: readonly Record<string, unknown>[],
  idempotencyKey: string,
): Promise<{ result: IngestResult; replayed: boolean }> {
  const p = assertProvider(actor, entry);
  const settings = await settingsOf(handle.db, entry.id);
  const text = (v: unknown): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    return JSON.stringify(v);
  };
  const rows: RowInput[] = records.map((r, i) => ({
    record: i + 1,
    values: entry.items.map((item) => text(r[item.name])),
  }));
  try {
    const result = await ingestRows(handle, targetOf(entry, settings, p, 'push', idempotencyKey), rows);
    await auditIngest(handle.db, actor, entry, result, 'push');
    return { result, replayed: false };
  } catch (err) {
    if (!(err instanceof DuplicateVersionKey)) throw err;
    // The same push again (a retry): answer what the first one did, create nothing.
    const v = await versionRow(handle.db, entry.id, err.versionId);
    return { result: resultOf(v), replayed: true };
  }
}

async function versionRow(db: Db, entryId: string, versionId: string) {
  const v = await repo.findVersion(db, entryId, versionId);
  if (!v) throw versionNotFound();
  return v;
}

/** A retired version asked for by number or restored: its rows are gone, its record stays. */
export function versionRetired(versionNo: number) {
  return new ConflictError('version_retired', {
    zh: `数据版本 v${versionNo} 已按保留规则清理：其数据已删除，仅保留版本记录（时间、行数、SM3、提供者、校验报告），不能查看数据或恢复`,
    en: `Data version v${versionNo} was retired under the retention rule: its rows were removed and only its record is kept (time, rows, SM3, provider, validation report); it cannot be read or restored`,
  });
}

/** A ready version by number, or a clear refusal when retention has retired it. */
export async function readableVersion(db: Db, entryId: string, versionNo: number) {
  const v = await repo.readyVersion(db, entryId, versionNo);
  if (v) return v;
  const any = await repo.versionByNo(db, entryId, versionNo);
  if (any?.state === 'retired') throw versionRetired(versionNo);
  throw versionNotFound();
}

export function resultOf(v: Awaited<ReturnType<typeof versionRow>>): IngestResult {
  return {
    versionId: v.id,
    versionNo: v.version_no,
    // `open`: a push session not yet committed (see push-sessions.ts) — not a version readers see.
    state: v.state === 'receiving' || v.state === 'open' ? 'failed' : v.state,
    rowCount: Number(v.row_count ?? 0),
    excludedRowCount: Number(v.excluded_row_count ?? 0),
    report: (v.report ?? (v.error as { report?: unknown } | null)?.report ?? null) as IngestResult['report'],
  };
}

export async function listVersions(db: Db, actor: Actor, entry: ProvisionEntry) {
  assertViewer(actor, entry);
  const current = await currentVersion(db, entry.id);
  const rows = await repo.listVersions(db, entry.id);
  const names = await usernames(
    db,
    rows.map((r) => r.created_by),
  );
  const versions = rows.map(({ created_by, ...r }) => ({
    ...r,
    created_by_name: created_by === null ? null : (names.get(created_by) ?? null),
  }));
  return { currentVersionId: current?.id ?? null, versions };
}

export async function getVersion(db: Db, actor: Actor, entry: ProvisionEntry, versionId: string) {
  assertViewer(actor, entry);
  return versionRow(db, entry.id, versionId);
}

/**
 * Restores an earlier ready version: a new version (source `restore`) with a copy of its rows (or the
 * list of its files) becomes current, so the history stays a straight line.
 */
export async function restoreVersion(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
): Promise<IngestResult> {
  const p = assertProvider(actor, entry);
  const old = await versionRow(handle.db, entry.id, versionId);
  if (old.state === 'retired') throw versionRetired(old.version_no);
  if (old.state !== 'ready' || (old.kind === 'table' && !old.table_name)) {
    throw new ConflictError('version_not_restorable', {
      zh: '只能恢复已完成的版本',
      en: 'Only a completed version can be restored',
    });
  }
  const restored = await handle.db.transaction().execute(async (trx) => {
    await lockEntry(trx, entry.id);
    // Retention may have retired it since it was read (it takes the same lock).
    if ((await versionRow(trx, entry.id, versionId)).state !== 'ready') throw versionRetired(old.version_no);
    const versionNo = await nextVersionNo(trx, entry.id);
    const id = crypto.randomUUID();
    // A files version lists the same stored files again (stored files never change).
    const table = old.kind === 'table' ? versionTableName(id) : null;
    if (table) await repo.copyVersionTable(trx, old.table_name ?? '', table);
    const row = await repo.insertVersion(trx, {
      id,
      entry_id: entry.id,
      version_no: versionNo,
      kind: old.kind,
      state: 'ready',
      source: 'restore',
      table_name: table,
      columns: JSON.stringify(old.columns),
      row_count: old.row_count,
      excluded_row_count: old.excluded_row_count,
      byte_count: old.byte_count,
      format: old.format,
      encoding: old.encoding,
      file_name: old.file_name,
      sm3: old.sm3,
      report: old.report === null ? null : JSON.stringify(old.report),
      based_on: old.id,
      created_by: accountOf(p),
      completed_at: new Date(),
    });
    if (old.kind === 'files') await repo.copyFiles(trx, old.id, id);
    await makeCurrent(trx, entry.id, id, accountOf(p));
    await appendAudit(trx, actor, {
      action: 'provision.version_restored',
      targetType: 'catalog_entry',
      targetId: entry.id,
      detail: { versionId: id, versionNo: row.version_no, restoredFrom: old.version_no },
    });
    return row;
  });
  return resultOf(restored);
}

/**
 * Which data items a reader sees masked: none for full access; for masked access, the items of
 * sensitivity ≥ MASKED_FROM_SENSITIVITY, and any column no longer among the entry's items (its
 * sensitivity is unknown).
 */
function maskedItems(entry: ProvisionEntry, access: DataAccess): (name: string) => boolean {
  if (access === 'full') return () => false;
  const open = new Set(entry.items.filter((i) => i.sensitivity < MASKED_FROM_SENSITIVITY).map((i) => i.name));
  return (name) => !open.has(name);
}

const maskedItemRefused = (param: string, name: string) =>
  new AppError(
    'masked_item',
    403,
    {
      zh: `信息项 ${name} 对您脱敏显示，不能用于筛选或排序`,
      en: `The data item ${name} is masked for you and cannot be filtered or sorted on`,
    },
    [{ field: param, message: { zh: `${name} 已脱敏`, en: `${name} is masked` } }],
  );

/**
 * A page of an entry's data: the current version, or the ready version `versionNo`; `fields` picks
 * data items by name, `sort` is a name (`-name` descending), filters are `name=value` (equals) or
 * `name~value` (contains). Full for the department's providers and approvers; masked for its
 * supervising authority's reviewers (sensitive items masked, not filterable or sortable); sharing
 * and opening add others with their own rules.
 */
export async function readData(
  db: Db,
  actor: Actor,
  entry: ProvisionEntry,
  q: {
    versionNo?: number;
    page: number;
    pageSize: number;
    fields?: string;
    sort?: string;
    filter?: string[];
    /** The `nextPageToken` of the previous page (keyset paging). */
    after?: string;
  },
) {
  const access = assertDataReader(actor, entry);
  const masked = maskedItems(entry, access);
  const query = queryDigest(q.sort, q.filter);
  const token = q.after === undefined ? null : readPageToken(q.after, query);
  // A page token keeps reading the version it started on, even once another one is current.
  const version = await repo.versionToRead(
    db,
    entry.id,
    token ? { id: token.v } : q.versionNo ? { versionNo: q.versionNo } : 'current',
  );
  if (version?.state === 'retired') throw versionRetired(version.version_no);
  if (!version || version.state !== 'ready') throw versionNotFound();
  if (token && q.versionNo !== undefined && q.versionNo !== version.version_no)
    throw invalidField(
      'after',
      '与 version 参数所指版本不一致',
      'is a page of another version than `version`',
    );
  const columns = version.columns as ColumnSpec[];
  const byName = new Map(columns.map((c) => [c.name, c]));
  const column = (name: string, param: string): ColumnSpec => {
    const c = byName.get(name);
    if (!c) throw invalidField(param, `没有信息项 ${name}`, `no data item ${name}`);
    return c;
  };
  const fields = q.fields ? q.fields.split(',').map((n) => column(n.trim(), 'fields')) : columns;
  const unmasked = (c: ColumnSpec, param: string): ColumnSpec => {
    if (masked(c.name)) throw maskedItemRefused(param, c.name);
    return c;
  };
  const sort = q.sort
    ? { column: unmasked(column(q.sort.replace(/^-/, ''), 'sort'), 'sort'), desc: q.sort.startsWith('-') }
    : undefined;
  const filters = (q.filter ?? []).map((f) => {
    const m = /^([^=~]+)([=~])(.*)$/s.exec(f);
    if (!m) throw invalidField('filter', '须为 信息项=值 或 信息项~值', 'must be item=value or item~value');
    return {
      column: unmasked(column(m[1] ?? '', 'filter'), 'filter'),
      op: m[2] === '=' ? ('eq' as const) : ('contains' as const),
      value: m[3] ?? '',
    };
  });
  const { total, rows } = await queryRows(db, version, {
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
    fields,
    ...(sort ? { sort } : {}),
    filters,
    ...(token ? { after: { row: token.r, sortValue: token.k }, total: token.t } : {}),
  }).catch((err: unknown) => {
    // A token whose sort value is not of the column's type was not made here.
    if (token && ['22P02', '22007', '22008', '22003'].includes((err as { code?: string }).code ?? ''))
      throw badPageToken();
    throw err;
  });
  const last = rows.at(-1);
  const nextPageToken =
    last && rows.length === q.pageSize
      ? pageToken({ v: version.id, q: query, r: last.row, k: last.sortValue, t: total })
      : null;
  return {
    version: { id: version.id, versionNo: version.version_no },
    access,
    fields: fields.map((c) => ({
      name: c.name,
      label: c.label,
      dataType: c.dataType,
      masked: masked(c.name),
    })),
    rows: rows.map((r) => ({
      row: r.row,
      values: Object.fromEntries(
        fields.map((c, i) => {
          const v = r.values[i] ?? null;
          return [c.name, v !== null && masked(c.name) ? maskValue(c.dataType, c.name, v) : v];
        }),
      ),
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
    nextPageToken,
  };
}

/** What a page token carries: the version, the query it pages, the last row and its sort value, the total. */
interface PageToken {
  v: string;
  q: string;
  r: number;
  k: string | null;
  t: number;
}

/** The sort and filters a token belongs to (fields may change between pages; the order may not). */
const queryDigest = (sort: string | undefined, filter: string[] | undefined) =>
  createHash('sm3')
    .update(JSON.stringify([sort ?? '', filter ?? []]))
    .digest('hex')
    .slice(0, 16);

const pageToken = (t: PageToken) => Buffer.from(JSON.stringify(t)).toString('base64url');

const badPageToken = () =>
  invalidField(
    'after',
    '不是本查询上一页返回的 nextPageToken（排序和筛选条件须与上一页相同）',
    'is not a nextPageToken of this query (the sort and filters must be those of the previous page)',
  );

function readPageToken(text: string, query: string): PageToken {
  const bad = badPageToken;
  let t: unknown;
  try {
    t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const ok =
    typeof t === 'object' &&
    t !== null &&
    typeof (t as PageToken).v === 'string' &&
    /^[0-9a-f-]{36}$/.test((t as PageToken).v) &&
    (t as PageToken).q === query &&
    Number.isSafeInteger((t as PageToken).r) &&
    Number.isSafeInteger((t as PageToken).t) &&
    ((t as PageToken).k === null || typeof (t as PageToken).k === 'string');
  if (!ok) throw bad();
  return t as PageToken;
}

/** Compares two ready versions of the entry (fields, and rows by the entry's key fields). */
export async function compare(db: Db, actor: Actor, entry: ProvisionEntry, fromNo: number, toNo: number) {
  const masked = maskedItems(entry, assertDataReader(actor, entry));
  const pick = (no: number) => readableVersion(db, entry.id, no);
  const [a, b] = [await pick(fromNo), await pick(toNo)];
  const settings = await settingsOf(db, entry.id);
  const types = new Map(
    [...(a.columns as ColumnSpec[]), ...(b.columns as ColumnSpec[])].map((c) => [c.name, c.dataType]),
  );
  const diff = await compareVersions(db, a, b, settings.keyFields, {
    maskKey: (field, value) =>
      masked(field) && value !== '' ? maskValue(types.get(field) ?? 'string', field, value) : value,
  });
  return {
    from: { versionNo: a.version_no, rowCount: Number(a.row_count ?? 0) },
    to: { versionNo: b.version_no, rowCount: Number(b.row_count ?? 0) },
    keyFields: settings.keyFields,
    ...diff,
  };
}
