import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  dayInfo,
  daysBetween,
  isIsoDate,
  yearCovered,
  type CalendarData,
  type Override,
} from './working-days.ts';

/*
 * Facts from the State Council notice for 2026 (see REFERENCE.md): 元旦 1/1–1/3 off, Sunday 1/4
 * worked; 春节 2/15–2/23 off, Saturdays 2/14 and 2/28 worked; 国庆 10/1–10/7 off, Sunday 9/20 and
 * Saturday 10/10 worked. The holiday package covers up to 2026 only.
 */

const EMPTY: CalendarData = { overrides: new Map(), declaredYears: new Set() };

function calendar(overrides: Record<string, Override> = {}, declaredYears: number[] = []): CalendarData {
  return { overrides: new Map(Object.entries(overrides)), declaredYears: new Set(declaredYears) };
}

/** 0 = Sunday … 6 = Saturday, computed independently of the module under test. */
function weekdayOf(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('dayInfo with no overrides (2026 package data)', () => {
  it('has the whole Spring Festival 02-15..02-23 off, named 春节', () => {
    const days = range('2026-02-15', '2026-02-23');
    expect(days).toHaveLength(9);
    for (const date of days) {
      expect(dayInfo(date, EMPTY), date).toEqual({
        date,
        workday: false,
        name: '春节',
        makeUp: false,
        source: 'package',
        covered: true,
      });
    }
  });

  it('works the Saturdays 02-14 and 02-28 as make-up days', () => {
    for (const date of ['2026-02-14', '2026-02-28']) {
      expect(weekdayOf(date), `${date} is a Saturday`).toBe(6);
      const info = dayInfo(date, EMPTY);
      expect(info.workday, date).toBe(true);
      expect(info.makeUp, date).toBe(true);
      expect(info.name, date).toBe('春节');
      expect(info.source).toBe('package');
    }
  });

  it('works 02-24, the first day after the holiday, as an ordinary day', () => {
    expect(weekdayOf('2026-02-24')).toBe(2);
    expect(dayInfo('2026-02-24', EMPTY)).toMatchObject({ workday: true, makeUp: false, name: null });
    expect(dayInfo('2026-02-13', EMPTY)).toMatchObject({ workday: true, makeUp: false, name: null });
  });

  it('has National Day 10-01..10-07 off and works Sunday 09-20 and Saturday 10-10', () => {
    for (const date of range('2026-10-01', '2026-10-07')) {
      const info = dayInfo(date, EMPTY);
      expect(info.workday, date).toBe(false);
      expect(info.makeUp, date).toBe(false);
      expect(info.name, date).toMatch(/国庆/);
    }
    expect(weekdayOf('2026-09-20')).toBe(0);
    expect(weekdayOf('2026-10-10')).toBe(6);
    for (const date of ['2026-09-20', '2026-10-10']) {
      expect(dayInfo(date, EMPTY), date).toMatchObject({ workday: true, makeUp: true });
    }
    // The weekend after the make-up Saturday is an ordinary day off.
    expect(dayInfo('2026-10-11', EMPTY)).toMatchObject({ workday: false, makeUp: false, name: null });
    expect(dayInfo('2026-10-08', EMPTY)).toMatchObject({ workday: true, makeUp: false });
  });

  it('has 元旦 01-01..01-03 off and works Sunday 01-04', () => {
    for (const date of range('2026-01-01', '2026-01-03')) {
      expect(dayInfo(date, EMPTY), date).toMatchObject({ workday: false, name: '元旦', makeUp: false });
    }
    expect(weekdayOf('2026-01-04')).toBe(0);
    expect(dayInfo('2026-01-04', EMPTY)).toMatchObject({ workday: true, makeUp: true });
    expect(dayInfo('2026-01-05', EMPTY)).toMatchObject({ workday: true, makeUp: false, name: null });
  });

  it('has an ordinary weekend off and ordinary weekdays worked', () => {
    expect(weekdayOf('2026-03-07')).toBe(6);
    for (const date of ['2026-03-07', '2026-03-08', '2026-11-14', '2026-11-15']) {
      expect(dayInfo(date, EMPTY), date).toEqual({
        date,
        workday: false,
        name: null,
        makeUp: false,
        source: 'package',
        covered: true,
      });
    }
    for (const date of range('2026-03-09', '2026-03-13')) {
      expect(dayInfo(date, EMPTY), date).toMatchObject({ workday: true, name: null, makeUp: false });
    }
  });

  it('reports a year without data as not covered, counted Monday to Friday', () => {
    expect(weekdayOf('2027-10-01')).toBe(5);
    expect(dayInfo('2027-10-01', EMPTY)).toEqual({
      date: '2027-10-01',
      workday: true,
      name: null,
      makeUp: false,
      source: 'weekday',
      covered: false,
    });
    expect(dayInfo('2027-10-02', EMPTY)).toMatchObject({ workday: false, source: 'weekday', covered: false });
    expect(yearCovered(2026, EMPTY)).toBe(true);
    expect(yearCovered(2027, EMPTY)).toBe(false);
  });
});

describe('addWorkingDays (the day of receipt is not counted)', () => {
  it('received Friday 2026-02-13 + 5 working days → 2026-02-27', () => {
    // 02-14 (make-up Saturday) is day 1; 02-15..02-23 are off; 02-24, 25, 26, 27 are days 2–5.
    const r = addWorkingDays('2026-02-13', 5, EMPTY);
    expect(r.deadline).toBe('2026-02-27');
    expect(r.warnings).toEqual([]);
    expect(r.skipped.map((d) => d.date)).toEqual(range('2026-02-15', '2026-02-23'));
  });

  it('would be a day later if the make-up Saturday 02-14 were not counted', () => {
    // 02-24..02-27 are days 1–4, the make-up Saturday 02-28 is day 5.
    const r = addWorkingDays('2026-02-13', 5, calendar({ '2026-02-14': { isWorkday: false, name: '测试' } }));
    expect(r.deadline).toBe('2026-02-28');
  });

  it('received 2026-09-30 + 15 working days → 2026-10-27', () => {
    // 10-01..10-07 off; 10-08, 09, 10 (make-up Sat), 12–16, 19–23, 26, 27 are days 1–15.
    const r = addWorkingDays('2026-09-30', 15, EMPTY);
    expect(r.deadline).toBe('2026-10-27');
    expect(r.warnings).toEqual([]);
    expect(r.skipped.map((d) => d.date)).toEqual([
      ...range('2026-10-01', '2026-10-07'),
      '2026-10-11',
      '2026-10-17',
      '2026-10-18',
      '2026-10-24',
      '2026-10-25',
    ]);
  });

  it('counts over New Year with 元旦 off and the make-up Sunday worked', () => {
    // 2025-12-31 + 2: 01-01..01-03 off, 01-04 (Sunday, make-up) day 1, 01-05 day 2.
    expect(addWorkingDays('2025-12-31', 2, EMPTY).deadline).toBe('2026-01-05');
  });

  it('warns about 2027 for a period that crosses into it, and only about 2027', () => {
    // 2026-12-28 (Mon) + 5: 29, 30, 31, 2027-01-01 (Fri), 2027-01-04 (Mon).
    const r = addWorkingDays('2026-12-28', 5, EMPTY);
    expect(r.deadline).toBe('2027-01-04');
    expect(r.warnings).toHaveLength(1);
    const warning = r.warnings[0];
    expect(warning?.year).toBe(2027);
    expect(warning?.zh).toContain('2027');
    expect(warning?.en).toContain('2027');
  });

  it('returns no warning for a period inside 2026', () => {
    expect(addWorkingDays('2026-12-01', 20, EMPTY)).toMatchObject({ deadline: '2026-12-29', warnings: [] });
  });

  it('warns when the period starts in an uncovered year', () => {
    const r = addWorkingDays('2027-03-01', 1, EMPTY);
    expect(r.deadline).toBe('2027-03-02');
    expect(r.warnings.map((w) => w.year)).toEqual([2027]);
  });

  it('moves a deadline by one day when an override turns a 2026 working day into a holiday', () => {
    // 2026-03-09 (Mon) + 5: 10, 11, 12, 13, 16 → 03-16; with 03-10 off → 03-17.
    expect(addWorkingDays('2026-03-09', 5, EMPTY).deadline).toBe('2026-03-16');
    const data = calendar({ '2026-03-10': { isWorkday: false, name: '临时休假' } });
    const r = addWorkingDays('2026-03-09', 5, data);
    expect(r.deadline).toBe('2026-03-17');
    expect(r.skipped.map((d) => [d.date, d.source, d.name])).toEqual([
      ['2026-03-10', 'override', '临时休假'],
      ['2026-03-14', 'package', null],
      ['2026-03-15', 'package', null],
    ]);
  });

  it('moves a deadline earlier when an override makes a weekend day a working day', () => {
    const data = calendar({ '2026-03-14': { isWorkday: true, name: '调休上班' } });
    expect(dayInfo('2026-03-14', data)).toMatchObject({ workday: true, makeUp: true, source: 'override' });
    expect(addWorkingDays('2026-03-09', 5, data).deadline).toBe('2026-03-14');
  });

  it('lets an override take precedence over the package', () => {
    const data = calendar({ '2026-02-16': { isWorkday: true, name: '更正' } });
    expect(dayInfo('2026-02-16', data)).toMatchObject({
      workday: true,
      source: 'override',
      name: '更正',
      makeUp: false,
    });
  });

  it('removes the 2027 warning once 2027 is declared, and applies its overrides', () => {
    const declared = calendar({ '2027-01-01': { isWorkday: false, name: '元旦' } }, [2027]);
    expect(yearCovered(2027, declared)).toBe(true);
    const r = addWorkingDays('2026-12-28', 5, declared);
    expect(r.warnings).toEqual([]);
    // 2027-01-01 is now off: 29, 30, 31, 01-04, 01-05.
    expect(r.deadline).toBe('2027-01-05');
    expect(dayInfo('2027-10-01', declared)).toMatchObject({ covered: true, source: 'weekday' });
    // Overrides alone do not declare the year complete.
    const notDeclared = calendar({ '2027-01-01': { isWorkday: false, name: '元旦' } });
    expect(addWorkingDays('2026-12-28', 5, notDeclared).warnings.map((w) => w.year)).toEqual([2027]);
  });
});

describe('daysBetween', () => {
  it('lists every day of the range with warnings for uncovered years only', () => {
    const r = daysBetween('2026-12-30', '2027-01-02', EMPTY);
    expect(r.items.map((d) => d.date)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(r.items.map((d) => d.covered)).toEqual([true, true, false, false]);
    expect(r.warnings.map((w) => w.year)).toEqual([2027]);
    expect(daysBetween('2026-02-10', '2026-03-01', EMPTY).warnings).toEqual([]);
  });
});

describe('dates', () => {
  it('isIsoDate accepts real dates only', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2100-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-2-1')).toBe(false);
    expect(isIsoDate('2026-02-01T00:00:00Z')).toBe(false);
    expect(isIsoDate('abc')).toBe(false);
    expect(isIsoDate('')).toBe(false);
  });

  it('addDays crosses months, years and leap days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
