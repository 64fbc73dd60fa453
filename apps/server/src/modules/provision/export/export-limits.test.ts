/**
 * The export slots counted per user (account or credential), per organisation and per server; the
 * limits over HTTP, and the ending of stalled downloads, are tested in export.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PrincipalOrg, StaffPrincipal } from '../../../shared/principal.ts';
import { ExportLimiter, tooManyExports } from './export-limits.ts';

const org = (id: string): PrincipalOrg => ({
  id,
  name: id,
  kind: 'department',
  level: 'city',
  divisionCode: '210100',
});

const account = (id: string, orgId: string): StaffPrincipal => ({
  kind: 'staff',
  accountId: id,
  username: id,
  displayName: id,
  org: org(orgId),
  roles: ['provider'],
  sessionId: 's',
  csrfToken: 'c',
  mustChangePassword: false,
});

const credential = (id: string, orgId: string): StaffPrincipal => ({
  kind: 'credential',
  credentialId: id,
  keyId: id,
  displayName: id,
  org: org(orgId),
  roles: ['provider'],
});

describe('ExportLimiter', () => {
  it('refuses by the user’s, then the organisation’s, then the server’s limit', () => {
    const limiter = new ExportLimiter({ total: 4, perOrg: 3, perUser: 2 });
    const a = account('a', 'scjg');
    expect(limiter.take(a).ok).toBe(true);
    expect(limiter.take(a).ok).toBe(true);
    expect(limiter.take(a)).toEqual({ ok: false, limit: 'user' });
    // A credential of the same organisation is a user of its own, within the organisation's limit.
    expect(limiter.take(credential('k', 'scjg')).ok).toBe(true);
    expect(limiter.take(account('b', 'scjg'))).toEqual({ ok: false, limit: 'organisation' });
    expect(limiter.take(account('c', 'gongan')).ok).toBe(true);
    expect(limiter.inUse).toBe(4);
    expect(limiter.take(account('d', 'jiaotong'))).toEqual({ ok: false, limit: 'server' });
    // A refusal takes nothing.
    expect(limiter.inUse).toBe(4);
  });

  it('an account and a credential with the same id are different users', () => {
    const limiter = new ExportLimiter({ total: 4, perOrg: 4, perUser: 1 });
    expect(limiter.take(account('x', 'scjg')).ok).toBe(true);
    expect(limiter.take(credential('x', 'scjg')).ok).toBe(true);
  });

  it('gives a slot back once, however often it is released', () => {
    const limiter = new ExportLimiter({ total: 2, perOrg: 2, perUser: 2 });
    const a = account('a', 'scjg');
    const first = limiter.take(a);
    const second = limiter.take(a);
    if (!first.ok || !second.ok) throw new Error('refused');
    first.release();
    first.release();
    expect(limiter.inUse).toBe(1);
    const third = limiter.take(a);
    expect(third.ok).toBe(true);
    expect(limiter.take(a)).toEqual({ ok: false, limit: 'user' });
    second.release();
    if (third.ok) third.release();
    expect(limiter.inUse).toBe(0);
  });
});

describe('the refusal', () => {
  const limits = { total: 4, perOrg: 3, perUser: 2 };
  it.each([
    ['user', 429, '每个用户', 'per user'],
    ['organisation', 429, '每个单位', 'per organisation'],
    ['server', 503, '服务器', 'server'],
  ] as const)('%s → %i naming the limit', (limit, status, zh, en) => {
    const err = tooManyExports(limit, limits);
    expect(err).toMatchObject({ code: 'too_many_exports', status, extra: { limit } });
    expect(err.messages.zh).toContain(zh);
    expect(err.messages.en).toContain(en);
  });
});
