import type { DataItem, EntryMetadata } from '../src/modules/catalog/index.ts';
import type { Session } from './app.ts';

export const item = (name: string, label: string, extra: Partial<DataItem> = {}): DataItem => ({
  name,
  label,
  dataType: 'string',
  length: 50,
  required: true,
  sensitivity: 1,
  description: null,
  ...extra,
});

/** A valid entry; its default data items are named after the entry so no two entries share them. */
export function metadata(overrides: Partial<EntryMetadata> = {}): EntryMetadata {
  const name = overrides.name ?? '食品经营许可信息';
  return {
    name,
    abstract: '本市食品经营许可证的发证、变更和注销信息。',
    classification: 'department',
    baseKind: null,
    category: { l1: '部门', l2: '市场监管', l3: '食品安全', l4: null },
    format: 'database',
    dataItems: [
      item('record_no', `${name}编号`),
      item('record_date', `${name}登记日期`, { dataType: 'date', length: null }),
    ],
    shareType: 'unconditional',
    shareCondition: null,
    shareMethod: 'platform_api',
    openType: 'open',
    openCondition: null,
    updateCycle: 'daily',
    relatedCodes: [],
    domains: ['企业登记监管'],
    keywords: ['食品', '许可', '经营'],
    spatialExtent: '沈阳市',
    licence: '沈阳市政务数据开放许可协议',
    contactName: '信息中心',
    contactPhone: '024-22222222',
    contactEmail: null,
    shareBasisIds: [],
    openBasisIds: [],
    ...overrides,
  };
}

/** Drafts, submits (with a duplicate-collection justification if given) and approves an entry; answers the published entry. */
export async function publishEntry(
  cataloguer: Session,
  reviewer: Session,
  m: EntryMetadata,
  duplicateJustification?: string,
): Promise<{ id: string; code: string }> {
  const created = await cataloguer.request('POST', '/api/catalog/entries', m);
  if (created.statusCode !== 201) throw new Error(`create: ${created.body}`);
  const { id } = created.json() as { id: string };
  const sub = await cataloguer.request(
    'POST',
    `/api/catalog/entries/${id}/submit`,
    duplicateJustification === undefined ? {} : { duplicateJustification },
  );
  if (sub.statusCode !== 200) throw new Error(`submit: ${sub.body}`);
  const ok = await reviewer.request('POST', `/api/catalog/entries/${id}/review`, { decision: 'approve' });
  if (ok.statusCode !== 200) throw new Error(`approve: ${ok.body}`);
  return ok.json() as { id: string; code: string };
}
