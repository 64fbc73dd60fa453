import type { DeclarationBody, QualityQuery } from '@huitong/contract/quality';
import { call } from '../../api/client';
import type { MeAccount } from '@huitong/contract/org';
import { hasCapability } from '../auth/auth-api';

export const qualityApi = {
  overview: (q: QualityQuery, signal?: AbortSignal) =>
    call('GET /api/provision/quality', { query: q, signal }),
  entry: (id: string, signal?: AbortSignal) =>
    call('GET /api/provision/quality/entries/:id', { params: { id }, signal }),
  declare: (id: string, body: DeclarationBody) =>
    call('PUT /api/provision/quality/entries/:id/declaration', { params: { id }, body }),
};

/** 数据质量: an authority's reviewers and administrators, and a department's providers and cataloguers. */
export const canSeeQuality = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'qualityViewer');

/** Whether the account watches a jurisdiction (an authority) rather than its own department. */
export const watchesJurisdiction = (a: MeAccount | null | undefined): boolean => hasCapability(a, 'keeper');
