import type { OrgKind, OrgLevel, PublicType } from '../db/database.types.ts';
import { ForbiddenError } from './errors.ts';
import type { Role } from './roles.ts';

export interface PrincipalOrg {
  id: string;
  name: string;
  kind: OrgKind;
  level: OrgLevel;
  divisionCode: string;
}

/** Who is calling: a person signed in with a session, or a department's system with a credential. */
export type Principal =
  | {
      kind: 'staff';
      accountId: string;
      username: string;
      displayName: string;
      org: PrincipalOrg;
      roles: Role[];
      sessionId: string;
      csrfToken: string;
      mustChangePassword: boolean;
    }
  | {
      kind: 'public';
      accountId: string;
      username: string;
      displayName: string;
      publicType: PublicType;
      sessionId: string;
      csrfToken: string;
      mustChangePassword: boolean;
    }
  | {
      kind: 'credential';
      credentialId: string;
      keyId: string;
      displayName: string;
      org: PrincipalOrg;
      roles: Role[];
    };

/** The caller of a service method: for authorization decisions and the audit trail. */
export interface Actor {
  principal: Principal | null;
  ip: string;
}

export const SYSTEM_ACTOR: Actor = { principal: null, ip: 'system' };

/** A principal of an organisation's staff: a person or a system with an API credential. */
export type StaffPrincipal = Extract<Principal, { kind: 'staff' | 'credential' }>;

/** The actor's staff principal; anyone else (anonymous, public accounts) is refused with 403. */
export function staffOf(actor: Actor): StaffPrincipal {
  const p = actor.principal;
  if (!p || p.kind === 'public') throw new ForbiddenError();
  return p;
}
