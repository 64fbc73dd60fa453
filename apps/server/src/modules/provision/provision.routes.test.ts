import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { creditCode, publishAnnualReports, uploadAs } from '../../../test/provision.ts';

let t: TestApp;
const s: Record<string, Session> = {};
let entryId = '';

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}

const C1 = creditCode('210100', 'MA0P4AXX');
const C2 = creditCode('210102', 'MA0Q9B2K');

interface Outcome {
  versionId: string;
  versionNo: number;
  state: string;
  rowCount: number;
  excludedRowCount: number;
  replayed?: boolean;
  report: { problems: { row: number; column: string; rule: string }[] } | null;
}

const upload = (who: string, body: Buffer | string, query: string, headers: Record<string, string> = {}) =>
  uploadAs(t.app, as(who), entryId, body, query, headers);

const csv = (lines: string[]) => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');

beforeAll(async () => {
  t = await buildTestApp({ uploadLimit: 64 * 1024 });
  for (const u of [
    'scjg.cataloguer',
    'scjg.provider',
    'scjg.user',
    'reviewer',
    'gongan.provider',
    'heping.reviewer',
  ])
    s[u] = await signIn(t.app, u);
  entryId = (await publishAnnualReports(as('scjg.cataloguer'), as('reviewer'))).id;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('providing data over HTTP', () => {
  it('takes a GBK CSV upload as the current version, with its report', async () => {
    const file = csv([
      '统一社会信用代码,企业名称,年报年度',
      `${C1},沈阳华晨汽车配件有限公司,2025`,
      `${C2},和平区老边饺子餐饮店,2025`,
    ]);
    const res = await upload('scjg.provider', file, `format=csv&fileName=${encodeURIComponent('年报.csv')}`);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as Outcome;
    expect(body).toMatchObject({ state: 'ready', versionNo: 1, rowCount: 2, excludedRowCount: 0 });
    // The SM3 and size recorded (computed as the file arrived) are those of the bytes sent.
    const stored = await t.app.db
      .selectFrom('data_versions')
      .select(['sm3', 'byte_count'])
      .where('id', '=', body.versionId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      sm3: createHash('sm3').update(file).digest('hex'),
      byte_count: file.length,
    });
    const list = await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`);
    expect(list.json()).toMatchObject({
      items: [
        {
          id: body.versionId,
          current: true,
          state: 'ready',
          fileName: '年报.csv',
          encoding: 'gb18030',
          rowCount: 2,
          createdBy: 'scjg.provider',
        },
      ],
    });
  });

  it('refuses a file with an invalid row whole (422 with the report) and keeps the current version', async () => {
    const res = await upload(
      'scjg.provider',
      csv(['credit_code,name', `${C1},企业甲`, `${C1.slice(0, 17)}0,企业乙`]),
      'format=csv',
    );
    const body = res.json() as Outcome;
    expect(res.statusCode, res.body).toBe(422);
    expect(body.state).toBe('failed');
    expect(body.report?.problems.map((p) => [p.row, p.column, p.rule])).toEqual([
      [3, '统一社会信用代码', 'credit_code'],
    ]);
    const list = (
      await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`)
    ).json() as {
      items: { versionNo: number; current: boolean; state: string }[];
    };
    expect(list.items.map((v) => [v.versionNo, v.state, v.current])).toEqual([
      [2, 'failed', false],
      [1, 'ready', true],
    ]);
    const detail = await as('reviewer').request(
      'GET',
      `/api/provision/entries/${entryId}/versions/${body.versionId}`,
    );
    expect((detail.json() as Outcome).report?.problems[0]?.row).toBe(3);
  });

  it('answers an unreadable file and a file over the limit with a clear error, creating nothing', async () => {
    const json = await upload('scjg.provider', '{"not":"an array"}', 'format=json', {
      'content-type': 'application/json',
    });
    expect(json.statusCode).toBe(400);
    expect((json.json() as { message: { zh: string } }).message.zh).toMatch(/数组/);
    const big = await upload('scjg.provider', Buffer.alloc(70 * 1024, 0x41), 'format=csv');
    expect(big.statusCode).toBe(413);
    // The unread rest of the upload must not be taken for the next request.
    expect(big.headers.connection).toBe('close');
    expect((big.json() as { code: string }).code).toBe('upload_too_large');
    // A mapping must be a JSON object of data item names (as for a push session's file).
    const file = csv(['代码,名称', `${C1},沈阳华晨汽车配件有限公司`]);
    for (const mapping of ['{"代码":', '["credit_code"]', '{"代码":1}', 'null']) {
      const bad = await upload('scjg.provider', file, `format=csv&mapping=${encodeURIComponent(mapping)}`);
      expect(bad.statusCode, mapping).toBe(400);
      expect(bad.json()).toMatchObject({
        code: 'validation',
        message: { zh: expect.stringMatching(/mapping/), en: expect.stringMatching(/JSON object/) },
        fields: [{ field: 'mapping' }],
      });
    }
    const list = (
      await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`)
    ).json() as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(2);
  });

  it('takes pushed rows once per idempotency key', async () => {
    const push = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/provision/entries/${entryId}/push`,
        headers: {
          cookie: as('scjg.provider').cookie,
          'x-csrf-token': as('scjg.provider').csrf,
          'idempotency-key': key,
        },
        payload: { rows: [{ credit_code: C2, name: '推送企业', report_year: 2026 }] },
      });
    const first = await push('sys-2026-11-27-1');
    expect(first.statusCode, first.body).toBe(201);
    const again = await push('sys-2026-11-27-1');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, versionId: (first.json() as Outcome).versionId });
    const missingKey = await as('scjg.provider').request('POST', `/api/provision/entries/${entryId}/push`, {
      rows: [{ credit_code: C2, name: '推送企业' }],
    });
    expect(missingKey.statusCode).toBe(400);
    const list = (
      await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`)
    ).json() as {
      items: { versionNo: number; current: boolean; source: string }[];
    };
    expect(list.items[0]).toMatchObject({ versionNo: 3, current: true, source: 'push' });
  });

  it('restores an earlier version as a new current one', async () => {
    const list = (
      await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`)
    ).json() as {
      items: { id: string; versionNo: number }[];
    };
    const first = list.items.find((v) => v.versionNo === 1);
    const res = await as('scjg.provider').request(
      'POST',
      `/api/provision/entries/${entryId}/versions/${first?.id ?? ''}/restore`,
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ versionNo: 4, state: 'ready', rowCount: 2 });
    const after = (
      await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`)
    ).json() as {
      items: { versionNo: number; current: boolean; source: string; basedOn: string | null }[];
    };
    expect(after.items[0]).toMatchObject({
      versionNo: 4,
      current: true,
      source: 'restore',
      basedOn: first?.id,
    });
    const failed = list.items.find((v) => v.versionNo === 2);
    const refused = await as('scjg.provider').request(
      'POST',
      `/api/provision/entries/${entryId}/versions/${failed?.id ?? ''}/restore`,
    );
    expect(refused.statusCode).toBe(409);
  });

  it('reads the current or an earlier version, paged, with fields, filters and sorting', async () => {
    const url = `/api/provision/entries/${entryId}/rows`;
    const all = await as('scjg.provider').request('GET', `${url}?pageSize=10`);
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toMatchObject({
      version: { versionNo: 4 },
      total: 2,
      rows: [
        { row: 2, values: { credit_code: C1, name: '沈阳华晨汽车配件有限公司', report_year: '2025' } },
        { row: 3, values: { credit_code: C2, name: '和平区老边饺子餐饮店', report_year: '2025' } },
      ],
    });
    const picked = await as('reviewer').request(
      'GET',
      `${url}?fields=name&sort=-name&filter=${encodeURIComponent('name~饺子')}`,
    );
    expect(picked.json()).toMatchObject({
      fields: [{ name: 'name', label: '企业名称' }],
      total: 1,
      rows: [{ values: { name: '和平区老边饺子餐饮店' } }],
    });
    const pushed = await as('scjg.provider').request('GET', `${url}?version=3`);
    expect(pushed.json()).toMatchObject({
      version: { versionNo: 3 },
      total: 1,
      rows: [{ values: { name: '推送企业' } }],
    });
    const bad = await as('scjg.provider').request('GET', `${url}?sort=nope`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ fields: [{ field: 'sort' }] });
    expect((await as('scjg.provider').request('GET', `${url}?version=2`)).statusCode).toBe(404);
    expect((await as('gongan.provider').request('GET', url)).statusCode).toBe(404);
  });

  it('compares two versions by the key field', async () => {
    const settings = await as('scjg.provider').request('PUT', `/api/provision/entries/${entryId}/settings`, {
      keyFields: ['credit_code'],
    });
    expect(settings.statusCode, settings.body).toBe(200);
    // Version 3 (pushed) holds C2 as 推送企业; version 4 holds C1 and C2 as 和平区老边饺子餐饮店.
    const res = await as('scjg.provider').request(
      'GET',
      `/api/provision/entries/${entryId}/compare?from=3&to=4`,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      from: { versionNo: 3, rowCount: 1 },
      to: { versionNo: 4, rowCount: 2 },
      keyFields: ['credit_code'],
      fields: { added: [], removed: [] },
      rows: {
        added: 1,
        removed: 0,
        changed: 1,
        unchanged: 0,
        examples: { added: [`credit_code=${C1}`], removed: [], changed: [`credit_code=${C2}`] },
      },
    });
    const unknownKey = await as('scjg.provider').request(
      'PUT',
      `/api/provision/entries/${entryId}/settings`,
      {
        keyFields: ['nope'],
      },
    );
    expect(unknownKey.statusCode).toBe(409);
  });

  it('refuses other departments, other roles and strangers', async () => {
    const other = await upload('gongan.provider', csv(['credit_code,name', `${C1},企业甲`]), 'format=csv');
    expect(other.statusCode).toBe(403);
    const user = await upload('scjg.user', csv(['credit_code,name', `${C1},企业甲`]), 'format=csv');
    expect(user.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/api/provision/entries/${entryId}/upload?format=csv`,
      payload: 'a',
    });
    expect(anonymous.statusCode).toBe(401);
    // Versions are for the department and its supervising authority only.
    expect(
      (await as('gongan.provider').request('GET', `/api/provision/entries/${entryId}/versions`)).statusCode,
    ).toBe(404);
    expect(
      (await as('heping.reviewer').request('GET', `/api/provision/entries/${entryId}/versions`)).statusCode,
    ).toBe(404);
    expect(
      (await as('reviewer').request('GET', `/api/provision/entries/${entryId}/versions`)).statusCode,
    ).toBe(200);
    const versions = (
      await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`)
    ).json() as {
      items: unknown[];
    };
    expect(versions.items).toHaveLength(4);
  });
});
