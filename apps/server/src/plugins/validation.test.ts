/**
 * The input rules every route gets from plugins/validation.ts (issue 10, defect 5): text with NUL,
 * control or bidirectional characters, numbers beyond PostgreSQL's integer or not finite, malformed
 * ids and dates, and JSON nested thousands of levels deep are refused with a 400 naming the field,
 * and nothing is stored — instead of reaching PostgreSQL and failing with a 500.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../test/app.ts';
import { publishAnnualReports } from '../../test/provision.ts';
import { jsonNestsDeeperThan, withInputRules } from './validation.ts';

let t: TestApp;
let admin: Session;
let provider: Session;
let auditor: Session;
let entryId = '';

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t.app, 'admin');
  provider = await signIn(t.app, 'scjg.provider');
  auditor = await signIn(t.app, 'auditor');
  entryId = (
    await publishAnnualReports(await signIn(t.app, 'scjg.cataloguer'), await signIn(t.app, 'reviewer'))
  ).id;
});

afterAll(async () => {
  await t?.close();
});

/** A 400 problem+json naming `field` (and Chinese and English messages), its body. */
function expectRefused(res: LightMyRequestResponse, field: string, code = 'validation') {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<{
    code: string;
    message: { zh: string; en: string };
    fields?: { field: string }[];
  }>();
  expect(body.code).toBe(code);
  expect(body.message.zh).toMatch(/[\u4e00-\u9fff]/);
  if (field) expect(body.fields?.map((f) => f.field)).toContain(field);
  return body;
}

const count = async (table: 'accounts' | 'organisations' | 'data_versions' | 'audit_log') =>
  Number(
    (
      await t.app.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('text: one rule for every string of every route', () => {
  it('refuses NUL in the sign-in name with 400 naming username (was a 500 from PostgreSQL)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { username: 'admin\u0000', password: 'x' },
    });
    const body = expectRefused(res, 'username');
    expect(body.message.en).toMatch(/NUL/);
  });

  it('counts a sign-in refused this way toward the rate limit', async () => {
    const limited = await buildTestApp({ signInRatePerMinute: 2 });
    try {
      const attempt = () =>
        limited.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in',
          payload: { username: 'a\u0000b', password: 'x' },
          remoteAddress: '10.8.8.8',
        });
      expect((await attempt()).statusCode).toBe(400);
      expect((await attempt()).statusCode).toBe(400);
      const blocked = await attempt();
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('refuses NUL in search and filter parameters', async () => {
    expectRefused(await admin.request('GET', '/api/organisations?q=%00'), 'q');
    expectRefused(await admin.request('GET', '/api/accounts?q=a%00'), 'q');
    expectRefused(await t.app.inject({ method: 'GET', url: '/api/open/catalog?q=%00' }), 'q');
    expectRefused(
      await provider.request('GET', `/api/provision/entries/${entryId}/rows?filter=name~%00`),
      'filter',
    );
  });

  it('refuses NUL, control and bidirectional characters in display names, and stores nothing', async () => {
    const before = await count('accounts');
    const register = (displayName: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: {
          publicType: 'natural',
          username: 'someone.new',
          password: 'Abcdef12345!',
          displayName,
          email: 'someone@example.com',
        },
      });
    for (const name of [
      '张\u0000三',
      '张三\n',
      '张\u0007三',
      '张\u202e三',
      '\u2066张三',
      '张\u0085三',
      'x\ud800',
    ]) {
      const body = expectRefused(await register(name), 'displayName');
      expect(body.message.en).toMatch(/NUL|control|bidirectional|Unicode/);
    }
    expect(await count('accounts')).toBe(before);
  });

  it('takes line breaks and tabs in prose (an abstract) but not in a name, nor other controls', async () => {
    const cataloguer = await signIn(t.app, 'scjg.cataloguer');
    const { metadata } = await import('../../test/catalog.ts');
    const ok = await cataloguer.request(
      'POST',
      '/api/catalog/entries',
      metadata({ name: '多行摘要测试', abstract: '第一行\r\n第二行\t制表' }),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expectRefused(
      await cataloguer.request('POST', '/api/catalog/entries', metadata({ name: '名称\n换行' })),
      'name',
    );
    expectRefused(
      await cataloguer.request(
        'POST',
        '/api/catalog/entries',
        metadata({ name: '摘要', abstract: '响铃\u0007' }),
      ),
      'abstract',
    );
  });

  it('refuses a hostile key of a free-form object naming the key, escaped', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/provision/entries/${entryId}/push`,
      headers: { cookie: provider.cookie, 'x-csrf-token': provider.csrf, 'idempotency-key': 'key-nul' },
      payload: { rows: [{ 'na\u0000me': 'x' }] },
    });
    const body = expectRefused(res, 'rows.0.na\\u0000me');
    expect(body.message.en).toMatch(/field name.*NUL/);
  });

  it('gives every request string a maximum length and a text rule in the OpenAPI document', () => {
    const doc = t.app.swagger() as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; schema: Record<string, unknown> }[] }>
      >;
    };
    const q = doc.paths['/api/organisations']?.get?.parameters?.find((p) => p.name === 'q')?.schema;
    expect(q).toMatchObject({ type: 'string', maxLength: 100, 'x-text': 'line' });
    const page = doc.paths['/api/organisations']?.get?.parameters?.find((p) => p.name === 'page')?.schema;
    expect(page).toMatchObject({ type: 'integer', minimum: 1, maximum: 2_147_483_647 });
    const s = withInputRules({
      type: 'object',
      properties: { a: { type: 'string' }, n: { type: 'integer' } },
    });
    expect(s.properties.a).toMatchObject({ maxLength: 1000, 'x-text': 'line' });
  });
});

describe('data values PostgreSQL cannot store', () => {
  const CODE = '91210100MA0P4AXX9E';
  const push = (key: string, rows: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: `/api/provision/entries/${entryId}/push`,
      headers: { cookie: provider.cookie, 'x-csrf-token': provider.csrf, 'idempotency-key': key },
      payload: { rows },
    });

  it('answers NUL in a pushed value with a validation problem naming row and field, not a 500', async () => {
    const res = await push('nul-value', [
      { credit_code: CODE, name: '沈阳商贸' },
      { credit_code: CODE, name: '沈阳\u0000商贸' },
    ]);
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json<{
      state: string;
      report: { problems: { row: number; field: string; rule: string }[] };
    }>();
    expect(body.state).toBe('failed');
    expect(body.report.problems).toEqual([expect.objectContaining({ row: 2, field: 'name', rule: 'text' })]);
  });

  it('answers NUL in a JSON data file the same way', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/provision/entries/${entryId}/upload?format=json`,
      headers: { cookie: provider.cookie, 'x-csrf-token': provider.csrf, 'content-type': 'application/json' },
      payload: `[{"credit_code":"${CODE}","name":"a\\u0000b"}]`,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().report.problems).toEqual([
      expect.objectContaining({ row: 1, field: 'name', rule: 'text' }),
    ]);
  });
});

describe('numbers, ids and dates', () => {
  it('refuses page numbers beyond the integer range or not finite with 400 naming page (was 500)', async () => {
    for (const page of ['1e308', '99999999999999999999', 'Infinity', '-Infinity', 'NaN', '2147483648'])
      expectRefused(await admin.request('GET', `/api/accounts?page=${page}`), 'page');
    expectRefused(await admin.request('GET', '/api/organisations?pageSize=1e308'), 'pageSize');
  });

  it('refuses version numbers beyond the integer range naming the parameter (was 500)', async () => {
    expectRefused(
      await provider.request('GET', `/api/provision/entries/${entryId}/rows?version=99999999999`),
      'version',
    );
    expectRefused(
      await provider.request('GET', `/api/provision/entries/${entryId}/compare?from=1&to=2147483648`),
      'to',
    );
  });

  it('refuses a non-UUID actorId, and a UUID with a urn:uuid: prefix, with 400 (was 500)', async () => {
    expectRefused(await auditor.request('GET', '/api/audit?actorId=nope'), 'actorId');
    expectRefused(
      await admin.request('GET', '/api/organisations/urn:uuid:6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e'),
      'id',
    );
  });

  it('refuses a date-time PostgreSQL cannot hold (year 0) with 400', async () => {
    expectRefused(await auditor.request('GET', '/api/audit?from=0000-01-01T00:00:00Z'), 'from');
  });
});

describe('deeply nested JSON', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

  it('refuses a 5,000-level nested push with 400 json_too_deep and stores nothing (was a stack overflow, 500)', async () => {
    const before = await count('data_versions');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/provision/entries/${entryId}/push`,
      headers: {
        cookie: provider.cookie,
        'x-csrf-token': provider.csrf,
        'idempotency-key': 'deep-1',
        'content-type': 'application/json',
      },
      payload: `{"rows":[{"name":${nested(5000)}}]}`,
    });
    const body = expectRefused(res, '', 'json_too_deep');
    expect(body.message.en).toMatch(/64 levels/);
    expect(await count('data_versions')).toBe(before);
  });

  it('counts nesting without being fooled by brackets inside strings', () => {
    expect(jsonNestsDeeperThan(nested(64), 64)).toBe(false);
    expect(jsonNestsDeeperThan(nested(65), 64)).toBe(true);
    expect(jsonNestsDeeperThan(`["${'['.repeat(100)}", "\\"[[["]`, 2)).toBe(false);
  });

  it('still parses ordinary JSON and refuses prototype poisoning', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":"x","password":"y","__proto__":{"admin":true}}',
    });
    expect(res.statusCode).toBe(400);
  });
});
