/**
 * Who reads a department's provided data (issue 10, defect 1): the department's providers and
 * approvers read and export everything; the reviewers of its supervising authority read rows and
 * comparisons with sensitive items masked, and cannot export or download; every other role —
 * inside the department, in the authorities, in other departments, the public — is refused. The
 * rule is shared/policy.ts `dataAccess` / `canExportData` / `canViewProvision`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { creditCode } from '../../../test/provision.ts';
import { item, metadata, publishEntry } from '../../../test/catalog.ts';
import { idNumberCheckCharacter } from '../../shared/identifiers.ts';

let t: TestApp;
const s: Record<string, Session> = {};
let cityEntry = '';
let districtEntry = '';
let credentialToken = '';

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}

function idNumber(first17: string): string {
  return `${first17}${idNumberCheckCharacter(first17) ?? ''}`;
}

const ID1 = idNumber('21010219800101123');
const ID2 = idNumber('21010319900215456');
const PHONE1 = '13812345678';
const PHONE2 = '13998765432';
const ROWS = [
  {
    credit_code: creditCode('210100', 'MA0P4AXX'),
    name: '沈阳华晨汽车配件有限公司',
    legal_person_name: '张三丰',
    legal_person_id: ID1,
    legal_person_phone: PHONE1,
  },
  {
    credit_code: creditCode('210102', 'MA0Q9B2K'),
    name: '和平区老边饺子餐饮店',
    legal_person_name: '李四光',
    legal_person_id: ID2,
    legal_person_phone: PHONE2,
  },
];
const SECRETS = [ID1, ID2, PHONE1, PHONE2, '张三丰', '李四光'];

const items = [
  item('credit_code', '统一社会信用代码', { dataType: 'credit_code', length: 18 }),
  item('name', '企业名称', { length: 100 }),
  item('legal_person_name', '法定代表人', { length: 50, sensitivity: 3 }),
  item('legal_person_id', '法定代表人身份证号', { dataType: 'id_number', length: 18, sensitivity: 4 }),
  item('legal_person_phone', '法定代表人手机号', { dataType: 'phone', length: 11, sensitivity: 3 }),
];

async function push(provider: Session, entryId: string, rows: object[], key: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/provision/entries/${entryId}/push`,
    headers: { cookie: provider.cookie, 'x-csrf-token': provider.csrf, 'idempotency-key': key },
    payload: { rows },
  });
  expect(res.statusCode, res.body).toBe(201);
}

const USERS = [
  'scjg.cataloguer',
  'scjg.provider',
  'scjg.approver',
  'scjg.user',
  'scjg.security',
  'scjg.auditor',
  'admin',
  'reviewer',
  'auditor',
  'authority.security',
  'heping.admin',
  'heping.reviewer',
  'shenhe.reviewer',
  'heping.scjg.cataloguer',
  'heping.scjg.provider',
  'gongan.provider',
  'gongan.approver',
  'evaluator',
  'citizen',
];

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of USERS) s[u] = await signIn(t.app, u);
  const basis = await as('reviewer').request('POST', '/api/catalog/legal-bases', {
    title: '中华人民共和国个人信息保护法',
    kind: 'law',
    article: '第二十八条',
    quote: '敏感个人信息是一旦泄露或者非法使用……',
  });
  expect(basis.statusCode, basis.body).toBe(201);
  const restricted = { openType: 'closed' as const, openBasisIds: [(basis.json() as { id: string }).id] };
  cityEntry = (
    await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '市场主体法定代表人信息', dataItems: items, ...restricted }),
    )
  ).id;
  districtEntry = (
    await publishEntry(
      as('heping.scjg.cataloguer'),
      as('heping.reviewer'),
      metadata({ name: '和平区个体工商户经营者信息', dataItems: items, ...restricted }),
      '区级登记的个体工商户，市级资源不含',
    )
  ).id;
  await push(as('scjg.provider'), cityEntry, ROWS, 'city-1');
  const settings = await as('scjg.provider').request('PUT', `/api/provision/entries/${cityEntry}/settings`, {
    keyFields: ['legal_person_id'],
  });
  expect(settings.statusCode, settings.body).toBe(200);
  await push(as('scjg.provider'), cityEntry, [ROWS[1] ?? {}], 'city-2');
  await push(as('heping.scjg.provider'), districtEntry, ROWS, 'district-1');
  const issued = await as('admin').request('POST', '/api/credentials', {
    orgId: (
      await t.app.db
        .selectFrom('organisations')
        .select('id')
        .where('name', '=', '沈阳市市场监督管理局')
        .executeTakeFirstOrThrow()
    ).id,
    name: 'scjg-approval-system',
    roles: ['approver'],
  });
  expect(issued.statusCode, issued.body).toBe(201);
  credentialToken = (issued.json() as { token: string }).token;
}, 180_000);

afterAll(async () => {
  await t?.close();
});

type Expect = 'full' | 'masked' | 403 | 404;

async function readRows(who: string, entryId: string, query = '') {
  return as(who).request('GET', `/api/provision/entries/${entryId}/rows${query}`);
}

describe('reading a department’s rows', () => {
  // Written from the spec's roles, independently of shared/policy.ts.
  const CITY_ENTRY: Record<string, Expect> = {
    'scjg.provider': 'full',
    'scjg.approver': 'full',
    reviewer: 'masked',
    'scjg.cataloguer': 403,
    'scjg.user': 403,
    'scjg.security': 403,
    'scjg.auditor': 403,
    admin: 403,
    auditor: 403,
    'authority.security': 403,
    'heping.admin': 403,
    'heping.reviewer': 404, // a district authority does not supervise a city department
    'gongan.provider': 404, // another department
    'gongan.approver': 404,
    evaluator: 403,
    citizen: 403,
  };

  it('answers each role of the city as the policy says, and masks for the reviewer', async () => {
    const wrong: string[] = [];
    for (const [who, expected] of Object.entries(CITY_ENTRY)) {
      const res = await readRows(who, cityEntry);
      if (typeof expected === 'number') {
        if (res.statusCode !== expected) wrong.push(`${who}: ${res.statusCode} instead of ${expected}`);
        if (SECRETS.some((v) => res.body.includes(v))) wrong.push(`${who}: a sensitive value in a refusal`);
        continue;
      }
      if (res.statusCode !== 200) {
        wrong.push(`${who}: ${res.statusCode} ${res.body.slice(0, 100)}`);
        continue;
      }
      const body = res.json() as {
        access: string;
        fields: { name: string; masked: boolean }[];
        rows: { values: Record<string, string | null> }[];
      };
      if (body.access !== expected) wrong.push(`${who}: access ${body.access} instead of ${expected}`);
      const leaked = SECRETS.filter((v) => res.body.includes(v));
      if (expected === 'masked' && leaked.length > 0) wrong.push(`${who}: sees ${leaked.join(', ')}`);
      if (expected === 'full' && !res.body.includes(ID2)) wrong.push(`${who}: does not see the data`);
    }
    expect(wrong).toEqual([]);
  });

  it('masks sensitive items in the masking styles and leaves the others readable', async () => {
    const res = await readRows('reviewer', cityEntry, '?version=1');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      fields: { name: string; masked: boolean }[];
      rows: { values: Record<string, string | null> }[];
    };
    expect(Object.fromEntries(body.fields.map((f) => [f.name, f.masked]))).toEqual({
      credit_code: false,
      name: false,
      legal_person_name: true,
      legal_person_id: true,
      legal_person_phone: true,
    });
    expect(body.rows[0]?.values).toEqual({
      credit_code: ROWS[0]?.credit_code,
      name: '沈阳华晨汽车配件有限公司',
      legal_person_name: '张**',
      legal_person_id: `${ID1.slice(0, 6)}********${ID1.slice(14)}`,
      legal_person_phone: '138****5678',
    });
  });

  it('refuses filters and sorting on a masked item (an equality filter would reveal it)', async () => {
    const byId = await readRows(
      'reviewer',
      cityEntry,
      `?filter=${encodeURIComponent(`legal_person_id=${ID1}`)}`,
    );
    expect(byId.statusCode).toBe(403);
    expect(byId.json()).toMatchObject({ code: 'masked_item' });
    const bySort = await readRows('reviewer', cityEntry, '?sort=-legal_person_phone');
    expect(bySort.statusCode).toBe(403);
    const byName = await readRows('reviewer', cityEntry, `?filter=${encodeURIComponent('name~饺子')}`);
    expect(byName.statusCode, byName.body).toBe(200);
    expect((byName.json() as { total: number }).total).toBe(1);
    // The provider filters on anything.
    const own = await readRows(
      'scjg.provider',
      cityEntry,
      `?filter=${encodeURIComponent(`legal_person_id=${ID2}`)}`,
    );
    expect(own.statusCode).toBe(200);
    expect((own.json() as { total: number }).total).toBe(1);
  });

  it('masks the key values of a comparison for the reviewer, not for the provider', async () => {
    const url = `/api/provision/entries/${cityEntry}/compare?from=1&to=2`;
    const reviewer = await as('reviewer').request('GET', url);
    expect(reviewer.statusCode, reviewer.body).toBe(200);
    expect((reviewer.json() as { rows: { removed: number } }).rows.removed).toBe(1);
    expect(SECRETS.filter((v) => reviewer.body.includes(v))).toEqual([]);
    expect(reviewer.body).toContain(`legal_person_id=${ID1.slice(0, 6)}`);
    const provider = await as('scjg.provider').request('GET', url);
    expect(provider.body).toContain(`legal_person_id=${ID1}`);
    for (const who of ['scjg.cataloguer', 'scjg.security', 'auditor']) {
      expect((await as(who).request('GET', url)).statusCode, who).toBe(403);
    }
    expect((await as('gongan.provider').request('GET', url)).statusCode).toBe(404);
  });

  it('lets a district reviewer read its district’s department masked, and no other district', async () => {
    const heping = await readRows('heping.reviewer', districtEntry);
    expect(heping.statusCode, heping.body).toBe(200);
    expect((heping.json() as { access: string }).access).toBe('masked');
    expect(SECRETS.filter((v) => heping.body.includes(v))).toEqual([]);
    expect((await readRows('reviewer', districtEntry)).json()).toMatchObject({ access: 'masked' });
    expect((await readRows('shenhe.reviewer', districtEntry)).statusCode).toBe(404);
    expect((await readRows('scjg.provider', districtEntry)).statusCode).toBe(404);
    expect((await readRows('heping.scjg.provider', districtEntry)).json()).toMatchObject({ access: 'full' });
  });

  it('answers an approver’s system (API credential) in full', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/provision/entries/${cityEntry}/rows`,
      headers: { authorization: `Bearer ${credentialToken}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain(ID2);
  });
});

describe('exporting a department’s data', () => {
  const EXPORT: Record<string, number> = {
    'scjg.provider': 200,
    'scjg.approver': 200,
    reviewer: 403, // reads masked rows for the quality watch; takes no copy
    'scjg.cataloguer': 403,
    'scjg.user': 403,
    'scjg.security': 403,
    'scjg.auditor': 403,
    admin: 403,
    auditor: 403,
    'authority.security': 403,
    'heping.reviewer': 403,
    'gongan.provider': 404,
    'gongan.approver': 404,
    evaluator: 403,
    citizen: 403,
  };

  it('lets only the department’s providers and approvers export', async () => {
    const wrong: string[] = [];
    for (const [who, expected] of Object.entries(EXPORT)) {
      const res = await as(who).request('GET', `/api/provision/entries/${cityEntry}/export?format=csv`);
      if (res.statusCode !== expected) wrong.push(`${who}: ${res.statusCode} instead of ${expected}`);
      if (expected !== 200 && SECRETS.some((v) => res.body.includes(v))) wrong.push(`${who}: leaked data`);
      if (expected === 200 && !res.body.includes(ID2)) wrong.push(`${who}: export without the data`);
    }
    expect(wrong).toEqual([]);
  });

  it('records nothing for a refused export', async () => {
    const before = await t.app.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', 'provision.exported')
      .executeTakeFirstOrThrow();
    await as('reviewer').request('GET', `/api/provision/entries/${cityEntry}/export?format=json`);
    const after = await t.app.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', 'provision.exported')
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('the state of a department’s data (versions, reports, settings, connectors)', () => {
  const VIEW: Record<string, number> = {
    'scjg.provider': 200,
    'scjg.approver': 200,
    'scjg.cataloguer': 200,
    reviewer: 200,
    admin: 200,
    'scjg.user': 403,
    'scjg.security': 403,
    'scjg.auditor': 403,
    auditor: 403,
    'authority.security': 403,
    'heping.admin': 404,
    'heping.reviewer': 404,
    'gongan.provider': 404,
    evaluator: 403,
    citizen: 403,
  };

  it('shows versions, settings and connectors to the department’s data roles and its authority only', async () => {
    const wrong: string[] = [];
    for (const path of ['versions', 'settings', 'connectors']) {
      for (const [who, expected] of Object.entries(VIEW)) {
        const res = await as(who).request('GET', `/api/provision/entries/${cityEntry}/${path}`);
        if (res.statusCode !== expected)
          wrong.push(`${path} ${who}: ${res.statusCode} instead of ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
