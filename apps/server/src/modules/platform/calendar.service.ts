import type { Db } from '../../db/database.ts';
import { NotFoundError, invalidField } from '../../shared/errors.ts';
import type { Actor } from '../../shared/principal.ts';
import {
  PACKAGE_YEARS,
  addWorkingDays,
  dayInfo,
  daysBetween,
  type CalendarData,
  type DayInfo,
  type YearWarning,
} from '../../shared/working-days.ts';
import { appendAudit } from '../security/index.ts';
import * as repo from './calendar.repository.ts';

const MAX_RANGE_DAYS = 400;

function actorId(actor: Actor): string | null {
  const p = actor.principal;
  return p && p.kind !== 'credential' ? p.accountId : null;
}

/**
 * The working-day calendar every statutory deadline uses (Art. 20: 5 working days; Art. 26: 15).
 * Reads the override table on each call, so every server process sees an administrator's change at once.
 */
export class CalendarService {
  constructor(private readonly db: Db) {}

  async data(db: Db = this.db): Promise<CalendarData> {
    const [overrides, years] = await Promise.all([repo.listOverrides(db), repo.listDeclaredYears(db)]);
    return {
      overrides: new Map(overrides.map((o) => [o.date, { isWorkday: o.is_workday, name: o.name }])),
      declaredYears: new Set(years.map((y) => y.year)),
    };
  }

  async day(date: string): Promise<DayInfo> {
    return dayInfo(date, await this.data());
  }

  async days(from: string, to: string): Promise<{ items: DayInfo[]; warnings: YearWarning[] }> {
    if (to < from) throw invalidField('to', '不能早于开始日期', 'must not be before from');
    const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (span > MAX_RANGE_DAYS) {
      throw invalidField(
        'to',
        `查询范围不能超过 ${MAX_RANGE_DAYS} 天`,
        `range must not exceed ${MAX_RANGE_DAYS} days`,
      );
    }
    return daysBetween(from, to, await this.data());
  }

  /** The last day of a period of `days` working days counted from the day after `start`. */
  async deadline(start: string, days: number, db: Db = this.db) {
    return addWorkingDays(start, days, await this.data(db));
  }

  async overrides() {
    return repo.listOverrides(this.db);
  }

  async setOverride(
    actor: Actor,
    date: string,
    input: { isWorkday: boolean; name: string; note?: string | null | undefined },
  ) {
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.upsertOverride(trx, {
        date,
        is_workday: input.isWorkday,
        name: input.name.trim(),
        note: input.note ?? null,
        updated_by: actorId(actor),
      });
      await appendAudit(trx, actor, {
        action: 'calendar.override_set',
        targetType: 'calendar_day',
        targetId: date,
        detail: { ...input },
      });
      return row;
    });
  }

  async deleteOverride(actor: Actor, date: string) {
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.deleteOverride(trx, date)))
        throw new NotFoundError({ zh: '该日期的调整', en: 'Override for this date' });
      await appendAudit(trx, actor, {
        action: 'calendar.override_delete',
        targetType: 'calendar_day',
        targetId: date,
      });
    });
  }

  async years() {
    const declared = await repo.listDeclaredYears(this.db);
    const items = [
      ...[...PACKAGE_YEARS].map((year) => ({
        year,
        source: 'package' as const,
        note: null as string | null,
      })),
      ...declared
        .filter((d) => !PACKAGE_YEARS.has(d.year))
        .map((d) => ({ year: d.year, source: 'declared' as const, note: d.note })),
    ];
    return items.sort((a, b) => a.year - b.year);
  }

  async declareYear(actor: Actor, year: number, note: string | null) {
    if (PACKAGE_YEARS.has(year)) {
      throw invalidField(
        'year',
        '该年度的节假日数据已由数据包提供，可直接调整单日',
        'is covered by the holiday package; override single days instead',
      );
    }
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.upsertYear(trx, { year, note, declared_by: actorId(actor) });
      await appendAudit(trx, actor, {
        action: 'calendar.year_declare',
        targetType: 'calendar_year',
        targetId: String(year),
        detail: { note },
      });
      return row;
    });
  }

  async undeclareYear(actor: Actor, year: number) {
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.deleteYear(trx, year)))
        throw new NotFoundError({ zh: '该年度声明', en: 'Declaration of this year' });
      await appendAudit(trx, actor, {
        action: 'calendar.year_undeclare',
        targetType: 'calendar_year',
        targetId: String(year),
      });
    });
  }
}
