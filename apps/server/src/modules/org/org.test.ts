import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountIdByUsername,
  buildTestApp,
  orgIdByName,
  signIn,
  type Session,
  type TestApp,
} from '../../../test/app.ts';
import { creditCodeCheckCharacter } from '../../shared/identifiers.ts';

let t: TestApp;
let admin: Session;
let heping: Session;

/** A valid credit code built from 17 characters (the check character computed per GB 32100). */
function code(first17: string): string {
  return first17 + (creditCodeCheckCharacter(first17) ?? '');
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t.app, 'admin');
  heping = await signIn(t.app, 'heping.admin');
});
afterAll(async () => {
  await t?.close();
});

const orgCount = async () => (await t.app.db.selectFrom('organisations').select('id').execute()).length;

describe('demo city', () => {
  it('has the city, 13 districts and counties, authorities, departments, enterprises and an evaluator', async () => {
    const divisions = await t.app.inject({ method: 'GET', url: '/api/divisions' });
    const items = (divisions.json() as { items: { code: string; kind: string }[] }).items;
    expect(items.filter((d) => d.code !== '210100')).toHaveLength(13);
    expect(items.find((d) => d.code === '210181')?.kind).toBe('county_city');
    const list = async (query: string) =>
      (await admin.request('GET', `/api/organisations?pageSize=200&${query}`)).json() as {
        items: { name: string; level: string; creditCode: string }[];
        total: number;
      };
    const authorities = await list('kind=authority');
    expect(authorities.total).toBeGreaterThanOrEqual(4);
    const departments = await list('kind=department');
    expect(departments.items.filter((o) => o.level === 'city').length).toBeGreaterThanOrEqual(20);
    expect(departments.items.filter((o) => o.level === 'district').length).toBeGreaterThanOrEqual(3);
    expect((await list('kind=enterprise')).items.map((o) => o.name)).toEqual(
      expect.arrayContaining(['沈阳水务集团有限公司', '沈阳燃气有限公司']),
    );
    expect((await list('kind=evaluator')).total).toBe(1);
    // Every demo credit code passes its GB 32100 check.
    for (const o of [...authorities.items, ...departments.items]) {
      expect(creditCodeCheckCharacter(o.creditCode.slice(0, 17))).toBe(o.creditCode.charAt(17));
    }
  });

  it('finds organisations by Chinese name fragment', async () => {
    const res = await admin.request('GET', `/api/organisations?q=${encodeURIComponent('市场监督')}`);
    const names = (res.json() as { items: { name: string }[] }).items.map((o) => o.name);
    expect(names).toContain('沈阳市市场监督管理局');
    expect(names).toContain('沈阳市和平区市场监督管理局');
    expect(names).not.toContain('沈阳市公安局');
  });
});

describe('organisations', () => {
  it('the city administrator creates a city department with a valid credit code', async () => {
    const before = await orgCount();
    const res = await admin.request('POST', '/api/organisations', {
      name: '沈阳市体育局',
      shortName: '市体育局',
      kind: 'department',
      level: 'city',
      creditCode: code('11210100MB1234567'),
      divisionCode: '210100',
      contactEmail: 'ty@example.gov.cn',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: '沈阳市体育局', divisionName: '沈阳市', kind: 'department' });
    expect(await orgCount()).toBe(before + 1);
    const audit = await t.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'org.create')
      .execute();
    expect(audit.some((a) => a.target_id === res.json().id && a.actor_name === 'admin')).toBe(true);
  });

  it('refuses a wrong check character, a duplicate credit code, an unknown division, and changes nothing', async () => {
    const before = await orgCount();
    const good = code('11210100MB7654321');
    const wrongCheck = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    const base = { name: '沈阳市测试局', kind: 'department', level: 'city', divisionCode: '210100' };
    const bad = await admin.request('POST', '/api/organisations', { ...base, creditCode: wrongCheck });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().fields[0]).toMatchObject({ field: 'creditCode' });
    expect(bad.json().message.zh).toContain('校验码');
    const lower = await admin.request('POST', '/api/organisations', {
      ...base,
      creditCode: good.toLowerCase(),
    });
    expect(lower.statusCode).toBe(400);
    const taken = await admin.request('POST', '/api/organisations', {
      ...base,
      creditCode: (
        await admin.request('GET', `/api/organisations/${await orgIdByName(t.app, '沈阳市公安局')}`)
      ).json().creditCode,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('credit_code_taken');
    const division = await admin.request('POST', '/api/organisations', {
      ...base,
      creditCode: good,
      divisionCode: '999999',
    });
    expect(division.statusCode).toBe(400);
    expect(division.json().fields[0].field).toBe('divisionCode');
    expect(await orgCount()).toBe(before);
  });

  it('a district administrator creates departments only in its own district, at district level', async () => {
    const ok = await heping.request('POST', '/api/organisations', {
      name: '沈阳市和平区教育局',
      kind: 'department',
      level: 'district',
      creditCode: code('11210102MB0000123'),
      divisionCode: '210102',
    });
    expect(ok.statusCode).toBe(201);
    const otherDistrict = await heping.request('POST', '/api/organisations', {
      name: '沈阳市浑南区体育局',
      kind: 'department',
      level: 'district',
      creditCode: code('11210112MB0000456'),
      divisionCode: '210112',
    });
    expect(otherDistrict.statusCode).toBe(403);
    const cityLevel = await heping.request('POST', '/api/organisations', {
      name: '沈阳市某市直机构',
      kind: 'department',
      level: 'city',
      creditCode: code('11210102MB0000789'),
      divisionCode: '210102',
    });
    expect(cityLevel.statusCode).toBe(403);
    const move = await heping.request('PATCH', `/api/organisations/${ok.json().id}`, {
      divisionCode: '210112',
    });
    expect(move.statusCode).toBe(403);
  });

  it('edits contacts and deactivates an organisation', async () => {
    const id = await orgIdByName(t.app, '沈阳市统计局');
    const res = await admin.request('PATCH', `/api/organisations/${id}`, {
      contactName: '数据管理处 王五',
      active: false,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ contactName: '数据管理处 王五', active: false });
    // Staff of an inactive organisation can no longer sign in to a working session.
    const s = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { username: 'tj.user', password: 'Huitong@2026' },
    });
    const cookie = s.cookies.find((c) => c.name === 'huitong_sid')?.value ?? '';
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `huitong_sid=${cookie}` },
    });
    expect(me.statusCode).toBe(401);
  });
});

describe('organisation parents', () => {
  const dept = (name: string, first17: string, extra: Record<string, unknown>) => ({
    name,
    kind: 'department',
    level: 'district',
    divisionCode: '210102',
    creditCode: code(first17),
    ...extra,
  });
  const parentOf = async (id: string) =>
    (
      await t.app.db
        .selectFrom('organisations')
        .select('parent_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).parent_id;

  it("refuses a parent outside the administrator's jurisdiction, naming the field", async () => {
    const before = await orgCount();
    const hunnanDept = await orgIdByName(t.app, '沈阳市浑南区教育局');
    const cityDept = await orgIdByName(t.app, '沈阳市市场监督管理局');
    for (const parentId of [hunnanDept, cityDept]) {
      const res = await heping.request(
        'POST',
        '/api/organisations',
        dept('沈阳市和平区测试局甲', '11210102MB0001001', { parentId }),
      );
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().fields[0].field).toBe('parentId');
      expect(res.json().message.zh).toMatch(/[\u4e00-\u9fa5]/);
    }
    // Nor by editing an organisation of one's own district.
    const own = await orgIdByName(t.app, '沈阳市和平区卫生健康局');
    const edit = await heping.request('PATCH', `/api/organisations/${own}`, { parentId: hunnanDept });
    expect(edit.statusCode).toBe(403);
    expect(edit.json().fields[0].field).toBe('parentId');
    expect(await parentOf(own)).toBe(await orgIdByName(t.app, '沈阳市和平区大数据管理局'));
    expect(await orgCount()).toBe(before);
  });

  it('keeps parents within a level and a division, even for the city administrator', async () => {
    const before = await orgCount();
    const hunnanAuthority = await orgIdByName(t.app, '沈阳市浑南区大数据管理局');
    const cityDept = await orgIdByName(t.app, '沈阳市市场监督管理局');
    const hepingDept = await orgIdByName(t.app, '沈阳市和平区市场监督管理局');
    const cases: [string, Record<string, unknown>][] = [
      // A district department under another district's authority, or under a city department.
      ['沈阳市和平区测试局乙', { parentId: hunnanAuthority }],
      ['沈阳市和平区测试局丙', { parentId: cityDept }],
      // A city department under a district one.
      ['沈阳市测试局丁', { level: 'city', divisionCode: '210100', parentId: hepingDept }],
    ];
    let n = 2;
    for (const [name, extra] of cases) {
      const res = await admin.request(
        'POST',
        '/api/organisations',
        dept(name, `11210102MB000100${n++}`, extra),
      );
      expect(res.statusCode, name).toBe(400);
      expect(res.json().fields[0].field).toBe('parentId');
    }
    expect(await orgCount()).toBe(before);
    // Its own district's authority or another organisation of the district is fine.
    const ok = await heping.request(
      'POST',
      '/api/organisations',
      dept('沈阳市和平区测试局戊', '11210102MB0001009', { parentId: hepingDept }),
    );
    expect(ok.statusCode).toBe(201);
    // A district authority's parent is the city's authority (as in the demo city).
    const hepingAuthority = await orgIdByName(t.app, '沈阳市和平区大数据管理局');
    expect(await parentOf(hepingAuthority)).toBe(await orgIdByName(t.app, '沈阳市大数据管理局'));
    // Moving an organisation to another district needs a parent there.
    const moved = await admin.request('PATCH', `/api/organisations/${ok.json().id}`, {
      divisionCode: '210112',
    });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().fields[0].field).toBe('parentId');
    const withParent = await admin.request('PATCH', `/api/organisations/${ok.json().id}`, {
      divisionCode: '210112',
      parentId: hunnanAuthority,
    });
    expect(withParent.statusCode).toBe(200);
    expect(withParent.json()).toMatchObject({ divisionCode: '210112', parentId: hunnanAuthority });
  });

  it('refuses cycles: an organisation as its own parent or under one of its descendants', async () => {
    const hepingAuthority = await orgIdByName(t.app, '沈阳市和平区大数据管理局');
    const create = async (name: string, first17: string, parentId: string) => {
      const res = await admin.request('POST', '/api/organisations', dept(name, first17, { parentId }));
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const a = await create('沈阳市和平区循环甲', '11210102MB0001011', hepingAuthority);
    const b = await create('沈阳市和平区循环乙', '11210102MB0001012', a);
    const c = await create('沈阳市和平区循环丙', '11210102MB0001013', b);
    for (const [id, parentId] of [
      [a, a],
      [a, b],
      [a, c],
      [b, c],
    ] as const) {
      const res = await admin.request('PATCH', `/api/organisations/${id}`, { parentId });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('org_parent_cycle');
      expect(res.json().fields[0].field).toBe('parentId');
    }
    expect([await parentOf(a), await parentOf(b), await parentOf(c)]).toEqual([hepingAuthority, a, b]);
    // Moving a parent away from its children is refused too.
    const move = await admin.request('PATCH', `/api/organisations/${b}`, {
      divisionCode: '210112',
      parentId: await orgIdByName(t.app, '沈阳市浑南区大数据管理局'),
    });
    expect(move.statusCode).toBe(409);
    expect(move.json()).toMatchObject({ code: 'org_children_misplaced' });
    expect(move.json().fields[0].field).toBe('divisionCode');
    // Re-parenting within the district, without a cycle, works.
    expect((await admin.request('PATCH', `/api/organisations/${c}`, { parentId: a })).statusCode).toBe(200);
  });
});

describe('scope parameters outside the jurisdiction are refused', () => {
  it('accounts: ?orgId of another district or a city-level body is a 403 naming orgId', async () => {
    const cityDept = await orgIdByName(t.app, '沈阳市公安局');
    const hunnanDept = await orgIdByName(t.app, '沈阳市浑南区教育局');
    for (const orgId of [cityDept, hunnanDept]) {
      const res = await heping.request('GET', `/api/accounts?orgId=${orgId}`);
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().fields[0].field).toBe('orgId');
    }
    const own = await heping.request(
      'GET',
      `/api/accounts?orgId=${await orgIdByName(t.app, '沈阳市和平区卫生健康局')}`,
    );
    expect(own.statusCode).toBe(200);
    expect(own.json().total).toBeGreaterThan(0);
    const unknown = await heping.request('GET', '/api/accounts?orgId=00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().fields[0].field).toBe('orgId');
  });

  it("credentials: a security officer may not list another organisation, a district administrator the city's", async () => {
    const security = await signIn(t.app, 'scjg.security');
    const other = await security.request(
      'GET',
      `/api/credentials?orgId=${await orgIdByName(t.app, '沈阳市公安局')}`,
    );
    expect(other.statusCode).toBe(403);
    expect(other.json().fields[0].field).toBe('orgId');
    const own = await security.request(
      'GET',
      `/api/credentials?orgId=${await orgIdByName(t.app, '沈阳市市场监督管理局')}`,
    );
    expect(own.statusCode).toBe(200);
    const city = await heping.request(
      'GET',
      `/api/credentials?orgId=${await orgIdByName(t.app, '沈阳市市场监督管理局')}`,
    );
    expect(city.statusCode).toBe(403);
  });
});

describe('accounts', () => {
  it('creates a staff account with roles fitting the organisation; the person must change the password', async () => {
    const orgId = await orgIdByName(t.app, '沈阳市民政局');
    const res = await admin.request('POST', '/api/accounts', {
      username: 'mz.zhaoliu',
      displayName: '赵六',
      orgId,
      roles: ['cataloguer', 'provider'],
      password: 'Temp-Pass-2026',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      username: 'mz.zhaoliu',
      orgName: '沈阳市民政局',
      mustChangePassword: true,
    });
    expect(res.json().roles.sort()).toEqual(['cataloguer', 'provider']);
    const signedIn = await signIn(t.app, 'mz.zhaoliu', 'Temp-Pass-2026');
    const me = (await signedIn.request('GET', '/api/auth/me')).json() as {
      account: { mustChangePassword: boolean };
    };
    expect(me.account.mustChangePassword).toBe(true);
  });

  it('refuses roles that do not fit, an administrator who is also the auditor, and a taken user name', async () => {
    const dept = await orgIdByName(t.app, '沈阳市民政局');
    const authority = await orgIdByName(t.app, '沈阳市大数据管理局');
    const base = { displayName: '测试', password: 'Temp-Pass-2026' };
    const reviewerInDept = await admin.request('POST', '/api/accounts', {
      ...base,
      username: 'test.x1',
      orgId: dept,
      roles: ['reviewer'],
    });
    expect(reviewerInDept.statusCode).toBe(400);
    expect(reviewerInDept.json().fields[0].field).toBe('roles');
    const both = await admin.request('POST', '/api/accounts', {
      ...base,
      username: 'test.x2',
      orgId: authority,
      roles: ['admin', 'auditor'],
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().message.zh).toContain('审计员');
    const auditorId = await accountIdByUsername(t.app, 'auditor');
    const promote = await admin.request('PATCH', `/api/accounts/${auditorId}`, {
      roles: ['auditor', 'admin'],
    });
    expect(promote.statusCode).toBe(400);
    const taken = await admin.request('POST', '/api/accounts', {
      ...base,
      username: 'Admin',
      orgId: dept,
      roles: ['user'],
    });
    expect(taken.statusCode).toBe(409);
    const unknownRole = await admin.request('POST', '/api/accounts', {
      ...base,
      username: 'test.x3',
      orgId: dept,
      roles: ['superuser'],
    });
    expect(unknownRole.statusCode).toBe(400);
    const rows = await t.app.db
      .selectFrom('accounts')
      .select('username')
      .where('username', 'in', ['test.x1', 'test.x2', 'test.x3'])
      .execute();
    expect(rows).toEqual([]);
    const roles = await t.app.db
      .selectFrom('account_roles')
      .select('role')
      .where('account_id', '=', auditorId)
      .execute();
    expect(roles.map((r) => r.role)).toEqual(['auditor']);
  });

  it('an administrator cannot disable himself or drop his own administrator role', async () => {
    const me = await accountIdByUsername(t.app, 'admin');
    expect((await admin.request('PATCH', `/api/accounts/${me}`, { status: 'disabled' })).statusCode).toBe(
      400,
    );
    expect((await admin.request('PATCH', `/api/accounts/${me}`, { roles: ['user'] })).statusCode).toBe(400);
  });

  it('resets a password: old sessions end and the new temporary password must be changed', async () => {
    const victim = await signIn(t.app, 'sf.user');
    const id = await accountIdByUsername(t.app, 'sf.user');
    expect(
      (await admin.request('POST', `/api/accounts/${id}/password`, { password: 'Reset-Pass-2026' }))
        .statusCode,
    ).toBe(204);
    expect((await victim.request('GET', '/api/auth/me')).statusCode).toBe(401);
    const again = await signIn(t.app, 'sf.user', 'Reset-Pass-2026');
    expect(
      ((await again.request('GET', '/api/auth/me')).json() as { account: { mustChangePassword: boolean } })
        .account.mustChangePassword,
    ).toBe(true);
  });
});

describe('API credentials', () => {
  it('issues a credential whose secret is shown once, works as Bearer, and stops working when revoked', async () => {
    const orgId = await orgIdByName(t.app, '沈阳市生态环境局');
    const security = await signIn(t.app, 'sthj.security');
    const res = await security.request('POST', '/api/credentials', {
      orgId,
      name: '环境监测系统',
      roles: ['provider'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token, secret, credential } = res.json() as {
      token: string;
      secret: string;
      credential: { id: string; keyId: string };
    };
    expect(token).toBe(`${credential.keyId}.${secret}`);
    // The secret is not stored, nor listed again.
    const stored = await t.app.db
      .selectFrom('api_credentials')
      .selectAll()
      .where('id', '=', credential.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret);
    const list = await security.request('GET', '/api/credentials');
    expect(list.body).not.toContain(secret);
    expect((list.json() as { items: { id: string }[] }).items.map((c) => c.id)).toContain(credential.id);

    const asSystem = (authorization: string) =>
      t.app.inject({ method: 'GET', url: '/api/organisations?pageSize=1', headers: { authorization } });
    expect((await asSystem(`Bearer ${token}`)).statusCode).toBe(200);
    expect((await asSystem(`Bearer ${credential.keyId}.wrong-secret`)).statusCode).toBe(401);
    // A system needs no CSRF header, and cannot reach people-only or admin routes.
    const adminRoute = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });
    expect(adminRoute.statusCode).toBe(403);

    expect((await security.request('POST', `/api/credentials/${credential.id}/revoke`)).statusCode).toBe(200);
    const revoked = await asSystem(`Bearer ${token}`);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('invalid_api_credential');
  });

  it('refuses people-only roles and roles that do not fit the organisation', async () => {
    const orgId = await orgIdByName(t.app, '沈阳市生态环境局');
    for (const roles of [['security_officer'], ['auditor'], ['reviewer'], []]) {
      const res = await admin.request('POST', '/api/credentials', { orgId, name: 'x', roles });
      expect(res.statusCode).toBe(400);
    }
  });

  it('expires a credential at its expiry time', async () => {
    const orgId = await orgIdByName(t.app, '沈阳市生态环境局');
    const past = await admin.request('POST', '/api/credentials', {
      orgId,
      name: 'old',
      roles: ['user'],
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.statusCode).toBe(400);
    const res = await admin.request('POST', '/api/credentials', {
      orgId,
      name: 'short-lived',
      roles: ['user'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const { token, credential } = res.json() as { token: string; credential: { id: string } };
    await t.app.db
      .updateTable('api_credentials')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', credential.id)
      .execute();
    const r = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.statusCode).toBe(401);
  });
});
