/**
 * Walks every registered /api route with every kind of caller and fails when a route answers
 * someone it should refuse, or refuses someone it should answer. The expectations below are written
 * by hand from the issue, independently of shared/policy.ts; a new route without an expectation
 * fails the test, so new routes are covered automatically.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  orgIdByName,
  accountIdByUsername,
  signIn,
  type Session,
  type TestApp,
} from '../../test/app.ts';
import { policyPlugin } from './policy.ts';

type Caller =
  | 'anonymous'
  | 'citizen'
  | 'cityAdmin'
  | 'districtAdmin'
  | 'reviewer'
  | 'cataloguer'
  | 'provider'
  | 'approver'
  | 'user'
  | 'security'
  | 'auditor'
  | 'deptAuditor'
  | 'evaluator'
  | 'credential';

const USERNAMES: Record<Exclude<Caller, 'anonymous' | 'credential'>, string> = {
  citizen: 'citizen',
  cityAdmin: 'admin',
  districtAdmin: 'heping.admin',
  reviewer: 'reviewer',
  cataloguer: 'scjg.cataloguer',
  provider: 'scjg.provider',
  approver: 'scjg.approver',
  user: 'scjg.user',
  security: 'scjg.security',
  auditor: 'auditor',
  deptAuditor: 'scjg.auditor',
  evaluator: 'evaluator',
};

const EVERYONE: Caller[] = [
  'anonymous',
  'citizen',
  'cityAdmin',
  'districtAdmin',
  'reviewer',
  'cataloguer',
  'provider',
  'approver',
  'user',
  'security',
  'auditor',
  'deptAuditor',
  'evaluator',
  'credential',
];
const SIGNED_IN = EVERYONE.filter((c) => c !== 'anonymous');
const PEOPLE = SIGNED_IN.filter((c) => c !== 'credential');
const STAFF = SIGNED_IN.filter((c) => c !== 'citizen');
const ADMINS: Caller[] = ['cityAdmin', 'districtAdmin'];
const CITY_ADMIN: Caller[] = ['cityAdmin'];
// The credential of the walk is issued to 市场监管 with the cataloguer and provider roles.
const CATALOGUERS: Caller[] = ['cataloguer', 'credential'];
const PROVIDERS: Caller[] = ['provider', 'credential'];
const STAFF_PEOPLE = STAFF.filter((c) => c !== 'credential');
// A department's data (issue 10): the state of it (versions, reports, settings, connectors) for its
// providers, approvers and cataloguers and its authority's administrators and reviewers; the rows
// for its providers and approvers (in full) and its authority's reviewers (masked); exports and
// file downloads for its providers and approvers only.
const PROVISION_VIEWERS: Caller[] = [
  ...ADMINS,
  'reviewer',
  'cataloguer',
  'provider',
  'approver',
  'credential',
];
const DATA_READERS: Caller[] = ['reviewer', 'provider', 'approver', 'credential'];
const DATA_EXPORTERS: Caller[] = ['provider', 'approver', 'credential'];

/** Who may pass each route's door. Keys are `METHOD url` as registered. */
const EXPECTED: Record<string, Caller[]> = {
  'GET /api/health': EVERYONE,
  'POST /api/auth/sign-in': EVERYONE,
  'POST /api/auth/register': EVERYONE,
  'POST /api/auth/sign-out': PEOPLE,
  'GET /api/auth/me': SIGNED_IN,
  'GET /api/auth/session': EVERYONE,
  'POST /api/auth/password': PEOPLE,
  'GET /api/roles': EVERYONE,
  'GET /api/divisions': EVERYONE,
  'POST /api/divisions': CITY_ADMIN,
  'PATCH /api/divisions/:code': CITY_ADMIN,
  'GET /api/organisations': STAFF,
  'GET /api/organisations/:id': STAFF,
  'POST /api/organisations': ADMINS,
  'PATCH /api/organisations/:id': ADMINS,
  'GET /api/accounts': ADMINS,
  'GET /api/accounts/:id': ADMINS,
  'POST /api/accounts': ADMINS,
  'PATCH /api/accounts/:id': ADMINS,
  'POST /api/accounts/:id/password': ADMINS,
  'POST /api/accounts/:id/unlock': ADMINS,
  'GET /api/credentials': [...ADMINS, 'security'],
  'POST /api/credentials': [...ADMINS, 'security'],
  'POST /api/credentials/:id/revoke': [...ADMINS, 'security'],
  'GET /api/audit': ['auditor', 'deptAuditor'],
  'GET /api/audit/verify': ['auditor', 'deptAuditor'],
  'GET /api/calendar/days': EVERYONE,
  'GET /api/calendar/deadline': EVERYONE,
  'GET /api/calendar/overrides': EVERYONE,
  'PUT /api/calendar/overrides/:date': CITY_ADMIN,
  'DELETE /api/calendar/overrides/:date': CITY_ADMIN,
  'GET /api/calendar/years': EVERYONE,
  'PUT /api/calendar/years/:year': CITY_ADMIN,
  'DELETE /api/calendar/years/:year': CITY_ADMIN,
  'GET /api/openapi.json': EVERYONE,
  'GET /api/catalog/legal-bases': STAFF,
  'POST /api/catalog/legal-bases': ['cityAdmin', 'reviewer'],
  'PATCH /api/catalog/legal-bases/:id': ['cityAdmin', 'reviewer'],
  'GET /api/catalog/entries': STAFF,
  'GET /api/catalog/mine': STAFF,
  'POST /api/catalog/entries': CATALOGUERS,
  'GET /api/catalog/entries/:id': STAFF,
  'PUT /api/catalog/entries/:id/draft': CATALOGUERS,
  'POST /api/catalog/entries/:id/submit': CATALOGUERS,
  'POST /api/catalog/entries/:id/review': ['reviewer'],
  'POST /api/catalog/entries/:id/revise': CATALOGUERS,
  'GET /api/catalog/entries/:id/versions': STAFF,
  'GET /api/catalog/entries/:id/diff': STAFF,
  'POST /api/catalog/duplicate-check': CATALOGUERS,
  'GET /api/catalog/review-queue': ['reviewer'],
  'GET /api/catalog/xlsx/template': CATALOGUERS,
  'POST /api/catalog/xlsx/import': CATALOGUERS,
  'GET /api/catalog/xlsx/export': STAFF,
  'GET /api/catalog/upkeep': [...ADMINS, 'reviewer', ...CATALOGUERS],
  'PUT /api/catalog/upkeep/schedule': [...ADMINS, 'reviewer'],
  'POST /api/catalog/upkeep/confirmations': CATALOGUERS,
  'POST /api/catalog/upkeep/scan': ['cityAdmin', 'reviewer'],
  'GET /api/provision/entries/:id/settings': PROVISION_VIEWERS,
  'PUT /api/provision/entries/:id/settings': PROVIDERS,
  'GET /api/provision/entries/:id/versions': PROVISION_VIEWERS,
  'GET /api/provision/entries/:id/versions/:versionId': PROVISION_VIEWERS,
  'POST /api/provision/entries/:id/versions/:versionId/restore': PROVIDERS,
  'POST /api/provision/entries/:id/push': PROVIDERS,
  'POST /api/provision/entries/:id/pushes': PROVIDERS,
  'GET /api/provision/entries/:id/pushes/:versionId': PROVIDERS,
  'POST /api/provision/entries/:id/pushes/:versionId/rows': PROVIDERS,
  'PUT /api/provision/entries/:id/pushes/:versionId/file': PROVIDERS,
  'POST /api/provision/entries/:id/pushes/:versionId/commit': PROVIDERS,
  'DELETE /api/provision/entries/:id/pushes/:versionId': PROVIDERS,
  'GET /api/provision/entries/:id/rows': DATA_READERS,
  'GET /api/provision/entries/:id/compare': DATA_READERS,
  'GET /api/provision/entries/:id/export': DATA_EXPORTERS,
  'POST /api/provision/entries/:id/upload': PROVIDERS,
  // Resumable (tus) uploads; HEAD /api/provision/uploads/:uploadId has the same rule as PATCH.
  'POST /api/provision/uploads': PROVIDERS,
  'PATCH /api/provision/uploads/:uploadId': PROVIDERS,
  'DELETE /api/provision/uploads/:uploadId': PROVIDERS,
  'GET /api/provision/entries/:id/uploads/:uploadId/preview': PROVIDERS,
  'POST /api/provision/entries/:id/uploads/:uploadId/ingest': PROVIDERS,
  'POST /api/provision/entries/:id/files': PROVIDERS,
  'GET /api/provision/entries/:id/versions/:versionId/files': PROVISION_VIEWERS,
  'GET /api/provision/entries/:id/versions/:versionId/files/:position': DATA_EXPORTERS,
  'GET /api/provision/entries/:id/connectors': PROVISION_VIEWERS,
  'POST /api/provision/entries/:id/connectors': PROVIDERS,
  'PUT /api/provision/entries/:id/connectors/:connectorId': PROVIDERS,
  'DELETE /api/provision/entries/:id/connectors/:connectorId': PROVIDERS,
  'POST /api/provision/entries/:id/connectors/:connectorId/run': PROVIDERS,
  'GET /api/provision/entries/:id/connectors/:connectorId/runs': PROVISION_VIEWERS,
  'GET /api/provision/connector-allow-list': CITY_ADMIN,
  'POST /api/provision/connector-allow-list': CITY_ADMIN,
  'PUT /api/provision/connector-allow-list/:id': CITY_ADMIN,
  'DELETE /api/provision/connector-allow-list/:id': CITY_ADMIN,
  'GET /api/provision/retention': CITY_ADMIN,
  'PUT /api/provision/retention': CITY_ADMIN,
  'GET /api/provision/quality': [...ADMINS, 'reviewer', 'cataloguer', 'provider', 'credential'],
  'GET /api/provision/quality/entries/:id': [...ADMINS, 'reviewer', 'cataloguer', 'provider', 'credential'],
  'PUT /api/provision/quality/entries/:id/declaration': PROVIDERS,
  'GET /api/open/catalog': EVERYONE,
  'GET /api/open/catalog/:id': EVERYONE,
  'GET /api/open/restrictions': EVERYONE,
  'GET /api/notifications': STAFF_PEOPLE,
  'POST /api/notifications/:id/read': STAFF_PEOPLE,
};

function expectedFor(method: string, url: string): Caller[] | undefined {
  if (url.startsWith('/api/docs')) return EVERYONE; // the generated documentation UI
  return EXPECTED[`${method} ${url}`];
}

let t: TestApp;
const sessions = new Map<Caller, Session>();
let credentialToken = '';
const params: Record<string, string> = {};

beforeAll(async () => {
  t = await buildTestApp();
  for (const [caller, username] of Object.entries(USERNAMES))
    sessions.set(caller as Caller, await signIn(t.app, username));
  const admin = sessions.get('cityAdmin');
  if (!admin) throw new Error('no admin session');
  const scjg = await orgIdByName(t.app, '沈阳市市场监督管理局');
  const issue = async (name: string) => {
    const res = await admin.request('POST', '/api/credentials', {
      orgId: scjg,
      name,
      roles: ['cataloguer', 'provider'],
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { token: string; credential: { id: string } };
  };
  credentialToken = (await issue('scjg-system')).token;
  params.id = scjg;
  params.accountId = await accountIdByUsername(t.app, 'scjg.user');
  params.credentialId = (await issue('revocation-target')).credential.id;
});

afterAll(async () => {
  await t?.close();
});

function concreteUrl(url: string): string {
  return url
    .replace(/^\/api\/accounts\/:id/, `/api/accounts/${params.accountId}`)
    .replace(/^\/api\/credentials\/:id/, `/api/credentials/${params.credentialId}`)
    .replace(':id', params.id ?? '')
    .replace(':code', '210102')
    .replace(':date', '2026-12-30')
    .replace(':year', '2031')
    .replace('*', 'index.html');
}

async function call(caller: Caller, method: string, url: string) {
  const headers: Record<string, string> = {};
  if (caller === 'credential') headers.authorization = `Bearer ${credentialToken}`;
  else if (caller !== 'anonymous') {
    const s = sessions.get(caller);
    if (!s) throw new Error(`no session for ${caller}`);
    headers.cookie = s.cookie;
    headers['x-csrf-token'] = s.csrf;
  }
  const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return t.app.inject({
    method: method as 'GET',
    url: concreteUrl(url),
    headers,
    ...(hasBody ? { payload: {} } : {}),
  });
}

describe('route-by-role authorization', () => {
  it('every /api route has an expectation, and every expectation a route', () => {
    const routes = t.app.routeTable.filter((r) => r.method !== 'HEAD');
    const missing = routes
      .filter((r) => expectedFor(r.method, r.url) === undefined)
      .map((r) => `${r.method} ${r.url}`);
    expect(missing, 'routes without an expectation in policy.test.ts').toEqual([]);
    const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(EXPECTED).filter((k) => !registered.has(k))).toEqual([]);
    expect(routes.length).toBeGreaterThan(30);
  });

  it('answers exactly the callers it should and refuses every other', async () => {
    const wrong: string[] = [];
    // Sign-out ends the session, so it runs last.
    const routes = t.app.routeTable
      .filter((r) => r.method !== 'HEAD')
      .sort((a, b) => Number(a.url === '/api/auth/sign-out') - Number(b.url === '/api/auth/sign-out'));
    for (const route of routes) {
      const allowed = expectedFor(route.method, route.url) ?? [];
      for (const caller of EVERYONE) {
        const res = await call(caller, route.method, route.url);
        const refused = res.statusCode === 401 || res.statusCode === 403;
        if (allowed.includes(caller) && refused) {
          wrong.push(
            `${route.method} ${route.url} refused ${caller}: ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
        }
        if (!allowed.includes(caller)) {
          if (!refused) wrong.push(`${route.method} ${route.url} answered ${caller} with ${res.statusCode}`);
          else if (caller === 'anonymous' && res.statusCode !== 401) {
            wrong.push(`${route.method} ${route.url} gave anonymous ${res.statusCode} instead of 401`);
          } else if (res.headers['content-type'] !== 'application/problem+json; charset=utf-8') {
            wrong.push(`${route.method} ${route.url} refused ${caller} without problem+json`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // Every route × 14 callers: over a thousand requests, longer than one test's default minute on a busy machine.
  }, 300_000);

  it('refuses a route registered without a policy at start-up (deny by default)', async () => {
    const app = Fastify();
    await app.register(policyPlugin);
    expect(() => app.get('/api/unguarded', async () => ({ ok: true }))).toThrow(/no authorization policy/);
    expect(() =>
      app.get('/api/guarded', { config: { policy: 'staff' } }, async () => ({ ok: true })),
    ).not.toThrow();
    await app.close().catch(() => undefined);
  });
});

describe('resource-level checks: other organisations and districts', () => {
  const body = { name: '改名测试' };
  // The walk above signed every session out; start new ones.
  beforeAll(async () => {
    for (const caller of ['districtAdmin', 'deptAuditor'] as const)
      sessions.set(caller, await signIn(t.app, USERNAMES[caller]));
  });

  it('a district administrator cannot change a city department or its accounts', async () => {
    const heping = sessions.get('districtAdmin');
    if (!heping) throw new Error('no session');
    const res = await heping.request('PATCH', `/api/organisations/${params.id}`, body);
    expect(res.statusCode).toBe(403);
    expect((await heping.request('GET', `/api/accounts/${params.accountId}`)).statusCode).toBe(404);
    const create = await heping.request('POST', '/api/accounts', {
      username: 'sneaky.user',
      displayName: '越权账号',
      orgId: params.id,
      roles: ['user'],
      password: 'Abcdef12345!',
    });
    expect(create.statusCode).toBe(403);
    const name = await t.app.db
      .selectFrom('organisations')
      .select('name')
      .where('id', '=', params.id ?? '')
      .executeTakeFirst();
    expect(name?.name).toBe('沈阳市市场监督管理局');
    const sneaky = await t.app.db
      .selectFrom('accounts')
      .select('id')
      .where('username', '=', 'sneaky.user')
      .executeTakeFirst();
    expect(sneaky).toBeUndefined();
  });

  it("a district administrator sees only its district's accounts", async () => {
    const heping = sessions.get('districtAdmin');
    if (!heping) throw new Error('no session');
    const res = await heping.request('GET', '/api/accounts?pageSize=200');
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: { username: string }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((a) => a.username.startsWith('heping.'))).toBe(true);
  });

  it("another department's security officer can neither see nor revoke a department's credentials", async () => {
    const gongan = await signIn(t.app, 'gongan.security');
    const list = await gongan.request('GET', '/api/credentials');
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: unknown[] }).items).toEqual([]);
    const revoke = await gongan.request('POST', `/api/credentials/${params.credentialId}/revoke`);
    expect(revoke.statusCode).toBe(404);
    const issue = await gongan.request('POST', '/api/credentials', {
      orgId: params.id,
      name: 'x',
      roles: ['provider'],
    });
    expect(issue.statusCode).toBe(403);
  });

  it("a department auditor reads only its own organisation's audit entries", async () => {
    const deptAuditor = sessions.get('deptAuditor');
    if (!deptAuditor) throw new Error('no session');
    const res = await deptAuditor.request('GET', '/api/audit?pageSize=200');
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: { orgId: string | null }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.orgId === params.id)).toBe(true);
  });

  it('a credential acts only within its organisation and roles', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${credentialToken}` },
    });
    expect(res.statusCode).toBe(200);
    const me = res.json() as { account: { kind: string; org: { id: string }; roles: string[] } };
    expect(me.account.kind).toBe('credential');
    expect(me.account.org.id).toBe(params.id);
    expect(me.account.roles.sort()).toEqual(['cataloguer', 'provider']);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: 'Bearer hk_nope.nope' },
    });
    expect(bad.statusCode).toBe(401);
  });
});
