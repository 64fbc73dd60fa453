/**
 * Retention of data versions (issue 12): besides the current version, an entry keeps its last N
 * versions and every version younger than D days (the entry's own setting, else the city's default
 * that the city administrator sets); a daily job retires the others. A retired version's table is
 * dropped and its record kept — number, time, rows, size, SM3, who provided it, its validation report
 * — so the history, the audit trail and comparisons of the versions kept still work. Each version is
 * retired in one transaction (table dropped, state changed, audited), under the entry's lock, so a
 * crash leaves it either whole or retired. Versions that something still names are kept: none
 * does yet; the sharing module's grants will (`held`).
 */
import { Type } from 'typebox';
import type { Db } from '../../../db/database.ts';
import { defineJob } from '../../../plugins/jobs.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../shared/principal.ts';
import { appendAudit } from '../../security/index.ts';
import * as repo from './retention.repository.ts';
import { dropVersionTable, lockEntry } from './versions.store.ts';

const DAY_MS = 86_400_000;

export interface RetentionRule {
  keepVersions: number;
  keepDays: number;
}

export interface RetentionCandidate {
  id: string;
  versionNo: number;
  kind: 'table' | 'files';
  completedAt: Date;
}

/**
 * The versions to retire of one entry, given its ready versions: all but the current one, the last
 * `keepVersions` versions (by number), those completed within `keepDays` days and those held. Only
 * table versions are retired (a files version's files are small next to its documents' worth).
 */
export function versionsToRetire(
  versions: readonly RetentionCandidate[],
  currentId: string | null,
  rule: RetentionRule,
  now: Date,
  held: ReadonlySet<string> = new Set(),
): RetentionCandidate[] {
  const newestFirst = [...versions].sort((a, b) => b.versionNo - a.versionNo);
  const lastN = new Set(newestFirst.slice(0, rule.keepVersions).map((v) => v.id));
  const since = now.getTime() - rule.keepDays * DAY_MS;
  return newestFirst.filter(
    (v) =>
      v.kind === 'table' &&
      v.id !== currentId &&
      !lastN.has(v.id) &&
      v.completedAt.getTime() < since &&
      !held.has(v.id),
  );
}

/** The city's default retention. */
export async function cityRetention(db: Db): Promise<RetentionRule> {
  const r = await repo.cityRetention(db);
  return { keepVersions: r.keep_versions, keepDays: r.keep_days };
}

/** The city administrator sets the default (the route's policy admits only them); audited. */
export async function updateCityRetention(db: Db, actor: Actor, rule: RetentionRule): Promise<RetentionRule> {
  const by = actor.principal?.kind === 'staff' ? actor.principal.accountId : null;
  await db.transaction().execute(async (trx) => {
    await repo.setCityRetention(trx, {
      keep_versions: rule.keepVersions,
      keep_days: rule.keepDays,
      updated_by: by,
    });
    await appendAudit(trx, actor, {
      action: 'provision.retention',
      targetType: 'platform',
      detail: { keepVersions: rule.keepVersions, keepDays: rule.keepDays },
    });
  });
  return cityRetention(db);
}

/** The rule of an entry: its own settings where it has them, else the city's. */
export function ruleOf(
  own: { keep_versions: number | null; keep_days: number | null } | null,
  city: RetentionRule,
): RetentionRule {
  return {
    keepVersions: own?.keep_versions ?? city.keepVersions,
    keepDays: own?.keep_days ?? city.keepDays,
  };
}

/** Retires what the rule says of every entry; answers how many versions were retired. */
export async function retireVersions(db: Db, now = new Date()): Promise<number> {
  const city = await cityRetention(db);
  let retired = 0;
  for (const entryId of await repo.entriesWithOldVersions(db)) {
    const facts = await repo.retentionFacts(db, entryId);
    const due = versionsToRetire(
      facts.versions.map((v) => ({
        id: v.id,
        versionNo: v.version_no,
        kind: v.kind,
        completedAt: v.completed_at ?? v.created_at,
      })),
      facts.currentId,
      ruleOf(facts.settings, city),
      now,
    );
    for (const v of due) {
      const row = facts.versions.find((f) => f.id === v.id);
      const table = row?.table_name ?? null;
      const rows = row?.row_count ?? null;
      const done = await db.transaction().execute(async (trx) => {
        await lockEntry(trx, entryId);
        // Re-checked under the lock: still ready, not made current again meanwhile.
        if (!(await repo.markRetired(trx, entryId, v.id, now))) return false;
        if (table) await dropVersionTable(trx, table);
        await appendAudit(trx, SYSTEM_ACTOR, {
          action: 'provision.version_retired',
          targetType: 'catalog_entry',
          targetId: entryId,
          detail: { versionId: v.id, versionNo: v.versionNo, rows: rows === null ? null : Number(rows) },
        });
        return true;
      });
      if (done) retired++;
    }
  }
  return retired;
}

export const retentionJob = defineJob({
  name: 'provision-retention',
  payload: Type.Object({}, { additionalProperties: false }),
  cron: '30 3 * * *',
  retryLimit: 3,
  handler: ({ db }) => retireVersions(db),
});
