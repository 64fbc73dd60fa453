/** Divisions, organisations, accounts, roles, API credentials and sign-in. */
import { Type, type Static } from 'typebox';
import { DateTime, Nullable, PageQuery, Paged, StringEnum, Uuid } from './common.ts';
import {
  CAPABILITIES,
  ACCOUNT_STATUSES,
  DIVISION_KINDS,
  ORG_KINDS,
  ORG_LEVELS,
  PRINCIPAL_KINDS,
  PUBLIC_TYPES,
  ROLES,
} from './values.ts';

export const OrgKindSchema = StringEnum(ORG_KINDS, {
  description:
    'authority 大数据主管部门 · department 政务部门 · enterprise 公共服务企业 · evaluator 第三方评估机构',
});
export const OrgLevelSchema = StringEnum(ORG_LEVELS);
export const DivisionKindSchema = StringEnum(DIVISION_KINDS);
export const RoleSchema = StringEnum(ROLES);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const CreditCode = Type.String({ minLength: 1, maxLength: 32, description: '统一社会信用代码 (GB 32100)' });
const DivisionCode = Type.String({ pattern: '^[0-9]{6}$' });
const Phone = Type.String({ maxLength: 30, pattern: '^[0-9+()\\- ]*$' });
const Email = Type.String({ maxLength: 100, format: 'email' });

// ---------- divisions ----------

export const Division = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: DivisionKindSchema,
  parentCode: Nullable(Type.String()),
});
/** An administrative division (GB/T 2260). */
export type Division = Static<typeof Division>;
export const DivisionList = Type.Object({ items: Type.Array(Division) });
export const CreateDivisionBody = Type.Object(
  {
    code: Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 code' }),
    name: Text(50),
    kind: DivisionKindSchema,
    parentCode: Type.Optional(Nullable(DivisionCode)),
  },
  { additionalProperties: false },
);
export type CreateDivisionBody = Static<typeof CreateDivisionBody>;
export const DivisionParams = Type.Object({ code: DivisionCode }, { additionalProperties: false });
export const UpdateDivisionBody = Type.Object({ name: Text(50) }, { additionalProperties: false });

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
export type Organisation = Static<typeof Organisation>;
export const OrganisationPage = Paged(Organisation);

export const ListOrgsQuery = Type.Object(
  {
    kind: Type.Optional(OrgKindSchema),
    divisionCode: Type.Optional(DivisionCode),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    active: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListOrgsQuery = Static<typeof ListOrgsQuery>;

const orgFields = {
  name: Text(100),
  shortName: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
  kind: OrgKindSchema,
  level: OrgLevelSchema,
  creditCode: CreditCode,
  divisionCode: DivisionCode,
  parentId: Type.Optional(Nullable(Uuid)),
  delegated: Type.Optional(Type.Boolean()),
  contactName: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
  contactPhone: Type.Optional(Nullable(Phone)),
  contactEmail: Type.Optional(Nullable(Email)),
};
export const CreateOrgBody = Type.Object(orgFields, { additionalProperties: false });
export type CreateOrgBody = Static<typeof CreateOrgBody>;
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
export type UpdateOrgBody = Static<typeof UpdateOrgBody>;

// ---------- accounts ----------

export const Account = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  roles: Type.Array(RoleSchema),
  status: StringEnum(ACCOUNT_STATUSES),
  locked: Type.Boolean({ description: 'Some client address is paused for this account' }),
  lockedUntil: Nullable(DateTime),
  lockedAddresses: Type.Array(Type.String(), { description: 'The client addresses paused now' }),
  mustChangePassword: Type.Boolean(),
  lastSignInAt: Nullable(DateTime),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  createdAt: DateTime,
});
/** A staff account. */
export type Account = Static<typeof Account>;
export const AccountPage = Paged(Account);

export const ListAccountsQuery = Type.Object(
  { orgId: Type.Optional(Uuid), q: Type.Optional(Type.String({ maxLength: 100 })), ...PageQuery },
  { additionalProperties: false },
);
export type ListAccountsQuery = Static<typeof ListAccountsQuery>;
const Username = Type.String({ minLength: 3, maxLength: 50, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Password = Type.String({ minLength: 1, maxLength: 200 });
export const CreateAccountBody = Type.Object(
  {
    username: Username,
    displayName: Text(50),
    orgId: Uuid,
    roles: Type.Array(RoleSchema, { uniqueItems: true, maxItems: 9 }),
    password: Password,
    phone: Type.Optional(Nullable(Phone)),
    email: Type.Optional(Nullable(Email)),
  },
  { additionalProperties: false },
);
export type CreateAccountBody = Static<typeof CreateAccountBody>;
export const UpdateAccountBody = Type.Object(
  {
    displayName: Type.Optional(Text(50)),
    roles: Type.Optional(Type.Array(RoleSchema, { uniqueItems: true, maxItems: 9 })),
    status: Type.Optional(StringEnum(ACCOUNT_STATUSES)),
    phone: Type.Optional(Nullable(Phone)),
    email: Type.Optional(Nullable(Email)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAccountBody = Static<typeof UpdateAccountBody>;
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
/** An API credential of a department's system. */
export type Credential = Static<typeof Credential>;
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
export type CreateCredentialBody = Static<typeof CreateCredentialBody>;
export const CreatedCredential = Type.Object({
  credential: Credential,
  secret: Type.String({ description: 'Shown once; store it now' }),
  token: Type.String({ description: 'Send as `Authorization: Bearer <token>`' }),
});
export type CreatedCredential = Static<typeof CreatedCredential>;

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
    publicType: StringEnum(PUBLIC_TYPES, { description: 'natural 自然人 · legal 法人和其他组织' }),
    creditCode: Type.Optional(CreditCode),
    phone: Type.Optional(Phone),
    email: Type.Optional(Email),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const MeOrg = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: OrgKindSchema,
  level: OrgLevelSchema,
  divisionCode: Type.String(),
});
export const MeAccount = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  kind: StringEnum(PRINCIPAL_KINDS),
  publicType: Nullable(StringEnum(PUBLIC_TYPES)),
  mustChangePassword: Type.Boolean(),
  org: Nullable(MeOrg),
  roles: Type.Array(RoleSchema),
  capabilities: Type.Array(StringEnum(CAPABILITIES), {
    description:
      'What the caller may do, by the rules of the policy module: the route rules it passes (e.g. cataloguer, provider, keeper, cityAdmin) and departmentStaff, ownData, qualityViewer. The web shows menus and buttons by these, never by roles.',
  }),
});
/** The signed-in caller as `GET /api/auth/me` describes them. */
export type MeAccount = Static<typeof MeAccount>;
export const Me = Type.Object({ account: MeAccount, csrfToken: Nullable(Type.String()) });
export type Me = Static<typeof Me>;
/**
 * Whoever calls, signed in or not, as `GET /api/auth/session` answers (always 200): the caller as
 * `/api/auth/me` describes them, or null for an anonymous caller.
 */
export const CurrentSession = Type.Object({ me: Nullable(Me) });
export type CurrentSession = Static<typeof CurrentSession>;
