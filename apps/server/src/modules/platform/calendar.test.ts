import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../test/app.ts';

interface DayInfoBody {
  date: string;
  workday: boolean;
  name: string | null;
  makeUp: boolean;
  source: 'override' | 'package' | 'weekday';
  covered: boolean;
}
interface WarningBody {
  year: number;
  zh: string;
  en: string;
}
interface DaysBody {
  items: DayInfoBody[];
  warnings: WarningBody[];
}
interface DeadlineBody {
  start: string;
  days: number;
  deadline: string;
  warnings: WarningBody[];
  skipped: DayInfoBody[];
}
interface OverrideBody {
  date: string;
  isWorkday: boolean;
  name: string;
  note: string | null;
  updatedAt: string;
}
interface ProblemBody {
  status: number;
  code: string;
  message: { zh: string; en: string };
  fields?: { field: string; message: { zh: string; en: string } }[];
}

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t.app, 'admin');
});

afterAll(async () => {
  await t.close();
});

async function get(url: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url });
}

async function deadline(start: string, days: number): Promise<DeadlineBody> {
  const res = await get(`/api/calendar/deadline?start=${start}&days=${days}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<DeadlineBody>();
}

async function overrides(): Promise<OverrideBody[]> {
  const res = await get('/api/calendar/overrides');
  expect(res.statusCode).toBe(200);
  return res.json<{ items: OverrideBody[] }>().items;
}

async function declaredYears(): Promise<number[]> {
  const rows = await t.app.db.selectFrom('calendar_years').select('year').orderBy('year').execute();
  return rows.map((r) => r.year);
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemBody {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<ProblemBody>();
  expect(body.status).toBe(status);
  expect(body.code).toBe(code);
  expect(body.message.zh.length).toBeGreaterThan(0);
  expect(body.message.en.length).toBeGreaterThan(0);
  return body;
}

function expectFieldProblem(res: LightMyRequestResponse, field: string): void {
  const body = expectProblem(res, 400, 'validation');
  expect(body.fields?.map((f) => f.field)).toContain(field);
}

describe('GET /api/calendar/days', () => {
  it('matches the 2026 Spring Festival facts', async () => {
    const res = await get('/api/calendar/days?from=2026-02-10&to=2026-03-01');
    expect(res.statusCode).toBe(200);
    const body = res.json<DaysBody>();
    expect(body.warnings).toEqual([]);
    expect(body.items).toHaveLength(20);
    const byDate = new Map(body.items.map((d) => [d.date, d]));
    for (let day = 15; day <= 23; day++) {
      const date = `2026-02-${day}`;
      expect(byDate.get(date), date).toMatchObject({
        workday: false,
        name: '春节',
        makeUp: false,
        covered: true,
      });
    }
    for (const date of ['2026-02-14', '2026-02-28']) {
      expect(byDate.get(date), date).toMatchObject({ workday: true, makeUp: true });
    }
    expect(byDate.get('2026-02-13')).toMatchObject({ workday: true, makeUp: false, name: null });
    expect(byDate.get('2026-02-24')).toMatchObject({ workday: true, makeUp: false, name: null });
    // Sunday 03-01 is an ordinary day off.
    expect(byDate.get('2026-03-01')).toMatchObject({ workday: false, makeUp: false, name: null });
    const workdays = body.items.filter((d) => d.workday).map((d) => d.date);
    expect(workdays).toEqual([
      '2026-02-10',
      '2026-02-11',
      '2026-02-12',
      '2026-02-13',
      '2026-02-14',
      '2026-02-24',
      '2026-02-25',
      '2026-02-26',
      '2026-02-27',
      '2026-02-28',
    ]);
  });

  it('shows a visible warning for 2027 in Chinese and English', async () => {
    const res = await get('/api/calendar/days?from=2026-12-30&to=2027-01-05');
    expect(res.statusCode).toBe(200);
    const body = res.json<DaysBody>();
    expect(body.warnings).toHaveLength(1);
    const warning = body.warnings[0];
    expect(warning?.year).toBe(2027);
    expect(warning?.zh).toContain('2027');
    expect(warning?.en).toContain('2027');
    expect(body.items.find((d) => d.date === '2027-01-01')).toMatchObject({
      covered: false,
      source: 'weekday',
    });
  });

  it('refuses a range that ends before it starts, naming `to`', async () => {
    expectFieldProblem(await get('/api/calendar/days?from=2026-03-01&to=2026-02-01'), 'to');
  });

  it('refuses a range of more than 400 days, naming `to`', async () => {
    expectFieldProblem(await get('/api/calendar/days?from=2026-01-01&to=2027-12-31'), 'to');
  });
});

describe('GET /api/calendar/deadline', () => {
  it('received 2026-02-13 + 5 working days → 2026-02-27', async () => {
    const body = await deadline('2026-02-13', 5);
    expect(body).toMatchObject({ start: '2026-02-13', days: 5, deadline: '2026-02-27', warnings: [] });
    expect(body.skipped.map((d) => d.date)).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
    ]);
  });

  it('received 2026-09-30 + 15 working days → 2026-10-27', async () => {
    const body = await deadline('2026-09-30', 15);
    expect(body.deadline).toBe('2026-10-27');
    expect(body.warnings).toEqual([]);
  });

  it('warns when the period reaches 2027', async () => {
    // 2026-12-21 (Mon) + 10: 22, 23, 24, 25, 28, 29, 30, 31, 2027-01-01 (Fri), 2027-01-04 (Mon).
    const body = await deadline('2026-12-21', 10);
    expect(body.deadline).toBe('2027-01-04');
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]).toMatchObject({ year: 2027 });
    expect(body.warnings[0]?.zh).toContain('2027');
    expect(body.warnings[0]?.en).toContain('2027');
  });

  it.each([
    ['start=2026-02-30&days=5', 'start'],
    ['start=abc&days=5', 'start'],
    ['start=2026-02-13&days=0', 'days'],
    ['start=2026-02-13&days=366', 'days'],
    ['start=2026-02-13&days=abc', 'days'],
    ['start=2026-02-13', 'days'],
    ['start=2026-02-13&days=5&extra=1', 'extra'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    expectFieldProblem(await get(`/api/calendar/deadline?${query}`), field);
  });

  it.each([
    ['from=2026-02-30&to=2026-03-01', 'from'],
    ['from=abc&to=2026-03-01', 'from'],
    ['from=2026-02-01&to=2026-02-29', 'to'],
  ])('/days refuses %s with 400 naming %s', async (query, field) => {
    expectFieldProblem(await get(`/api/calendar/days?${query}`), field);
  });
});

describe('overrides by the city administrator', () => {
  it('moves a deadline across 2026-12-31 by one working day, and DELETE restores it', async () => {
    const before = await deadline('2026-12-21', 10);
    expect(before.deadline).toBe('2027-01-04');

    const put = await admin.request('PUT', '/api/calendar/overrides/2026-12-31', {
      isWorkday: false,
      name: '  年末休假  ',
      note: '测试调整',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<OverrideBody>()).toMatchObject({
      date: '2026-12-31',
      isWorkday: false,
      name: '年末休假',
      note: '测试调整',
    });

    const day = await get('/api/calendar/days?from=2026-12-31&to=2026-12-31');
    expect(day.json<DaysBody>().items[0]).toMatchObject({
      workday: false,
      source: 'override',
      name: '年末休假',
    });

    const after = await deadline('2026-12-21', 10);
    expect(after.deadline).toBe('2027-01-05');
    expect(after.skipped.find((d) => d.date === '2026-12-31')).toMatchObject({
      source: 'override',
      workday: false,
    });
    expect((await overrides()).map((o) => o.date)).toEqual(['2026-12-31']);

    const del = await admin.request('DELETE', '/api/calendar/overrides/2026-12-31');
    expect(del.statusCode, del.body).toBe(204);
    expect((await deadline('2026-12-21', 10)).deadline).toBe('2027-01-04');
    expect(await overrides()).toEqual([]);
  });

  it('updates an existing override in place', async () => {
    const first = await admin.request('PUT', '/api/calendar/overrides/2026-03-10', {
      isWorkday: false,
      name: '临时休假',
    });
    expect(first.statusCode).toBe(200);
    expect((await deadline('2026-03-09', 5)).deadline).toBe('2026-03-17');
    const second = await admin.request('PUT', '/api/calendar/overrides/2026-03-10', {
      isWorkday: true,
      name: '恢复上班',
    });
    expect(second.statusCode).toBe(200);
    expect((await deadline('2026-03-09', 5)).deadline).toBe('2026-03-16');
    expect((await overrides()).filter((o) => o.date === '2026-03-10')).toEqual([
      expect.objectContaining({ isWorkday: true, name: '恢复上班', note: null }),
    ]);
    expect((await admin.request('DELETE', '/api/calendar/overrides/2026-03-10')).statusCode).toBe(204);
  });

  it('answers 404 when deleting an override that does not exist', async () => {
    expectProblem(await admin.request('DELETE', '/api/calendar/overrides/2026-05-20'), 404, 'not_found');
  });

  it.each([
    ['2026-02-30', 'date'],
    ['abc', 'date'],
  ])('refuses the date %s with 400 naming %s', async (date, field) => {
    const res = await admin.request('PUT', `/api/calendar/overrides/${date}`, {
      isWorkday: false,
      name: '无效',
    });
    expectFieldProblem(res, field);
  });

  it.each([
    [{ isWorkday: 'no', name: '休' }, 'isWorkday'],
    [{ isWorkday: false, name: '' }, 'name'],
    [{ isWorkday: false }, 'name'],
    [{ isWorkday: false, name: '休', colour: 'red' }, 'colour'],
  ])('refuses the body %j naming the field', async (body, field) => {
    expectFieldProblem(await admin.request('PUT', '/api/calendar/overrides/2026-06-01', body), field);
  });

  it('stored nothing for the refused requests', async () => {
    expect(await overrides()).toEqual([]);
  });
});

describe('declared years', () => {
  it('refuses to declare 2026, which the package covers, with 400 naming `year`', async () => {
    expectFieldProblem(await admin.request('PUT', '/api/calendar/years/2026', {}), 'year');
    expect(await declaredYears()).toEqual([]);
  });

  it('refuses a year outside 2000–2100 with 400 naming `year`', async () => {
    expectFieldProblem(await admin.request('PUT', '/api/calendar/years/2101', {}), 'year');
    expectFieldProblem(await admin.request('PUT', '/api/calendar/years/abc', {}), 'year');
  });
});

describe('who may change the calendar', () => {
  const attempts = [
    { method: 'PUT', url: '/api/calendar/overrides/2026-12-31', body: { isWorkday: false, name: '越权' } },
    { method: 'DELETE', url: '/api/calendar/overrides/2026-12-31', body: undefined },
    { method: 'PUT', url: '/api/calendar/years/2027', body: { note: '越权' } },
    { method: 'DELETE', url: '/api/calendar/years/2027', body: undefined },
  ] as const;

  it.each(['heping.admin', 'scjg.cataloguer', 'auditor'])(
    'refuses %s with 403 and changes nothing',
    async (username) => {
      // A real override, so that a wrongly allowed DELETE would be visible.
      expect(
        (
          await admin.request('PUT', '/api/calendar/overrides/2026-12-31', {
            isWorkday: false,
            name: '年末休假',
          })
        ).statusCode,
      ).toBe(200);
      const before = await overrides();
      const session = await signIn(t.app, username);
      for (const a of attempts) {
        expectProblem(await session.request(a.method, a.url, a.body), 403, 'forbidden');
      }
      expect(await overrides()).toEqual(before);
      expect(await declaredYears()).toEqual([]);
      const denied = await t.app.db
        .selectFrom('audit_log')
        .select(['action', 'result'])
        .where('actor_name', '=', username)
        .where('action', '=', 'access.denied')
        .execute();
      expect(denied).toHaveLength(attempts.length);
      expect((await admin.request('DELETE', '/api/calendar/overrides/2026-12-31')).statusCode).toBe(204);
    },
  );

  it('refuses anonymous callers with 401 and changes nothing', async () => {
    for (const a of attempts) {
      const res = await t.app.inject({
        method: a.method,
        url: a.url,
        ...(a.body ? { payload: a.body } : {}),
      });
      expectProblem(res, 401, 'unauthenticated');
    }
    expect(await overrides()).toEqual([]);
    expect(await declaredYears()).toEqual([]);
    expect((await deadline('2026-12-21', 10)).deadline).toBe('2027-01-04');
  });

  it("refuses the city administrator's cookie without the CSRF token", async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/calendar/overrides/2026-12-31',
      headers: { cookie: admin.cookie },
      payload: { isWorkday: false, name: '无令牌' },
    });
    expectProblem(res, 403, 'csrf');
    expect(await overrides()).toEqual([]);
  });
});

describe('declaring 2027', () => {
  it('removes the 2027 warning once the city administrator declares it', async () => {
    expect((await deadline('2026-12-21', 10)).warnings.map((w) => w.year)).toEqual([2027]);
    const res = await admin.request('PUT', '/api/calendar/years/2027', {
      note: '国务院办公厅 2027 年部分节假日安排',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      year: 2027,
      source: 'declared',
      note: '国务院办公厅 2027 年部分节假日安排',
    });
    expect(await declaredYears()).toEqual([2027]);

    expect((await deadline('2026-12-21', 10)).warnings).toEqual([]);
    const days = (await get('/api/calendar/days?from=2027-01-01&to=2027-01-03')).json<DaysBody>();
    expect(days.warnings).toEqual([]);
    expect(days.items.every((d) => d.covered)).toBe(true);

    const years = (await get('/api/calendar/years')).json<{ items: { year: number; source: string }[] }>()
      .items;
    expect(years).toContainEqual(expect.objectContaining({ year: 2027, source: 'declared' }));
    expect(years).toContainEqual(expect.objectContaining({ year: 2026, source: 'package' }));
  });

  it('brings the warning back when the declaration is withdrawn', async () => {
    expect((await admin.request('DELETE', '/api/calendar/years/2027')).statusCode).toBe(204);
    expect((await deadline('2026-12-21', 10)).warnings.map((w) => w.year)).toEqual([2027]);
    expect(await declaredYears()).toEqual([]);
  });
});

describe('audit trail', () => {
  it('recorded every successful change, and only those', async () => {
    const rows = await t.app.db
      .selectFrom('audit_log')
      .select(['action', 'target_id', 'actor_name', 'result'])
      .where('action', 'like', 'calendar.%')
      .orderBy('seq')
      .execute();
    const sets = rows.filter((r) => r.action === 'calendar.override_set');
    // 2026-12-31 once in the override test and once per refused staff member; 2026-03-10 twice.
    expect(sets.map((r) => r.target_id)).toEqual([
      '2026-12-31',
      '2026-03-10',
      '2026-03-10',
      '2026-12-31',
      '2026-12-31',
      '2026-12-31',
    ]);
    for (const r of rows) {
      expect(r.actor_name).toBe('admin');
      expect(r.result).toBe('success');
    }
    expect(rows.filter((r) => r.action === 'calendar.override_delete').map((r) => r.target_id)).toEqual([
      '2026-12-31',
      '2026-03-10',
      '2026-12-31',
      '2026-12-31',
      '2026-12-31',
    ]);
    expect(rows.filter((r) => r.action === 'calendar.year_declare').map((r) => r.target_id)).toEqual([
      '2027',
    ]);
    expect(rows.filter((r) => r.action === 'calendar.year_undeclare').map((r) => r.target_id)).toEqual([
      '2027',
    ]);
  });
});
