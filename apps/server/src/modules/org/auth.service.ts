import type { Db } from '../../db/database.ts';
import type { Config } from '../../config/config.ts';
import { invalidField } from '../../shared/errors.ts';
import { randomToken, safeEqual, sm3Hex } from '../../shared/crypto.ts';
import type { Actor, Principal } from '../../shared/principal.ts';
import { isRole } from '../../shared/roles.ts';
import { supervisorOf } from '../../shared/policy.ts';
import { appendAudit } from '../security/index.ts';
import { BEIJING_TIME_ZONE } from '../../shared/beijing-time.ts';
import { notify } from '../platform/index.ts';
import {
  AccountDisabledError,
  InvalidCredentialsError,
  WrongPasswordError,
  assertCreditCode,
  assertStrongPassword,
  usernameTaken,
} from './org.errors.ts';
import * as repo from './org.repository.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';

export type AuthConfig = Pick<
  Config,
  'sessionTtlMinutes' | 'lockoutThreshold' | 'lockoutMinutes' | 'lockoutAccountThreshold'
>;

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

const BEIJING_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BEIJING_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const beijingTime = (at: Date) => BEIJING_TIME.format(at).replaceAll('/', '-');

type AccountRecord = NonNullable<Awaited<ReturnType<typeof repo.findAccountByUsername>>>;

interface FailureCount {
  /** The pair was paused by this failure, until then. */
  lockedUntil: Date | null;
  /** Failures of the user name from all addresses in the current window. */
  nameFailures: number;
  /** The name's failures reached the account-wide threshold: each address gets one attempt. */
  underAttack: boolean;
}

/**
 * Counts a failed sign-in for the (user name, address) pair and for the name. A pair that reaches
 * the threshold is paused for the lock-out period; no other address is affected. Once the name's
 * failures from all addresses reach the account-wide threshold (a distributed attack), every
 * address is paused after its first failure: the attack slows, the account stays open.
 */
async function countFailure(db: Db, cfg: AuthConfig, username: string, ip: string, now: Date) {
  const windowStart = new Date(now.getTime() - cfg.lockoutMinutes * 60_000);
  const nameFailures = await repo.countNameFailure(db, username, now, windowStart);
  const underAttack = nameFailures >= cfg.lockoutAccountThreshold;
  const threshold = underAttack ? 1 : cfg.lockoutThreshold;
  const pairFailures = await repo.countPairFailure(db, username, ip, now, windowStart);
  let lockedUntil: Date | null = null;
  if (pairFailures >= threshold) {
    const until = new Date(now.getTime() + cfg.lockoutMinutes * 60_000);
    if (await repo.lockPair(db, username, ip, threshold, now, until)) lockedUntil = until;
  }
  return { lockedUntil, nameFailures, underAttack } satisfies FailureCount;
}

/**
 * Tells the account holder (staff: their inbox; public accounts have none yet) and the
 * administrators of the authority that manages the account's organisation (the city authority for
 * public accounts), once per lock-out period and kind.
 */
async function tellOfFailures(
  db: Db,
  cfg: AuthConfig,
  account: AccountRecord,
  event: { kind: 'lock'; ip: string; until: Date } | { kind: 'attack'; failures: number },
  now: Date,
) {
  const since = new Date(now.getTime() - cfg.lockoutMinutes * 60_000);
  if (!(await repo.claimNotice(db, account.username, event.kind, now, since))) return;
  const org = account.org_id ? await repo.findOrg(db, account.org_id) : undefined;
  const supervisor = supervisorOf(
    org ?? { level: 'city', division_code: '' },
    await repo.activeAuthorities(db),
  );
  const who = `${account.username}（${account.display_name}）`;
  const whoEn = `${account.username} (${account.display_name})`;
  const minutes = cfg.lockoutMinutes;
  const detail =
    event.kind === 'lock'
      ? {
          accountId: account.id,
          username: account.username,
          ip: event.ip,
          lockedUntil: event.until.toISOString(),
        }
      : { accountId: account.id, username: account.username, failures: event.failures, minutes };
  const holder =
    event.kind === 'lock'
      ? {
          zh: `您的账号在地址 ${event.ip} 多次密码错误，该地址已暂停登录至 ${beijingTime(event.until)}（北京时间）；如非本人操作，请及时修改密码`,
          en: `Repeated wrong passwords for your account from ${event.ip}: sign-in from that address is paused until ${beijingTime(event.until)} (Beijing time). If this was not you, change your password`,
        }
      : {
          zh: `您的账号在 ${minutes} 分钟内从多个地址登录失败 ${event.failures} 次，疑似密码猜测；账号仍可正常登录，建议修改密码`,
          en: `${event.failures} failed sign-ins for your account from several addresses within ${minutes} minutes, likely password guessing; you can still sign in, and should change your password`,
        };
  const admins =
    event.kind === 'lock'
      ? {
          zh: `账号 ${who} 在地址 ${event.ip} 多次登录失败，该地址已暂停登录至 ${beijingTime(event.until)}，可在账号管理中解除`,
          en: `Account ${whoEn}: repeated failed sign-ins from ${event.ip}; that address is paused until ${beijingTime(event.until)}, which you can lift under Accounts`,
        }
      : {
          zh: `账号 ${who} 在 ${minutes} 分钟内从多个地址登录失败 ${event.failures} 次，疑似分布式密码猜测；每个地址现只允许尝试一次`,
          en: `Account ${whoEn}: ${event.failures} failed sign-ins from several addresses within ${minutes} minutes, likely distributed password guessing; each address now gets one attempt`,
        };
  const kind = event.kind === 'lock' ? 'auth.lockout' : 'auth.attack';
  if (account.kind === 'staff' && account.org_id) {
    await notify(db, {
      orgId: account.org_id,
      role: null,
      accountId: account.id,
      kind,
      title: holder,
      detail,
    });
  }
  if (supervisor) {
    await notify(db, {
      orgId: supervisor.id,
      role: 'admin',
      kind,
      title: admins,
      link: '/workspace/admin/accounts',
      detail,
    });
  }
}

/**
 * Checks a user name and password; on success opens a session. Every attempt is audited. An unknown
 * name, a wrong password and a paused (name, address) pair get the same answer after the same
 * Argon2 work, so an anonymous caller learns nothing about which it was.
 */
export async function signIn(
  db: Db,
  cfg: AuthConfig,
  input: { username: string; password: string },
  ip: string,
  userAgent: string | null,
): Promise<SignInResult> {
  const username = normaliseUsername(input.username);
  const anonymous: Actor = { principal: null, ip };
  const now = new Date();
  const account = await repo.findAccountByUsername(db, username);
  const pair = await repo.findPair(db, username, ip);
  const paused = !!pair?.locked_until && pair.locked_until > now;
  // One Argon2 verification whatever the case (unknown names against a fixed hash).
  const passwordOk = await verifyPassword(account?.password_hash ?? (await dummyHash()), input.password);
  const audit = async (reason: string, detail: Record<string, unknown> = {}) => {
    await appendAudit(db, anonymous, {
      action: 'auth.sign_in',
      result: 'failure',
      actorName: username.slice(0, 100),
      targetType: 'account',
      targetId: account?.id,
      orgId: account?.org_id ?? null,
      detail: { reason, ...detail },
    });
  };

  if (!account || !passwordOk || paused) {
    if (paused) {
      // A paused pair is not counted again; the pause runs its course.
      await audit('locked');
      throw new InvalidCredentialsError();
    }
    const count = await countFailure(db, cfg, username, ip, now);
    await audit(account ? 'wrong_password' : 'unknown_user', count.lockedUntil ? { paused: true } : {});
    if (count.lockedUntil) {
      await appendAudit(db, anonymous, {
        action: 'auth.lockout',
        result: 'denied',
        actorName: username.slice(0, 100),
        targetType: 'account',
        targetId: account?.id,
        orgId: account?.org_id ?? null,
        detail: {
          scope: 'address',
          lockedUntil: count.lockedUntil.toISOString(),
          underAttack: count.underAttack,
        },
      });
      if (account) {
        const until = count.lockedUntil;
        await db
          .transaction()
          .execute((trx) => tellOfFailures(trx, cfg, account, { kind: 'lock', ip, until }, now));
      }
    }
    if (count.nameFailures === cfg.lockoutAccountThreshold) {
      await appendAudit(db, anonymous, {
        action: 'auth.attack_suspected',
        result: 'denied',
        actorName: username.slice(0, 100),
        targetType: 'account',
        targetId: account?.id,
        orgId: account?.org_id ?? null,
        detail: { failures: count.nameFailures, minutes: cfg.lockoutMinutes },
      });
      if (account) {
        const failures = count.nameFailures;
        await db
          .transaction()
          .execute((trx) => tellOfFailures(trx, cfg, account, { kind: 'attack', failures }, now));
      }
    }
    throw new InvalidCredentialsError();
  }
  if (account.status !== 'active') {
    await audit('disabled');
    throw new AccountDisabledError();
  }
  return db.transaction().execute(async (trx) => {
    await repo.clearPair(trx, username, ip);
    await repo.updateAccount(trx, account.id, { last_sign_in_at: now });
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
  const roles = row.roles.filter(isRole);
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
