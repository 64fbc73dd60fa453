/**
 * The generated bad-input suite (issue 10, "the class, not just the cases"): for every route of the
 * OpenAPI document, requests generated from its schemas with one value just outside them or hostile
 * (test/bad-input.ts), sent as anonymous, as a public account and as callers that pass the route's
 * policy (staff of the right role, and an API credential for department routes), so validation and
 * handlers are exercised. For every request: no 5xx; a refusal is problem+json with a code; a request
 * outside the schema is refused (4xx); and nothing changes in the database or the audit trail except
 * an audited refusal. Reads also get awkward values inside their schemas. Streaming routes (uploads,
 * push batches, tus) get hostile headers, parameters and bodies.
 *
 * Seeded and bounded: HUITONG_BAD_INPUT_SEED (printed on failure) and HUITONG_BAD_INPUT_RUNS
 * (requests per route and passing caller; default 6).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BODY_LEVEL,
  mutations,
  routesOf,
  urlOf,
  validValue,
  type BaseRequest,
  type Mutation,
  type RouteDoc,
} from '../test/bad-input.ts';
import {
  accountIdByUsername,
  buildTestApp,
  orgIdByName,
  signIn,
  type Session,
  type TestApp,
} from '../test/app.ts';
import { publishAnnualReports } from '../test/provision.ts';
import { tusCreate, tusMetadata, uploadIdOf } from '../test/uploads.ts';
import type { RoutePolicy } from './shared/policy.ts';

const SEED = Number(process.env.HUITONG_BAD_INPUT_SEED ?? 20_260_310);
const RUNS = Number(process.env.HUITONG_BAD_INPUT_RUNS ?? 6);

type CallerName =
  | 'anonymous'
  | 'citizen'
  | 'admin'
  | 'reviewer'
  | 'auditor'
  | 'scjg.cataloguer'
  | 'scjg.provider'
  | 'credential';

/** Callers that pass each route policy (shared/policy.ts), so their requests reach validation. */
const PASSING: Record<RoutePolicy, CallerName[]> = {
  public: ['admin'],
  signedIn: ['scjg.provider'],
  person: ['scjg.provider'],
  staff: ['scjg.provider'],
  admin: ['admin'],
  cityAdmin: ['admin'],
  credentialManager: ['admin'],
  auditor: ['auditor'],
  staffPerson: ['scjg.provider'],
  cataloguer: ['scjg.cataloguer', 'credential'],
  reviewer: ['reviewer'],
  cityKeeper: ['reviewer'],
  keeper: ['reviewer'],
  upkeepViewer: ['reviewer'],
  provider: ['scjg.provider', 'credential'],
  provisionViewer: ['scjg.provider', 'credential'],
  dataReader: ['scjg.provider', 'credential'],
  dataExporter: ['scjg.provider', 'credential'],
};

/** Routes whose bodies are streamed (files, batches, tus chunks), not parsed as JSON. */
const STREAMED = [
  'POST /api/provision/entries/:id/upload',
  'POST /api/provision/entries/:id/pushes/:versionId/rows',
  'PUT /api/provision/entries/:id/pushes/:versionId/file',
  'POST /api/catalog/xlsx/import',
  'POST /api/provision/uploads',
  'PATCH /api/provision/uploads/:uploadId',
];

/** Reads that write an audit entry when they answer (an export hands over a whole dataset). */
const AUDITED_READS = ['GET /api/provision/entries/:id/export'];

let t: TestApp;
let dataDir = '';
const sessions = new Map<CallerName, Session>();
let credentialToken = '';
const ids: Record<string, string> = {};
const CSV = 'credit_code,name\n91210100MA0P4AXX9E,沈阳商贸有限公司\n';

beforeAll(async () => {
  dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'huitong-bad-input-'));
  t = await buildTestApp({ dataDir, uploadLimit: 1024 * 1024 });
  for (const name of ['citizen', 'admin', 'reviewer', 'auditor', 'scjg.cataloguer', 'scjg.provider'] as const)
    sessions.set(name, await signIn(t.app, name));
  const admin = must(sessions.get('admin'));
  const provider = must(sessions.get('scjg.provider'));
  ids.org = await orgIdByName(t.app, '沈阳市市场监督管理局');
  ids.account = await accountIdByUsername(t.app, 'scjg.user');
  const issue = async (name: string) => {
    const res = await admin.request('POST', '/api/credentials', {
      orgId: ids.org,
      name,
      roles: ['cataloguer', 'provider'],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ token: string; credential: { id: string } }>();
  };
  credentialToken = (await issue('bad-input-system')).token;
  ids.credential = (await issue('bad-input-target')).credential.id;
  ids.entry = (
    await publishAnnualReports(must(sessions.get('scjg.cataloguer')), must(sessions.get('reviewer')))
  ).id;
  const basis = await sessions.get('reviewer')?.request('POST', '/api/catalog/legal-bases', {
    title: '《沈阳市政务数据资源共享开放条例》',
    kind: 'local_regulation',
    article: '第十条',
    quote: '政务部门应当按照目录提供数据。',
  });
  ids.legalBasis =
    basis?.statusCode === 201 ? basis.json<{ id: string }>().id : (fc.sample(fc.uuid(), 1)[0] ?? '');
  const uploaded = await t.app.inject({
    method: 'POST',
    url: `/api/provision/entries/${ids.entry}/upload?format=csv`,
    headers: { cookie: provider.cookie, 'x-csrf-token': provider.csrf, 'content-type': 'text/csv' },
    payload: CSV,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  ids.version = uploaded.json<{ versionId: string }>().versionId;
  const push = await t.app.inject({
    method: 'POST',
    url: `/api/provision/entries/${ids.entry}/pushes`,
    headers: {
      cookie: provider.cookie,
      'x-csrf-token': provider.csrf,
      'idempotency-key': 'bad-input-session',
    },
    payload: {},
  });
  expect(push.statusCode, push.body).toBe(201);
  ids.pushVersion = push.json<{ versionId: string }>().versionId;
  ids.credentialUpload = uploadIdOf(
    await tusCreate(
      t.app,
      { token: credentialToken },
      { entryId: ids.entry, filename: 'c.csv', format: 'csv' },
      100,
    ),
  );
  ids.upload = uploadIdOf(
    await tusCreate(t.app, provider, { entryId: ids.entry, filename: 'a.csv', format: 'csv' }, 100),
  );
  const allow = await admin.request('POST', '/api/provision/connector-allow-list', { host: '192.0.2.10' });
  expect(allow.statusCode, allow.body).toBe(201);
  ids.allow = allow.json<{ id: string }>().id;
  const connector = await provider.request('POST', `/api/provision/entries/${ids.entry}/connectors`, {
    kind: 'http',
    enabled: false,
    schedule: 'manual',
    url: 'http://192.0.2.10/data.csv',
    format: 'csv',
  });
  ids.connector =
    connector.statusCode === 201
      ? connector.json<{ id: string }>().id
      : '6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e';
}, 300_000);

afterAll(async () => {
  await t?.close();
  if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
});

function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('missing fixture');
  return v;
}

/** The path parameters of a route: the fixtures of the module it belongs to. */
function paramsOf(url: string, caller: CallerName): Record<string, string> {
  const id = url.startsWith('/api/organisations/')
    ? ids.org
    : url.startsWith('/api/accounts/')
      ? ids.account
      : url.startsWith('/api/credentials/')
        ? ids.credential
        : url.startsWith('/api/catalog/legal-bases/')
          ? ids.legalBasis
          : url.startsWith('/api/provision/connector-allow-list/')
            ? ids.allow
            : url.startsWith('/api/notifications/')
              ? '6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e'
              : ids.entry;
  return {
    id: id ?? '',
    versionId: (url.includes('/pushes/') ? ids.pushVersion : ids.version) ?? '',
    connectorId: ids.connector ?? '',
    // A resumable upload is only its creator's.
    uploadId: (caller === 'credential' ? ids.credentialUpload : ids.upload) ?? '',
    position: '1',
    code: '210102',
    date: '2026-12-30',
    year: '2031',
  };
}

/** The base request of a route: fixtures for its parameters, valid values where the schema asks. */
function baseOf(route: RouteDoc, caller: CallerName): BaseRequest {
  const uuids = { default: ids.entry ?? '', orgId: ids.org ?? '', entryId: ids.entry ?? '' };
  const base: BaseRequest = { params: paramsOf(route.url, caller), query: {}, headers: {}, body: undefined };
  for (const p of route.params) {
    if (p.in === 'query' && p.required) base.query[p.name] = validValue(p.schema, p.name, uuids);
    if (p.in === 'header' && p.required) base.headers[p.name] = String(validValue(p.schema, p.name, uuids));
  }
  if (route.body) base.body = validValue(route.body, '', uuids);
  const key = `${route.method} ${route.url}`;
  if (
    key === 'POST /api/provision/entries/:id/upload' ||
    key === 'PUT /api/provision/entries/:id/pushes/:versionId/file'
  )
    base.rawBody = { payload: CSV, contentType: 'text/csv' };
  if (key === 'POST /api/provision/entries/:id/pushes/:versionId/rows')
    base.rawBody = {
      payload: '[{"credit_code":"91210100MA0P4AXX9E","name":"x"}]',
      contentType: 'application/json',
    };
  if (key === 'POST /api/catalog/xlsx/import')
    base.rawBody = { payload: 'not a workbook', contentType: 'application/octet-stream' };
  return base;
}

/** Hostile requests of the tus routes, which have no schema for the document to describe. */
function tusMutations(route: RouteDoc): fc.Arbitrary<Mutation> | null {
  const header = (name: string, values: string[]) =>
    fc.constantFrom(...values).map((v): Mutation => ({
      where: `headers:${name} ${JSON.stringify(v).slice(0, 60)}`,
      kind: 'outside',
      apply: (b) => ({ ...b, headers: { ...b.headers, [name]: v } }),
    }));
  const uploadId = fc
    .constantFrom(
      'nope',
      'urn:uuid:6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e',
      '..',
      '%00',
      '%ED%A0%80',
      'x'.repeat(90),
    )
    .map((raw): Mutation => ({
      where: `params:uploadId raw ${raw.slice(0, 40)}`,
      kind: 'outside',
      apply: (b) => ({ ...b, params: { ...b.params, uploadId: { raw } } }),
    }));
  const entry = ids.entry ?? '';
  const meta = (m: Record<string, string>) => tusMetadata(m);
  switch (`${route.method} ${route.url}`) {
    case 'POST /api/provision/uploads':
      return fc.oneof(
        header('upload-length', ['-1', 'abc', '1e308', '99999999999999999999', '', String(1024 * 1024 * 64)]),
        header('tus-resumable', ['0.2.2', '', 'x'.repeat(300)]),
        header('upload-metadata', [
          meta({ entryId: entry, filename: 'report\u202efdp.exe' }),
          meta({ entryId: entry, filename: 'del\u007f.csv' }),
          meta({ entryId: entry, filename: '../../etc/passwd' }),
          meta({ entryId: entry, filename: 'a\u0000.csv' }),
          meta({ entryId: entry, filename: 'x'.repeat(300) }),
          meta({ entryId: 'nope', filename: 'a.csv' }),
          meta({ entryId: `urn:uuid:${entry}`, filename: 'a.csv' }),
          meta({ entryId: entry, filename: 'a.csv', format: 'doc\u0000' }),
          meta({ entryId: entry, filename: 'a.csv', encoding: 'ebcdic' }),
          'entryId',
          'entryId !!!,filename ???',
          'a b c d',
          `${'x'.repeat(5000)} eA==`,
        ]),
      );
    case 'PATCH /api/provision/uploads/:uploadId':
      return fc.oneof(
        uploadId,
        header('upload-offset', ['-1', 'abc', '1e308', '99999999999999999999', '', '5']),
        header('content-type', ['text/plain', 'application/json']),
      );
    case 'HEAD /api/provision/uploads/:uploadId':
    case 'DELETE /api/provision/uploads/:uploadId':
      return uploadId;
    default:
      return null;
  }
}

function headersOf(caller: CallerName, req: BaseRequest, route: RouteDoc): Record<string, string> {
  const headers: Record<string, string> = { ...req.headers };
  if (caller === 'credential') headers.authorization = `Bearer ${credentialToken}`;
  else if (caller !== 'anonymous') {
    const s = must(sessions.get(caller));
    headers.cookie = s.cookie;
    headers['x-csrf-token'] = s.csrf;
  }
  if (route.url.startsWith('/api/provision/uploads')) {
    headers['tus-resumable'] ??= '1.0.0';
    if (route.method === 'POST') {
      headers['upload-length'] ??= '100';
      headers['upload-metadata'] ??= tusMetadata({ entryId: ids.entry ?? '', filename: 'b.csv' });
    }
    if (route.method === 'PATCH') {
      headers['upload-offset'] ??= '0';
      headers['content-type'] ??= 'application/offset+octet-stream';
    }
  }
  return headers;
}

async function send(caller: CallerName, route: RouteDoc, req: BaseRequest): Promise<LightMyRequestResponse> {
  const headers = headersOf(caller, req, route);
  const withBody = route.method !== 'GET' && route.method !== 'HEAD';
  let payload: string | Buffer | undefined;
  if (req.rawBody) {
    payload = req.rawBody.payload;
    headers['content-type'] ??= req.rawBody.contentType;
  } else if (withBody && req.body !== undefined) {
    payload = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  return t.app.inject({
    method: route.method as 'GET',
    url: urlOf(route.url, req),
    headers,
    ...(payload !== undefined ? { payload } : {}),
  });
}

/** Row counts and contents of every table (sessions only counted: reading touches them), audit by result. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    order by 1, 2`.execute(t.app.db);
  const parts = tables.rows.map((r) => {
    const table = sql.table(`${r.schema}.${r.name}`);
    const key = `${r.schema}.${r.name}`;
    if (r.name === 'audit_log')
      return sql`${sql.lit(key)}, (select count(*) filter (where result <> 'denied')::text || ' +' || count(*) filter (where result = 'denied')::text from ${table})`;
    if (r.name === 'sessions') return sql`${sql.lit(key)}, (select count(*)::text from ${table})`;
    // Columns that every use touches (a credential's last use) are left out of the checksum.
    return sql`${sql.lit(key)}, (select count(*)::text || ':' || coalesce(sum(hashtext((to_jsonb(x) - 'last_used_at' - 'last_sign_in_at')::text)), 0)::text from ${table} x)`;
  });
  const row = await sql<{
    s: Record<string, string>;
  }>`select json_build_object(${sql.join(parts)}) as s`.execute(t.app.db);
  const s = row.rows[0]?.s ?? {};
  return typeof s === 'string' ? (JSON.parse(s) as Record<string, string>) : s;
}

/** What changed between two snapshots, except refusals added to the audit trail. */
function changes(before: Record<string, string>, after: Record<string, string>): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [a, b] = [before[key], after[key]];
    if (a === b) continue;
    if (key.endsWith('.audit_log') && a?.split(' ')[0] === b?.split(' ')[0]) continue;
    out.push(`${key}: ${a} → ${b}`);
  }
  return out;
}

function check(
  res: LightMyRequestResponse,
  route: RouteDoc,
  caller: CallerName,
  mutation: Pick<Mutation, 'kind' | 'where'>,
  passing: boolean,
): string | null {
  const status = res.statusCode;
  if (status >= 500) return `${status} ${res.body.slice(0, 200)}`;
  if (status >= 400 && route.method !== 'HEAD') {
    if (!String(res.headers['content-type']).startsWith('application/problem+json'))
      return `${status} without problem+json: ${String(res.headers['content-type'])}`;
    const code = (JSON.parse(res.body) as { code?: unknown }).code;
    if (typeof code !== 'string') return `${status} problem without a code`;
  }
  if (mutation.kind === 'outside' && (status < 400 || status >= 500))
    return `accepted with ${status}: ${res.body.slice(0, 160)}`;
  if (passing && (status === 401 || status === 403) && mutation.kind === 'outside')
    return `the passing caller ${caller} was refused (${status}): the request never reached validation`;
  return null;
}

describe('generated bad input on every route', () => {
  it('answers every generated request without a 5xx, with problem+json, and changes nothing', async () => {
    const started = Date.now();
    const doc = t.app.swagger();
    const routes = [
      ...routesOf(doc),
      { method: 'HEAD', url: '/api/provision/uploads/:uploadId', params: [], body: null } satisfies RouteDoc,
    ]
      .filter((r) => r.url.startsWith('/api/'))
      // Sign-out ends the caller's session: last.
      .sort((a, b) => Number(a.url === '/api/auth/sign-out') - Number(b.url === '/api/auth/sign-out'));
    const policies = new Map(t.app.routeTable.map((r) => [`${r.method} ${r.url}`, r.policy]));
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<string, number>();
    let before = await snapshot();
    let n = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      const policy = policies.get(key);
      if (!policy) {
        failures.push(`${key}: not in the route table`);
        continue;
      }
      const passing = PASSING[policy];
      const callers: [CallerName, number][] = [
        ['anonymous', 2],
        ['citizen', 2],
        ...passing.map((c): [CallerName, number] => [c, RUNS]),
      ];
      const reads = route.method === 'GET' || route.method === 'HEAD';
      const generated = tusMutations(route) ?? mutations(route, { reads });
      for (const [caller, runs] of callers) {
        const base = baseOf(route, caller);
        const seed = SEED + n++;
        // A route that takes no input gets only the body-level refusals (its plain request would act).
        const list = generated ? fc.sample(generated, { seed, numRuns: runs }) : [];
        const streamed = STREAMED.includes(key) || route.url.startsWith('/api/provision/uploads');
        const bodyLevel =
          !reads && (!streamed || key.endsWith('/rows'))
            ? BODY_LEVEL.filter((b) => !(streamed && b.where === 'prototype poisoning'))
            : [];
        const requests: { m: Pick<Mutation, 'kind' | 'where'>; req: BaseRequest }[] = [
          ...list.map((m) => ({ m, req: m.apply(base) })),
          // Body-level refusals, once per route for a passing caller.
          ...(passing.includes(caller) && caller === passing[0]
            ? bodyLevel.map((b) => ({
                m: { kind: 'outside' as const, where: b.where },
                req: { ...base, rawBody: { payload: b.payload, contentType: b.contentType } },
              }))
            : []),
        ];
        for (const { m, req } of requests) {
          const res = await send(caller, route, req);
          sent++;
          const bucket = `${m.kind} ${res.statusCode}`;
          statuses.set(bucket, (statuses.get(bucket) ?? 0) + 1);
          const problem = check(res, route, caller, m, passing.includes(caller));
          const after = await snapshot();
          const audited = AUDITED_READS.includes(key) && res.statusCode === 200;
          const changed = changes(before, after).filter(
            (c) => !(audited && c.startsWith('public.audit_log')),
          );
          before = after;
          const where = `${key} as ${caller} (seed ${seed}) ${m.where}`;
          if (problem) failures.push(`${where}: ${problem}`);
          if (changed.length > 0 && (m.kind === 'outside' || reads))
            failures.push(`${where}: changed ${changed.join('; ')} (answer ${res.statusCode})`);
        }
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `bad-input: ${sent} requests on ${routes.length} routes in ${seconds.toFixed(1)} s (seed ${SEED}); answers: ${[
        ...statuses,
      ]
        .sort()
        .map(([k, v]) => `${k}×${v}`)
        .join(', ')}`,
    );
    expect(failures, `seed ${SEED} (HUITONG_BAD_INPUT_SEED)`).toEqual([]);
  }, 600_000);
});
