import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';
import type { DaySource } from '@huitong/contract/values';

/**
 * Working days under the State Council's holiday notices: weekends and statutory holidays are off,
 * weekend make-up days (调休) are worked. Data comes from the `chinese-days` package, corrected and
 * extended by administrator overrides; a year covered by neither is computed Monday–Friday and
 * flagged, never silently assumed.
 */

export interface Override {
  isWorkday: boolean;
  name: string;
}

export interface CalendarData {
  overrides: ReadonlyMap<string, Override>;
  /** Years an administrator has declared complete in the override table. */
  declaredYears: ReadonlySet<number>;
}

export type { DaySource };

export interface DayInfo {
  date: string;
  workday: boolean;
  /** Holiday or make-up day name (Chinese), or null for an ordinary day. */
  name: string | null;
  /** `true` for a make-up working day on a weekend (调休上班). */
  makeUp: boolean;
  source: DaySource;
  /** Whether the year has statutory holiday data (package or declared overrides). */
  covered: boolean;
}

export interface YearWarning {
  year: number;
  zh: string;
  en: string;
}

const require = createRequire(import.meta.url);
const packageData = require('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

/** Years for which the holiday package has data. */
export const PACKAGE_YEARS: ReadonlySet<number> = new Set(
  [...Object.keys(packageData.holidays), ...Object.keys(packageData.workdays)].map((d) =>
    Number(d.slice(0, 4)),
  ),
);

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function packageName(raw: string | undefined): string | null {
  // The package stores "English,中文,days", e.g. "Spring Festival,春节,4".
  if (!raw) return null;
  const parts = raw.split(',');
  return parts[1] ?? parts[0] ?? null;
}

export function yearCovered(year: number, data: CalendarData): boolean {
  return PACKAGE_YEARS.has(year) || data.declaredYears.has(year);
}

export function dayInfo(date: string, data: CalendarData): DayInfo {
  const year = Number(date.slice(0, 4));
  const covered = yearCovered(year, data);
  const isWeekend = weekday(date) === 0 || weekday(date) === 6;
  const override = data.overrides.get(date);
  if (override) {
    return {
      date,
      workday: override.isWorkday,
      name: override.name,
      makeUp: override.isWorkday && isWeekend,
      source: 'override',
      covered,
    };
  }
  if (PACKAGE_YEARS.has(year)) {
    const holiday = packageData.holidays[date];
    if (holiday)
      return { date, workday: false, name: packageName(holiday), makeUp: false, source: 'package', covered };
    const workday = packageData.workdays[date];
    if (workday && isWeekend)
      return { date, workday: true, name: packageName(workday), makeUp: true, source: 'package', covered };
    return {
      date,
      workday: chineseDays.isWorkday(date),
      name: null,
      makeUp: false,
      source: 'package',
      covered,
    };
  }
  return { date, workday: !isWeekend, name: null, makeUp: false, source: 'weekday', covered };
}

export function yearWarning(year: number): YearWarning {
  return {
    year,
    zh: `${year} 年尚无法定节假日数据，工作日暂按周一至周五计算；请管理员在工作日历中录入国务院公布的 ${year} 年放假安排`,
    en: `No statutory holiday data for ${year}: working days are counted Monday to Friday until an administrator enters the State Council's ${year} schedule`,
  };
}

function warningsFor(years: Iterable<number>, data: CalendarData): YearWarning[] {
  return [...new Set(years)]
    .filter((y) => !yearCovered(y, data))
    .sort()
    .map(yearWarning);
}

export function daysBetween(
  from: string,
  to: string,
  data: CalendarData,
): { items: DayInfo[]; warnings: YearWarning[] } {
  const items: DayInfo[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) items.push(dayInfo(d, data));
  return {
    items,
    warnings: warningsFor(
      items.map((i) => Number(i.date.slice(0, 4))),
      data,
    ),
  };
}

/**
 * The deadline of a period of `n` working days that starts on `start` (the day of receipt): the day
 * of receipt is not counted, the n-th working day after it is the last day to answer.
 */
export function addWorkingDays(
  start: string,
  n: number,
  data: CalendarData,
): { deadline: string; warnings: YearWarning[]; skipped: DayInfo[] } {
  let date = start;
  let counted = 0;
  const years = [Number(start.slice(0, 4))];
  const skipped: DayInfo[] = [];
  while (counted < n) {
    date = addDays(date, 1);
    const info = dayInfo(date, data);
    years.push(Number(date.slice(0, 4)));
    if (info.workday) counted += 1;
    else skipped.push(info);
  }
  return { deadline: date, warnings: warningsFor(years, data), skipped };
}
