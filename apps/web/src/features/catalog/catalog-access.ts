import type { MeAccount } from '@huitong/contract/org';
import { hasCapability } from '../auth/auth-api';

// Each rule is the server's (shared/policy.ts); the web reads the capabilities /api/auth/me lists.

/** Staff of a department or public-service enterprise: they keep their own catalog. */
export const isDepartmentStaff = (a: MeAccount | null | undefined): boolean =>
  hasCapability(a, 'departmentStaff');

/** A cataloguer of a department or enterprise: drafts, edits and submits the catalog. */
export const canCatalogue = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'cataloguer');

/** A reviewer of a big-data authority (city or district). */
export const canReviewCatalog = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'reviewer');

/** A reviewer or administrator of a big-data authority: follows and schedules its departments' catalog upkeep. */
export const canKeepUpkeep = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'keeper');

/** 目录更新维护 (Art. 12): the authority's reviewers and administrators, and departments' cataloguers. */
export const canSeeUpkeep = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'upkeepViewer');

/** Only the city authority runs the daily upkeep check by hand. */
export const canScanUpkeep = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'cityKeeper');

/** The legal-basis library is kept by the city authority's administrators and reviewers. */
export const canKeepLegalBases = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'cityKeeper');
