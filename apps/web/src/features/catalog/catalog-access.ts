import type { MeAccount } from '@huitong/contract/org';
import { hasRole } from '../auth/auth-api';

/** Staff of a department or public-service enterprise: they keep their own catalog. */
export const isDepartmentStaff = (a: MeAccount | null | undefined): boolean =>
  a?.kind === 'staff' && (a.org?.kind === 'department' || a.org?.kind === 'enterprise');

/** A cataloguer of a department or enterprise: drafts, edits and submits the catalog. */
export const canCatalogue = (a: MeAccount | null | undefined): boolean =>
  isDepartmentStaff(a) && hasRole(a, 'cataloguer');

/** A reviewer of a big-data authority (city or district). */
export const canReviewCatalog = (a: MeAccount | null | undefined): boolean =>
  hasRole(a, 'reviewer') && a?.org?.kind === 'authority';

/** A reviewer or administrator of a big-data authority: follows and schedules its departments' catalog upkeep. */
export const canKeepUpkeep = (a: MeAccount | null | undefined): boolean =>
  hasRole(a, 'admin', 'reviewer') && a?.org?.kind === 'authority';

/** 目录更新维护 (Art. 12): the authority's reviewers and administrators, and departments' cataloguers. */
export const canSeeUpkeep = (a: MeAccount | null | undefined): boolean => canKeepUpkeep(a) || canCatalogue(a);

/** Only the city authority runs the daily upkeep check by hand. */
export const canScanUpkeep = (a: MeAccount | null | undefined): boolean =>
  canKeepUpkeep(a) && a?.org?.level === 'city';

/** The legal-basis library is kept by the city authority's administrators and reviewers. */
export const canKeepLegalBases = (a: MeAccount | null | undefined): boolean =>
  hasRole(a, 'admin', 'reviewer') && a?.org?.kind === 'authority' && a.org.level === 'city';

/** May this account edit and submit this organisation's entries? */
export const isCataloguerOf = (a: MeAccount | null | undefined, orgId: string): boolean =>
  canCatalogue(a) && a?.org?.id === orgId;
