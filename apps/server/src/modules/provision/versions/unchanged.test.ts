/**
 * Unchanged data makes no version (issue 12): an upload, a push or a push session whose rows are the
 * current version's — in any order, from a file with its columns in another order, with decimals
 * written with trailing zeros — is recorded as `unchanged` without a table of its own, names the
 * version it matched, and moves the entry's "last confirmed" time, which the quality watch counts.
 * One changed cell makes a new version.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { item, metadata, publishEntry } from '../../../../test/catalog.ts';
import { creditCode, uploadAs } from '../../../../test/provision.ts';

let t: TestApp;
const s: Record<string, Session> = {};
const as = (u: string) => s[u] as Session;

const C1 = creditCode('210100', 'MA0P4AXX');
const C2 = creditCode('210102', 'MA0Q9B2K');
const C3 = creditCode('210103', 'MA0R7C3L');

interface Outcome {
  versionId: string;
  versionNo: number;
  state: string;
  sameAs?: { versionId: string; versionNo: number };
  rowCount: number;
}

let entrySeq = 0;
async function newEntry(): Promise<string> {
  entrySeq++;
  const entry = await publishEntry(
    as('scjg.cataloguer'),
    as('reviewer'),
    metadata({
      name: `企业注册资本信息${entrySeq}`,
      updateCycle: 'daily',
      dataItems: [
        item('credit_code', '统一社会信用代码', { dataType: 'credit_code', length: 18 }),
        item('name', '企业名称', { length: 100 }),
        item('capital', '注册资本（万元）', { dataType: 'decimal', length: null, required: false }),
        item('registered_at', '登记时间', { dataType: 'datetime', length: null, required: false }),
      ],
    }),
  );
  return entry.id;
}

const csv = (lines: string[]) => `${lines.join('\n')}\n`;
const FIRST = csv([
  'credit_code,name,capital,registered_at',
  `${C1},沈阳华晨汽车配件有限公司,500.5,2024-03-01 09:30:00`,
  `${C2},和平区老边饺子餐饮店,50,2025-07-15 14:00:00`,
]);

async function upload(entryId: string, body: string): Promise<Outcome> {
  const res = await uploadAs(t.app, as('scjg.provider'), entryId, body, 'format=csv');
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Outcome;
}

async function versions(entryId: string) {
  const res = await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`);
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json() as {
      items: { versionNo: number; state: string; current: boolean; sameAsVersionNo: number | null }[];
    }
  ).items.map((v) => [v.versionNo, v.state, v.current, v.sameAsVersionNo]);
}

async function current(entryId: string) {
  return t.app.db
    .selectFrom('data_current')
    .select(['version_id', 'switched_at', 'confirmed_at'])
    .where('entry_id', '=', entryId)
    .executeTakeFirstOrThrow();
}

async function tableExists(versionId: string): Promise<boolean> {
  const table = `v_${versionId.replaceAll('-', '')}`;
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
    where table_schema = 'resource_data' and table_name = ${table}`.execute(t.app.db);
  return rows[0]?.n === 1;
}

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of ['scjg.cataloguer', 'scjg.provider', 'reviewer']) s[u] = await signIn(t.app, u);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('unchanged data makes no version', () => {
  it('records an identical upload as unchanged, without a table, and moves the confirmed time', async () => {
    const entryId = await newEntry();
    const first = await upload(entryId, FIRST);
    expect(first).toMatchObject({ state: 'ready', versionNo: 1 });
    const before = await current(entryId);

    const again = await upload(entryId, FIRST);
    expect(again).toMatchObject({
      state: 'unchanged',
      versionNo: 2,
      rowCount: 2,
      sameAs: { versionId: first.versionId, versionNo: 1 },
    });
    expect(await tableExists(again.versionId)).toBe(false);
    expect(await tableExists(first.versionId)).toBe(true);
    const after = await current(entryId);
    expect(after.version_id).toBe(first.versionId);
    expect(after.switched_at).toEqual(before.switched_at);
    expect(after.confirmed_at.getTime()).toBeGreaterThan(before.confirmed_at.getTime());
    expect(await versions(entryId)).toEqual([
      [2, 'unchanged', false, 1],
      [1, 'ready', true, null],
    ]);
    // The run is audited as a confirmation of the data, naming the version it matched.
    const audit = await t.app.db
      .selectFrom('audit_log')
      .select(['action', 'result', 'detail'])
      .where('target_id', '=', entryId)
      .where('action', 'like', 'provision.%')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      action: 'provision.data_unchanged',
      result: 'success',
      detail: { versionNo: 2, sameAsVersionNo: 1 },
    });
  });

  it('counts the same rows in another order, with columns in another order and 500.50 for 500.5, as unchanged', async () => {
    const entryId = await newEntry();
    await upload(entryId, FIRST);
    const reordered = csv([
      'name,registered_at,credit_code,capital',
      `和平区老边饺子餐饮店,2025-07-15T14:00:00+08:00,${C2},50.00`,
      `沈阳华晨汽车配件有限公司,2024-03-01 09:30:00,${C1},500.50`,
    ]);
    expect(await upload(entryId, reordered)).toMatchObject({ state: 'unchanged', sameAs: { versionNo: 1 } });
  });

  it('makes a new version for one changed cell, one more row, or a row given twice', async () => {
    const entryId = await newEntry();
    await upload(entryId, FIRST);
    const changed = await upload(entryId, FIRST.replace('500.5', '500.6'));
    expect(changed).toMatchObject({ state: 'ready', versionNo: 2 });
    const more = await upload(entryId, `${FIRST.replace('500.5', '500.6')}${C3},大东区新企业,10,\n`);
    expect(more).toMatchObject({ state: 'ready', versionNo: 3, rowCount: 3 });
    // The same three rows, one of them twice instead of another: same count, other content.
    const twice =
      FIRST.replace('500.5', '500.6') + `${C1},沈阳华晨汽车配件有限公司,500.6,2024-03-01 09:30:00\n`;
    expect(await upload(entryId, twice)).toMatchObject({ state: 'ready', versionNo: 4 });
    // And back to v4's rows: unchanged against the current version only.
    expect(await upload(entryId, twice)).toMatchObject({ state: 'unchanged', sameAs: { versionNo: 4 } });
    expect((await current(entryId)).version_id).toBe(
      (
        await t.app.db
          .selectFrom('data_versions')
          .select('id')
          .where('entry_id', '=', entryId)
          .where('version_no', '=', 4)
          .executeTakeFirstOrThrow()
      ).id,
    );
  });

  it('treats a one-request push and a push session of the current rows as unchanged', async () => {
    const entryId = await newEntry();
    await upload(entryId, FIRST);
    const rows = [
      { credit_code: C2, name: '和平区老边饺子餐饮店', capital: '50', registered_at: '2025-07-15 14:00:00' },
      {
        credit_code: C1,
        name: '沈阳华晨汽车配件有限公司',
        capital: 500.5,
        registered_at: '2024-03-01 09:30:00',
      },
    ];
    const inject = (url: string, payload: object, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: `/api/provision/entries/${entryId}/${url}`,
        headers: { cookie: as('scjg.provider').cookie, 'x-csrf-token': as('scjg.provider').csrf, ...headers },
        payload,
      });
    const push = await inject('push', { rows }, { 'idempotency-key': 'unchanged-push' });
    expect(push.statusCode, push.body).toBe(201);
    expect(push.json()).toMatchObject({ state: 'unchanged', versionNo: 2, sameAs: { versionNo: 1 } });

    const opened = await inject('pushes', {}, { 'idempotency-key': 'unchanged-session' });
    expect(opened.statusCode, opened.body).toBe(201);
    const session = opened.json() as { versionId: string };
    for (const [i, row] of rows.entries()) {
      const batch = await inject(`pushes/${session.versionId}/rows`, [row], {
        'batch-sequence': String(i + 1),
      });
      expect(batch.statusCode, batch.body).toBe(201);
    }
    const committed = await inject(`pushes/${session.versionId}/commit`, {});
    expect(committed.statusCode, committed.body).toBe(201);
    expect(committed.json()).toMatchObject({ state: 'unchanged', sameAs: { versionNo: 1 } });
    const view = await as('scjg.provider').request(
      'GET',
      `/api/provision/entries/${entryId}/pushes/${session.versionId}`,
    );
    expect(view.json()).toMatchObject({ state: 'unchanged' });
    expect(await versions(entryId)).toEqual([
      [3, 'unchanged', false, 1],
      [2, 'unchanged', false, 1],
      [1, 'ready', true, null],
    ]);
  });

  it('lets the quality watch count a confirmation as an update: an overdue daily entry is up to date again', async () => {
    const entryId = await newEntry();
    const first = await upload(entryId, FIRST);
    const old = new Date(Date.now() - 5 * 86_400_000);
    await t.app.db
      .updateTable('data_versions')
      .set({ completed_at: old })
      .where('id', '=', first.versionId)
      .execute();
    await t.app.db
      .updateTable('data_current')
      .set({ switched_at: old, confirmed_at: old })
      .where('entry_id', '=', entryId)
      .execute();
    const kinds = async () => {
      const res = await as('reviewer').request('GET', `/api/provision/quality/entries/${entryId}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { problems: { kind: string }[] }).problems.map((p) => p.kind);
    };
    expect(await kinds()).toContain('overdue');
    expect(await upload(entryId, FIRST)).toMatchObject({ state: 'unchanged' });
    expect(await kinds()).not.toContain('overdue');
  });
});
