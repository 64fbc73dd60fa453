import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdByUsername, buildTestApp, signIn, type TestApp } from '../../../test/app.ts';
import { DEMO_PASSWORD } from '../../demo/city.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ lockoutThreshold: 3, lockoutMinutes: 15, lockoutAccountThreshold: 8 });
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
    expect(wrong.json().message.zh).toMatch(/^用户名或密码错误/);
    expect(wrong.json().message).toEqual(unknown.json().message);
    expect(wrong.cookies).toHaveLength(0);
    const failures = (await auditRows('auth.sign_in')).filter((r) => r.result === 'failure');
    expect(failures.map((r) => r.detail.reason)).toEqual(
      expect.arrayContaining(['wrong_password', 'unknown_user']),
    );
    // The password typed is never recorded.
    expect(JSON.stringify(failures)).not.toContain('not-the-password');
  });

  it('pauses only the (account, address) pair: the right password from another address still signs in', async () => {
    for (let i = 0; i < 3; i++)
      expect((await signInAs('scjg.approver', 'wrong', '10.6.0.1')).statusCode).toBe(401);
    // The attacker's address is paused, even with the right password …
    const paused = await signInAs('scjg.approver', DEMO_PASSWORD, '10.6.0.1');
    expect(paused.statusCode).toBe(401);
    expect(paused.cookies).toHaveLength(0);
    // … but the account is not: its holder signs in from anywhere else.
    const holder = await signInAs('scjg.approver', DEMO_PASSWORD, '10.6.0.2');
    expect(holder.statusCode).toBe(200);
    // Administrators included: nobody can lock the administrator out.
    for (let i = 0; i < 5; i++) await signInAs('admin', 'wrong', '10.6.0.3');
    expect((await signInAs('admin', DEMO_PASSWORD, '10.6.0.4')).statusCode).toBe(200);
    expect((await signInAs('admin', DEMO_PASSWORD, '10.6.0.3')).statusCode).toBe(401);
  });

  it('answers an unknown name, a wrong password and a paused pair alike', async () => {
    const ip = '10.6.1.1';
    const unknown = await signInAs('no.such.user', 'Whatever-2026', ip);
    const wrong = await signInAs('scjg.user', 'Whatever-2026', ip);
    for (let i = 0; i < 3; i++) await signInAs('scjg.user', 'Whatever-2026', ip);
    const paused = await signInAs('scjg.user', 'Whatever-2026', ip);
    const pausedRight = await signInAs('scjg.user', DEMO_PASSWORD, ip);
    // An unknown name is paused after the same number of failures, with the same answer.
    for (let i = 0; i < 3; i++) await signInAs('no.such.user', 'Whatever-2026', ip);
    const unknownPaused = await signInAs('no.such.user', 'Whatever-2026', ip);
    const answer = (r: typeof unknown) => ({
      status: r.statusCode,
      type: r.headers['content-type'],
      body: { ...(r.json() as Record<string, unknown>), requestId: undefined },
      cookies: r.cookies.length,
    });
    for (const r of [wrong, paused, pausedRight, unknownPaused]) expect(answer(r)).toEqual(answer(unknown));
    expect(answer(unknown)).toMatchObject({ status: 401, body: { code: 'invalid_credentials' }, cookies: 0 });
    expect(JSON.stringify(answer(paused))).not.toMatch(/lock|423|until/i);
    // The audit trail tells them apart.
    const reasons = (await auditRows('auth.sign_in'))
      .filter((r) => r.ip === ip)
      .map((r) => (r.detail as { reason: string }).reason);
    expect(reasons).toEqual(expect.arrayContaining(['unknown_user', 'wrong_password', 'locked']));
  });

  it('tells the account holder and the administrators of the managing authority, audits, and lets an administrator lift the pause', async () => {
    const ip = '10.6.2.1';
    for (let i = 0; i < 3; i++) await signInAs('heping.scjg.cataloguer', 'wrong', ip);
    const lockouts = (await auditRows('auth.lockout')).filter((r) => r.ip === ip);
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ actor_name: 'heping.scjg.cataloguer', result: 'denied' });
    // The holder, signed in from elsewhere, finds a message in the inbox.
    const holder = await signIn(t.app, 'heping.scjg.cataloguer');
    const inbox = (s: Awaited<ReturnType<typeof signIn>>) =>
      s
        .request('GET', '/api/notifications')
        .then(
          (r) =>
            (r.json() as { items: { kind: string; title: { zh: string }; detail: { ip?: string } }[] }).items,
        );
    const own = (await inbox(holder)).filter((n) => n.kind === 'auth.lockout');
    expect(own).toHaveLength(1);
    expect(own[0]?.title.zh).toContain(ip);
    // So do the administrators of the district authority — and not another district's.
    const hepingAdmin = await signIn(t.app, 'heping.admin');
    const theirs = (await inbox(hepingAdmin)).filter((n) => n.kind === 'auth.lockout');
    expect(theirs.map((n) => n.detail.ip)).toEqual([ip]);
    expect(theirs[0]?.title.zh).toContain('heping.scjg.cataloguer');
    const shenhe = await signIn(t.app, 'shenhe.admin');
    expect((await inbox(shenhe)).filter((n) => n.kind === 'auth.lockout')).toHaveLength(0);
    // Colleagues of the holder do not see it.
    const colleague = await signIn(t.app, 'heping.scjg.provider');
    expect((await inbox(colleague)).filter((n) => n.kind === 'auth.lockout')).toHaveLength(0);

    // One message per lock-out period: a second pause from another address is audited, not re-sent.
    for (let i = 0; i < 3; i++) await signInAs('heping.scjg.cataloguer', 'wrong', '10.6.2.2');
    expect((await auditRows('auth.lockout')).filter((r) => r.ip === '10.6.2.2')).toHaveLength(1);
    expect((await inbox(holder)).filter((n) => n.kind === 'auth.lockout')).toHaveLength(1);

    // The administrator sees the pauses and lifts them.
    const id = await accountIdByUsername(t.app, 'heping.scjg.cataloguer');
    const account = (await hepingAdmin.request('GET', `/api/accounts/${id}`)).json();
    expect(account).toMatchObject({ locked: true, lockedAddresses: [ip, '10.6.2.2'] });
    expect(account.lockedUntil).toBeTruthy();
    expect((await hepingAdmin.request('POST', `/api/accounts/${id}/unlock`)).statusCode).toBe(204);
    expect((await hepingAdmin.request('GET', `/api/accounts/${id}`)).json()).toMatchObject({
      locked: false,
      lockedAddresses: [],
    });
    expect((await signInAs('heping.scjg.cataloguer', DEMO_PASSWORD, ip)).statusCode).toBe(200);
    expect((await signInAs('heping.scjg.cataloguer', DEMO_PASSWORD, '10.6.2.2')).statusCode).toBe(200);
  });

  it('slows a distributed attack on one account without locking it: each address then gets one attempt', async () => {
    // lockoutAccountThreshold is 8: eight failures from eight addresses.
    for (let i = 1; i <= 8; i++) {
      expect((await signInAs('scjg.security', 'wrong', `10.6.3.${i}`)).statusCode).toBe(401);
    }
    expect((await auditRows('auth.attack_suspected')).map((r) => r.actor_name)).toEqual(['scjg.security']);
    // A new address is paused after its first failure …
    await signInAs('scjg.security', 'wrong', '10.6.3.100');
    expect((await signInAs('scjg.security', DEMO_PASSWORD, '10.6.3.100')).statusCode).toBe(401);
    // … while the holder, typing the right password, still signs in, and is told.
    const holder = await signInAs('scjg.security', DEMO_PASSWORD, '10.6.3.200');
    expect(holder.statusCode).toBe(200);
    const cookie = holder.cookies.find((c) => c.name === 'huitong_sid')?.value ?? '';
    const inbox = await t.app.inject({
      method: 'GET',
      url: '/api/notifications',
      headers: { cookie: `huitong_sid=${cookie}` },
    });
    expect((inbox.json() as { items: { kind: string }[] }).items.map((n) => n.kind)).toContain('auth.attack');
  });

  it('forgets stale failure counters hourly, but not a pause still running', async () => {
    const old = new Date(Date.now() - 2 * 24 * 3600_000);
    const db = t.app.db;
    await db
      .insertInto('sign_in_pairs')
      .values([
        { username: 'stale.name', ip: '10.6.4.1', failures: 2, window_started_at: old, updated_at: old },
        {
          username: 'stale.name',
          ip: '10.6.4.2',
          failures: 0,
          window_started_at: old,
          updated_at: old,
          locked_until: new Date(Date.now() + 3600_000),
        },
      ])
      .execute();
    await db
      .insertInto('sign_in_names')
      .values({ username: 'stale.name', failures: 2, updated_at: old })
      .execute();
    await signInAs('fresh.name', 'wrong', '10.6.4.3');
    await t.app.jobs.runNow('sign-in-cleanup', {});
    const pairs = await db
      .selectFrom('sign_in_pairs')
      .select(['username', 'ip'])
      .where('ip', 'like', '10.6.4.%')
      .execute();
    expect(pairs.map((p) => p.ip).sort()).toEqual(['10.6.4.2', '10.6.4.3']);
    const names = await db
      .selectFrom('sign_in_names')
      .select('username')
      .where('username', 'in', ['stale.name', 'fresh.name'])
      .execute();
    expect(names.map((n) => n.username)).toEqual(['fresh.name']);
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

  it('counts sign-ins refused by validation toward the per-address limit', async () => {
    const limited = await buildTestApp({ signInRatePerMinute: 3 }, undefined);
    try {
      const attempt = (payload: object) =>
        limited.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload, remoteAddress: '10.9.9.11' });
      const refused = [
        await attempt({ username: 'x' }),
        await attempt({ username: 'a\u0000b', password: 'y' }),
        await attempt({ username: 'x', password: 'y', extra: 1 }),
      ];
      for (const r of refused) expect(r.statusCode).not.toBe(429);
      expect(refused[0]?.statusCode).toBe(400);
      expect(refused[2]?.statusCode).toBe(400);
      const blocked = await attempt({ username: 'scjg.user', password: DEMO_PASSWORD });
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().code).toBe('rate_limited');
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

  it('tells each account its capabilities, decided by the policy module', async () => {
    const caps = async (u: string) =>
      (
        (await (await signIn(t.app, u)).request('GET', '/api/auth/me')).json() as {
          account: { capabilities: string[] };
        }
      ).account.capabilities;
    const cataloguer = await caps('scjg.cataloguer');
    expect(cataloguer).toEqual(
      expect.arrayContaining(['staff', 'cataloguer', 'upkeepViewer', 'departmentStaff']),
    );
    expect(cataloguer).not.toContain('provider');
    expect(cataloguer).not.toContain('admin');
    const cityAdmin = await caps('admin');
    expect(cityAdmin).toEqual(expect.arrayContaining(['admin', 'cityAdmin', 'keeper', 'credentialManager']));
    expect(cityAdmin).not.toContain('departmentStaff');
    const districtAdmin = await caps('heping.admin');
    expect(districtAdmin).toContain('admin');
    expect(districtAdmin).not.toContain('cityAdmin');
    expect(await caps('citizen')).toEqual(['public', 'signedIn', 'person']);
  });

  it('answers who is calling with 200 to everyone: null for an anonymous caller, the account otherwise', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/auth/session' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ me: null });
    // An unknown or ended session is anonymous too, not an error.
    const stale = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: 'huitong_sid=not-a-session' },
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toEqual({ me: null });
    const s = await signIn(t.app, 'scjg.user');
    const session = await s.request('GET', '/api/auth/session');
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual({ me: (await s.request('GET', '/api/auth/me')).json() });
    expect(session.json().me.csrfToken).toBe(s.csrf);
    // /api/auth/me itself still answers 401 to an anonymous caller.
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    await s.request('POST', '/api/auth/sign-out');
    expect((await s.request('GET', '/api/auth/session')).json()).toEqual({ me: null });
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
