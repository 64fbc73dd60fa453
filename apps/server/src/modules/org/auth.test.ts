import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type TestApp } from '../../../test/app.ts';
import { DEMO_PASSWORD } from '../platform/index.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ lockoutThreshold: 3, lockoutMinutes: 15 });
});
afterAll(async () => {
  await t?.close();
});

const signInAs = (username: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/sign-in',
    payload: { username, password },
    remoteAddress: ip,
  });

async function auditRows(action: string) {
  return t.app.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();
}

describe('sign-in', () => {
  it('sets a secure, httpOnly, SameSite session cookie and returns the account with a CSRF token', async () => {
    const res = await signInAs('scjg.cataloguer', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'huitong_sid');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.secure).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const me = res.json() as { account: { roles: string[]; org: { name: string } }; csrfToken: string };
    expect(me.account.roles).toEqual(['cataloguer']);
    expect(me.account.org.name).toBe('沈阳市市场监督管理局');
    expect(me.csrfToken.length).toBeGreaterThan(20);
    const audit = await auditRows('auth.sign_in');
    expect(
      audit.some((r) => r.result === 'success' && r.actor_name === 'scjg.cataloguer' && r.ip === '10.0.0.1'),
    ).toBe(true);
  });

  it('accepts the user name in any case and with spaces around it', async () => {
    expect((await signInAs('  SCJG.Provider ', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a wrong password and an unknown user with the same answer, and audits both', async () => {
    const wrong = await signInAs('scjg.user', 'not-the-password');
    const unknown = await signInAs('nobody.here', 'whatever');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');
    expect(unknown.json().code).toBe('invalid_credentials');
    expect(wrong.json().message.zh).toBe('用户名或密码错误');
    expect(wrong.cookies).toHaveLength(0);
    const failures = (await auditRows('auth.sign_in')).filter((r) => r.result === 'failure');
    expect(failures.map((r) => r.detail.reason)).toEqual(
      expect.arrayContaining(['wrong_password', 'unknown_user']),
    );
    // The password typed is never recorded.
    expect(JSON.stringify(failures)).not.toContain('not-the-password');
  });

  it('locks an account after repeated failures, even with the right password, until an admin unlocks it', async () => {
    for (let i = 0; i < 2; i++) expect((await signInAs('scjg.approver', 'wrong')).statusCode).toBe(401);
    const third = await signInAs('scjg.approver', 'wrong');
    expect(third.statusCode).toBe(423);
    expect(third.json().code).toBe('account_locked');
    expect(third.json().lockedUntil).toBeTruthy();
    const right = await signInAs('scjg.approver', DEMO_PASSWORD);
    expect(right.statusCode).toBe(423);
    expect(right.cookies).toHaveLength(0);

    const admin = await signIn(t.app, 'admin');
    const id = (
      await t.app.db
        .selectFrom('accounts')
        .select('id')
        .where('username', '=', 'scjg.approver')
        .executeTakeFirstOrThrow()
    ).id;
    const listed = await admin.request('GET', `/api/accounts/${id}`);
    expect(listed.json().locked).toBe(true);
    expect((await admin.request('POST', `/api/accounts/${id}/unlock`)).statusCode).toBe(204);
    expect((await signInAs('scjg.approver', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('limits sign-in attempts per client address', async () => {
    const limited = await buildTestApp({ signInRatePerMinute: 3 }, undefined);
    try {
      const attempt = (ip: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in',
          payload: { username: 'x', password: 'y' },
          remoteAddress: ip,
        });
      for (let i = 0; i < 3; i++) expect((await attempt('10.9.9.9')).statusCode).toBe(401);
      const blocked = await attempt('10.9.9.9');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().code).toBe('rate_limited');
      expect(blocked.json().message.en).toMatch(/Too many/);
      // Another address is not affected.
      expect((await attempt('10.9.9.10')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('refuses a disabled account', async () => {
    const admin = await signIn(t.app, 'admin');
    const id = (
      await t.app.db
        .selectFrom('accounts')
        .select('id')
        .where('username', '=', 'mz.user')
        .executeTakeFirstOrThrow()
    ).id;
    expect((await admin.request('PATCH', `/api/accounts/${id}`, { status: 'disabled' })).statusCode).toBe(
      200,
    );
    const res = await signInAs('mz.user', DEMO_PASSWORD);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('account_disabled');
  });
});

describe('session', () => {
  it('requires the CSRF header for changes made with the cookie', async () => {
    const s = await signIn(t.app, 'admin');
    const noHeader = await t.app.inject({
      method: 'PATCH',
      url: '/api/divisions/210102',
      headers: { cookie: s.cookie },
      payload: { name: '和平区（改）' },
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().code).toBe('csrf');
    const wrongHeader = await t.app.inject({
      method: 'PATCH',
      url: '/api/divisions/210102',
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { name: '和平区（改）' },
    });
    expect(wrongHeader.statusCode).toBe(403);
    const division = await t.app.db
      .selectFrom('divisions')
      .select('name')
      .where('code', '=', '210102')
      .executeTakeFirst();
    expect(division?.name).toBe('和平区');
    // Reading needs no CSRF header.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(200);
  });

  it('signs out: the session cookie stops working', async () => {
    const s = await signIn(t.app, 'scjg.security');
    expect((await s.request('POST', '/api/auth/sign-out')).statusCode).toBe(204);
    expect((await s.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await auditRows('auth.sign_out')).some((r) => r.actor_name === 'scjg.security')).toBe(true);
  });

  it('changes the password: the old one stops working, other sessions end', async () => {
    const first = await signIn(t.app, 'jy.user');
    const second = await signIn(t.app, 'jy.user');
    const weak = await first.request('POST', '/api/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'short',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe('weak_password');
    const wrong = await first.request('POST', '/api/auth/password', {
      currentPassword: 'nope',
      newPassword: 'N3w-Passw0rd!',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().fields[0].field).toBe('currentPassword');
    const ok = await first.request('POST', '/api/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'N3w-Passw0rd!',
    });
    expect(ok.statusCode).toBe(204);
    expect((await first.request('GET', '/api/auth/me')).statusCode).toBe(200);
    expect((await second.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await signInAs('jy.user', DEMO_PASSWORD)).statusCode).toBe(401);
    expect((await signInAs('jy.user', 'N3w-Passw0rd!')).statusCode).toBe(200);
  });

  it('stores passwords as Argon2id hashes and session ids only as hashes', async () => {
    const row = await t.app.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const s = await signIn(t.app, 'admin');
    const token = s.cookie.split('=')[1] ?? '';
    const stored = await t.app.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', token)
      .executeTakeFirst();
    expect(stored).toBeUndefined();
  });
});

describe('public registration', () => {
  it('registers a citizen (自然人) who is signed in at once and is not staff', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'lisi', password: 'Li-Si-2026-pw', displayName: '李四', publicType: 'natural' },
    });
    expect(res.statusCode).toBe(201);
    const me = res.json() as { account: { kind: string; org: unknown; roles: string[] } };
    expect(me.account).toMatchObject({ kind: 'public', org: null, roles: [] });
    const cookie = res.cookies.find((c) => c.name === 'huitong_sid');
    const orgs = await t.app.inject({
      method: 'GET',
      url: '/api/organisations',
      headers: { cookie: `huitong_sid=${cookie?.value}` },
    });
    expect(orgs.statusCode).toBe(403);
  });

  it('requires a valid credit code from a legal person and a free user name', async () => {
    const base = {
      username: 'acme',
      password: 'Acme-2026-pw!',
      displayName: '某某科技有限公司',
      publicType: 'legal',
    };
    const missing = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: base });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().fields[0].field).toBe('creditCode');
    const badCheck = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { ...base, creditCode: '91210112MA0Y7N3R1B' },
    });
    expect(badCheck.statusCode).toBe(400);
    expect(badCheck.json().message.zh).toContain('校验码');
    const taken = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { ...base, username: 'citizen', creditCode: '91210112MA0Y7N3R1A' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('username_taken');
    const count = await t.app.db.selectFrom('accounts').select('id').where('username', '=', 'acme').execute();
    expect(count).toHaveLength(0);
  });
});
