/**
 * Quality watch (Art. 16, 34): for every published catalog entry the platform computes, from the
 * data itself, whether data is missing or overdue against the entry's update cycle, whether the
 * current version's completeness or validity is low or fell against the previous version, whether
 * rows were left out, and whether what a department says it holds (row count, SM3 checksum) matches
 * what it provided. Departments see their own entries, authorities their jurisdiction; a daily scan
 * tells the responsible people once about each new problem.
 */
import { CHECKSUM_PATTERN, type QualityProblem, type QualityQuery } from '@huitong/contract/quality';
import {
  PROBLEM_KINDS,
  SEVERITIES,
  type ActingRole,
  type ProblemKind,
  type Severity,
} from '@huitong/contract/values';
import type { Db } from '../../db/database.ts';
import { ForbiddenError, type Message } from '../../shared/errors.ts';
import { SYSTEM_ACTOR, staffOf, type Actor } from '../../shared/principal.ts';
import { can, oversightScope, scopeAdmits, supervisorOf, type Jurisdiction } from '../../shared/policy.ts';
import { appendAudit } from '../security/index.ts';
import { notify } from '../platform/index.ts';
import * as repo from './quality.repository.ts';
import {
  activeAuthorities,
  assertScopeOrg,
  orgById,
  providingOrgsIn,
  type ProvidingOrg,
} from '../org/index.ts';
import { publishedEntries, type UpdateCycle } from '../catalog/index.ts';
import {
  assertProvider,
  connectorFailures,
  currentFacts,
  declarations,
  entryNotFound,
  fileDigests,
  loadEntry,
  previousFacts,
  upsertSettings,
  versionTrend,
  type VersionFactsRow,
  type FieldSummary,
} from '../provision/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------- the rules, in one place (documented in docs/decisions.md) ----------

/**
 * How long after its last version an entry may go without a new one: the cycle plus a margin for
 * the department to deliver (a 每日 entry with no new version for 2 days is overdue).
 */
export const OVERDUE_AFTER_DAYS: Record<UpdateCycle, number> = {
  realtime: 1,
  daily: 2,
  weekly: 8,
  monthly: 35,
  quarterly: 100,
  half_yearly: 190,
  yearly: 372,
};

export const QUALITY_RULES = {
  /** A required item filled in fewer rows than this share is low quality. */
  minRequiredCompleteness: 0.95,
  /** An item whose filled values pass validation in fewer than this share is low quality. */
  minValidShare: 0.95,
  /** A fall of more than this (share points) in an item's completeness or validity against the previous version. */
  maxShareDrop: 0.1,
  /** Rows falling to less than this share of the previous version's (which had at least `minRowsForDrop`). */
  minRowRatio: 0.5,
  minRowsForDrop: 10,
  /** A problem left this many days is brought to the supervising authority. */
  escalateAfterDays: 30,
} as const;

// ---------- problems ----------

export { PROBLEM_KINDS, SEVERITIES };
export type { ActingRole, ProblemKind, QualityProblem, Severity };

/** A problem as a source finds it. */
export interface FoundProblem {
  entryId: string;
  kind: ProblemKind;
  severity: Severity;
  /** When the problem began (its age counts from here). */
  since: Date;
  /** What the problem is about (a version, a declaration): a new subject is a new problem to notify. */
  subject: string;
  message: Message;
  details: Record<string, unknown>;
  /** Who in the department must act (default: its data providers). */
  roles?: ActingRole[];
}

/** What a source knows of one version of an entry's data. */
export interface VersionFacts {
  id: string;
  versionNo: number;
  kind: 'table' | 'files';
  source: string;
  rowCount: number;
  excludedRowCount: number;
  sm3: string | null;
  /** SM3 of the version's only file (file resources). */
  fileSm3: string | null;
  completedAt: Date;
  /** When the data was last provided or confirmed unchanged (the current version; else completedAt). */
  confirmedAt: Date;
  fields: FieldSummary[] | null;
}

/** What a department says it holds of an entry. */
export interface Declaration {
  rowCount: number | null;
  checksum: string | null;
  declaredAt: Date;
}

/** One published entry, as every problem source sees it. */
export interface WatchedEntry {
  entryId: string;
  code: string | null;
  name: string;
  orgId: string;
  updateCycle: UpdateCycle;
  format: string;
  publishedAt: Date;
  current: VersionFacts | null;
  previous: VersionFacts | null;
  declared: Declaration | null;
}

/** A source of problems: the built-in ones below; connector failures are added the same way. */
export type ProblemSource = (db: Db, entries: readonly WatchedEntry[], now: Date) => Promise<FoundProblem[]>;

const days = (ms: number) => Math.floor(ms / DAY_MS);
const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** no_data and overdue: against the entry's update cycle. */
export const timelinessProblems: ProblemSource = async (_db, entries, now) =>
  entries.flatMap((e): FoundProblem[] => {
    if (!e.current) {
      const age = days(now.getTime() - e.publishedAt.getTime());
      return [
        {
          entryId: e.entryId,
          kind: 'no_data',
          severity: age >= QUALITY_RULES.escalateAfterDays ? 'high' : 'medium',
          since: e.publishedAt,
          subject: `published:${e.publishedAt.toISOString().slice(0, 10)}`,
          message: {
            zh: '目录已发布，但尚未提供数据',
            en: 'The entry is published but no data has been provided',
          },
          details: { publishedAt: e.publishedAt.toISOString() },
          roles: ['provider', 'cataloguer'],
        },
      ];
    }
    const allowance = OVERDUE_AFTER_DAYS[e.updateCycle] ?? OVERDUE_AFTER_DAYS.yearly;
    const dueBy = new Date(e.current.confirmedAt.getTime() + allowance * DAY_MS);
    if (dueBy > now) return [];
    const late = days(now.getTime() - dueBy.getTime());
    return [
      {
        entryId: e.entryId,
        kind: 'overdue',
        severity: late >= allowance ? 'high' : 'medium',
        since: dueBy,
        subject: e.current.id,
        message: {
          zh: `更新周期为${CYCLE_ZH[e.updateCycle]}，最近一次数据更新（或确认数据未变化）已超过 ${allowance} 天`,
          en: `Updated ${e.updateCycle.replace('_', '-')}, but the data was last provided or confirmed unchanged more than ${allowance} days ago`,
        },
        details: {
          updateCycle: e.updateCycle,
          allowanceDays: allowance,
          lastVersionNo: e.current.versionNo,
          lastVersionAt: e.current.completedAt.toISOString(),
          lastConfirmedAt: e.current.confirmedAt.toISOString(),
        },
      },
    ];
  });

const CYCLE_ZH: Record<UpdateCycle, string> = {
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  half_yearly: '每半年',
  yearly: '每年',
};

/** low_quality, quality_drop and rows_excluded: from the validation reports of the current and previous versions. */
export const contentProblems: ProblemSource = async (_db, entries) =>
  entries.flatMap((e): FoundProblem[] => {
    const cur = e.current;
    if (!cur || cur.kind !== 'table') return [];
    const out: FoundProblem[] = [];
    const base = { entryId: e.entryId, since: cur.completedAt, subject: cur.id };
    const fields = cur.fields ?? [];
    const low = fields
      .map((f) => {
        const incomplete =
          f.required && f.completeness !== null && f.completeness < QUALITY_RULES.minRequiredCompleteness;
        const invalid = f.validShare !== null && f.validShare < QUALITY_RULES.minValidShare;
        return incomplete || invalid
          ? { field: f.field, label: f.column, completeness: f.completeness, validShare: f.validShare }
          : null;
      })
      .filter((f) => f !== null);
    if (low.length > 0) {
      const names = low.map((f) => f.label).join('、');
      out.push({
        ...base,
        kind: 'low_quality',
        severity: 'medium',
        message: {
          zh: `第 ${cur.versionNo} 版数据质量偏低：${names}的完整率或有效率低于 ${pct(QUALITY_RULES.minValidShare)}`,
          en: `Version ${cur.versionNo} is of low quality: ${low.map((f) => f.field).join(', ')} below ${pct(QUALITY_RULES.minValidShare)} complete or valid`,
        },
        details: { versionNo: cur.versionNo, fields: low },
      });
    }
    const prev = e.previous;
    if (prev) {
      const before = new Map((prev.fields ?? []).map((f) => [f.field, f]));
      const drops = fields
        .map((f) => {
          const p = before.get(f.field);
          if (!p) return null;
          const fell = (a: number | null, b: number | null) =>
            a !== null && b !== null && a - b > QUALITY_RULES.maxShareDrop;
          return fell(p.completeness, f.completeness) || fell(p.validShare, f.validShare)
            ? {
                field: f.field,
                label: f.column,
                completeness: [p.completeness, f.completeness],
                validShare: [p.validShare, f.validShare],
              }
            : null;
        })
        .filter((f) => f !== null);
      const rowsFell =
        prev.rowCount >= QUALITY_RULES.minRowsForDrop &&
        cur.rowCount < prev.rowCount * QUALITY_RULES.minRowRatio;
      if (drops.length > 0 || rowsFell) {
        const what = [
          ...(rowsFell
            ? [
                {
                  zh: `行数 ${prev.rowCount} → ${cur.rowCount}`,
                  en: `rows ${prev.rowCount} → ${cur.rowCount}`,
                },
              ]
            : []),
          ...drops.map((d) => ({ zh: d.label, en: d.field })),
        ];
        out.push({
          ...base,
          kind: 'quality_drop',
          severity: 'medium',
          message: {
            zh: `第 ${cur.versionNo} 版较第 ${prev.versionNo} 版明显下降：${what.map((w) => w.zh).join('、')}`,
            en: `Version ${cur.versionNo} fell clearly against version ${prev.versionNo}: ${what.map((w) => w.en).join(', ')}`,
          },
          details: {
            versionNo: cur.versionNo,
            previousVersionNo: prev.versionNo,
            rows: [prev.rowCount, cur.rowCount],
            fields: drops,
          },
        });
      }
    }
    if (cur.excludedRowCount > 0) {
      const received = cur.rowCount + cur.excludedRowCount;
      const share = cur.excludedRowCount / received;
      out.push({
        ...base,
        kind: 'rows_excluded',
        severity: share >= 1 - QUALITY_RULES.minValidShare ? 'medium' : 'low',
        message: {
          zh: `第 ${cur.versionNo} 版有 ${cur.excludedRowCount} 行数据未通过校验，已剔除（占 ${pct(share)}）`,
          en: `Version ${cur.versionNo} left out ${cur.excludedRowCount} invalid rows (${pct(share)})`,
        },
        details: { versionNo: cur.versionNo, excluded: cur.excludedRowCount, received },
      });
    }
    return out;
  });

/** Compares a stated SM3 checksum with the current version's (hex, case-insensitive). */
export function checksumMatches(declared: string, version: VersionFacts): boolean | null {
  const known = version.sm3 ?? version.fileSm3;
  if (!known) return null;
  return declared.toLowerCase() === known.toLowerCase();
}

/** How a declaration compares with a version: null where there is nothing to compare. */
function declarationMatches(d: Declaration, cur: VersionFacts | null) {
  return {
    rowCountMatches: d.rowCount === null || !cur || cur.kind !== 'table' ? null : d.rowCount === cur.rowCount,
    checksumMatches: d.checksum === null || !cur ? null : checksumMatches(d.checksum, cur),
  };
}

/** The entry's declaration as the API shows it, compared with its current version. */
function declarationOf(watched: WatchedEntry) {
  const d = watched.declared;
  return d
    ? {
        rowCount: d.rowCount,
        checksum: d.checksum,
        declaredAt: d.declaredAt.toISOString(),
        ...declarationMatches(d, watched.current),
      }
    : null;
}

/** declared_mismatch: what the department says it holds against the current version. */
export const consistencyProblems: ProblemSource = async (_db, entries) =>
  entries.flatMap((e): FoundProblem[] => {
    const cur = e.current;
    const d = e.declared;
    if (!cur || !d) return [];
    const matches = declarationMatches(d, cur);
    const rowsDiffer = matches.rowCountMatches === false;
    const sums = matches.checksumMatches;
    if (!rowsDiffer && sums !== false) return [];
    const since = new Date(Math.max(d.declaredAt.getTime(), cur.completedAt.getTime()));
    const zh: string[] = [];
    const en: string[] = [];
    if (rowsDiffer) {
      zh.push(`部门声明 ${d.rowCount} 行，第 ${cur.versionNo} 版为 ${cur.rowCount} 行`);
      en.push(`the department holds ${d.rowCount} rows, version ${cur.versionNo} has ${cur.rowCount}`);
    }
    if (sums === false) {
      zh.push(`声明的 SM3 校验值与第 ${cur.versionNo} 版不一致`);
      en.push(`the stated SM3 checksum differs from version ${cur.versionNo}'s`);
    }
    return [
      {
        entryId: e.entryId,
        kind: 'declared_mismatch',
        severity: 'high',
        since,
        subject: `${cur.id}:${d.declaredAt.toISOString()}`,
        message: { zh: `数据不一致：${zh.join('；')}`, en: `Inconsistent: ${en.join('; ')}` },
        details: {
          versionNo: cur.versionNo,
          declaredRowCount: d.rowCount,
          rowCount: cur.rowCount,
          declaredChecksum: d.checksum,
          checksum: cur.sm3 ?? cur.fileSm3,
          rowCountMatches: d.rowCount === null ? null : !rowsDiffer,
          checksumMatches: sums,
        },
      },
    ];
  });

/** connector_failing: a scheduled pull connector that failed its runs and its retries. */
export const connectorProblems: ProblemSource = async (db, entries) => {
  const watched = new Set(entries.map((e) => e.entryId));
  const failures = await connectorFailures(db, { orgIds: [...new Set(entries.map((e) => e.orgId))] });
  return failures
    .filter((f) => watched.has(f.entryId))
    .map((f) => ({
      entryId: f.entryId,
      kind: 'connector_failing' as const,
      severity: 'high' as const,
      since: f.failingSince,
      subject: `${f.connectorId}:${f.failingSince.toISOString()}`,
      message: {
        zh: `数据采集连续失败 ${f.consecutiveFailures} 次：${f.lastError?.message.zh ?? ''}`,
        en: `The connector failed ${f.consecutiveFailures} times in a row: ${f.lastError?.message.en ?? ''}`,
      },
      details: {
        connectorId: f.connectorId,
        connectorKind: f.kind,
        consecutiveFailures: f.consecutiveFailures,
        lastRunAt: f.lastRunAt,
        lastError: f.lastError,
      },
    }));
};

/** Every source of problems; a source only needs the entries and answers problems. */
export const problemSources: ProblemSource[] = [
  timelinessProblems,
  contentProblems,
  consistencyProblems,
  connectorProblems,
];

/** Items by their organisation. */
function byOrg<T extends { orgId: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.orgId);
    if (list) list.push(item);
    else out.set(item.orgId, [item]);
  }
  return out;
}

// ---------- who may look ----------

/** An authority's reviewers and administrators see their jurisdiction; a department's providers and cataloguers their own. */
export function qualityScope(actor: Actor): Jurisdiction {
  const scope = oversightScope(staffOf(actor), 'quality');
  if (scope) return scope;
  throw new ForbiddenError({
    zh: '只有大数据主管部门的审核员、管理员，或本部门的数据员、目录编制人员可以查看数据质量',
    en: "Only an authority's reviewers and administrators, or the department's data providers and cataloguers, may see data quality",
  });
}

// ---------- gathering the facts ----------

type VersionRow = VersionFactsRow;

const factsOf = (v: VersionRow, fileSm3: string | null = null): VersionFacts => ({
  id: v.id,
  versionNo: v.version_no,
  kind: v.kind,
  source: v.source,
  rowCount: Number(v.row_count ?? 0),
  excludedRowCount: Number(v.excluded_row_count ?? 0),
  sm3: v.sm3,
  fileSm3,
  completedAt: v.completed_at ?? v.created_at,
  confirmedAt: v.confirmed_at ?? v.completed_at ?? v.created_at,
  fields: Array.isArray(v.fields) ? (v.fields as FieldSummary[]) : null,
});

/** The published entries of the given organisations with their current and previous versions and declarations. */
export async function watchedEntries(
  db: Db,
  orgIds: readonly string[],
  entryId?: string,
): Promise<WatchedEntry[]> {
  if (orgIds.length === 0) return [];
  const entries = await publishedEntries(db, entryId ? { orgIds, ids: [entryId] } : { orgIds });
  if (entries.length === 0) return [];
  const ids = entries.map((e) => e.id);
  const current = await currentFacts(db, ids);
  const previous = await previousFacts(db, ids);
  const files = await fileDigests(
    db,
    current.filter((v) => v.kind === 'files').map((v) => v.id),
  );
  const onlyFile = new Map<string, string | null>();
  for (const f of files) onlyFile.set(f.version_id, onlyFile.has(f.version_id) ? null : f.sm3);
  const declared = await declarations(db, ids);
  const curBy = new Map(current.map((v) => [v.entry_id, v]));
  const prevBy = new Map(previous.map((v) => [v.entry_id, v]));
  const declBy = new Map(declared.map((d) => [d.entry_id, d]));
  return entries.map((e) => {
    const c = curBy.get(e.id);
    const p = prevBy.get(e.id);
    const d = declBy.get(e.id);
    return {
      entryId: e.id,
      code: e.code,
      name: e.name,
      orgId: e.orgId,
      updateCycle: e.updateCycle,
      format: e.format,
      publishedAt: e.firstPublishedAt ?? e.versionCreatedAt,
      current: c ? factsOf(c, onlyFile.get(c.id) ?? null) : null,
      previous: p ? factsOf(p) : null,
      declared:
        d && d.declared_at
          ? {
              rowCount: d.declared_row_count === null ? null : Number(d.declared_row_count),
              checksum: d.declared_checksum,
              declaredAt: d.declared_at,
            }
          : null,
    };
  });
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Runs every source over the entries and says, for each problem, its age and who must act. */
async function problemsOf(
  db: Db,
  orgs: readonly ProvidingOrg[],
  entries: readonly WatchedEntry[],
  now: Date,
  sources: readonly ProblemSource[],
): Promise<QualityProblem[]> {
  const found = (await Promise.all(sources.map((s) => s(db, entries, now)))).flat();
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const entryById = new Map(entries.map((e) => [e.entryId, e]));
  const auths = found.length > 0 ? await activeAuthorities(db) : [];
  return found
    .flatMap((f): QualityProblem[] => {
      const e = entryById.get(f.entryId);
      const org = e ? orgById.get(e.orgId) : undefined;
      if (!e || !org) return [];
      const ageDays = Math.max(0, days(now.getTime() - f.since.getTime()));
      const escalated = ageDays >= QUALITY_RULES.escalateAfterDays;
      const supervisor = escalated ? supervisorOf(org, auths) : undefined;
      return [
        {
          entryId: e.entryId,
          entryCode: e.code,
          entryName: e.name,
          orgId: org.id,
          orgName: org.name,
          kind: f.kind,
          severity: f.severity,
          since: f.since.toISOString(),
          ageDays,
          message: f.message,
          details: f.details,
          mustAct: [
            ...(f.roles ?? ['provider']).map((role) => ({ orgId: org.id, orgName: org.name, role })),
            ...(supervisor
              ? [{ orgId: supervisor.id, orgName: supervisor.name, role: 'reviewer' as const }]
              : []),
          ],
          escalated: supervisor !== undefined,
          subject: f.subject,
        },
      ];
    })
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        b.ageDays - a.ageDays ||
        a.orgName.localeCompare(b.orgName, 'zh-CN') ||
        a.entryName.localeCompare(b.entryName, 'zh-CN'),
    );
}

const emptyKinds = () => Object.fromEntries(PROBLEM_KINDS.map((k) => [k, 0])) as Record<ProblemKind, number>;

/** The dashboard: per-organisation counts, then the problems (filtered, paged). */
export async function overview(
  db: Db,
  actor: Actor,
  filter: QualityQuery = {},
  now = new Date(),
  sources: readonly ProblemSource[] = problemSources,
) {
  const scope = qualityScope(actor);
  await assertScopeOrg(db, filter.orgId, (org) => scopeAdmits(scope, org));
  const orgs = await providingOrgsIn(db, scope);
  const entries = await watchedEntries(
    db,
    orgs.map((o) => o.id),
  );
  const problems = await problemsOf(db, orgs, entries, now, sources);
  const problemsOfOrg = byOrg(problems);
  const entriesOfOrg = byOrg(entries);
  const organisations = orgs.map((o) => {
    const own = problemsOfOrg.get(o.id) ?? [];
    const mine = entriesOfOrg.get(o.id) ?? [];
    const byKind = emptyKinds();
    for (const p of own) byKind[p.kind]++;
    return {
      orgId: o.id,
      orgName: o.name,
      level: o.level,
      divisionCode: o.division_code,
      entries: mine.length,
      withData: mine.filter((e) => e.current !== null).length,
      withProblems: new Set(own.map((p) => p.entryId)).size,
      problems: own.length,
      high: own.filter((p) => p.severity === 'high').length,
      escalated: own.filter((p) => p.escalated).length,
      oldestDays: own.reduce<number | null>((m, p) => (m === null || p.ageDays > m ? p.ageDays : m), null),
      byKind,
    };
  });
  const byKind = emptyKinds();
  for (const p of problems) byKind[p.kind]++;
  const bySeverity = { high: 0, medium: 0, low: 0 };
  for (const p of problems) bySeverity[p.severity]++;
  const matching = problems.filter(
    (p) =>
      (!filter.kind || p.kind === filter.kind) &&
      (!filter.orgId || p.orgId === filter.orgId) &&
      (!filter.severity || p.severity === filter.severity),
  );
  const page = filter.page ?? 1;
  const pageSize = filter.pageSize ?? 50;
  return {
    generatedAt: now.toISOString(),
    summary: {
      organisations: orgs.length,
      entries: entries.length,
      withData: entries.filter((e) => e.current !== null).length,
      withProblems: new Set(problems.map((p) => p.entryId)).size,
      problems: problems.length,
      escalated: problems.filter((p) => p.escalated).length,
      byKind,
      bySeverity,
    },
    // Organisations with problems first, then by name.
    organisations: organisations.sort(
      (a, b) => b.problems - a.problems || a.orgName.localeCompare(b.orgName, 'zh-CN'),
    ),
    rules: {
      overdueAfterDays: OVERDUE_AFTER_DAYS,
      ...QUALITY_RULES,
    },
    items: matching.slice((page - 1) * pageSize, page * pageSize),
    total: matching.length,
    page,
    pageSize,
  };
}

/** Aggregates of one version's report: share of filled cells and of valid values over all fields. */
export function versionShares(fields: readonly FieldSummary[] | null, totalRows: number) {
  if (!fields || fields.length === 0 || totalRows === 0) return { completeness: null, validity: null };
  const filled = fields.reduce((n, f) => n + f.filled, 0);
  const valid = fields.reduce((n, f) => n + f.valid, 0);
  return {
    completeness: filled / (fields.length * totalRows),
    validity: filled === 0 ? null : valid / filled,
  };
}

/** One entry: its declaration, the trend of its versions and its current problems. */
export async function entryQuality(
  db: Db,
  actor: Actor,
  entryId: string,
  now = new Date(),
  sources: readonly ProblemSource[] = problemSources,
) {
  qualityScope(actor);
  const entry = await loadEntry(db, entryId);
  const org = await orgById(db, entry.orgId);
  if (!org) throw entryNotFound();
  const orgRef = { id: org.id, kind: org.kind, level: org.level, divisionCode: org.division_code };
  if (!can(staffOf(actor), 'quality', { kind: 'oversight', ref: orgRef })) throw entryNotFound();
  const [watched] = await watchedEntries(db, [org.id], entryId);
  if (!watched) throw entryNotFound();
  const problems = await problemsOf(db, [org], [watched], now, sources);
  const versions = await versionTrend(db, entryId);
  return {
    entry: {
      id: watched.entryId,
      code: watched.code,
      name: watched.name,
      orgId: org.id,
      orgName: org.name,
      format: watched.format,
      updateCycle: watched.updateCycle,
      overdueAfterDays: OVERDUE_AFTER_DAYS[watched.updateCycle] ?? OVERDUE_AFTER_DAYS.yearly,
      publishedAt: watched.publishedAt.toISOString(),
    },
    currentVersionId: watched.current?.id ?? null,
    declaration: declarationOf(watched),
    checksum: watched.current ? (watched.current.sm3 ?? watched.current.fileSm3) : null,
    versions: versions.map((v) => {
      const fields = Array.isArray(v.fields) ? (v.fields as FieldSummary[]) : null;
      const total = typeof v.total_rows === 'number' ? v.total_rows : Number(v.row_count ?? 0);
      return {
        id: v.id,
        versionNo: v.version_no,
        state: v.state as 'ready' | 'failed',
        source: v.source,
        current: v.id === watched.current?.id,
        rowCount: v.row_count === null ? null : Number(v.row_count),
        excludedRowCount: v.excluded_row_count === null ? null : Number(v.excluded_row_count),
        createdAt: v.created_at.toISOString(),
        completedAt: v.completed_at?.toISOString() ?? null,
        ...versionShares(fields, total),
        fields: (fields ?? []).map((f) => ({
          field: f.field,
          label: f.column,
          required: f.required,
          completeness: f.completeness,
          validShare: f.validShare,
        })),
      };
    }),
    problems,
  };
}

// ---------- the department's declaration ----------

export { CHECKSUM_PATTERN };

/**
 * The department states what it holds: the row count and/or the SM3 checksum (hex) of the file it
 * provided. Null clears a value; both null withdraws the declaration.
 */
export async function declare(
  db: Db,
  actor: Actor,
  entryId: string,
  input: { rowCount: number | null; checksum: string | null },
) {
  const entry = await loadEntry(db, entryId);
  const p = assertProvider(actor, entry);
  const withdrawn = input.rowCount === null && input.checksum === null;
  const values = {
    declared_row_count: input.rowCount,
    declared_checksum: input.checksum?.toLowerCase() ?? null,
    declared_at: withdrawn ? null : new Date(),
    updated_by: p.kind === 'staff' ? p.accountId : null,
    updated_at: new Date(),
  };
  await db.transaction().execute(async (trx) => {
    await upsertSettings(trx, entry.id, values);
    await appendAudit(trx, actor, {
      action: 'provision.declared',
      targetType: 'catalog_entry',
      targetId: entry.id,
      detail: { rowCount: values.declared_row_count, checksum: values.declared_checksum },
    });
  });
  const [watched] = await watchedEntries(db, [entry.orgId], entry.id);
  return watched ? declarationOf(watched) : null;
}

// ---------- the daily scan: each new problem once to whoever must act ----------

const KIND_TEXT: Record<ProblemKind, Message> = {
  no_data: { zh: '未提供数据', en: 'without data' },
  overdue: { zh: '逾期未更新', en: 'overdue' },
  low_quality: { zh: '数据质量偏低', en: 'of low quality' },
  quality_drop: { zh: '质量明显下降', en: 'with a clear quality drop' },
  rows_excluded: { zh: '有剔除的无效行', en: 'with rows left out' },
  declared_mismatch: { zh: '与部门声明不一致', en: 'inconsistent with the declaration' },
  connector_failing: { zh: '采集任务失败', en: 'with a failing connector' },
};

export interface QualityScanResult {
  problems: number;
  /** Problems told about for the first time by this run (and escalations). */
  newNotices: number;
}

/** Finds the problems of the whole city and notifies each new one (and each new escalation) once. Idempotent. */
export async function scan(
  db: Db,
  now = new Date(),
  sources: readonly ProblemSource[] = problemSources,
): Promise<QualityScanResult> {
  const orgs = await providingOrgsIn(db, { scope: 'all' });
  const entries = await watchedEntries(
    db,
    orgs.map((o) => o.id),
  );
  const problems = await problemsOf(db, orgs, entries, now, sources);
  const result: QualityScanResult = { problems: problems.length, newNotices: 0 };
  if (problems.length === 0) return result;
  await db.transaction().execute(async (trx) => {
    const notices = problems.flatMap((p) => [
      { entry_id: p.entryId, kind: p.kind, subject: p.subject, problem: p, escalation: false },
      ...(p.escalated
        ? [
            {
              entry_id: p.entryId,
              kind: `${p.kind}:escalated`,
              subject: p.subject,
              problem: p,
              escalation: true,
            },
          ]
        : []),
    ]);
    const inserted = new Set<string>();
    const key = (n: { entry_id: string; kind: string; subject: string }) =>
      `${n.entry_id}|${n.kind}|${n.subject}`;
    for (let i = 0; i < notices.length; i += 500) {
      const rows = await repo.insertNewNotices(
        trx,
        notices.slice(i, i + 500).map(({ entry_id, kind, subject }) => ({ entry_id, kind, subject })),
      );
      for (const r of rows) inserted.add(key(r));
    }
    const fresh = notices.filter((n) => inserted.has(key(n)));
    result.newNotices = fresh.length;
    if (fresh.length === 0) return;
    // One inbox message per organisation and role, naming the kinds and an example.
    const groups = new Map<string, { orgId: string; role: ActingRole; problems: QualityProblem[] }>();
    for (const n of fresh) {
      const targets = n.escalation
        ? n.problem.mustAct.filter((m) => m.role === 'reviewer')
        : n.problem.mustAct.filter((m) => m.role !== 'reviewer');
      for (const t of targets) {
        const k = `${t.orgId}|${t.role}`;
        const g = groups.get(k) ?? { orgId: t.orgId, role: t.role, problems: [] };
        g.problems.push(n.problem);
        groups.set(k, g);
      }
    }
    for (const g of groups.values()) {
      const kinds = PROBLEM_KINDS.map(
        (k) => [k, g.problems.filter((p) => p.kind === k).length] as const,
      ).filter(([, n]) => n > 0);
      const first = g.problems[0];
      const authority = g.role === 'reviewer';
      const orgCount = new Set(g.problems.map((p) => p.orgId)).size;
      await notify(trx, {
        orgId: g.orgId,
        role: g.role,
        kind: 'provision.quality',
        title: authority
          ? {
              zh: `数据质量：${orgCount} 个部门的 ${g.problems.length} 个问题超过 ${QUALITY_RULES.escalateAfterDays} 天未处理（如《${first?.entryName ?? ''}》${KIND_TEXT[first?.kind ?? 'overdue'].zh}）`,
              en: `Data quality: ${g.problems.length} problems of ${orgCount} organisations left over ${QUALITY_RULES.escalateAfterDays} days (e.g. “${first?.entryName ?? ''}” ${KIND_TEXT[first?.kind ?? 'overdue'].en})`,
            }
          : {
              zh: `数据质量：${kinds.map(([k, n]) => `${n} 条目录${KIND_TEXT[k].zh}`).join('，')}（如《${first?.entryName ?? ''}》）`,
              en: `Data quality: ${kinds.map(([k, n]) => `${n} entries ${KIND_TEXT[k].en}`).join(', ')} (e.g. “${first?.entryName ?? ''}”)`,
            },
        link: '/workspace/provision/quality',
        detail: { problems: g.problems.length },
      });
    }
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'provision.quality_scan',
      detail: { ...result },
    });
  });
  return result;
}
