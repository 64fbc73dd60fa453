import type { Config } from '../../config/config.ts';
import { invalidField } from '../../shared/errors.ts';
import { randomToken, safeEqual, sm3Hex } from '../../shared/crypto.ts';
import type { Actor, Principal } from '../../shared/principal.ts';
import { isRole } from '../../shared/roles.ts';
import { appendAudit } from '../security/index.ts';
import {
  AccountDisabledError,
  AccountLockedError,
  InvalidCredentialsError,
  WrongPasswordError,
  assertCreditCode,
  assertStrongPassword,
  usernameTaken,
} from './org.errors.ts';
import * as repo from './org.repository.ts';
import type { Db } from './org.repository.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';

export type AuthConfig = Pick<Config, 'sessionTtlMinutes' | 'lockoutThreshold' | 'lockoutMinutes'>;

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export interface SignInResult {
  token: string;
  principal: Principal;
}

async function openSession(
  db: Db,
  cfg: AuthConfig,
  accountId: string,
  ip: string,
  userAgent: string | null,
): Promise<{ token: string; principal: Principal }> {
  const token = randomToken();
  await repo.insertSession(db, {
    id: sm3Hex(token),
    account_id: accountId,
    csrf_token: randomToken(24),
    ip,
    user_agent: userAgent?.slice(0, 300) ?? null,
    expires_at: new Date(Date.now() + cfg.sessionTtlMinutes * 60_000),
  });
  const principal = await resolveSession(db, cfg, token);
  if (!principal) throw new Error('session vanished after creation');
  return { token, principal };
}

/** Checks a user name and password; on success opens a session. Every attempt is audited. */
export async function signIn(
  db: Db,
  cfg: AuthConfig,
  input: { username: string; password: string },
  ip: string,
  userAgent: string | null,
): Promise<SignInResult> {
  const username = normaliseUsername(input.username);
  const anonymous: Actor = { principal: null, ip };
  const fail = async (reason: string, accountId: string | null, orgId: string | null) => {
    await appendAudit(db, anonymous, {
      action: 'auth.sign_in',
      result: 'failure',
      actorName: username.slice(0, 100),
      targetType: 'account',
      targetId: accountId ?? undefined,
      orgId,
      detail: { reason },
    });
  };
  const account = await repo.findAccountByUsername(db, username);
  if (!account) {
    await verifyPassword(await dummyHash(), input.password);
    await fail('unknown_user', null, null);
    throw new InvalidCredentialsError();
  }
  if (account.locked_until && account.locked_until > new Date()) {
    await fail('locked', account.id, account.org_id);
    throw new AccountLockedError(account.locked_until);
  }
  if (!(await verifyPassword(account.password_hash, input.password))) {
    const failures = await repo.incrementFailures(db, account.id);
    if (failures >= cfg.lockoutThreshold) {
      const until = new Date(Date.now() + cfg.lockoutMinutes * 60_000);
      await repo.updateAccount(db, account.id, { locked_until: until, failed_attempts: 0 });
      await fail('wrong_password_locked', account.id, account.org_id);
      throw new AccountLockedError(until);
    }
    await fail('wrong_password', account.id, account.org_id);
    throw new InvalidCredentialsError();
  }
  if (account.status !== 'active') {
    await fail('disabled', account.id, account.org_id);
    throw new AccountDisabledError();
  }
  return db.transaction().execute(async (trx) => {
    await repo.updateAccount(trx, account.id, {
      failed_attempts: 0,
      locked_until: null,
      last_sign_in_at: new Date(),
    });
    const session = await openSession(trx, cfg, account.id, ip, userAgent);
    await appendAudit(
      trx,
      { principal: session.principal, ip },
      {
        action: 'auth.sign_in',
        targetType: 'account',
        targetId: account.id,
      },
    );
    return session;
  });
}

export async function signOut(db: Db, actor: Actor): Promise<void> {
  const p = actor.principal;
  if (!p || p.kind === 'credential') return;
  await db.transaction().execute(async (trx) => {
    await repo.deleteSession(trx, p.sessionId);
    await appendAudit(trx, actor, { action: 'auth.sign_out', targetType: 'account', targetId: p.accountId });
  });
}

/** The principal of a session token, or null if the session is unknown, expired or its account disabled. */
export async function resolveSession(db: Db, cfg: AuthConfig, token: string): Promise<Principal | null> {
  const row = await repo.findSessionPrincipal(db, sm3Hex(token));
  if (!row) return null;
  const now = Date.now();
  if (row.expires_at.getTime() <= now || row.status !== 'active') {
    await repo.deleteSession(db, row.session_id);
    return null;
  }
  // Sliding expiry, written at most once a minute.
  if (now - row.last_seen_at.getTime() > 60_000) {
    await repo.touchSession(db, row.session_id, new Date(now + cfg.sessionTtlMinutes * 60_000));
  }
  const common = {
    accountId: row.account_id,
    username: row.username,
    displayName: row.display_name,
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    mustChangePassword: row.must_change_password,
  };
  if (row.kind === 'public') {
    return { kind: 'public', ...common, publicType: row.public_type ?? 'natural' };
  }
  if (
    !row.org_id ||
    !row.org_kind ||
    !row.org_level ||
    !row.division_code ||
    !row.org_name ||
    !row.org_active
  ) {
    return null;
  }
  const roles = (await repo.accountRoles(db, row.account_id)).filter(isRole);
  return {
    kind: 'staff',
    ...common,
    org: {
      id: row.org_id,
      name: row.org_name,
      kind: row.org_kind,
      level: row.org_level,
      divisionCode: row.division_code,
    },
    roles,
  };
}

/** The principal of an API credential `<keyId>.<secret>`, or null. */
export async function resolveCredential(db: Db, token: string): Promise<Principal | null> {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const keyId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  const row = await repo.findCredentialPrincipal(db, keyId);
  if (!row || !safeEqual(row.secret_hash, sm3Hex(secret))) return null;
  if (row.revoked_at || (row.expires_at && row.expires_at <= new Date()) || !row.org_active) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)
    await repo.touchCredential(db, row.id);
  return {
    kind: 'credential',
    credentialId: row.id,
    keyId: row.key_id,
    displayName: row.name,
    org: {
      id: row.org_id,
      name: row.org_name,
      kind: row.org_kind,
      level: row.org_level,
      divisionCode: row.division_code,
    },
    roles: row.roles.filter(isRole),
  };
}

export async function changePassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const p = actor.principal;
  if (!p || p.kind === 'credential') throw new Error('changePassword needs a person');
  const account = await repo.findAccountById(db, p.accountId);
  if (!account) throw new InvalidCredentialsError();
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
    await appendAudit(db, actor, {
      action: 'auth.password_change',
      result: 'failure',
      detail: { reason: 'wrong_password' },
    });
    throw new WrongPasswordError();
  }
  assertStrongPassword(input.newPassword, 'newPassword');
  if (input.newPassword === input.currentPassword) {
    throw invalidField('newPassword', '不能与当前密码相同', 'must differ from the current password');
  }
  const hashed = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await repo.updateAccount(trx, p.accountId, {
      password_hash: hashed,
      must_change_password: false,
      password_changed_at: new Date(),
    });
    // Other sessions of the account end; this one stays.
    await repo.deleteSessionsOf(trx, p.accountId, p.sessionId);
    await appendAudit(trx, actor, {
      action: 'auth.password_change',
      targetType: 'account',
      targetId: p.accountId,
    });
  });
}

export interface RegisterInput {
  username: string;
  password: string;
  displayName: string;
  publicType: 'natural' | 'legal';
  creditCode?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

/** Self-registration of a public account (自然人 or 法人和其他组织) on the open platform. */
export async function registerPublic(
  db: Db,
  cfg: AuthConfig,
  input: RegisterInput,
  ip: string,
  userAgent: string | null,
): Promise<SignInResult> {
  const username = normaliseUsername(input.username);
  if (input.publicType === 'legal') {
    if (!input.creditCode) {
      throw invalidField(
        'creditCode',
        '法人和其他组织须填写统一社会信用代码',
        'is required for legal persons',
      );
    }
    assertCreditCode(input.creditCode);
  }
  assertStrongPassword(input.password, 'password');
  const hashed = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    if (await repo.findAccountByUsername(trx, username)) throw usernameTaken();
    const { id } = await repo.insertAccount(trx, {
      kind: 'public',
      username,
      display_name: input.displayName.trim(),
      org_id: null,
      public_type: input.publicType,
      credit_code: input.publicType === 'legal' ? (input.creditCode ?? null) : null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      password_hash: hashed,
    });
    const session = await openSession(trx, cfg, id, ip, userAgent);
    await appendAudit(
      trx,
      { principal: session.principal, ip },
      {
        action: 'auth.register',
        targetType: 'account',
        targetId: id,
        detail: { publicType: input.publicType },
      },
    );
    return session;
  });
}
