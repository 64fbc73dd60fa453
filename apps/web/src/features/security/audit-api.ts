import type { QueryOf } from '@huitong/contract/routes';
import { call } from '../../api/client';

export type AuditQuery = QueryOf<'GET /api/audit'>;

export const auditApi = {
  list: (q: AuditQuery, signal?: AbortSignal) => call('GET /api/audit', { query: q, signal }),
  verify: () => call('GET /api/audit/verify'),
};
