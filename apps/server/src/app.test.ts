import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../test/app.ts';
import { TEST_BACKEND } from '../test/database.ts';
import { latestMigration } from './db/migrate.ts';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  message: { zh: string; en: string };
  fields?: { field: string; message: { zh: string; en: string } }[];
  requestId?: string;
}

const PROBLEM_KEYS = [
  'type',
  'title',
  'status',
  'detail',
  'code',
  'message',
  'fields',
  'lockedUntil',
  'requestId',
];

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t.app, 'admin');
});

afterAll(async () => {
  await t.close();
});

/** Checks the problem+json shape every error shares and returns the body. */
function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemBody {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<ProblemBody>();
  expect(body.status).toBe(status);
  expect(body.code).toBe(code);
  expect(body.type).toBe(`urn:huitong:problem:${code}`);
  expect(typeof body.message.zh).toBe('string');
  expect(typeof body.message.en).toBe('string');
  expect(body.message.zh.length).toBeGreaterThan(0);
  expect(body.message.en.length).toBeGreaterThan(0);
  // The message in Chinese really is Chinese.
  expect(body.message.zh).toMatch(/[\u4e00-\u9fff]/);
  expect(body.requestId).toBe(res.headers['x-request-id']);
  for (const key of Object.keys(body)) expect(PROBLEM_KEYS, `unexpected key ${key}`).toContain(key);
  return body;
}

function validCreateOrgBody(): Record<string, unknown> {
  return {
    name: '沈阳市测试局',
    kind: 'department',
    level: 'city',
    // 91210102MA0QXKJ12F: check character worked out in shared/identifiers.test.ts.
    creditCode: '91210102MA0QXKJ12F',
    divisionCode: '210100',
  };
}

describe('GET /api/health', () => {
  it('reports ok, the backend of this suite and the latest migration', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      status: string;
      version: string;
      backend: string;
      migration: string;
      time: string;
    }>();
    expect(body.status).toBe('ok');
    expect(body.backend).toBe(TEST_BACKEND);
    expect(body.migration).toBe(latestMigration());
    expect(body.migration).toMatch(/^\d{4}_/);
    expect(body.version.length).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(body.time))).toBe(false);
  });
});

describe('request bodies', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "admin", "password": ',
    });
    expectProblem(res, 400, 'malformed_json');
  });

  it('answers malformed JSON from a signed-in administrator with 400 too', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/calendar/overrides/2026-12-31',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      payload: '{isWorkday: false}',
    });
    expectProblem(res, 400, 'malformed_json');
  });

  it('refuses a body over the limit with 413, and accepts one under it', async () => {
    const small = await buildTestApp({ bodyLimit: 2048 });
    try {
      const big = await small.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { username: 'admin', password: 'x'.repeat(10 * 1024) },
      });
      expectProblem(big, 413, 'body_too_large');
      // Just under the limit the body is read and validated (the password is too long: 400, not 413).
      const under = await small.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { username: 'admin', password: 'x'.repeat(1900) },
      });
      expect(
        Buffer.byteLength(JSON.stringify({ username: 'admin', password: 'x'.repeat(1900) })),
      ).toBeLessThan(2048);
      const body = expectProblem(under, 400, 'validation');
      expect(body.fields?.[0]?.field).toBe('password');
    } finally {
      await small.close();
    }
  });

  it('refuses an unknown field with 400 naming it in fields[0].field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { username: 'admin', password: 'Huitong@2026', remember: true },
    });
    const body = expectProblem(res, 400, 'validation');
    expect(body.fields?.[0]?.field).toBe('remember');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses an unknown field on an administrator change and stores nothing', async () => {
    const res = await admin.request('PUT', '/api/calendar/overrides/2026-12-31', {
      isWorkday: false,
      name: '休',
      colour: 'red',
    });
    const body = expectProblem(res, 400, 'validation');
    expect(body.fields?.[0]?.field).toBe('colour');
    const rows = await t.app.db.selectFrom('calendar_overrides').select('date').execute();
    expect(rows).toEqual([]);
  });

  it('refuses a wrong type with 400 naming the field, without coercing it', async () => {
    const res = await admin.request('POST', '/api/organisations', { ...validCreateOrgBody(), name: 5 });
    const body = expectProblem(res, 400, 'validation');
    expect(body.fields?.map((f) => f.field)).toEqual(['name']);
    expect(body.message.en).toContain('name');
    expect(body.message.zh).toContain('name');
    const created = await t.app.db.selectFrom('organisations').select('id').where('name', '=', '5').execute();
    expect(created).toEqual([]);
  });

  it('names every missing field', async () => {
    const res = await admin.request('POST', '/api/organisations', { name: '沈阳市测试局' });
    const body = expectProblem(res, 400, 'validation');
    expect(body.fields?.map((f) => f.field).sort()).toEqual(['creditCode', 'divisionCode', 'kind', 'level']);
  });
});

describe('headers', () => {
  it('sends the security headers on API answers and errors', async () => {
    for (const res of [
      await t.app.inject({ method: 'GET', url: '/api/health' }),
      await t.app.inject({ method: 'GET', url: '/api/no-such-thing' }),
    ]) {
      const csp = res.headers['content-security-policy'];
      expect(typeof csp).toBe('string');
      expect(String(csp)).toContain("default-src 'self'");
      expect(String(csp)).toContain("frame-ancestors 'none'");
      expect(String(csp)).toContain("object-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('echoes a well-formed x-request-id on success and in error bodies', async () => {
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'req-2026.abc_1' },
    });
    expect(ok.headers['x-request-id']).toBe('req-2026.abc_1');
    const err = await t.app.inject({
      method: 'GET',
      url: '/api/nope',
      headers: { 'x-request-id': 'req-404' },
    });
    expect(err.headers['x-request-id']).toBe('req-404');
    expect(expectProblem(err, 404, 'not_found').requestId).toBe('req-404');
  });

  it('replaces a malformed x-request-id with a fresh one', async () => {
    for (const given of ['has spaces', 'x'.repeat(65), 'inject\r\nset-cookie', '<script>']) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { 'x-request-id': given },
      });
      const id = res.headers['x-request-id'];
      expect(id).not.toBe(given);
      expect(String(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('gives each request its own id when none is sent', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/api/health' });
    const b = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(a.headers['x-request-id']).toBeTruthy();
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});

describe('errors', () => {
  it.each([
    ['GET', '/api/no-such-thing'],
    ['POST', '/api/no-such-thing'],
    ['GET', '/api/calendar'],
    ['DELETE', '/api/health'],
  ] as const)('answers %s %s with 404 problem+json', async (method, url) => {
    expectProblem(await t.app.inject({ method, url }), 404, 'not_found');
  });

  it('answers an unknown /api path with 404 for a signed-in user too', async () => {
    expectProblem(await admin.request('GET', '/api/no-such-thing'), 404, 'not_found');
  });

  it('answers 401 and 403 as problem+json with both languages', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/audit' }), 401, 'unauthenticated');
    const cataloguer = await signIn(t.app, 'scjg.cataloguer');
    expectProblem(await cataloguer.request('PUT', '/api/calendar/years/2027', {}), 403, 'forbidden');
  });

  it('answers a badly encoded path and an overlong path parameter with problem+json (the router)', async () => {
    for (const url of ['/api/organisations/%FF', '/api/organisations/%C0%AE', '/api/accounts/%'])
      expectProblem(await admin.request('GET', url), 400, 'bad_url');
    expectProblem(await admin.request('GET', `/api/organisations/${'x'.repeat(101)}`), 414, 'path_too_long');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/xml' },
      payload: '<username>admin</username>',
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('refuses dates outside 1900–2199 with a 400 naming the field (no endless date arithmetic)', async () => {
    const far = await t.app.inject({ method: 'GET', url: '/api/calendar/deadline?start=9999-12-31&days=1' });
    expectProblem(far, 400, 'validation');
    expect(far.json().fields[0].field).toBe('start');
    const range = await t.app.inject({
      method: 'GET',
      url: '/api/calendar/days?from=9999-12-31&to=9999-12-31',
    });
    expectProblem(range, 400, 'validation');
    const zero = await admin.request('PUT', '/api/calendar/overrides/0000-01-01', {
      isWorkday: false,
      name: '零年',
    });
    expectProblem(zero, 400, 'validation');
    expect(zero.json().fields[0].field).toBe('date');
  });

  it('does not leak a database error to the client', async () => {
    // Make the database fail for one request: the table the route reads is renamed away.
    await sql`alter table calendar_overrides rename to calendar_overrides_hidden`.execute(t.app.db);
    let res: LightMyRequestResponse;
    try {
      res = await admin.request('GET', '/api/calendar/overrides');
    } finally {
      await sql`alter table calendar_overrides_hidden rename to calendar_overrides`.execute(t.app.db);
    }
    const body = expectProblem(res, 500, 'internal');
    const text = res.body.toLowerCase();
    for (const leak of [
      'relation',
      'does not exist',
      'calendar_overrides',
      'select',
      'postgres',
      'pglite',
      'stack',
      ' at ',
    ]) {
      expect(text, `leaks "${leak}"`).not.toContain(leak);
    }
    expect(body.message).toEqual({ zh: '服务器内部错误', en: 'Internal server error' });
    expect(body.detail).toBe('Internal server error');
    // The app still works afterwards.
    const after = await admin.request('PUT', '/api/calendar/overrides/2026-12-31', {
      isWorkday: false,
      name: '年末休假',
    });
    expect(after.statusCode).toBe(200);
    expect((await admin.request('DELETE', '/api/calendar/overrides/2026-12-31')).statusCode).toBe(204);
  });
});
