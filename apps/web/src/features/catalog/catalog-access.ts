import { hasRole, type MeAccount } from '../auth/auth-api';

/** Staff of a department or public-service enterprise: they keep their own catalog. */
export const isDepartmentStaff = (a: MeAccount | null | undefined): boolean =>
  a?.kind === 'staff' && (a.org?.kind === 'department' || a.org?.kind === 'enterprise');

/** A cataloguer of a department or enterprise: drafts, edits and submits the catalog. */
export const canCatalogue = (a: MeAccount | null | undefined): boolean =>
  isDepartmentStaff(a) && hasRole(a, 'cataloguer');

/** A reviewer of a big-data authority (city or district). */
export const canReviewCatalog = (a: MeAccount | null | undefined): boolean =>
  hasRole(a, 'reviewer') && a?.org?.kind === 'authority';

/** The legal-basis library is kept by the city authority's administrators and reviewers. */
export const canKeepLegalBases = (a: MeAccount | null | undefined): boolean =>
  hasRole(a, 'admin', 'reviewer') && a?.org?.kind === 'authority' && a.org.level === 'city';

/** May this account edit and submit this organisation's entries? */
export const isCataloguerOf = (a: MeAccount | null | undefined, orgId: string): boolean =>
  canCatalogue(a) && a?.org?.id === orgId;
