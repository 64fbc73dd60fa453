/** The audit trail. */
import { Type, type Static } from 'typebox';
import { DateTime, Nullable, PageQuery, Paged, StringEnum, Uuid } from './common.ts';
import { ACTOR_KINDS, AUDIT_RESULTS } from './values.ts';

export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: DateTime,
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  actorKind: StringEnum(ACTOR_KINDS),
  orgId: Nullable(Type.String()),
  orgName: Nullable(Type.String()),
  action: Type.String(),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  result: StringEnum(AUDIT_RESULTS),
  detail: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditPage = Paged(AuditEntry);

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({ maxLength: 100, description: 'Prefix, e.g. `auth.` or `org.create`' }),
    ),
    actorId: Type.Optional(Uuid),
    orgId: Type.Optional(Uuid),
    result: Type.Optional(StringEnum(AUDIT_RESULTS)),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const ChainReport = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBrokenSeq: Nullable(Type.Integer()),
  reason: Nullable(Type.String()),
});
/** The result of verifying the audit chain's hashes. */
export type ChainReport = Static<typeof ChainReport>;
