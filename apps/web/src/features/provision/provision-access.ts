import type { MeAccount } from '@huitong/contract/org';
import { hasRole } from '../auth/auth-api';
import { canKeepUpkeep, canReviewCatalog, isDepartmentStaff } from '../catalog/catalog-access';

/** A data provider of a department or enterprise: uploads its published entries' data (资源数据). */
export const canProvide = (a: MeAccount | null | undefined): boolean =>
  isDepartmentStaff(a) && hasRole(a, 'provider');

/** 资源数据 of one's own department: its providers, approvers and cataloguers (the list of its entries). */
export const canSeeOwnData = (a: MeAccount | null | undefined): boolean =>
  isDepartmentStaff(a) && hasRole(a, 'provider', 'approver', 'cataloguer');

/**
 * The state of a department's data (versions, reports, connectors): the department's providers,
 * approvers and cataloguers, and the administrators and reviewers of authorities (the server
 * answers only the entries of the departments they supervise).
 */
export const canViewProvision = (a: MeAccount | null | undefined): boolean =>
  canSeeOwnData(a) || canKeepUpkeep(a);

/** Exports and file downloads: the department's own providers and approvers. */
export const canExportData = (a: MeAccount | null | undefined, orgId: string | undefined): boolean =>
  isDepartmentStaff(a) && hasRole(a, 'provider', 'approver') && orgId !== undefined && a?.org?.id === orgId;

/** Rows and version comparisons: those who export, and authority reviewers (sensitive items masked). */
export const canReadData = (a: MeAccount | null | undefined, orgId: string | undefined): boolean =>
  canExportData(a, orgId) || canReviewCatalog(a);
