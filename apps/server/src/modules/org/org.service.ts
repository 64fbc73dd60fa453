import type { Db, Trx } from '../../db/database.ts';
import { invalidField, ForbiddenError, outsideJurisdictionField } from '../../shared/errors.ts';
import { randomBytes } from 'node:crypto';
import type { DivisionKind, OrgKind, OrgLevel } from '../../db/database.types.ts';
import { randomToken, sm3Hex } from '../../shared/crypto.ts';
import {
  can,
  canManageCredentials,
  credentialScope,
  canManageOrg,
  jurisdiction,
  mayBeParentOf,
  type Jurisdiction,
  type OrgRef,
} from '../../shared/policy.ts';
import type { Actor, Principal } from '../../shared/principal.ts';
import { ROLE_INFO, roleInfo, type Role } from '../../shared/roles.ts';
import { appendAudit } from '../security/index.ts';
import {
  accountNotFound,
  assertCreditCode,
  assertStrongPassword,
  credentialNotFound,
  divisionNotFound,
  orgNotFound,
  outsideJurisdiction,
  usernameTaken,
} from './org.errors.ts';
import { ConflictError } from '../../shared/errors.ts';
import { normaliseUsername } from './auth.service.ts';
import { assertScopeOrg } from './org.jurisdiction.ts';
import * as repo from './org.repository.ts';
import { hashPassword } from './password.ts';

function principalOf(actor: Actor): Principal {
  if (!actor.principal) throw new ForbiddenError();
  return actor.principal;
}

function scopeOf(p: Principal): Jurisdiction {
  const j = jurisdiction(p);
  if (!j) throw new ForbiddenError();
  return j;
}

function orgRef(row: { id: string; kind: OrgKind; level: OrgLevel; division_code: string }) {
  return { id: row.id, kind: row.kind, level: row.level, divisionCode: row.division_code };
}

// ---------- divisions ----------

export const listDivisions = (db: Db) => repo.listDivisions(db);

export async function createDivision(
  db: Db,
  actor: Actor,
  input: { code: string; name: string; kind: DivisionKind; parentCode?: string | null | undefined },
) {
  return db.transaction().execute(async (trx) => {
    if (await repo.findDivision(trx, input.code)) {
      throw new ConflictError(
        'division_exists',
        { zh: '该区划代码已存在', en: 'This division code exists already' },
        [{ field: 'code', message: { zh: '已存在', en: 'exists already' } }],
      );
    }
    if (input.parentCode && !(await repo.findDivision(trx, input.parentCode))) {
      throw invalidField('parentCode', '上级区划不存在', 'is not a known division');
    }
    await repo.insertDivision(trx, {
      code: input.code,
      name: input.name.trim(),
      kind: input.kind,
      parent_code: input.parentCode ?? null,
    });
    await appendAudit(trx, actor, {
      action: 'division.create',
      targetType: 'division',
      targetId: input.code,
      detail: input,
    });
    const created = await repo.findDivision(trx, input.code);
    if (!created) throw divisionNotFound();
    return created;
  });
}

export async function renameDivision(db: Db, actor: Actor, code: string, name: string) {
  return db.transaction().execute(async (trx) => {
    const before = await repo.findDivision(trx, code);
    if (!before) throw divisionNotFound();
    await repo.renameDivision(trx, code, name.trim());
    await appendAudit(trx, actor, {
      action: 'division.update',
      targetType: 'division',
      targetId: code,
      detail: { from: before.name, to: name.trim() },
    });
    return { ...before, name: name.trim() };
  });
}

// ---------- organisations ----------

export interface OrgInput {
  name: string;
  shortName?: string | null | undefined;
  kind: OrgKind;
  level: OrgLevel;
  creditCode: string;
  divisionCode: string;
  parentId?: string | null | undefined;
  delegated?: boolean | undefined;
  contactName?: string | null | undefined;
  contactPhone?: string | null | undefined;
  contactEmail?: string | null | undefined;
}

export async function listOrgs(db: Db, filter: repo.OrgFilter, page: number, pageSize: number) {
  return repo.listOrgs(db, filter, (page - 1) * pageSize, pageSize);
}

export async function getOrg(db: Db, id: string) {
  const org = await repo.findOrg(db, id);
  if (!org) throw orgNotFound();
  return org;
}

async function checkOrgFields(trx: Trx, input: Partial<OrgInput>, selfId?: string) {
  if (input.creditCode !== undefined) {
    assertCreditCode(input.creditCode);
    const other = await repo.findOrgByCreditCode(trx, input.creditCode);
    if (other && other.id !== selfId) {
      throw new ConflictError(
        'credit_code_taken',
        {
          zh: `统一社会信用代码已被“${other.name}”使用`,
          en: `The credit code is already used by ${other.name}`,
        },
        [{ field: 'creditCode', message: { zh: '已被使用', en: 'is taken' } }],
      );
    }
  }
  if (input.divisionCode !== undefined && !(await repo.findDivision(trx, input.divisionCode))) {
    throw invalidField('divisionCode', '行政区划不存在', 'is not a known division');
  }
  if (input.kind === 'evaluator' && input.level === 'district') {
    throw invalidField(
      'level',
      '第三方评估机构由市人民政府委托，层级应为市级',
      'must be city for an evaluator',
    );
  }
}

const parentCycle = () =>
  new ConflictError(
    'org_parent_cycle',
    {
      zh: '上级机构不能是本机构自身或其下级机构（会形成循环）',
      en: 'The parent cannot be the organisation itself or one of its descendants (that would make a cycle)',
    },
    [{ field: 'parentId', message: { zh: '会形成循环', en: 'would make a cycle' } }],
  );

const parentMisplaced = () =>
  invalidField(
    'parentId',
    '须与本机构同一层级、同一区划（区县主管部门的上级可为市级主管部门）',
    "must be of the organisation's level and division (a district authority's may be the city's authority)",
  );

/**
 * Checks a new parent organisation: it exists, the caller manages it, it sits at the child's level
 * and division (policy `mayBeParentOf`), and it is neither the organisation nor one of its
 * descendants. Call after `lockOrgTree`.
 */
async function checkParent(trx: Trx, p: Principal, parentId: string, child: OrgRef) {
  if (parentId === child.id) throw parentCycle();
  const parent = await repo.findOrg(trx, parentId);
  if (!parent) throw invalidField('parentId', '上级机构不存在', 'is not a known organisation');
  if (!canManageOrg(p, orgRef(parent))) throw outsideJurisdictionField('parentId');
  if (!mayBeParentOf(orgRef(parent), child)) throw parentMisplaced();
  if (child.id && (await repo.lineage(trx, parentId)).includes(child.id)) throw parentCycle();
}

/**
 * An edit keeps the tree sound: a changed parent passes `checkParent`; a kept parent must still fit
 * an organisation that changes level, division or kind, and so must its children.
 */
async function checkTree(
  trx: Trx,
  p: Principal,
  before: repo.OrgRow,
  after: OrgRef,
  parentId: string | null | undefined,
) {
  const moved =
    after.level !== before.level || after.divisionCode !== before.division_code || after.kind !== before.kind;
  if (parentId === undefined || parentId === before.parent_id) {
    if (!moved) return;
    await repo.lockOrgTree(trx);
    const parent = before.parent_id ? await repo.findOrg(trx, before.parent_id) : undefined;
    if (parent && !mayBeParentOf(orgRef(parent), after)) throw parentMisplaced();
  } else {
    await repo.lockOrgTree(trx);
    if (parentId !== null) await checkParent(trx, p, parentId, after);
  }
  if (!moved) return;
  for (const child of await repo.childrenOf(trx, after.id)) {
    if (!mayBeParentOf(after, orgRef(child))) {
      const field =
        after.level !== before.level
          ? 'level'
          : after.divisionCode !== before.division_code
            ? 'divisionCode'
            : 'kind';
      throw new ConflictError(
        'org_children_misplaced',
        {
          zh: `下级机构“${child.name}”将与本机构层级或区划不符，请先调整其上级机构`,
          en: `The child organisation ${child.name} would no longer fit under this one; change its parent first`,
        },
        [{ field, message: { zh: '与下级机构不符', en: 'does not fit its child organisations' } }],
      );
    }
  }
}

async function checkNameFree(trx: Trx, divisionCode: string, name: string, selfId?: string) {
  const other = await repo.findOrgByName(trx, divisionCode, name);
  if (other && other.id !== selfId) {
    throw new ConflictError(
      'org_name_taken',
      { zh: '本区划内已有同名机构', en: 'An organisation with this name exists in the division' },
      [{ field: 'name', message: { zh: '已存在', en: 'exists already' } }],
    );
  }
}

export async function createOrg(db: Db, actor: Actor, input: OrgInput) {
  const p = principalOf(actor);
  return db.transaction().execute(async (trx) => {
    await checkOrgFields(trx, input);
    const ref = { id: '', kind: input.kind, level: input.level, divisionCode: input.divisionCode };
    if (!canManageOrg(p, ref)) throw outsideJurisdiction();
    if (input.parentId) await checkParent(trx, p, input.parentId, ref);
    const name = input.name.trim();
    await checkNameFree(trx, input.divisionCode, name);
    const row = await repo.insertOrg(trx, {
      name,
      short_name: input.shortName ?? null,
      kind: input.kind,
      level: input.level,
      credit_code: input.creditCode,
      division_code: input.divisionCode,
      parent_id: input.parentId ?? null,
      delegated: input.delegated ?? false,
      contact_name: input.contactName ?? null,
      contact_phone: input.contactPhone ?? null,
      contact_email: input.contactEmail ?? null,
    });
    await appendAudit(trx, actor, {
      action: 'org.create',
      targetType: 'organisation',
      targetId: row.id,
      detail: { ...input },
    });
    const created = await repo.findOrg(trx, row.id);
    if (!created) throw orgNotFound();
    return created;
  });
}

export async function updateOrg(
  db: Db,
  actor: Actor,
  id: string,
  input: Partial<OrgInput> & { active?: boolean },
) {
  const p = principalOf(actor);
  return db.transaction().execute(async (trx) => {
    const before = await repo.findOrg(trx, id);
    if (!before) throw orgNotFound();
    if (!canManageOrg(p, orgRef(before))) throw outsideJurisdiction();
    const after = {
      kind: input.kind ?? before.kind,
      level: input.level ?? before.level,
      divisionCode: input.divisionCode ?? before.division_code,
    };
    await checkOrgFields(trx, { ...input, kind: after.kind, level: after.level }, id);
    // Moving an organisation must keep it inside the administrator's jurisdiction.
    if (!canManageOrg(p, { id, ...after })) throw outsideJurisdiction();
    await checkTree(trx, p, before, { id, ...after }, input.parentId);
    if (input.name !== undefined || input.divisionCode !== undefined) {
      await checkNameFree(trx, after.divisionCode, (input.name ?? before.name).trim(), id);
    }
    if (input.active === false && !can(p, 'deactivate', { kind: 'organisation', ref: { id, ...after } })) {
      throw invalidField('active', '不能停用自己所在的机构', 'cannot deactivate your own organisation');
    }
    await repo.updateOrg(trx, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.shortName !== undefined ? { short_name: input.shortName } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.level !== undefined ? { level: input.level } : {}),
      ...(input.creditCode !== undefined ? { credit_code: input.creditCode } : {}),
      ...(input.divisionCode !== undefined ? { division_code: input.divisionCode } : {}),
      ...(input.parentId !== undefined ? { parent_id: input.parentId } : {}),
      ...(input.delegated !== undefined ? { delegated: input.delegated } : {}),
      ...(input.contactName !== undefined ? { contact_name: input.contactName } : {}),
      ...(input.contactPhone !== undefined ? { contact_phone: input.contactPhone } : {}),
      ...(input.contactEmail !== undefined ? { contact_email: input.contactEmail } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    });
    await appendAudit(trx, actor, {
      action: 'org.update',
      targetType: 'organisation',
      targetId: id,
      detail: { ...input },
    });
    const updated = await repo.findOrg(trx, id);
    if (!updated) throw orgNotFound();
    return updated;
  });
}

// ---------- accounts ----------

function assertRolesFit(roles: readonly Role[], orgKind: OrgKind, field = 'roles') {
  for (const role of roles) {
    const info = roleInfo(role);
    if (!info.orgKinds.includes(orgKind)) {
      throw invalidField(
        field,
        `“${info.zh}”角色不适用于此类机构`,
        `role ${role} does not fit this kind of organisation`,
      );
    }
  }
  if (roles.includes('admin') && roles.includes('auditor')) {
    throw invalidField(field, '平台管理员不得兼任审计员', 'an administrator may not also be the auditor');
  }
}

export async function listAccounts(
  db: Db,
  actor: Actor,
  filter: { orgId?: string; q?: string },
  page: number,
  pageSize: number,
) {
  const p = principalOf(actor);
  await assertScopeOrg(db, filter.orgId, (org) => canManageOrg(p, org));
  return repo.listAccounts(db, { ...filter, scope: scopeOf(p) }, (page - 1) * pageSize, pageSize);
}

async function managedAccount(trx: Db, p: Principal, id: string) {
  const account = await repo.findStaffAccount(trx, id);
  if (!account || !account.org_id) throw accountNotFound();
  const org = await repo.findOrg(trx, account.org_id);
  if (!org) throw accountNotFound();
  // Accounts outside the administrator's jurisdiction are reported as not found.
  if (!canManageOrg(p, orgRef(org))) throw accountNotFound();
  return { account, org };
}

export async function getAccount(db: Db, actor: Actor, id: string) {
  return (await managedAccount(db, principalOf(actor), id)).account;
}

export interface AccountInput {
  username: string;
  displayName: string;
  orgId: string;
  roles: Role[];
  password: string;
  phone?: string | null | undefined;
  email?: string | null | undefined;
}

export async function createAccount(db: Db, actor: Actor, input: AccountInput) {
  const p = principalOf(actor);
  assertStrongPassword(input.password, 'password');
  const hashed = await hashPassword(input.password);
  const username = normaliseUsername(input.username);
  return db.transaction().execute(async (trx) => {
    const org = await repo.findOrg(trx, input.orgId);
    if (!org) throw invalidField('orgId', '机构不存在', 'is not a known organisation');
    if (!canManageOrg(p, orgRef(org))) throw outsideJurisdiction();
    assertRolesFit(input.roles, org.kind);
    if (await repo.findAccountByUsername(trx, username)) throw usernameTaken();
    const { id } = await repo.insertAccount(trx, {
      kind: 'staff',
      username,
      display_name: input.displayName.trim(),
      org_id: org.id,
      public_type: null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      password_hash: hashed,
      must_change_password: true,
    });
    await repo.setAccountRoles(trx, id, input.roles);
    await appendAudit(trx, actor, {
      action: 'account.create',
      targetType: 'account',
      targetId: id,
      detail: { username, orgId: org.id, roles: input.roles },
    });
    const created = await repo.findStaffAccount(trx, id);
    if (!created) throw accountNotFound();
    return created;
  });
}

export async function updateAccount(
  db: Db,
  actor: Actor,
  id: string,
  input: {
    displayName?: string | undefined;
    roles?: Role[] | undefined;
    status?: 'active' | 'disabled' | undefined;
    phone?: string | null | undefined;
    email?: string | null | undefined;
  },
) {
  const p = principalOf(actor);
  return db.transaction().execute(async (trx) => {
    const { account, org } = await managedAccount(trx, p, id);
    if (p.kind === 'staff' && p.accountId === id) {
      if (input.status === 'disabled')
        throw invalidField('status', '不能停用自己的账号', 'cannot disable your own account');
      if (input.roles && !input.roles.includes('admin')) {
        throw invalidField('roles', '不能移除自己的管理员角色', 'cannot remove your own administrator role');
      }
    }
    if (input.roles) assertRolesFit(input.roles, org.kind);
    await repo.updateAccount(trx, id, {
      ...(input.displayName !== undefined ? { display_name: input.displayName.trim() } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
    });
    if (input.roles) await repo.setAccountRoles(trx, id, input.roles);
    if (input.status === 'disabled') await repo.deleteSessionsOf(trx, id);
    await appendAudit(trx, actor, {
      action: 'account.update',
      targetType: 'account',
      targetId: id,
      detail: { ...input, previousRoles: account.roles },
    });
    const updated = await repo.findStaffAccount(trx, id);
    if (!updated) throw accountNotFound();
    return updated;
  });
}

export async function resetPassword(db: Db, actor: Actor, id: string, password: string) {
  const p = principalOf(actor);
  assertStrongPassword(password, 'password');
  const hashed = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const { account } = await managedAccount(trx, p, id);
    await repo.updateAccount(trx, id, {
      password_hash: hashed,
      must_change_password: true,
      password_changed_at: new Date(),
    });
    await repo.clearThrottle(trx, account.username);
    await repo.deleteSessionsOf(trx, id);
    await appendAudit(trx, actor, { action: 'account.password_reset', targetType: 'account', targetId: id });
  });
}

export async function unlockAccount(db: Db, actor: Actor, id: string) {
  const p = principalOf(actor);
  await db.transaction().execute(async (trx) => {
    const { account } = await managedAccount(trx, p, id);
    // Lifts the pause of every address, and forgets the failures counted so far.
    await repo.clearThrottle(trx, account.username);
    await appendAudit(trx, actor, {
      action: 'account.unlock',
      targetType: 'account',
      targetId: id,
      detail: { addresses: account.locked_addresses },
    });
  });
}

// ---------- API credentials ----------

export async function listCredentials(db: Db, actor: Actor, orgId?: string) {
  const p = principalOf(actor);
  const scope = credentialScope(p);
  if (!scope) throw new ForbiddenError();
  await assertScopeOrg(db, orgId, (org) => canManageCredentials(p, org));
  return repo.listCredentials(db, { orgId, scope });
}

export async function createCredential(
  db: Db,
  actor: Actor,
  input: { orgId: string; name: string; roles: Role[]; expiresAt?: string | null | undefined },
) {
  const p = principalOf(actor);
  return db.transaction().execute(async (trx) => {
    const org = await repo.findOrg(trx, input.orgId);
    if (!org) throw invalidField('orgId', '机构不存在', 'is not a known organisation');
    if (!canManageCredentials(p, orgRef(org))) throw outsideJurisdiction();
    if (input.roles.length === 0) throw invalidField('roles', '至少选择一个角色', 'needs at least one role');
    assertRolesFit(input.roles, org.kind);
    for (const role of input.roles) {
      if (!roleInfo(role).forSystems) {
        throw invalidField(
          'roles',
          `“${roleInfo(role).zh}”只能授予人员，不能授予系统`,
          `role ${role} is for people only`,
        );
      }
    }
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt <= new Date())
      throw invalidField('expiresAt', '应晚于当前时间', 'must be in the future');
    const keyId = `hk_${randomBytes(8).toString('hex')}`;
    const secret = randomToken(32);
    const { id } = await repo.insertCredential(trx, {
      key_id: keyId,
      secret_hash: sm3Hex(secret),
      name: input.name.trim(),
      org_id: org.id,
      roles: input.roles,
      created_by: p.kind === 'credential' ? '' : p.accountId,
      expires_at: expiresAt,
    });
    await appendAudit(trx, actor, {
      action: 'credential.create',
      targetType: 'credential',
      targetId: id,
      detail: { keyId, orgId: org.id, roles: input.roles, name: input.name },
    });
    const credential = await repo.findCredential(trx, id);
    if (!credential) throw credentialNotFound();
    return { credential, secret, token: `${keyId}.${secret}` };
  });
}

export async function revokeCredential(db: Db, actor: Actor, id: string) {
  const p = principalOf(actor);
  return db.transaction().execute(async (trx) => {
    const c = await repo.findCredential(trx, id);
    if (!c) throw credentialNotFound();
    const org = await repo.findOrg(trx, c.org_id);
    if (!org || !canManageCredentials(p, orgRef(org))) throw credentialNotFound();
    if (!c.revoked_at) {
      await repo.revokeCredential(trx, id, p.kind === 'credential' ? '' : p.accountId);
      await appendAudit(trx, actor, { action: 'credential.revoke', targetType: 'credential', targetId: id });
    }
    const after = await repo.findCredential(trx, id);
    if (!after) throw credentialNotFound();
    return after;
  });
}

export const roles = () => ROLE_INFO;
