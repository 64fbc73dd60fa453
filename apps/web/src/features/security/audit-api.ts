import { api, type LocalizedText, type Page } from '../../api/client';

export type AuditResult = 'success' | 'failure' | 'denied';
export const AUDIT_RESULTS: readonly AuditResult[] = ['success', 'failure', 'denied'];

export type ActorKind = 'staff' | 'public' | 'credential' | 'anonymous' | 'system';

export type AuditEntry = {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorKind: ActorKind;
  orgId: string | null;
  orgName?: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  result: AuditResult;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
};

export type AuditQuery = {
  page: number;
  pageSize: number;
  action?: string | undefined;
  result?: AuditResult | undefined;
  /** ISO date-time, inclusive. */
  from?: string | undefined;
  /** ISO date-time, exclusive. */
  to?: string | undefined;
};

export type ChainReport = {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  reason: string | LocalizedText | null;
};

export const auditApi = {
  list: (q: AuditQuery, signal?: AbortSignal): Promise<Page<AuditEntry>> =>
    api.get<Page<AuditEntry>>('/api/audit', q, signal),
  verify: (): Promise<ChainReport> => api.get<ChainReport>('/api/audit/verify'),
};
