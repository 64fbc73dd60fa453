import type { Db, Trx } from '../../db/database.ts';
import { sql, type RawBuilder } from 'kysely';
import type { Database, VersionState } from '../../db/database.types.ts';
import type { Jurisdiction } from '../../shared/policy.ts';
import type { FacetName } from '@huitong/contract/values';
import {
  orgDivisionOf,
  orgKindOf,
  orgLevelOf,
  orgNameOf,
  organisationsView,
  usernameOf,
} from '../org/index.ts';
import type { EntryMetadata } from './catalog.model.ts';

// ---------- legal bases ----------

export const listLegalBases = (db: Db, includeInactive: boolean) => {
  let q = db.selectFrom('legal_bases').selectAll();
  if (!includeInactive) q = q.where('active', '=', true);
  return q.orderBy('title').orderBy('article').execute();
};

export const findLegalBases = (db: Db, ids: readonly string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('legal_bases')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();

export const findLegalBasis = (db: Db, id: string) =>
  db.selectFrom('legal_bases').selectAll().where('id', '=', id).executeTakeFirst();

export const findLegalBasisByTitle = (db: Db, title: string, article: string) =>
  db
    .selectFrom('legal_bases')
    .select('id')
    .where('title', '=', title)
    .where('article', '=', article)
    .executeTakeFirst();

export async function insertLegalBasis(
  db: Db,
  b: {
    title: string;
    kind: Database['legal_bases']['kind'];
    article: string;
    quote: string;
    quote_is_summary: boolean;
    created_by: string | null;
  },
) {
  return db.insertInto('legal_bases').values(b).returningAll().executeTakeFirstOrThrow();
}

export async function updateLegalBasis(
  db: Db,
  id: string,
  patch: Partial<{
    title: string;
    kind: Database['legal_bases']['kind'];
    article: string;
    quote: string;
    quote_is_summary: boolean;
    active: boolean;
  }>,
) {
  await db
    .updateTable('legal_bases')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Locks the legal basis library against changes (`for share`) for the rest of the transaction. */
export async function shareLockLegalBases(trx: Trx): Promise<void> {
  await sql`select id from legal_bases for share`.execute(trx);
}

/** Marks a legal basis repealed (the demo's repealed text; no one's change, so no `updated_at`). */
export async function deactivateLegalBasis(db: Db, id: string): Promise<void> {
  await db.updateTable('legal_bases').set({ active: false }).where('id', '=', id).execute();
}

/** Takes the transaction-scoped advisory lock `key` (one loader of the demo catalog at a time). */
export async function advisoryLock(trx: Trx, key: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${key})`.execute(trx);
}

// ---------- entries and versions ----------

export async function insertEntry(db: Db, e: { org_id: string; created_by: string | null }) {
  return db.insertInto('catalog_entries').values(e).returning('id').executeTakeFirstOrThrow();
}

function entries(db: Db) {
  return db
    .selectFrom('catalog_entries as e')
    .select([
      'e.id',
      'e.code',
      'e.org_id',
      orgNameOf(sql.ref('e.org_id')).as('org_name'),
      orgLevelOf(sql.ref('e.org_id')).as('org_level'),
      orgKindOf(sql.ref('e.org_id')).as('org_kind'),
      orgDivisionOf(sql.ref('e.org_id')).as('division_code'),
      'e.published_version_id',
      'e.working_version_id',
      'e.first_published_at',
      'e.confirmed_at',
      'e.created_at',
      'e.updated_at',
    ]);
}

export async function findEntry(db: Db, id: string) {
  return entries(db).where('e.id', '=', id).executeTakeFirst();
}

/** Several entries, locked for the rest of the transaction. */
export async function lockEntries(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return entries(db).where('e.id', 'in', ids).forUpdate('e').execute();
}

export type EntryRow = NonNullable<Awaited<ReturnType<typeof findEntry>>>;

/** Locks the entry row for the rest of the transaction (one workflow step at a time). */
export async function lockEntry(db: Db, id: string) {
  await sql`select id from catalog_entries where id = ${id} for update`.execute(db);
}

/** Published entries with their published version (the catalog's read API, catalog.read.ts). */
export async function publishedEntries(
  db: Db,
  f: { ids?: readonly string[]; orgIds?: readonly string[]; name?: string },
) {
  let q = db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .select([
      'e.id',
      'e.code',
      'e.org_id',
      'e.first_published_at',
      'v.id as version_id',
      'v.version_no',
      'v.name',
      'v.format',
      'v.update_cycle',
      'v.metadata',
      'v.created_at as version_created_at',
    ]);
  if (f.ids) q = q.where('e.id', 'in', [...f.ids]);
  if (f.orgIds) q = q.where('e.org_id', 'in', [...f.orgIds]);
  if (f.name !== undefined) q = q.where('v.name', '=', f.name);
  return q.orderBy('e.code').execute();
}

export async function updateEntry(
  db: Db,
  id: string,
  patch: Partial<{
    code: string;
    published_version_id: string | null;
    working_version_id: string | null;
    first_published_at: Date;
    confirmed_at: Date;
  }>,
) {
  await db
    .updateTable('catalog_entries')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function nextCodeSeq(db: Db, prefix: string): Promise<number> {
  const row = await sql<{ last_seq: number }>`
    insert into catalog_code_sequences (prefix, last_seq) values (${prefix}, 1)
    on conflict (prefix) do update set last_seq = catalog_code_sequences.last_seq + 1
    returning last_seq`.execute(db);
  const seq = row.rows[0]?.last_seq;
  if (seq === undefined) throw new Error('no sequence');
  return seq;
}

function versionColumns(m: EntryMetadata) {
  return {
    metadata: JSON.stringify(m),
    name: m.name,
    classification: m.classification,
    format: m.format,
    share_type: m.shareType,
    open_type: m.openType,
    update_cycle: m.updateCycle,
    domains: m.domains,
  };
}

export async function insertVersion(
  db: Db,
  v: {
    entry_id: string;
    version_no: number;
    state: VersionState;
    metadata: EntryMetadata;
    created_by: string | null;
  },
) {
  return db
    .insertInto('catalog_versions')
    .values({
      entry_id: v.entry_id,
      version_no: v.version_no,
      state: v.state,
      created_by: v.created_by,
      ...versionColumns(v.metadata),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateVersionMetadata(db: Db, id: string, m: EntryMetadata) {
  await db
    .updateTable('catalog_versions')
    .set({ ...versionColumns(m), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function updateVersion(
  db: Db,
  id: string,
  patch: Partial<{
    state: VersionState;
    duplicate_justification: string | null;
    review_comment: string | null;
    field_comments: string | null;
    submitted_by: string | null;
    submitted_at: Date;
    reviewed_by: string | null;
    reviewed_at: Date;
    published_at: Date;
  }>,
) {
  await db
    .updateTable('catalog_versions')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function setVersionSearch(db: Db, id: string, vector: RawBuilder<unknown>) {
  await sql`update catalog_versions set search = ${vector} where id = ${id}`.execute(db);
}

/** The tokenisation that made the stored search vectors (null: one from before it was recorded). */
export async function searchTokenizer(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('catalog_search_state')
    .select('tokenizer')
    .where('id', '=', 1)
    .executeTakeFirst();
  return row?.tokenizer ?? null;
}

/** Records the tokenisation of the stored vectors and tells every search index to reload. */
export async function setSearchTokenizer(db: Db, tokenizer: string) {
  await db
    .updateTable('catalog_search_state')
    .set({ tokenizer, generation: sql`generation + 1` })
    .where('id', '=', 1)
    .execute();
}

/** Up to `limit` versions that have a search vector, after `afterId` in id order, with what it is made of. */
export function versionsWithSearch(db: Db, afterId: string | null, limit: number) {
  let q = db
    .selectFrom('catalog_versions as v')
    .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
    .select(['v.id', 'v.metadata', 'e.code', orgNameOf(sql.ref('e.org_id')).as('org_name')])
    .where('v.search', 'is not', null)
    .orderBy('v.id')
    .limit(limit);
  if (afterId !== null) q = q.where('v.id', '>', afterId);
  return q.execute();
}

const versionSelect = [
  'v.id',
  'v.entry_id',
  'v.version_no',
  'v.state',
  'v.metadata',
  'v.duplicate_justification',
  'v.review_comment',
  'v.field_comments',
  'v.created_at',
  'v.updated_at',
  'v.submitted_at',
  'v.reviewed_at',
  'v.published_at',
  usernameOf(sql.ref('v.submitted_by')).as('submitted_by_name'),
  usernameOf(sql.ref('v.reviewed_by')).as('reviewed_by_name'),
] as const;

function versionQuery(db: Db) {
  return db.selectFrom('catalog_versions as v');
}

export async function findVersion(db: Db, id: string) {
  return versionQuery(db).select(versionSelect).where('v.id', '=', id).executeTakeFirst();
}
export type VersionRow = NonNullable<Awaited<ReturnType<typeof findVersion>>>;

export async function findVersionByNo(db: Db, entryId: string, no: number) {
  return versionQuery(db)
    .select(versionSelect)
    .where('v.entry_id', '=', entryId)
    .where('v.version_no', '=', no)
    .executeTakeFirst();
}

export async function listVersions(db: Db, entryId: string) {
  return versionQuery(db)
    .select(versionSelect)
    .where('v.entry_id', '=', entryId)
    .orderBy('v.version_no', 'desc')
    .execute();
}

export async function maxVersionNo(db: Db, entryId: string): Promise<number> {
  const r = await db
    .selectFrom('catalog_versions')
    .select((eb) => eb.fn.max('version_no').as('n'))
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function replaceItems(
  db: Db,
  versionId: string,
  items: { name: string; label: string; concept: string }[],
) {
  await db.deleteFrom('catalog_version_items').where('version_id', '=', versionId).execute();
  if (items.length > 0) {
    await db
      .insertInto('catalog_version_items')
      .values(items.map((d, position) => ({ version_id: versionId, position, ...d })))
      .execute();
  }
}

export async function replaceBases(
  db: Db,
  versionId: string,
  share: readonly string[],
  open: readonly string[],
) {
  await db.deleteFrom('catalog_version_bases').where('version_id', '=', versionId).execute();
  const rows = [
    ...share.map((id) => ({ version_id: versionId, legal_basis_id: id, applies_to: 'share' as const })),
    ...open.map((id) => ({ version_id: versionId, legal_basis_id: id, applies_to: 'open' as const })),
  ];
  if (rows.length > 0) await db.insertInto('catalog_version_bases').values(rows).execute();
}

/** Published resources of other organisations that hold the same data items (Art. 14). */
export async function publishedHolders(db: Db, concepts: readonly string[], excludeOrgId: string) {
  if (concepts.length === 0) return [];
  return db
    .selectFrom('catalog_version_items as i')
    .innerJoin('catalog_entries as e', 'e.published_version_id', 'i.version_id')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .select([
      'i.concept',
      'i.label',
      'e.id as entry_id',
      'e.code',
      'v.name',
      'e.org_id',
      orgNameOf(sql.ref('e.org_id')).as('org_name'),
    ])
    .where('i.concept', 'in', [...concepts])
    .where('e.org_id', '!=', excludeOrgId)
    .orderBy('org_name')
    .orderBy('v.name')
    .execute();
}

// ---------- review queue ----------

export async function submittedVersions(db: Db, scope: Jurisdiction) {
  let q = db
    .selectFrom('catalog_versions as v')
    .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
    .select([
      'e.id as entry_id',
      'e.code',
      'v.id as version_id',
      'v.version_no',
      'v.name',
      'v.submitted_at',
      'v.duplicate_justification',
      'e.org_id',
      orgNameOf(sql.ref('e.org_id')).as('org_name'),
      orgKindOf(sql.ref('e.org_id')).as('org_kind'),
      orgLevelOf(sql.ref('e.org_id')).as('org_level'),
      orgDivisionOf(sql.ref('e.org_id')).as('division_code'),
      usernameOf(sql.ref('v.submitted_by')).as('submitted_by_name'),
    ])
    .where('v.state', '=', 'submitted');
  if (scope.scope === 'division')
    q = q
      .where(orgLevelOf(sql.ref('e.org_id')), '=', 'district')
      .where(orgDivisionOf(sql.ref('e.org_id')), '=', scope.divisionCode);
  if (scope.scope === 'org') q = q.where('e.org_id', '=', '00000000-0000-0000-0000-000000000000');
  return q.orderBy('v.submitted_at').execute();
}

// ---------- listing and search ----------

export interface CatalogFilter {
  orgId?: string | undefined;
  divisionCode?: string | undefined;
  classification?: string | undefined;
  domain?: string | undefined;
  shareType?: string | undefined;
  openType?: string | undefined;
  format?: string | undefined;
  updateCycle?: string | undefined;
  /** The open catalog: only entries whose open type is `open` or `on_application`. */
  openCatalogOnly?: boolean;
  /** tsquery text (already sanitised), or null for no text condition. */
  tsQuery: string | null;
}

function filtered(db: Db, f: CatalogFilter) {
  let q = db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .innerJoin(organisationsView(db).as('o'), 'o.id', 'e.org_id');
  if (f.orgId) q = q.where('e.org_id', '=', f.orgId);
  if (f.divisionCode) q = q.where('o.division_code', '=', f.divisionCode);
  if (f.classification) q = q.where('v.classification', '=', f.classification);
  if (f.shareType) q = q.where('v.share_type', '=', f.shareType);
  if (f.openType) q = q.where('v.open_type', '=', f.openType);
  if (f.format) q = q.where('v.format', '=', f.format);
  if (f.updateCycle) q = q.where('v.update_cycle', '=', f.updateCycle);
  if (f.domain) q = q.where(sql<boolean>`v.domains @> array[${f.domain}]::text[]`);
  if (f.openCatalogOnly) q = q.where('v.open_type', 'in', ['open', 'on_application']);
  if (f.tsQuery) q = q.where(sql<boolean>`v.search @@ to_tsquery('simple', ${f.tsQuery})`);
  return q;
}

export async function searchPublished(db: Db, f: CatalogFilter, offset: number, limit: number) {
  const rank = f.tsQuery
    ? sql<number>`ts_rank_cd(v.search, to_tsquery('simple', ${f.tsQuery}))`
    : sql<number>`0`;
  const [rows, count] = await Promise.all([
    filtered(db, f)
      .select([
        'e.id',
        'e.code',
        'e.org_id',
        'o.name as org_name',
        'o.division_code',
        'v.name',
        'v.metadata',
        'v.published_at',
        'v.version_no',
        rank.as('rank'),
      ])
      .orderBy('rank', 'desc')
      .orderBy('v.published_at', 'desc')
      .orderBy('e.code')
      .offset(offset)
      .limit(limit)
      .execute(),
    filtered(db, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function emptyFacets(): Record<FacetName, { value: string; label: string; count: number }[]> {
  return {
    org: [],
    division: [],
    classification: [],
    shareType: [],
    openType: [],
    format: [],
    updateCycle: [],
    domain: [],
  };
}

export type { FacetName };

/** Counts per value of every facet over the filtered set. */
export async function facets(
  db: Db,
  f: CatalogFilter,
): Promise<Record<FacetName, { value: string; label: string; count: number }[]>> {
  const base = filtered(db, f);
  const grouped = await base
    .select([
      'o.id as org_id',
      'o.name as org_name',
      'o.division_code',
      'o.division_name',
      'v.classification',
      'v.share_type',
      'v.open_type',
      'v.format',
      'v.update_cycle',
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .groupBy(
      sql`grouping sets ((o.id, o.name), (o.division_code, o.division_name), (v.classification), (v.share_type), (v.open_type), (v.format), (v.update_cycle))`,
    )
    .execute();
  const domainRows = await filtered(db, f)
    .select([sql<string>`unnest(v.domains)`.as('domain')])
    .execute();
  const out = emptyFacets();
  for (const r of grouped) {
    const n = Number(r.n);
    if (r.org_id) out.org.push({ value: r.org_id, label: r.org_name ?? r.org_id, count: n });
    else if (r.division_code)
      out.division.push({ value: r.division_code, label: r.division_name ?? r.division_code, count: n });
    else if (r.classification)
      out.classification.push({ value: r.classification, label: r.classification, count: n });
    else if (r.share_type) out.shareType.push({ value: r.share_type, label: r.share_type, count: n });
    else if (r.open_type) out.openType.push({ value: r.open_type, label: r.open_type, count: n });
    else if (r.format) out.format.push({ value: r.format, label: r.format, count: n });
    else if (r.update_cycle) out.updateCycle.push({ value: r.update_cycle, label: r.update_cycle, count: n });
  }
  const domainCounts = new Map<string, number>();
  for (const r of domainRows) domainCounts.set(r.domain, (domainCounts.get(r.domain) ?? 0) + 1);
  out.domain = [...domainCounts].map(([value, count]) => ({ value, label: value, count }));
  for (const list of Object.values(out))
    list.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'zh'));
  return out;
}

/** Published entries whose open type restricts opening, with their bases (Art. 27). */
export async function restrictedOpen(db: Db) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .select([
      'e.id',
      'e.code',
      'v.id as version_id',
      'v.name',
      'v.open_type',
      'v.metadata',
      orgNameOf(sql.ref('e.org_id')).as('org_name'),
    ])
    .where('v.open_type', 'in', ['on_application', 'closed'])
    .orderBy('org_name')
    .orderBy('v.name')
    .execute();
}

export async function basesOfVersions(db: Db, versionIds: readonly string[]) {
  if (versionIds.length === 0) return [];
  return db
    .selectFrom('catalog_version_bases as vb')
    .innerJoin('legal_bases as b', 'b.id', 'vb.legal_basis_id')
    .select([
      'vb.version_id',
      'vb.applies_to',
      'b.id',
      'b.title',
      'b.kind',
      'b.article',
      'b.quote',
      'b.quote_is_summary',
    ])
    .where('vb.version_id', 'in', [...versionIds])
    .execute();
}

/** Entries of one organisation (all states) for the department's own list. */
export async function entriesOfOrg(db: Db, orgId: string) {
  return db
    .selectFrom('catalog_entries as e')
    .leftJoin('catalog_versions as pv', 'pv.id', 'e.published_version_id')
    .leftJoin('catalog_versions as wv', 'wv.id', 'e.working_version_id')
    .select([
      'e.id',
      'e.code',
      'e.confirmed_at',
      'e.updated_at',
      'pv.name as published_name',
      'pv.version_no as published_no',
      'wv.name as working_name',
      'wv.state as working_state',
      'wv.version_no as working_no',
    ])
    .where('e.org_id', '=', orgId)
    .orderBy('e.updated_at', 'desc')
    .execute();
}

export type LegalBasisKind = Database['legal_bases']['kind'];

// ---------- the search index (catalog.search-index.ts) ----------

/**
 * The search generation, moved by trigger whenever something search shows changes (and by a
 * re-index), and the tokenisation of the stored vectors (catalog.reindex.ts).
 */
export async function searchGeneration(db: Db): Promise<{ generation: number; tokenizer: string | null }> {
  const state = await db
    .selectFrom('catalog_search_state')
    .select(['generation', 'tokenizer'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return { generation: Number(state?.generation ?? 0), tokenizer: state?.tokenizer ?? null };
}

/** Every published entry with the id of its published version. */
export async function publishedVersionIds(db: Db) {
  return db
    .selectFrom('catalog_entries')
    .select(['id', 'published_version_id'])
    .where('published_version_id', 'is not', null)
    .execute();
}

/** What the search index keeps of published entries: their published version's fields and lexemes. */
export async function searchDocuments(db: Db, entryIds: readonly string[]) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .select([
      'e.id',
      'e.code',
      'e.org_id',
      'v.id as version_id',
      'v.version_no',
      'v.name',
      'v.classification',
      'v.format',
      'v.share_type',
      'v.open_type',
      'v.update_cycle',
      'v.domains',
      'v.published_at',
      sql<string>`v.metadata->>'abstract'`.as('abstract'),
      sql<string[]>`v.metadata->'keywords'`.as('keywords'),
      sql<string>`coalesce(v.search::text, '')`.as('lexemes'),
    ])
    .where('e.id', 'in', [...entryIds])
    .execute();
}

/** Every organisation with its division's name (what search shows of a department). */
export async function searchOrganisations(db: Db) {
  return organisationsView(db).execute();
}
