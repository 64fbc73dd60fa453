import type { Db, Trx } from '../../db/database.ts';
import { ForbiddenError, invalidField } from '../../shared/errors.ts';
import { staffOf, type Actor, type StaffPrincipal as Staff } from '../../shared/principal.ts';
import {
  ENTRY_ACTIONS,
  can,
  jurisdiction,
  supervisorOf,
  type ActionOn,
  type EntryAction,
  type EntryRef,
} from '../../shared/policy.ts';
import { appendAudit } from '../security/index.ts';
import { notify } from '../platform/index.ts';
import { activeAuthorities } from '../org/index.ts';
import type { EntryMetadata } from './catalog.model.ts';
import {
  DuplicateJustificationRequired,
  NotSubmittableError,
  basisNotFound,
  entryNotFound,
  versionNotFound,
  wrongState,
} from './catalog.errors.ts';
import * as repo from './catalog.repository.ts';
import type { EntryRow, VersionRow } from './catalog.repository.ts';
import { codePrefix, conceptOf, diffVersions, resourceCode, submissionProblems } from './catalog.rules.ts';
import { CatalogSearchIndex, catalogChanged } from './catalog.search-index.ts';
import { parseQuery, toTsQuery } from './search-text.ts';
import { tsvectorSql } from './search-text.sql.ts';

function accountIdOf(p: Staff): string | null {
  return p.kind === 'staff' ? p.accountId : null;
}

type EntryHolder = Pick<
  EntryRow,
  'org_id' | 'org_kind' | 'org_level' | 'division_code' | 'published_version_id'
>;

/** An entry as the policy sees it: its holder and the authority responsible for the holder. */
async function entryRef(db: Db, entry: EntryHolder): Promise<EntryRef> {
  return entryRefOf(entry, await activeAuthorities(db));
}

/** `entryRef` for many entries, given the active authorities (read once). */
export function entryRefOf(
  entry: EntryHolder,
  authorities: Awaited<ReturnType<typeof activeAuthorities>>,
): EntryRef {
  const holder = { level: entry.org_level, division_code: entry.division_code };
  return {
    holder: {
      id: entry.org_id,
      kind: entry.org_kind,
      level: entry.org_level,
      divisionCode: entry.division_code,
    },
    supervisorId: supervisorOf(holder, authorities)?.id,
    published: entry.published_version_id !== null,
  };
}

function mayDo(p: Staff, action: ActionOn<'catalogEntry'>, ref: EntryRef): boolean {
  return can(p, action, { kind: 'catalogEntry', ref });
}

async function loadEntry(db: Db, id: string): Promise<EntryRow> {
  const entry = await repo.findEntry(db, id);
  if (!entry) throw entryNotFound();
  return entry;
}

async function checkBases(db: Db, m: EntryMetadata): Promise<void> {
  for (const [field, ids] of [
    ['shareBasisIds', m.shareBasisIds],
    ['openBasisIds', m.openBasisIds],
  ] as const) {
    const found = await repo.findLegalBases(db, ids);
    const usable = new Set(found.filter((b) => b.active).map((b) => b.id));
    if (ids.some((id) => !usable.has(id))) {
      throw invalidField(
        field,
        '引用了不存在或已停用的法律依据',
        'cites a legal basis that does not exist or is withdrawn',
      );
    }
  }
}

function normalise(m: EntryMetadata): EntryMetadata {
  return {
    ...m,
    name: m.name.trim(),
    abstract: m.abstract.trim(),
    baseKind: m.classification === 'base' ? m.baseKind : null,
    keywords: [...new Set(m.keywords.map((k) => k.trim()).filter(Boolean))],
    domains: [...new Set(m.domains.map((k) => k.trim()).filter(Boolean))],
  };
}

export async function writeVersionDetails(db: Db, versionId: string, m: EntryMetadata) {
  await repo.replaceItems(
    db,
    versionId,
    m.dataItems.map((d) => ({ name: d.name, label: d.label, concept: conceptOf(d) })),
  );
  await repo.replaceBases(db, versionId, m.shareBasisIds, m.openBasisIds);
}

// ---------- legal bases ----------

export const listLegalBases = (db: Db, includeInactive = false) => repo.listLegalBases(db, includeInactive);

export async function createLegalBasis(
  db: Db,
  actor: Actor,
  input: {
    title: string;
    kind: repo.LegalBasisKind;
    article: string;
    quote: string;
    quoteIsSummary?: boolean | undefined;
  },
) {
  const p = staffOf(actor);
  return db.transaction().execute(async (trx) => {
    if (await repo.findLegalBasisByTitle(trx, input.title.trim(), input.article.trim())) {
      throw invalidField(
        'article',
        '该法律依据条款已在库中',
        'this article of this law is already in the library',
      );
    }
    const row = await repo.insertLegalBasis(trx, {
      title: input.title.trim(),
      kind: input.kind,
      article: input.article.trim(),
      quote: input.quote.trim(),
      quote_is_summary: input.quoteIsSummary ?? false,
      created_by: accountIdOf(p),
    });
    await appendAudit(trx, actor, {
      action: 'legal_basis.create',
      targetType: 'legal_basis',
      targetId: row.id,
      detail: { ...input },
    });
    return row;
  });
}

export async function updateLegalBasis(
  db: Db,
  actor: Actor,
  id: string,
  input: Partial<{
    title: string;
    kind: repo.LegalBasisKind;
    article: string;
    quote: string;
    quoteIsSummary: boolean;
    active: boolean;
  }>,
) {
  return db.transaction().execute(async (trx) => {
    if (!(await repo.findLegalBasis(trx, id))) throw basisNotFound();
    await repo.updateLegalBasis(trx, id, {
      ...(input.title !== undefined ? { title: input.title.trim() } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.article !== undefined ? { article: input.article.trim() } : {}),
      ...(input.quote !== undefined ? { quote: input.quote.trim() } : {}),
      ...(input.quoteIsSummary !== undefined ? { quote_is_summary: input.quoteIsSummary } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    });
    await appendAudit(trx, actor, {
      action: 'legal_basis.update',
      targetType: 'legal_basis',
      targetId: id,
      detail: { ...input },
    });
    const row = await repo.findLegalBasis(trx, id);
    if (!row) throw basisNotFound();
    return row;
  });
}

// ---------- entries ----------

export interface EntryDetail {
  entry: EntryRow;
  actions: EntryAction[];
  published: VersionRow | null;
  working: VersionRow | null;
  bases: Awaited<ReturnType<typeof repo.basesOfVersions>>;
}

async function detail(
  db: Db,
  p: Staff,
  entry: EntryRow,
  withWorking: boolean,
  known?: EntryRef,
): Promise<EntryDetail> {
  const ref = known ?? (await entryRef(db, entry));
  const actions = ENTRY_ACTIONS.filter((a) => can(p, a, { kind: 'catalogEntry', ref }));
  const published = entry.published_version_id
    ? ((await repo.findVersion(db, entry.published_version_id)) ?? null)
    : null;
  const working =
    withWorking && entry.working_version_id
      ? ((await repo.findVersion(db, entry.working_version_id)) ?? null)
      : null;
  const bases = await repo.basesOfVersions(
    db,
    [published?.id, working?.id].filter((x): x is string => !!x),
  );
  return { entry, actions, published, working, bases };
}

export async function getEntry(db: Db, actor: Actor, id: string): Promise<EntryDetail> {
  const p = staffOf(actor);
  const entry = await loadEntry(db, id);
  // Drafts that were never published are visible only to insiders.
  const ref = await entryRef(db, entry);
  if (!mayDo(p, 'view', ref)) throw entryNotFound();
  return detail(db, p, entry, mayDo(p, 'viewDrafts', ref), ref);
}

/** Refuses a caller who may not create entries of their own organisation (by form or by Excel). */
export function assertMayCreateEntries(p: Staff): void {
  const own = { id: p.org.id, kind: p.org.kind, level: p.org.level, divisionCode: p.org.divisionCode };
  const ref = { holder: own, supervisorId: undefined, published: false };
  if (!can(p, 'create', { kind: 'catalogEntry', ref })) throw new ForbiddenError();
}

export async function createEntry(db: Db, actor: Actor, input: EntryMetadata): Promise<EntryDetail> {
  const p = staffOf(actor);
  assertMayCreateEntries(p);
  const m = normalise(input);
  return db.transaction().execute(async (trx) => {
    await checkBases(trx, m);
    const { id } = await repo.insertEntry(trx, { org_id: p.org.id, created_by: accountIdOf(p) });
    const version = await repo.insertVersion(trx, {
      entry_id: id,
      version_no: 1,
      state: 'draft',
      metadata: m,
      created_by: accountIdOf(p),
    });
    await writeVersionDetails(trx, version.id, m);
    await repo.updateEntry(trx, id, { working_version_id: version.id });
    await appendAudit(trx, actor, {
      action: 'catalog.create',
      targetType: 'catalog_entry',
      targetId: id,
      detail: { name: m.name },
    });
    return detail(trx, p, await loadEntry(trx, id), true);
  });
}

async function workingVersion(trx: Trx, entry: EntryRow, states: readonly string[]): Promise<VersionRow> {
  const v = entry.working_version_id ? await repo.findVersion(trx, entry.working_version_id) : undefined;
  if (!v || !states.includes(v.state)) {
    throw wrongState('目录当前状态不允许此操作', 'The entry is not in a state that allows this');
  }
  return v;
}

export async function updateDraft(
  db: Db,
  actor: Actor,
  id: string,
  input: EntryMetadata,
): Promise<EntryDetail> {
  const p = staffOf(actor);
  const m = normalise(input);
  return db.transaction().execute(async (trx) => {
    await repo.lockEntry(trx, id);
    const entry = await loadEntry(trx, id);
    const ref = await entryRef(trx, entry);
    if (!mayDo(p, 'edit', ref)) throw entryNotFound();
    const v = await workingVersion(trx, entry, ['draft', 'returned']);
    if (entry.published_version_id) {
      const published = await repo.findVersion(trx, entry.published_version_id);
      const before = published?.metadata as EntryMetadata | undefined;
      if (before && (before.classification !== m.classification || before.baseKind !== m.baseKind)) {
        throw invalidField(
          'classification',
          '发布后资源属性不可变更（资源代码不变）',
          'cannot change after publication (the resource code is fixed)',
        );
      }
    }
    await checkBases(trx, m);
    await repo.updateVersionMetadata(trx, v.id, m);
    if (v.state === 'returned') await repo.updateVersion(trx, v.id, { state: 'draft' });
    await writeVersionDetails(trx, v.id, m);
    await appendAudit(trx, actor, {
      action: 'catalog.update_draft',
      targetType: 'catalog_entry',
      targetId: id,
      detail: { versionNo: v.version_no },
    });
    return detail(trx, p, await loadEntry(trx, id), true);
  });
}

/** Published resources of other departments that already hold the given data items (Art. 14). */
export async function findDuplicates(db: Db, orgId: string, items: { label: string }[]) {
  const concepts = [...new Set(items.map(conceptOf))];
  return repo.publishedHolders(db, concepts, orgId);
}

export async function submit(
  db: Db,
  actor: Actor,
  id: string,
  justification: string | null,
): Promise<EntryDetail> {
  const p = staffOf(actor);
  return db.transaction().execute(async (trx) => {
    await repo.lockEntry(trx, id);
    const entry = await loadEntry(trx, id);
    const ref = await entryRef(trx, entry);
    if (!mayDo(p, 'edit', ref)) throw entryNotFound();
    const v = await workingVersion(trx, entry, ['draft', 'returned']);
    const m = v.metadata as EntryMetadata;
    const problems = submissionProblems(m);
    if (problems.length > 0) throw new NotSubmittableError(problems);
    const duplicates = await findDuplicates(trx, entry.org_id, m.dataItems);
    const reason = justification?.trim() || null;
    if (duplicates.length > 0 && !reason) {
      throw new DuplicateJustificationRequired(
        duplicates.map((d) => ({ label: d.label, name: d.name, orgName: d.org_name })),
      );
    }
    await repo.updateVersion(trx, v.id, {
      state: 'submitted',
      duplicate_justification: duplicates.length > 0 ? reason : null,
      submitted_by: accountIdOf(p),
      submitted_at: new Date(),
    });
    const authority = ref.supervisorId;
    if (authority) {
      await notify(trx, {
        orgId: authority,
        role: 'reviewer',
        kind: 'catalog.submitted',
        title: {
          zh: `${entry.org_name}提交目录《${m.name}》待审核`,
          en: `${entry.org_name} submitted “${m.name}” for review`,
        },
        link: `/workspace/catalog/entries/${id}`,
        detail: { entryId: id, versionNo: v.version_no },
      });
    }
    await appendAudit(trx, actor, {
      action: 'catalog.submit',
      targetType: 'catalog_entry',
      targetId: id,
      detail: { versionNo: v.version_no, duplicates: duplicates.length },
    });
    return detail(trx, p, await loadEntry(trx, id), true);
  });
}

export async function review(
  db: Db,
  actor: Actor,
  id: string,
  input: {
    decision: 'approve' | 'return';
    comment?: string | null | undefined;
    fieldComments?: Record<string, string> | undefined;
  },
): Promise<EntryDetail> {
  const p = staffOf(actor);
  const result = await db.transaction().execute(async (trx) => {
    await repo.lockEntry(trx, id);
    const entry = await loadEntry(trx, id);
    const ref = await entryRef(trx, entry);
    if (!mayDo(p, 'viewDrafts', ref)) throw entryNotFound();
    if (!mayDo(p, 'review', ref)) {
      throw new ForbiddenError({
        zh: '只有负责该部门的大数据主管部门审核员才能审核，且不得审核本机构的目录',
        en: "Only a reviewer of the department's responsible authority may review, never for their own organisation",
      });
    }
    const v = await workingVersion(trx, entry, ['submitted']);
    const m = v.metadata as EntryMetadata;
    const comment = input.comment?.trim() || null;
    const fieldComments =
      input.fieldComments && Object.keys(input.fieldComments).length > 0 ? input.fieldComments : null;
    if (input.decision === 'return' && !comment && !fieldComments) {
      throw invalidField('comment', '退回时须说明理由', 'is required when returning an entry');
    }
    const reviewed = {
      reviewed_by: accountIdOf(p),
      reviewed_at: new Date(),
      review_comment: comment,
      field_comments: fieldComments ? JSON.stringify(fieldComments) : null,
    };
    if (input.decision === 'return') {
      await repo.updateVersion(trx, v.id, { state: 'returned', ...reviewed });
      await notify(trx, {
        orgId: entry.org_id,
        role: 'cataloguer',
        kind: 'catalog.returned',
        title: { zh: `目录《${m.name}》被退回修改`, en: `“${m.name}” was returned for changes` },
        link: `/workspace/catalog/entries/${id}`,
        detail: { entryId: id, versionNo: v.version_no, comment },
      });
    } else {
      const now = new Date();
      await repo.updateVersion(trx, v.id, { state: 'published', published_at: now, ...reviewed });
      if (entry.published_version_id)
        await repo.updateVersion(trx, entry.published_version_id, { state: 'superseded' });
      let code = entry.code;
      if (!code) {
        const prefix = codePrefix(m, entry.division_code);
        code = resourceCode(prefix, await repo.nextCodeSeq(trx, prefix));
      }
      await repo.setVersionSearch(trx, v.id, searchVector(m, entry.org_name, code));
      await repo.updateEntry(trx, id, {
        code,
        published_version_id: v.id,
        working_version_id: null,
        confirmed_at: now,
        ...(entry.first_published_at ? {} : { first_published_at: now }),
      });
      await notify(trx, {
        orgId: entry.org_id,
        role: 'cataloguer',
        kind: 'catalog.approved',
        title: { zh: `目录《${m.name}》已审核通过并发布`, en: `“${m.name}” was approved and published` },
        link: `/workspace/catalog/entries/${id}`,
        detail: { entryId: id, versionNo: v.version_no, code },
      });
    }
    await appendAudit(trx, actor, {
      action: input.decision === 'approve' ? 'catalog.approve' : 'catalog.return',
      targetType: 'catalog_entry',
      targetId: id,
      detail: { versionNo: v.version_no, comment, fieldComments },
    });
    return detail(trx, p, await loadEntry(trx, id), true);
  });
  if (input.decision === 'approve') catalogChanged();
  return result;
}

export function searchVector(m: EntryMetadata, orgName: string, code: string) {
  return tsvectorSql([
    { text: m.name, weight: 'A' },
    { text: [...m.keywords, ...m.dataItems.map((d) => d.label), ...m.domains].join(' '), weight: 'B' },
    // Prose carries no pinyin (a word only in the abstract is found in Chinese); categories do. A
    // change of what is indexed here needs a new TOKENIZER (search-text.ts): stored vectors are remade.
    { text: m.abstract, weight: 'C', pinyin: false },
    { text: `${m.category.l1} ${m.category.l2 ?? ''} ${m.category.l3 ?? ''}`, weight: 'C' },
    { text: `${orgName} ${code}`, weight: 'D' },
  ]);
}

/** Starts a new version of a published entry, from its published metadata. */
export async function revise(db: Db, actor: Actor, id: string): Promise<EntryDetail> {
  const p = staffOf(actor);
  return db.transaction().execute(async (trx) => {
    await repo.lockEntry(trx, id);
    const entry = await loadEntry(trx, id);
    const ref = await entryRef(trx, entry);
    if (!mayDo(p, 'edit', ref)) throw entryNotFound();
    if (!entry.published_version_id || entry.working_version_id) {
      throw wrongState(
        '只有已发布且没有在编版本的目录可以发起变更',
        'Only a published entry without a version in progress can be revised',
      );
    }
    const published = await repo.findVersion(trx, entry.published_version_id);
    if (!published) throw versionNotFound();
    const m = published.metadata as EntryMetadata;
    const no = (await repo.maxVersionNo(trx, id)) + 1;
    const v = await repo.insertVersion(trx, {
      entry_id: id,
      version_no: no,
      state: 'draft',
      metadata: m,
      created_by: accountIdOf(p),
    });
    await writeVersionDetails(trx, v.id, m);
    await repo.updateEntry(trx, id, { working_version_id: v.id });
    await appendAudit(trx, actor, {
      action: 'catalog.revise',
      targetType: 'catalog_entry',
      targetId: id,
      detail: { versionNo: no },
    });
    return detail(trx, p, await loadEntry(trx, id), true);
  });
}

export async function versions(db: Db, actor: Actor, id: string) {
  const p = staffOf(actor);
  const entry = await loadEntry(db, id);
  const ref = await entryRef(db, entry);
  if (!mayDo(p, 'viewDrafts', ref)) {
    if (!mayDo(p, 'view', ref)) throw entryNotFound();
    // Outsiders see the published history only.
    return (await repo.listVersions(db, id)).filter(
      (v) => v.state === 'published' || v.state === 'superseded',
    );
  }
  return repo.listVersions(db, id);
}

export async function basesOf(db: Db, versionIds: string[]) {
  return repo.basesOfVersions(db, versionIds);
}

export async function diff(db: Db, actor: Actor, id: string, from: number, to: number) {
  const list = await versions(db, actor, id);
  const a = list.find((v) => v.version_no === from);
  const b = list.find((v) => v.version_no === to);
  if (!a || !b) throw versionNotFound();
  return diffVersions(a.metadata as EntryMetadata, b.metadata as EntryMetadata);
}

export async function reviewQueue(db: Db, actor: Actor) {
  const p = staffOf(actor);
  const j = jurisdiction(p);
  if (!j || j.scope === 'org') return [];
  const auths = await activeAuthorities(db);
  // The jurisdiction's submitted versions that this reviewer's authority is responsible for.
  return (await repo.submittedVersions(db, j)).filter((v) =>
    can(p, 'review', {
      kind: 'catalogEntry',
      ref: {
        holder: { id: v.org_id, kind: v.org_kind, level: v.org_level, divisionCode: v.division_code },
        supervisorId: supervisorOf({ level: v.org_level, division_code: v.division_code }, auths)?.id,
        published: false,
      },
    }),
  );
}

export async function ownEntries(db: Db, actor: Actor) {
  const p = staffOf(actor);
  return repo.entriesOfOrg(db, p.org.id);
}

// ---------- search ----------

const indexes = new WeakMap<Db, CatalogSearchIndex>();

/** The in-memory search index of this database (one per process). */
export function searchIndexOf(db: Db): CatalogSearchIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new CatalogSearchIndex(db);
    indexes.set(db, index);
  }
  return index;
}

type SearchFilter = Omit<repo.CatalogFilter, 'tsQuery'> & { q?: string | undefined };

/** Published entries matching a Chinese or pinyin query and the filters, with facets (in memory). */
export async function search(db: Db, filter: SearchFilter, page: number, pageSize: number) {
  const { q, ...rest } = filter;
  const parsed = q?.trim() ? parseQuery(q) : null;
  if (q?.trim() && !parsed) return { rows: [], total: 0, facets: repo.emptyFacets() };
  const index = searchIndexOf(db);
  await index.refresh();
  return index.search(parsed?.node ?? null, rest, (page - 1) * pageSize, pageSize);
}

/**
 * The same search in SQL (`search @@ to_tsquery`, ranked by `ts_rank_cd`, facets by grouping
 * sets): the reference the in-memory index is checked against, and the benchmark's baseline.
 */
export async function sqlSearch(db: Db, filter: SearchFilter, page: number, pageSize: number) {
  const { q, ...rest } = filter;
  const tsQuery = q?.trim() ? toTsQuery(q) : null;
  if (q?.trim() && !tsQuery) return { rows: [], total: 0, facets: repo.emptyFacets() };
  const f = { ...rest, tsQuery };
  const [{ rows, total }, facets] = await Promise.all([
    repo.searchPublished(db, f, (page - 1) * pageSize, pageSize),
    repo.facets(db, f),
  ]);
  return { rows, total, facets };
}

/** A published entry of the open catalog (无条件开放 or 依申请开放) with its opening bases; else not found. */
export async function openEntry(db: Db, id: string) {
  const entry = await repo.findEntry(db, id);
  const version = entry?.published_version_id ? await repo.findVersion(db, entry.published_version_id) : null;
  if (!entry || !version) throw entryNotFound();
  const m = version.metadata as EntryMetadata;
  if (m.openType !== 'open' && m.openType !== 'on_application') throw entryNotFound();
  const bases = await repo.basesOfVersions(db, [version.id]);
  return {
    entry,
    version,
    metadata: m,
    openType: m.openType,
    bases: bases.filter((b) => b.applies_to === 'open'),
  };
}

export async function restrictedOpen(db: Db) {
  const rows = await repo.restrictedOpen(db);
  const bases = await repo.basesOfVersions(
    db,
    rows.map((r) => r.version_id),
  );
  return rows.map((r) => ({
    ...r,
    bases: bases.filter((b) => b.version_id === r.version_id && b.applies_to === 'open'),
  }));
}
