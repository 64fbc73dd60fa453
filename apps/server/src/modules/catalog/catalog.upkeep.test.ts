import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { metadata, publishEntry } from '../../../test/catalog.ts';
import { TEST_BACKEND, createTestDatabase } from '../../../test/database.ts';
import { createDatabase } from '../../db/database.ts';

let t: TestApp;
const s: Record<string, Session> = {};
const ids = { basis: '', a: '', b: '', c: '', d: '' };

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}

const DAY = 24 * 60 * 60 * 1000;
/** A city with no demo data and the job queue working. */
const BARE_WITH_JOBS = {
  jobs: true,
  demo: false,
  adminPassword: 'Aa1!aaaaaaaa',
  cityCode: '210100',
  cityName: '沈阳市',
};

interface Overview {
  schedule: { intervalDays: number; noticeDays: number; source: string; editable: boolean };
  summary: Record<string, number>;
  organisations: {
    orgId: string;
    orgName: string;
    published: number;
    due: number;
    overdue: number;
    outdated: number;
    current: number;
    noCatalog: boolean;
  }[];
  entries: { entryId: string; name: string; status: string; repealedBases: { title: string }[] }[];
}

async function overview(who: string, query = ''): Promise<Overview> {
  const res = await as(who).request('GET', `/api/catalog/upkeep${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Overview;
}

/** Pretends the entry was last confirmed `days` ago. */
async function confirmedDaysAgo(entryId: string, days: number) {
  await t.app.db
    .updateTable('catalog_entries')
    .set({ confirmed_at: new Date(Date.now() - days * DAY) })
    .where('id', '=', entryId)
    .execute();
}

const statusOf = (o: Overview, id: string) => o.entries.find((e) => e.entryId === id)?.status ?? 'current';

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of [
    'reviewer',
    'admin',
    'heping.admin',
    'heping.reviewer',
    'scjg.cataloguer',
    'scjg.user',
    'heping.scjg.cataloguer',
    'citizen',
  ])
    s[u] = await signIn(t.app, u);
  const basis = await as('reviewer').request('POST', '/api/catalog/legal-bases', {
    title: '沈阳市某条例（测试）',
    kind: 'local_regulation',
    article: '第九条',
    quote: '有关信息应当依申请共享。',
  });
  expect(basis.statusCode, basis.body).toBe(201);
  ids.basis = (basis.json() as { id: string }).id;
  const base = { domains: ['企业登记监管'] };
  ids.a = (
    await publishEntry(as('scjg.cataloguer'), as('reviewer'), metadata({ name: '维护甲信息', ...base }))
  ).id;
  ids.b = (
    await publishEntry(as('scjg.cataloguer'), as('reviewer'), metadata({ name: '维护乙信息', ...base }))
  ).id;
  ids.c = (
    await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({
        name: '维护丙信息',
        shareType: 'conditional',
        shareCondition: '仅限市场监管执法使用',
        shareBasisIds: [ids.basis],
        ...base,
      }),
    )
  ).id;
  ids.d = (
    await publishEntry(
      as('heping.scjg.cataloguer'),
      as('heping.reviewer'),
      metadata({ name: '维护丁信息', ...base }),
    )
  ).id;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('re-confirmation schedule (Art. 12)', () => {
  it('starts from the default, and the city authority sets it for the city', async () => {
    expect((await overview('scjg.cataloguer')).schedule).toMatchObject({
      intervalDays: 180,
      noticeDays: 30,
      source: 'default',
      editable: false,
    });
    const set = await as('reviewer').request('PUT', '/api/catalog/upkeep/schedule', {
      intervalDays: 90,
      noticeDays: 10,
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ intervalDays: 90, noticeDays: 10, source: 'own', editable: true });
    expect((await overview('scjg.cataloguer')).schedule).toMatchObject({ intervalDays: 90, source: 'city' });
    // A district without a schedule of its own follows the city.
    expect((await overview('heping.scjg.cataloguer')).schedule).toMatchObject({
      intervalDays: 90,
      source: 'city',
    });
    const audit = await t.app.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'catalog.upkeep_schedule_set')
      .execute();
    expect(audit.map((a) => a.detail)).toContainEqual({ intervalDays: 90, noticeDays: 10 });
  });

  it('lets a district authority set its own, and refuses bad values and departments', async () => {
    const district = await as('heping.admin').request('PUT', '/api/catalog/upkeep/schedule', {
      intervalDays: 60,
      noticeDays: 7,
    });
    expect(district.statusCode, district.body).toBe(200);
    expect((await overview('heping.scjg.cataloguer')).schedule).toMatchObject({
      intervalDays: 60,
      noticeDays: 7,
      source: 'own',
    });
    expect((await overview('scjg.cataloguer')).schedule.intervalDays).toBe(90);

    const longNotice = await as('reviewer').request('PUT', '/api/catalog/upkeep/schedule', {
      intervalDays: 40,
      noticeDays: 40,
    });
    expect(longNotice.statusCode).toBe(400);
    expect(longNotice.json()).toMatchObject({ fields: [{ field: 'noticeDays' }] });
    const tooShort = await as('reviewer').request('PUT', '/api/catalog/upkeep/schedule', {
      intervalDays: 7,
      noticeDays: 1,
    });
    expect(tooShort.statusCode).toBe(400);
    const byDepartment = await as('scjg.cataloguer').request('PUT', '/api/catalog/upkeep/schedule', {
      intervalDays: 365,
      noticeDays: 30,
    });
    expect(byDepartment.statusCode).toBe(403);
    expect((await overview('scjg.cataloguer')).schedule.intervalDays).toBe(90);
  });
});

describe('upkeep status', () => {
  it('flags entries due soon, overdue and citing a repealed basis; others are current', async () => {
    await confirmedDaysAgo(ids.a, 85); // due in 5 days, within the 10-day notice
    await confirmedDaysAgo(ids.b, 100); // 10 days past due
    const withdraw = await as('reviewer').request('PATCH', `/api/catalog/legal-bases/${ids.basis}`, {
      active: false,
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);

    const o = await overview('reviewer');
    expect(statusOf(o, ids.a)).toBe('due');
    expect(statusOf(o, ids.b)).toBe('overdue');
    expect(statusOf(o, ids.c)).toBe('outdated');
    expect(statusOf(o, ids.d)).toBe('current');
    expect(o.entries.find((e) => e.entryId === ids.c)?.repealedBases[0]?.title).toBe('沈阳市某条例（测试）');
    // Most urgent first.
    expect(o.entries.map((e) => e.status)).toEqual(['outdated', 'overdue', 'due']);
    expect(o.summary).toMatchObject({ published: 4, current: 1, due: 1, overdue: 1, outdated: 1 });
    const scjg = o.organisations.find((x) => x.orgName === '沈阳市市场监督管理局');
    expect(scjg).toMatchObject({ published: 3, due: 1, overdue: 1, outdated: 1, noCatalog: false });
    // Departments that have compiled no catalog are shown to the authority.
    const wj = o.organisations.find((x) => x.orgName === '沈阳市卫生健康委员会');
    expect(wj).toMatchObject({ published: 0, noCatalog: true });
    expect(o.summary.withoutCatalog).toBe(o.organisations.length - 2);

    const all = await overview('reviewer', '?status=all');
    expect(all.entries).toHaveLength(4);
    const overdueOnly = await overview('reviewer', '?status=overdue');
    expect(overdueOnly.entries.map((e) => e.entryId)).toEqual([ids.b]);
  });

  it('shows each authority its jurisdiction and each department its own entries', async () => {
    const district = await overview('heping.reviewer', '?status=all');
    expect(district.entries.map((e) => e.entryId)).toEqual([ids.d]);
    expect(district.organisations.every((o) => o.orgName.includes('和平区'))).toBe(true);
    const dept = await overview('scjg.cataloguer', '?status=all');
    expect(dept.organisations.map((o) => o.orgName)).toEqual(['沈阳市市场监督管理局']);
    expect(dept.entries.map((e) => e.entryId).sort()).toEqual([ids.a, ids.b, ids.c].sort());
    // Roles without a part in the catalog are refused.
    expect((await as('scjg.user').request('GET', '/api/catalog/upkeep')).statusCode).toBe(403);
    expect((await as('citizen').request('GET', '/api/catalog/upkeep')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/catalog/upkeep' })).statusCode).toBe(401);
  });

  it("refuses an organisation filter outside the jurisdiction instead of answering for one's own", async () => {
    const all = await overview('reviewer', '?status=all');
    const orgOf = (name: string) => all.organisations.find((o) => o.orgName === name)?.orgId ?? '';
    const scjg = orgOf('沈阳市市场监督管理局');
    const heping = orgOf('沈阳市和平区市场监督管理局');
    for (const [who, orgId] of [
      ['scjg.cataloguer', heping],
      ['heping.scjg.cataloguer', scjg],
      ['heping.reviewer', scjg],
    ] as const) {
      const res = await as(who).request('GET', `/api/catalog/upkeep?orgId=${orgId}`);
      expect(res.statusCode, who).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { fields: { field: string }[] }).fields[0]?.field).toBe('orgId');
    }
    const inside = await overview('heping.reviewer', `?status=all&orgId=${heping}`);
    expect(inside.entries.map((e) => e.entryId)).toEqual([ids.d]);
  });
});

describe('re-confirmation', () => {
  it('confirms published entries of the own department, all or nothing', async () => {
    const mixed = await as('scjg.cataloguer').request('POST', '/api/catalog/upkeep/confirmations', {
      entryIds: [ids.b, ids.d],
    });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json()).toMatchObject({ fields: [{ field: 'entryIds/1' }] });
    expect(statusOf(await overview('scjg.cataloguer'), ids.b)).toBe('overdue');

    const ok = await as('scjg.cataloguer').request('POST', '/api/catalog/upkeep/confirmations', {
      entryIds: [ids.b],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ confirmed: 1 });
    expect(statusOf(await overview('scjg.cataloguer'), ids.b)).toBe('current');
    const audit = await t.app.db
      .selectFrom('audit_log')
      .select(['actor_name', 'detail'])
      .where('action', '=', 'catalog.confirm')
      .execute();
    expect(audit).toEqual([{ actor_name: 'scjg.cataloguer', detail: { entryIds: [ids.b] } }]);
  });

  it('refuses to confirm an entry that cites a repealed basis: it must be revised', async () => {
    const res = await as('scjg.cataloguer').request('POST', '/api/catalog/upkeep/confirmations', {
      entryIds: [ids.c],
    });
    expect(res.statusCode).toBe(409);
    const body = res.json() as { code: string; message: { zh: string } };
    expect(body.code).toBe('catalog_entry_outdated');
    expect(body.message.zh).toContain('沈阳市某条例（测试）');
    expect(statusOf(await overview('scjg.cataloguer'), ids.c)).toBe('outdated');
  });

  it('refuses other roles and other departments', async () => {
    const other = await as('heping.scjg.cataloguer').request('POST', '/api/catalog/upkeep/confirmations', {
      entryIds: [ids.a],
    });
    expect(other.statusCode).toBe(400);
    expect(statusOf(await overview('scjg.cataloguer'), ids.a)).toBe('due');
    for (const who of ['reviewer', 'scjg.user']) {
      const res = await as(who).request('POST', '/api/catalog/upkeep/confirmations', { entryIds: [ids.a] });
      expect(res.statusCode, who).toBe(403);
    }
  });
});

describe('the upkeep check', () => {
  it('flags each entry once to its department and its authority', async () => {
    const inboxCount = async (who: string) => {
      const res = await as(who).request('GET', '/api/notifications');
      return (res.json() as { items: { kind: string; title: { zh: string } }[] }).items.filter(
        (n) => n.kind === 'catalog.upkeep',
      );
    };
    const first = await as('reviewer').request('POST', '/api/catalog/upkeep/scan');
    expect(first.statusCode, first.body).toBe(200);
    // a: due, c: outdated (b was confirmed above, d is current).
    expect(first.json()).toEqual({ due: 1, overdue: 0, outdated: 1, newFlags: 2 });
    const dept = await inboxCount('scjg.cataloguer');
    expect(dept).toHaveLength(1);
    expect(dept[0]?.title.zh).toContain('1 条引用的法律依据已废止');
    expect(dept[0]?.title.zh).toContain('1 条即将到期需复核确认');
    const authority = await inboxCount('reviewer');
    expect(authority).toHaveLength(1);
    expect(authority[0]?.title.zh).toContain('1 个部门的 2 条目录');
    expect(await inboxCount('heping.reviewer')).toHaveLength(0);

    const again = await as('admin').request('POST', '/api/catalog/upkeep/scan');
    expect(again.json()).toEqual({ due: 1, overdue: 0, outdated: 1, newFlags: 0 });
    expect(await inboxCount('scjg.cataloguer')).toHaveLength(1);

    // Once past due, the same entry is flagged again, as overdue.
    await confirmedDaysAgo(ids.a, 95);
    const later = await as('reviewer').request('POST', '/api/catalog/upkeep/scan');
    expect(later.json()).toEqual({ due: 0, overdue: 1, outdated: 1, newFlags: 1 });
    expect(await inboxCount('scjg.cataloguer')).toHaveLength(2);
  });

  it('may be started by hand only by the city authority', async () => {
    for (const who of ['heping.admin', 'heping.reviewer', 'scjg.cataloguer']) {
      const res = await as(who).request('POST', '/api/catalog/upkeep/scan');
      expect(res.statusCode, who).toBe(403);
    }
  });
});

describe('the upkeep check as a durable job', () => {
  it('is scheduled daily at 02:00 Beijing time in the database', async () => {
    const app = await buildTestApp(BARE_WITH_JOBS);
    try {
      const { rows } = await app.database.handle.executeSql(
        "select name, cron, timezone from pgboss.schedule where name like 'catalog-%'",
      );
      expect(rows).toEqual([{ name: 'catalog-upkeep-scan', cron: '0 2 * * *', timezone: 'Asia/Shanghai' }]);
    } finally {
      await app.close();
    }
  });

  it('survives a restart: a job queued by a server that stopped is worked by the next one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-jobs-'));
    const first = await createTestDatabase({ dataDir: path.join(dir, 'pglite') });
    const app1 = await buildTestApp(BARE_WITH_JOBS, first);
    const id = await app1.app.jobs.send('catalog-upkeep-scan', {}, { startAfterSeconds: 2 });
    expect(id).toBeTruthy();
    // Stopped before the job is due: nothing ran here.
    await app1.app.close();
    expect(app1.app.jobs.runs('catalog-upkeep-scan')).toBe(0);
    if (TEST_BACKEND === 'pglite') await first.handle.close();
    const handle =
      TEST_BACKEND === 'postgres'
        ? await createDatabase({ databaseUrl: first.url ?? '', poolSize: 5 })
        : await createDatabase({ dataDir: path.join(dir, 'pglite') });
    const app2 = await buildTestApp(BARE_WITH_JOBS, { ...first, handle });
    try {
      await expect
        .poll(() => app2.app.jobs.state('catalog-upkeep-scan', id ?? ''), { timeout: 20_000, interval: 250 })
        .toBe('completed');
      expect(app2.app.jobs.runs('catalog-upkeep-scan')).toBe(1);
    } finally {
      await app2.app.close();
      await handle.close();
      await first.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.runIf(TEST_BACKEND === 'postgres')(
    'runs once with two servers working the same database',
    async () => {
      const shared = await createTestDatabase();
      const one = await buildTestApp(BARE_WITH_JOBS, shared);
      const twoDb = {
        ...shared,
        handle: await createDatabase({ databaseUrl: shared.url ?? '', poolSize: 5 }),
      };
      const two = await buildTestApp(BARE_WITH_JOBS, twoDb);
      try {
        const sent = await Promise.all(
          Array.from({ length: 6 }, () => one.app.jobs.send('catalog-upkeep-scan', {})),
        );
        for (const id of sent) {
          await expect
            .poll(() => two.app.jobs.state('catalog-upkeep-scan', id ?? ''), {
              timeout: 20_000,
              interval: 250,
            })
            .toBe('completed');
        }
        // Each job ran exactly once, in one server or the other.
        expect(one.app.jobs.runs('catalog-upkeep-scan') + two.app.jobs.runs('catalog-upkeep-scan')).toBe(6);
      } finally {
        await two.app.close();
        await twoDb.handle.close();
        await one.close();
      }
    },
    60_000,
  );
});
