import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { TEST_BACKEND } from '../../../test/database.ts';
import { createDatabase } from '../../db/database.ts';
import { GENESIS_HASH, appendAudit, entryHash } from './index.ts';

let t: TestApp;
let auditor: Session;
let admin: Session;

beforeAll(async () => {
  t = await buildTestApp();
  auditor = await signIn(t.app, 'auditor');
  admin = await signIn(t.app, 'admin');
});
afterAll(async () => {
  await t?.close();
});

interface Report {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  reason: string | null;
}
const verify = async () => (await auditor.request('GET', '/api/audit/verify')).json() as Report;

describe('audit trail', () => {
  it('records each state-changing action with who, organisation, target, address and result', async () => {
    const res = await admin.request('PATCH', '/api/divisions/210103', { name: '沈河区' });
    expect(res.statusCode).toBe(200);
    const list = await auditor.request('GET', '/api/audit?action=division.update');
    const entry = (list.json() as { items: Record<string, unknown>[] }).items[0];
    expect(entry).toMatchObject({
      action: 'division.update',
      actorName: 'admin',
      actorKind: 'staff',
      orgName: '沈阳市大数据管理局',
      targetType: 'division',
      targetId: '210103',
      result: 'success',
      ip: '127.0.0.1',
    });
    expect(entry?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records denied attempts at changes', async () => {
    const cataloguer = await signIn(t.app, 'scjg.cataloguer');
    expect(
      (await cataloguer.request('POST', '/api/divisions', { code: '210199', name: 'x', kind: 'district' }))
        .statusCode,
    ).toBe(403);
    const rows = await t.app.db.selectFrom('audit_log').selectAll().where('result', '=', 'denied').execute();
    expect(rows.some((r) => r.actor_name === 'scjg.cataloguer' && r.detail.route === '/api/divisions')).toBe(
      true,
    );
  });

  it("refuses an organisation filter outside the auditor's scope instead of answering for their own", async () => {
    const orgId = async (name: string) =>
      (
        await t.app.db
          .selectFrom('organisations')
          .select('id')
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).id;
    const cityDept = await orgId('沈阳市公安局');
    const hepingDept = await orgId('沈阳市和平区市场监督管理局');
    const refused: [string, string][] = [
      ['heping.auditor', cityDept],
      ['scjg.auditor', cityDept],
      ['scjg.auditor', hepingDept],
    ];
    for (const [who, id] of refused) {
      const res = await (await signIn(t.app, who)).request('GET', `/api/audit?orgId=${id}`);
      expect(res.statusCode, who).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { fields: { field: string }[] }).fields[0]?.field).toBe('orgId');
    }
    expect(
      (await (await signIn(t.app, 'heping.auditor')).request('GET', `/api/audit?orgId=${hepingDept}`))
        .statusCode,
    ).toBe(200);
    expect((await auditor.request('GET', `/api/audit?orgId=${hepingDept}`)).statusCode).toBe(200);
  });

  it('chains every entry to the previous one with SM3', async () => {
    const rows = await t.app.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(rows.length).toBeGreaterThan(3);
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) {
      const row = rows[i];
      const prev = rows[i - 1];
      if (!row || !prev) throw new Error('missing row');
      expect(row.seq).toBe(prev.seq + 1);
      expect(row.prev_hash).toBe(prev.hash);
      expect(row.hash).toBe(entryHash(prev.hash, row));
    }
    expect(await verify()).toMatchObject({ ok: true, firstBrokenSeq: null, checked: rows.length });
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      appendAudit(
        t.app.db,
        { principal: null, ip: `10.1.0.${i}` },
        { action: 'test.concurrent', detail: { i } },
      ),
    );
    await Promise.all(writes);
    const report = await verify();
    expect(report.ok).toBe(true);
    const seqs = (await t.app.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map(
      (r) => r.seq,
    );
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it.runIf(TEST_BACKEND === 'postgres')(
    'keeps one chain when two server processes append to one PostgreSQL',
    async () => {
      // A second, independent connection pool on the same database stands for another server process.
      const other = await createDatabase({ databaseUrl: t.database.url, poolSize: 5 });
      try {
        const a = Array.from({ length: 30 }, (_, i) =>
          appendAudit(
            t.app.db,
            { principal: null, ip: 'proc-a' },
            { action: 'test.multiprocess', detail: { i } },
          ),
        );
        const b = Array.from({ length: 30 }, (_, i) =>
          appendAudit(
            other.db,
            { principal: null, ip: 'proc-b' },
            { action: 'test.multiprocess', detail: { i } },
          ),
        );
        await Promise.all([...a, ...b]);
      } finally {
        await other.close();
      }
      expect((await verify()).ok).toBe(true);
      const count = await t.app.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'test.multiprocess')
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(60);
    },
  );

  it('is read-only: nobody can change it through the API', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await auditor.request(method, '/api/audit', {});
      expect(res.statusCode).toBe(404);
    }
  });
});

describe('tampering is detected', () => {
  // Each case alters the stored chain directly, checks the verifier names the entry, then restores it.
  async function tamper(change: () => Promise<unknown>, restore: () => Promise<unknown>): Promise<Report> {
    await change();
    try {
      return await verify();
    } finally {
      await restore();
    }
  }

  const middleSeq = async () => {
    const n = await t.app.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirstOrThrow();
    return Math.floor(Number(n.m) / 2);
  };

  it('an altered detail', async () => {
    const seq = await middleSeq();
    const row = await t.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    const report = await tamper(
      () =>
        t.app.db
          .updateTable('audit_log')
          .set({ detail: JSON.stringify({ ...row.detail, forged: true }) })
          .where('seq', '=', seq)
          .execute(),
      () =>
        t.app.db
          .updateTable('audit_log')
          .set({ detail: JSON.stringify(row.detail) })
          .where('seq', '=', seq)
          .execute(),
    );
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: seq });
    expect(report.reason).toContain('altered');
    expect((await verify()).ok).toBe(true);
  });

  it('an altered actor, time or result', async () => {
    const seq = await middleSeq();
    const row = await t.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    for (const patch of [
      { actor_name: 'someone-else' },
      { at: new Date(row.at.getTime() + 1000) },
      { result: 'denied' as const },
    ]) {
      const report = await tamper(
        () => t.app.db.updateTable('audit_log').set(patch).where('seq', '=', seq).execute(),
        () =>
          t.app.db
            .updateTable('audit_log')
            .set({ actor_name: row.actor_name, at: row.at, result: row.result })
            .where('seq', '=', seq)
            .execute(),
      );
      expect(report.firstBrokenSeq).toBe(seq);
    }
  });

  it('a re-hashed entry breaks the link to the next one', async () => {
    const seq = await middleSeq();
    const row = await t.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    const forged = { ...row, actor_name: 'forger' };
    const report = await tamper(
      () =>
        t.app.db
          .updateTable('audit_log')
          .set({ actor_name: 'forger', hash: entryHash(row.prev_hash, forged) })
          .where('seq', '=', seq)
          .execute(),
      () =>
        t.app.db
          .updateTable('audit_log')
          .set({ actor_name: row.actor_name, hash: row.hash })
          .where('seq', '=', seq)
          .execute(),
    );
    expect(report.firstBrokenSeq).toBe(seq + 1);
  });

  it('a deleted entry', async () => {
    const seq = await middleSeq();
    const row = await t.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    const report = await tamper(
      () => t.app.db.deleteFrom('audit_log').where('seq', '=', seq).execute(),
      () =>
        t.app.db
          .insertInto('audit_log')
          .values({ ...row, detail: JSON.stringify(row.detail) })
          .execute(),
    );
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: seq });
    expect(report.reason).toContain('missing');
    expect((await verify()).ok).toBe(true);
  });
});
