/**
 * The mixed query set: what people type into the catalog search — full words, parts of words,
 * pinyin, initials, two words, a single character — alone or with the facet filters the portal and
 * the workspace offer, plus plain browsing by facet. Each is sent to both endpoints:
 * `GET /api/open/catalog` (anonymous, open catalog only) and `GET /api/catalog/entries` (staff).
 */

export interface QuerySpec {
  /** Short label for the report. */
  label: string;
  q?: string;
  filters?: Partial<
    Record<
      | 'orgId'
      | 'divisionCode'
      | 'classification'
      | 'domain'
      | 'shareType'
      | 'openType'
      | 'format'
      | 'updateCycle',
      string
    >
  >;
}

export type Endpoint = 'open' | 'staff';

export const ENDPOINT_PATH: Record<Endpoint, string> = {
  open: '/api/open/catalog',
  staff: '/api/catalog/entries',
};

export function querySpecs(orgIds: ReadonlyMap<string, string>): QuerySpec[] {
  const org = (key: string) => {
    const id = orgIds.get(key);
    if (!id) throw new Error(`no organisation ${key}`);
    return id;
  };
  return [
    // full words
    { label: '空气质量', q: '空气质量' },
    { label: '空气质量 +domain', q: '空气质量', filters: { domain: '环境' } },
    { label: '营业执照', q: '营业执照' },
    { label: '食品经营许可 +openType', q: '食品经营许可', filters: { openType: 'open' } },
    { label: '养老保险 +shareType', q: '养老保险', filters: { shareType: 'conditional' } },
    { label: '公交线路 +domain', q: '公交线路', filters: { domain: '交通' } },
    { label: '医疗机构', q: '医疗机构' },
    { label: '学校 +classification', q: '学校', filters: { classification: 'department' } },
    { label: '不动产登记信息', q: '不动产登记信息' },
    { label: '危险化学品', q: '危险化学品' },
    // parts of words
    { label: '质量监测', q: '质量监测' },
    { label: '许可证 +orgId', q: '许可证', filters: { orgId: org('scjg') } },
    { label: '监测站', q: '监测站' },
    { label: '登记 (broad)', q: '登记' },
    // pinyin and initials
    { label: 'kongqi', q: 'kongqi' },
    { label: 'shebao', q: 'shebao' },
    { label: 'yiliao jigou', q: 'yiliao jigou' },
    { label: 'gongjiao +updateCycle', q: 'gongjiao', filters: { updateCycle: 'realtime' } },
    { label: 'kqzl', q: 'kqzl' },
    { label: 'yyzz +format', q: 'yyzz', filters: { format: 'database' } },
    // two words, numbers, one character
    { label: '和平区 食品', q: '和平区 食品' },
    { label: '公积金 提取', q: '公积金 提取' },
    { label: '2024年 统计', q: '2024年 统计' },
    { label: '信用 +domain+shareType', q: '信用', filters: { domain: '信用', shareType: 'unconditional' } },
    { label: '水 +format', q: '水', filters: { format: 'service' } },
    { label: '企业 +divisionCode', q: '企业', filters: { divisionCode: '210102' } },
    // browsing by facet, no text
    { label: '(all) +domain', filters: { domain: '交通' } },
    { label: '(all) +orgId+classification', filters: { orgId: org('rs'), classification: 'topic' } },
    { label: '(all)' },
  ];
}

/** The path and query string of one request. */
export function requestPath(endpoint: Endpoint, spec: QuerySpec): string {
  const params = new URLSearchParams();
  if (spec.q !== undefined) params.set('q', spec.q);
  for (const [k, v] of Object.entries(spec.filters ?? {})) if (v !== undefined) params.set(k, v);
  const qs = params.toString();
  return qs ? `${ENDPOINT_PATH[endpoint]}?${qs}` : ENDPOINT_PATH[endpoint];
}
