/**
 * Catalog upkeep (Art. 12): departments re-confirm their published entries on the schedule their
 * supervising authority sets; entries past due, about to be due, or citing a repealed legal basis
 * are flagged to the department and to the authority, and departments without a catalog are shown.
 */
import type { Db } from '../../db/database.ts';
import { Type } from 'typebox';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/errors.ts';
import { SYSTEM_ACTOR, type Actor, type StaffPrincipal as Staff, staffOf } from '../../shared/principal.ts';
import {
  ROUTE_POLICIES,
  can,
  oversightScope,
  scopeAdmits,
  supervisorOf,
  type Jurisdiction,
} from '../../shared/policy.ts';
import { defineJob } from '../../plugins/jobs.ts';
import { appendAudit } from '../security/index.ts';
import { notify } from '../platform/index.ts';
import { lockEntries } from './catalog.repository.ts';
import * as repo from './catalog.upkeep.repository.ts';
import { entryRefOf } from './catalog.service.ts';
import { activeAuthorities, assertScopeOrg, providingOrgsIn } from '../org/index.ts';
import type { UpkeepStatus } from '@huitong/contract/values';

export const DEFAULT_UPKEEP = { intervalDays: 180, noticeDays: 30 } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export type { UpkeepStatus };

interface OrgRow {
  id: string;
  name: string;
  kind: string;
  level: string;
  division_code: string;
}

export interface UpkeepSchedule {
  intervalDays: number;
  noticeDays: number;
  /** Whose schedule applies: the organisation's supervising authority, the city authority, or the default. */
  source: 'own' | 'city' | 'default';
}

export interface UpkeepEntry {
  entryId: string;
  code: string | null;
  name: string;
  orgId: string;
  orgName: string;
  status: UpkeepStatus;
  confirmedAt: string | null;
  dueAt: string;
  pendingVersion: boolean;
  repealedBases: { id: string; title: string; article: string }[];
}

export interface UpkeepOrganisation {
  orgId: string;
  orgName: string;
  kind: string;
  level: string;
  divisionCode: string;
  published: number;
  inProgress: number;
  current: number;
  due: number;
  overdue: number;
  outdated: number;
  lastConfirmedAt: string | null;
  noCatalog: boolean;
}

const isKeeper = (p: Staff) => ROUTE_POLICIES.keeper(p);
const isCataloguer = (p: Staff) => ROUTE_POLICIES.cataloguer(p);

/** The organisations whose upkeep this person follows: an authority's jurisdiction, or one's own. */
function upkeepScope(p: Staff): Jurisdiction {
  const scope = oversightScope(p, 'upkeep');
  if (scope) return scope;
  throw new ForbiddenError({
    zh: '只有大数据主管部门的审核员、管理员或本部门目录编制人员可以查看目录更新维护',
    en: "Only an authority's reviewers and administrators, or the department's cataloguers, may see catalog upkeep",
  });
}

// ---------- schedules ----------

/** The active authorities (oldest first) with their upkeep settings, if they set any. */
async function authorities(db: Db) {
  const auths = await activeAuthorities(db);
  const settings = await repo.upkeepSettings(
    db,
    auths.map((a) => a.id),
  );
  const byAuthority = new Map(settings.map((s) => [s.authority_id, s]));
  return auths.map((a) => ({
    id: a.id,
    level: a.level,
    division_code: a.division_code,
    interval_days: byAuthority.get(a.id)?.interval_days ?? null,
    notice_days: byAuthority.get(a.id)?.notice_days ?? null,
  }));
}

type AuthorityRow = Awaited<ReturnType<typeof authorities>>[number];

/** The schedule of an organisation: its supervising authority's (`supervisorOf`), else the city's, else the default. */
function scheduleOf(org: Pick<OrgRow, 'level' | 'division_code'>, auths: AuthorityRow[]): UpkeepSchedule {
  const city = auths.find((a) => a.level === 'city');
  const own = supervisorOf(org, auths);
  if (own && own.interval_days !== null && own.notice_days !== null)
    return {
      intervalDays: own.interval_days,
      noticeDays: own.notice_days,
      source: own === city ? 'city' : 'own',
    };
  if (city && city.interval_days !== null && city.notice_days !== null)
    return { intervalDays: city.interval_days, noticeDays: city.notice_days, source: 'city' };
  return { ...DEFAULT_UPKEEP, source: 'default' };
}

export async function scheduleFor(db: Db, actor: Actor): Promise<UpkeepSchedule & { editable: boolean }> {
  const p = staffOf(actor);
  upkeepScope(p);
  const auths = await authorities(db);
  const schedule = scheduleOf({ level: p.org.level, division_code: p.org.divisionCode }, auths);
  const editable = isKeeper(p);
  if (p.org.kind === 'authority') {
    const mine = auths.find((a) => a.id === p.org.id);
    if (mine && mine.interval_days !== null && mine.notice_days !== null)
      return { intervalDays: mine.interval_days, noticeDays: mine.notice_days, source: 'own', editable };
  }
  return { ...schedule, editable };
}

export async function setSchedule(
  db: Db,
  actor: Actor,
  input: { intervalDays: number; noticeDays: number },
): Promise<UpkeepSchedule & { editable: boolean }> {
  const p = staffOf(actor);
  if (!isKeeper(p)) throw new ForbiddenError();
  if (input.noticeDays >= input.intervalDays) {
    throw new ValidationError(
      [
        {
          field: 'noticeDays',
          message: { zh: '提前提醒天数须少于复核周期', en: 'must be fewer than the interval' },
        },
      ],
      {
        zh: '提前提醒天数须少于复核周期天数',
        en: 'The notice must be shorter than the re-confirmation interval',
      },
    );
  }
  await db.transaction().execute(async (trx) => {
    await repo.saveUpkeepSettings(trx, p.org.id, {
      interval_days: input.intervalDays,
      notice_days: input.noticeDays,
      updated_by: p.kind === 'staff' ? p.accountId : null,
      updated_at: new Date(),
    });
    await appendAudit(trx, actor, {
      action: 'catalog.upkeep_schedule_set',
      targetType: 'organisation',
      targetId: p.org.id,
      detail: input,
    });
  });
  return scheduleFor(db, actor);
}

// ---------- status ----------

/** Every published entry of the scope with its upkeep status at `now`. */
async function statusOf(db: Db, scope: Jurisdiction, now: Date) {
  const orgs: OrgRow[] = await providingOrgsIn(db, scope);
  const auths = await authorities(db);
  const entries = await repo.publishedEntriesOf(
    db,
    orgs.map((o) => o.id),
  );
  const repealed = await repo.repealedBasesOf(
    db,
    entries.map((e) => e.version_id),
  );
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const schedules = new Map(orgs.map((o) => [o.id, scheduleOf(o, auths)]));
  const list: UpkeepEntry[] = entries.map((e) => {
    const s = schedules.get(e.org_id) ?? { ...DEFAULT_UPKEEP, source: 'default' as const };
    const from = e.confirmed_at ?? e.first_published_at ?? now;
    const dueAt = new Date(from.getTime() + s.intervalDays * DAY_MS);
    const bases = repealed
      .filter((r) => r.version_id === e.version_id)
      .map((r) => ({ id: r.id, title: r.title, article: r.article }));
    const status: UpkeepStatus =
      bases.length > 0
        ? 'outdated'
        : dueAt <= now
          ? 'overdue'
          : dueAt.getTime() - s.noticeDays * DAY_MS <= now.getTime()
            ? 'due'
            : 'current';
    return {
      entryId: e.id,
      code: e.code,
      name: e.name,
      orgId: e.org_id,
      orgName: orgById.get(e.org_id)?.name ?? '',
      status,
      confirmedAt: (e.confirmed_at ?? e.first_published_at)?.toISOString() ?? null,
      dueAt: dueAt.toISOString(),
      pendingVersion: e.working_version_id !== null,
      repealedBases: bases,
    };
  });
  return { orgs, list };
}

const STATUS_ORDER: Record<UpkeepStatus, number> = { outdated: 0, overdue: 1, due: 2, current: 3 };

export async function overview(
  db: Db,
  actor: Actor,
  filter: { orgId?: string | undefined; status?: UpkeepStatus | 'attention' | 'all' | undefined },
  now = new Date(),
) {
  const p = staffOf(actor);
  const scope = upkeepScope(p);
  await assertScopeOrg(db, filter.orgId, (org) => scopeAdmits(scope, org));
  const { orgs, list } = await statusOf(db, scope, now);
  const drafts = await repo.draftCounts(
    db,
    orgs.map((o) => o.id),
  );
  const organisations: UpkeepOrganisation[] = orgs.map((o) => {
    const own = list.filter((e) => e.orgId === o.id);
    const count = (s: UpkeepStatus) => own.filter((e) => e.status === s).length;
    const confirmed = own.map((e) => e.confirmedAt).filter((d): d is string => d !== null);
    return {
      orgId: o.id,
      orgName: o.name,
      kind: o.kind,
      level: o.level,
      divisionCode: o.division_code,
      published: own.length,
      inProgress: drafts.get(o.id) ?? 0,
      current: count('current'),
      due: count('due'),
      overdue: count('overdue'),
      outdated: count('outdated'),
      lastConfirmedAt: confirmed.sort().at(-1) ?? null,
      noCatalog: own.length === 0,
    };
  });
  const wanted = filter.status ?? 'attention';
  const entries = list
    .filter((e) => !filter.orgId || e.orgId === filter.orgId)
    .filter((e) =>
      wanted === 'all' ? true : wanted === 'attention' ? e.status !== 'current' : e.status === wanted,
    )
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.dueAt.localeCompare(b.dueAt));
  const summary = {
    organisations: orgs.length,
    withoutCatalog: organisations.filter((o) => o.noCatalog).length,
    published: list.length,
    current: list.filter((e) => e.status === 'current').length,
    due: list.filter((e) => e.status === 'due').length,
    overdue: list.filter((e) => e.status === 'overdue').length,
    outdated: list.filter((e) => e.status === 'outdated').length,
  };
  return { schedule: await scheduleFor(db, actor), summary, organisations, entries };
}

// ---------- re-confirmation ----------

/** A department's cataloguer confirms that published entries are still accurate. */
export async function confirm(db: Db, actor: Actor, entryIds: string[]): Promise<{ confirmed: number }> {
  const p = staffOf(actor);
  if (!isCataloguer(p)) throw new ForbiddenError();
  const ids = [...new Set(entryIds)];
  return db.transaction().execute(async (trx) => {
    const rows = await lockEntries(trx, ids);
    const authorities = await activeAuthorities(trx);
    const found = new Map(rows.map((r) => [r.id, r]));
    const problems = ids.flatMap((id, i) => {
      const r = found.get(id);
      // Confirming is editing the entry (its own department's cataloguers).
      if (!r || !can(p, 'edit', { kind: 'catalogEntry', ref: entryRefOf(r, authorities) }))
        return [
          {
            field: `entryIds/${i}`,
            message: { zh: '不是本部门的目录条目', en: 'is not an entry of your organisation' },
          },
        ];
      if (!r.published_version_id)
        return [
          { field: `entryIds/${i}`, message: { zh: '尚未发布，无需确认', en: 'is not published yet' } },
        ];
      return [];
    });
    if (problems.length > 0) {
      throw new ValidationError(problems, {
        zh: '只能确认本部门已发布的目录条目',
        en: "Only your organisation's published entries can be confirmed",
      });
    }
    const repealed = await repo.repealedBasesOf(
      trx,
      rows.flatMap((r) => (r.published_version_id ? [r.published_version_id] : [])),
    );
    if (repealed.length > 0) {
      // Titles are kept with or without their book-title marks.
      const cite = (r: { title: string; article: string }) =>
        `${r.title.startsWith('《') ? r.title : `《${r.title}》`}${r.article}`;
      const names = [...new Set(repealed.map(cite))].join('、');
      throw new ConflictError('catalog_entry_outdated', {
        zh: `所引用的法律依据已废止（${names}），请修订目录后重新提交审核，不能直接确认`,
        en: `A cited legal basis has been repealed (${names}); revise the entry and submit it for review instead of confirming it`,
      });
    }
    const now = new Date();
    await repo.markConfirmed(trx, ids, now);
    await appendAudit(trx, actor, {
      action: 'catalog.confirm',
      targetType: 'catalog_entry',
      targetId: ids.length === 1 ? ids[0] : undefined,
      detail: { entryIds: ids },
    });
    return { confirmed: ids.length };
  });
}

// ---------- the scan: flags to departments and authorities ----------

export interface ScanResult {
  due: number;
  overdue: number;
  outdated: number;
  /** Flags sent by this run (a flag goes out once per entry, kind and due date or repealed basis). */
  newFlags: number;
}

const KIND_TEXT: Record<Exclude<UpkeepStatus, 'current'>, { zh: string; en: string }> = {
  due: { zh: '即将到期需复核确认', en: 'due for re-confirmation soon' },
  overdue: { zh: '逾期未复核确认', en: 'overdue for re-confirmation' },
  outdated: { zh: '引用的法律依据已废止，需修订', en: 'citing a repealed legal basis' },
};

/** Finds entries needing attention across the city and flags the new ones. Idempotent. */
export async function scan(db: Db, now = new Date()): Promise<ScanResult> {
  const { orgs, list } = await statusOf(db, { scope: 'all' }, now);
  const flagged = list.filter((e) => e.status !== 'current');
  const result: ScanResult = {
    due: flagged.filter((e) => e.status === 'due').length,
    overdue: flagged.filter((e) => e.status === 'overdue').length,
    outdated: flagged.filter((e) => e.status === 'outdated').length,
    newFlags: 0,
  };
  if (flagged.length === 0) return result;
  await db.transaction().execute(async (trx) => {
    const inserted = await repo.insertNewNotices(
      trx,
      flagged.map((e) => ({
        entry_id: e.entryId,
        kind: e.status as Exclude<UpkeepStatus, 'current'>,
        subject:
          e.status === 'outdated'
            ? e.repealedBases
                .map((b) => b.id)
                .sort()
                .join(',')
            : e.dueAt.slice(0, 10),
      })),
    );
    result.newFlags = inserted.length;
    if (inserted.length === 0) return;
    const orgById = new Map(orgs.map((o) => [o.id, o]));
    const entryById = new Map(flagged.map((e) => [e.entryId, e]));
    const byOrg = new Map<string, { kind: Exclude<UpkeepStatus, 'current'>; name: string }[]>();
    for (const n of inserted) {
      const e = entryById.get(n.entry_id);
      if (!e) continue;
      byOrg.set(e.orgId, [...(byOrg.get(e.orgId) ?? []), { kind: n.kind, name: e.name }]);
    }
    const auths = await authorities(trx);
    const city = auths.find((a) => a.level === 'city');
    const byAuthority = new Map<string, { orgs: Set<string>; count: number }>();
    for (const [orgId, items] of byOrg) {
      const kinds = (['outdated', 'overdue', 'due'] as const)
        .map((k) => [k, items.filter((i) => i.kind === k).length] as const)
        .filter(([, n]) => n > 0);
      const zh = kinds.map(([k, n]) => `${n} 条${KIND_TEXT[k].zh}`).join('，');
      const en = kinds.map(([k, n]) => `${n} ${KIND_TEXT[k].en}`).join(', ');
      const first = items[0]?.name ?? '';
      await notify(trx, {
        orgId,
        role: 'cataloguer',
        kind: 'catalog.upkeep',
        title: {
          zh: `目录更新维护：${zh}（如《${first}》）`,
          en: `Catalog upkeep: ${en} (e.g. “${first}”)`,
        },
        link: '/workspace/catalog/upkeep',
        detail: { entries: items.length },
      });
      const org = orgById.get(orgId);
      const supervisor = org ? supervisorOf(org, auths) : city;
      if (!supervisor) continue;
      const agg = byAuthority.get(supervisor.id) ?? { orgs: new Set<string>(), count: 0 };
      agg.orgs.add(orgId);
      agg.count += items.length;
      byAuthority.set(supervisor.id, agg);
    }
    for (const [authorityId, agg] of byAuthority) {
      await notify(trx, {
        orgId: authorityId,
        role: 'reviewer',
        kind: 'catalog.upkeep',
        title: {
          zh: `目录更新维护：${agg.orgs.size} 个部门的 ${agg.count} 条目录需复核或修订`,
          en: `Catalog upkeep: ${agg.count} entries of ${agg.orgs.size} organisations need re-confirmation or revision`,
        },
        link: '/workspace/catalog/upkeep',
        detail: { organisations: agg.orgs.size, entries: agg.count },
      });
    }
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'catalog.upkeep_scan',
      detail: { ...result },
    });
  });
  return result;
}

/** Only the city authority's reviewers and administrators may start a scan by hand. */
export async function scanNow(db: Db, actor: Actor, run: () => Promise<unknown>): Promise<ScanResult> {
  const p = staffOf(actor);
  if (!ROUTE_POLICIES.cityKeeper(p)) {
    throw new ForbiddenError({
      zh: '只有市大数据主管部门可以立即运行目录维护检查',
      en: 'Only the city authority may run the upkeep check now',
    });
  }
  return (await run()) as ScanResult;
}

/** Every day at 02:00 Beijing time. */
export const upkeepScanJob = defineJob({
  name: 'catalog-upkeep-scan',
  payload: Type.Object({}, { additionalProperties: false }),
  cron: '0 2 * * *',
  retryLimit: 3,
  handler: ({ db }) => scan(db),
});
