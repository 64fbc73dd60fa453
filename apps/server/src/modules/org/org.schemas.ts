import { Type, type Static } from 'typebox';
import { ROLES } from '../../shared/roles.ts';
import { DateTime, Nullable, PageQuery, StringEnum, Uuid } from '../../shared/schemas.ts';
import type { AccountRow, CredentialRow, OrgRow } from './org.repository.ts';
import type { Principal } from '../../shared/principal.ts';
import { CAPABILITIES, capabilitiesOf } from '../../shared/policy.ts';

export const OrgKindSchema = StringEnum(['authority', 'department', 'enterprise', 'evaluator'] as const, {
  description:
    'authority 大数据主管部门 · department 政务部门 · enterprise 公共服务企业 · evaluator 第三方评估机构',
});
export const OrgLevelSchema = StringEnum(['city', 'district'] as const);
export const DivisionKindSchema = StringEnum([
  'province',
  'city',
  'district',
  'county',
  'county_city',
] as const);
export const RoleSchema = StringEnum(ROLES);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const CreditCode = Type.String({ minLength: 1, maxLength: 32, description: '统一社会信用代码 (GB 32100)' });

// ---------- divisions ----------

export const Division = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: DivisionKindSchema,
  parentCode: Nullable(Type.String()),
});
export const DivisionList = Type.Object({ items: Type.Array(Division) });
export const CreateDivisionBody = Type.Object(
  {
    code: Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 code' }),
    name: Text(50),
    kind: DivisionKindSchema,
    parentCode: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{6}$' }))),
  },
  { additionalProperties: false },
);
export const DivisionParams = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$' }) },
  { additionalProperties: false },
);
export const UpdateDivisionBody = Type.Object({ name: Text(50) }, { additionalProperties: false });

export function divisionDto(d: {
  code: string;
  name: string;
  kind: Static<typeof DivisionKindSchema>;
  parent_code: string | null;
}) {
  return { code: d.code, name: d.name, kind: d.kind, parentCode: d.parent_code };
}

// ---------- organisations ----------

export const Organisation = Type.Object({
  id: Uuid,
  name: Type.String(),
  shortName: Nullable(Type.String()),
  kind: OrgKindSchema,
  level: OrgLevelSchema,
  creditCode: Nullable(Type.String()),
  divisionCode: Type.String(),
  divisionName: Type.String(),
  parentId: Nullable(Uuid),
  parentName: Nullable(Type.String()),
  delegated: Type.Boolean({ description: '法律、法规授权具有行政职能的事业单位和社会组织 (Art. 3)' }),
  contactName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  contactEmail: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export function orgDto(o: OrgRow): Static<typeof Organisation> {
  return {
    id: o.id,
    name: o.name,
    shortName: o.short_name,
    kind: o.kind,
    level: o.level,
    creditCode: o.credit_code,
    divisionCode: o.division_code,
    divisionName: o.division_name,
    parentId: o.parent_id,
    parentName: o.parent_name,
    delegated: o.delegated,
    contactName: o.contact_name,
    contactPhone: o.contact_phone,
    contactEmail: o.contact_email,
    active: o.active,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export const ListOrgsQuery = Type.Object(
  {
    kind: Type.Optional(OrgKindSchema),
    divisionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    active: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const orgFields = {
  name: Text(100),
  shortName: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
  kind: OrgKindSchema,
  level: OrgLevelSchema,
  creditCode: CreditCode,
  divisionCode: Type.String({ pattern: '^[0-9]{6}$' }),
  parentId: Type.Optional(Nullable(Uuid)),
  delegated: Type.Optional(Type.Boolean()),
  contactName: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
  contactPhone: Type.Optional(Nullable(Type.String({ maxLength: 30, pattern: '^[0-9+()\\- ]*$' }))),
  contactEmail: Type.Optional(Nullable(Type.String({ maxLength: 100, format: 'email' }))),
};
export const CreateOrgBody = Type.Object(orgFields, { additionalProperties: false });
export const UpdateOrgBody = Type.Object(
  {
    name: Type.Optional(orgFields.name),
    shortName: orgFields.shortName,
    kind: Type.Optional(orgFields.kind),
    level: Type.Optional(orgFields.level),
    creditCode: Type.Optional(orgFields.creditCode),
    divisionCode: Type.Optional(orgFields.divisionCode),
    parentId: orgFields.parentId,
    delegated: orgFields.delegated,
    contactName: orgFields.contactName,
    contactPhone: orgFields.contactPhone,
    contactEmail: orgFields.contactEmail,
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

// ---------- accounts ----------

export const Account = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  roles: Type.Array(RoleSchema),
  status: StringEnum(['active', 'disabled'] as const),
  locked: Type.Boolean({ description: 'Some client address is paused for this account' }),
  lockedUntil: Nullable(DateTime),
  lockedAddresses: Type.Array(Type.String(), { description: 'The client addresses paused now' }),
  mustChangePassword: Type.Boolean(),
  lastSignInAt: Nullable(DateTime),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  createdAt: DateTime,
});

export function accountDto(a: AccountRow): Static<typeof Account> {
  const locked = a.locked_until !== null && a.locked_until > new Date();
  return {
    id: a.id,
    username: a.username,
    displayName: a.display_name,
    orgId: a.org_id ?? '',
    orgName: a.org_name,
    roles: a.roles as Static<typeof RoleSchema>[],
    status: a.status,
    locked,
    lockedUntil: locked && a.locked_until ? a.locked_until.toISOString() : null,
    lockedAddresses: locked ? a.locked_addresses : [],
    mustChangePassword: a.must_change_password,
    lastSignInAt: a.last_sign_in_at?.toISOString() ?? null,
    phone: a.phone,
    email: a.email,
    createdAt: a.created_at.toISOString(),
  };
}

export const ListAccountsQuery = Type.Object(
  { orgId: Type.Optional(Uuid), q: Type.Optional(Type.String({ maxLength: 100 })), ...PageQuery },
  { additionalProperties: false },
);
const Username = Type.String({ minLength: 3, maxLength: 50, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Password = Type.String({ minLength: 1, maxLength: 200 });
export const CreateAccountBody = Type.Object(
  {
    username: Username,
    displayName: Text(50),
    orgId: Uuid,
    roles: Type.Array(RoleSchema, { uniqueItems: true, maxItems: 9 }),
    password: Password,
    phone: Type.Optional(Nullable(Type.String({ maxLength: 30, pattern: '^[0-9+()\\- ]*$' }))),
    email: Type.Optional(Nullable(Type.String({ maxLength: 100, format: 'email' }))),
  },
  { additionalProperties: false },
);
export const UpdateAccountBody = Type.Object(
  {
    displayName: Type.Optional(Text(50)),
    roles: Type.Optional(Type.Array(RoleSchema, { uniqueItems: true, maxItems: 9 })),
    status: Type.Optional(StringEnum(['active', 'disabled'] as const)),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 30, pattern: '^[0-9+()\\- ]*$' }))),
    email: Type.Optional(Nullable(Type.String({ maxLength: 100, format: 'email' }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const ResetPasswordBody = Type.Object({ password: Password }, { additionalProperties: false });

// ---------- roles ----------

export const RoleInfoSchema = Type.Object({
  role: RoleSchema,
  zh: Type.String(),
  en: Type.String(),
  descriptionZh: Type.String(),
  descriptionEn: Type.String(),
  orgKinds: Type.Array(OrgKindSchema),
  forSystems: Type.Boolean(),
});
export const RoleList = Type.Object({ items: Type.Array(RoleInfoSchema) });

// ---------- credentials ----------

export const Credential = Type.Object({
  id: Uuid,
  keyId: Type.String(),
  name: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  roles: Type.Array(RoleSchema),
  createdBy: Type.String(),
  createdAt: DateTime,
  expiresAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
  lastUsedAt: Nullable(DateTime),
});
export function credentialDto(c: CredentialRow): Static<typeof Credential> {
  return {
    id: c.id,
    keyId: c.key_id,
    name: c.name,
    orgId: c.org_id,
    orgName: c.org_name,
    roles: c.roles as Static<typeof RoleSchema>[],
    createdBy: c.created_by_name,
    createdAt: c.created_at.toISOString(),
    expiresAt: c.expires_at?.toISOString() ?? null,
    revokedAt: c.revoked_at?.toISOString() ?? null,
    lastUsedAt: c.last_used_at?.toISOString() ?? null,
  };
}
export const CredentialList = Type.Object({ items: Type.Array(Credential) });
export const ListCredentialsQuery = Type.Object(
  { orgId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const CreateCredentialBody = Type.Object(
  {
    orgId: Uuid,
    name: Text(100),
    roles: Type.Array(RoleSchema, { uniqueItems: true, minItems: 1, maxItems: 9 }),
    expiresAt: Type.Optional(Nullable(DateTime)),
  },
  { additionalProperties: false },
);
export const CreatedCredential = Type.Object({
  credential: Credential,
  secret: Type.String({ description: 'Shown once; store it now' }),
  token: Type.String({ description: 'Send as `Authorization: Bearer <token>`' }),
});

// ---------- auth ----------

export const SignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export const RegisterBody = Type.Object(
  {
    username: Username,
    password: Password,
    displayName: Text(100),
    publicType: StringEnum(['natural', 'legal'] as const, {
      description: 'natural 自然人 · legal 法人和其他组织',
    }),
    creditCode: Type.Optional(CreditCode),
    phone: Type.Optional(Type.String({ maxLength: 30, pattern: '^[0-9+()\\- ]*$' })),
    email: Type.Optional(Type.String({ maxLength: 100, format: 'email' })),
  },
  { additionalProperties: false },
);
export const Me = Type.Object({
  account: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    kind: StringEnum(['staff', 'public', 'credential'] as const),
    publicType: Nullable(StringEnum(['natural', 'legal'] as const)),
    mustChangePassword: Type.Boolean(),
    org: Nullable(
      Type.Object({
        id: Uuid,
        name: Type.String(),
        kind: OrgKindSchema,
        level: OrgLevelSchema,
        divisionCode: Type.String(),
      }),
    ),
    roles: Type.Array(RoleSchema),
    capabilities: Type.Array(StringEnum(CAPABILITIES), {
      description:
        'What the caller may do, by the rules of the policy module: the route rules it passes (e.g. cataloguer, provider, keeper, cityAdmin) and ownData. The web shows menus and buttons by these, never by roles.',
    }),
  }),
  csrfToken: Nullable(Type.String()),
});

/** Whoever calls, signed in or not (`GET /api/auth/session`): the caller as /auth/me says, or null. */
export const CurrentSession = Type.Object({ me: Nullable(Me) });

export function meDto(p: Principal): Static<typeof Me> {
  switch (p.kind) {
    case 'staff':
      return {
        account: {
          id: p.accountId,
          username: p.username,
          displayName: p.displayName,
          kind: 'staff',
          publicType: null,
          mustChangePassword: p.mustChangePassword,
          org: p.org,
          roles: p.roles,
          capabilities: capabilitiesOf(p),
        },
        csrfToken: p.csrfToken,
      };
    case 'public':
      return {
        account: {
          id: p.accountId,
          username: p.username,
          displayName: p.displayName,
          kind: 'public',
          publicType: p.publicType,
          mustChangePassword: p.mustChangePassword,
          org: null,
          roles: [],
          capabilities: capabilitiesOf(p),
        },
        csrfToken: p.csrfToken,
      };
    case 'credential':
      return {
        account: {
          id: p.credentialId,
          username: p.keyId,
          displayName: p.displayName,
          kind: 'credential',
          publicType: null,
          mustChangePassword: false,
          org: p.org,
          roles: p.roles,
          capabilities: capabilitiesOf(p),
        },
        csrfToken: null,
      };
  }
}
