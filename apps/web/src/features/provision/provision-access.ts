import type { MeAccount } from '@huitong/contract/org';
import { hasCapability } from '../auth/auth-api';

// Each rule is the server's (shared/policy.ts); the web reads the capabilities /api/auth/me lists,
// and what may be done with one entry's data from that entry's `actions` (its provision settings).

/** A data provider of a department or enterprise: uploads its published entries' data (资源数据). */
export const canProvide = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'provider');

/** 资源数据 of one's own department: its providers, approvers and cataloguers (the list of its entries). */
export const canSeeOwnData = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'ownData');

/**
 * The state of a department's data (versions, reports, connectors): the department's providers,
 * approvers and cataloguers, and the administrators and reviewers of authorities (the server
 * answers only the entries of the departments they supervise).
 */
export const canViewProvision = (a: MeAccount | null | undefined): boolean =>
  hasCapability(a, 'provisionViewer');
