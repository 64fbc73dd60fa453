import { api, encodeSegment, type LocalizedText } from '../../api/client';
import { hasRole, type MeAccount } from '../auth/auth-api';
import { canKeepUpkeep, isDepartmentStaff } from '../catalog/catalog-access';

export const PROBLEM_KINDS = [
  'no_data',
  'overdue',
  'low_quality',
  'quality_drop',
  'rows_excluded',
  'declared_mismatch',
  'connector_failing',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];
export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type ActingRole = 'provider' | 'cataloguer' | 'reviewer';

export type QualityProblem = {
  entryId: string;
  entryCode: string | null;
  entryName: string;
  orgId: string;
  orgName: string;
  kind: ProblemKind;
  severity: Severity;
  since: string;
  ageDays: number;
  message: LocalizedText;
  details: Record<string, unknown>;
  mustAct: { orgId: string; orgName: string; role: ActingRole }[];
  escalated: boolean;
  subject: string;
};

export type QualityOrganisation = {
  orgId: string;
  orgName: string;
  level: string;
  divisionCode: string;
  entries: number;
  withData: number;
  withProblems: number;
  problems: number;
  high: number;
  escalated: number;
  oldestDays: number | null;
  byKind: Record<ProblemKind, number>;
};

export type QualityOverview = {
  generatedAt: string;
  summary: {
    organisations: number;
    entries: number;
    withData: number;
    withProblems: number;
    problems: number;
    escalated: number;
    byKind: Record<ProblemKind, number>;
    bySeverity: Record<Severity, number>;
  };
  organisations: QualityOrganisation[];
  rules: {
    overdueAfterDays: Record<string, number>;
    minRequiredCompleteness: number;
    minValidShare: number;
    maxShareDrop: number;
    minRowRatio: number;
    minRowsForDrop: number;
    escalateAfterDays: number;
  };
  items: QualityProblem[];
  total: number;
  page: number;
  pageSize: number;
};

export type QualityFilter = {
  kind?: ProblemKind | null;
  orgId?: string | null;
  severity?: Severity | null;
  page: number;
  pageSize: number;
};

export type Declaration = {
  rowCount: number | null;
  checksum: string | null;
  declaredAt: string;
  rowCountMatches: boolean | null;
  checksumMatches: boolean | null;
};

export type Share = number | null;

export type VersionTrend = {
  id: string;
  versionNo: number;
  state: 'ready' | 'failed';
  source: string;
  current: boolean;
  rowCount: number | null;
  excludedRowCount: number | null;
  createdAt: string;
  completedAt: string | null;
  completeness: Share;
  validity: Share;
  fields: { field: string; label: string; required: boolean; completeness: Share; validShare: Share }[];
};

export type EntryQuality = {
  entry: {
    id: string;
    code: string | null;
    name: string;
    orgId: string;
    orgName: string;
    format: string;
    updateCycle: string;
    overdueAfterDays: number;
    publishedAt: string;
  };
  currentVersionId: string | null;
  declaration: Declaration | null;
  checksum: string | null;
  versions: VersionTrend[];
  problems: QualityProblem[];
};

export const qualityApi = {
  overview: (q: QualityFilter, signal?: AbortSignal): Promise<QualityOverview> =>
    api.get<QualityOverview>('/api/provision/quality', q, signal),
  entry: (id: string, signal?: AbortSignal): Promise<EntryQuality> =>
    api.get<EntryQuality>(`/api/provision/quality/entries/${encodeSegment(id)}`, undefined, signal),
  declare: (
    id: string,
    body: { rowCount: number | null; checksum: string | null },
  ): Promise<Declaration | null> =>
    api.put<Declaration | null>(`/api/provision/quality/entries/${encodeSegment(id)}/declaration`, body),
};

/** 数据质量: an authority's reviewers and administrators, and a department's providers and cataloguers. */
export const canSeeQuality = (a: MeAccount | null | undefined): boolean =>
  canKeepUpkeep(a) || (isDepartmentStaff(a) && hasRole(a, 'provider', 'cataloguer'));

/** Whether the account watches a jurisdiction (an authority) rather than its own department. */
export const watchesJurisdiction = (a: MeAccount | null | undefined): boolean => canKeepUpkeep(a);
