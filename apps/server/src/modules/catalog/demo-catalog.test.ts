import { describe, it, expect } from 'vitest';
import { DEMO_ORGS } from '../../demo/city.ts';
import {
  BASE_KINDS,
  CLASSIFICATIONS,
  DATA_TYPES,
  FORMATS,
  OPEN_TYPES,
  PRIORITY_DOMAINS,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
  type BaseKind,
  type Classification,
  type OpenType,
  type PriorityDomain,
  type ResourceFormat,
  type ShareType,
  type UpdateCycle,
} from './catalog.model.ts';
import {
  DEMO_CATALOG,
  DEMO_CATALOG_FILE,
  DEMO_LEGAL_BASES,
  DEMO_OPEN_LICENCE,
  type DemoEntry,
  type DemoEntryState,
} from '../../demo/catalog.ts';

interface DemoCatalogSummary {
  total: number;
  byState: Record<DemoEntryState, number>;
  byClassification: Record<Classification, number>;
  byBaseKind: Record<BaseKind, number>;
  byShareType: Record<ShareType, number>;
  byOpenType: Record<OpenType, number>;
  byFormat: Record<ResourceFormat, number>;
  byUpdateCycle: Record<UpdateCycle, number>;
  /** Entries per domain (an entry with two domains counts in both). */
  byDomain: Record<string, number>;
  /** Open (无条件开放) entries per priority domain of Art. 28. */
  openByPriorityDomain: Record<PriorityDomain, number>;
  byOrg: Record<string, number>;
}

function increment<K extends string>(counts: Record<K, number>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Counts of the demo catalog by state, classification, share type, open type, domain and more. */
function demoCatalogSummary(entries: readonly DemoEntry[] = DEMO_CATALOG): DemoCatalogSummary {
  const summary: DemoCatalogSummary = {
    total: entries.length,
    byState: { published: 0, draft: 0, submitted: 0 },
    byClassification: { base: 0, topic: 0, department: 0 },
    byBaseKind: { population: 0, legal_entity: 0, natural_resources_geo: 0, social_credit: 0, e_licence: 0 },
    byShareType: { unconditional: 0, conditional: 0, none: 0 },
    byOpenType: { open: 0, on_application: 0, closed: 0 },
    byFormat: { file: 0, spreadsheet: 0, database: 0, image: 0, stream: 0, self_describing: 0, service: 0 },
    byUpdateCycle: { realtime: 0, daily: 0, weekly: 0, monthly: 0, quarterly: 0, half_yearly: 0, yearly: 0 },
    byDomain: {},
    openByPriorityDomain: Object.fromEntries(PRIORITY_DOMAINS.map((d) => [d, 0])) as Record<
      PriorityDomain,
      number
    >,
    byOrg: {},
  };
  const priority = new Set<string>(PRIORITY_DOMAINS);
  for (const entry of entries) {
    const m = entry.metadata;
    increment(summary.byState, entry.state);
    increment(summary.byClassification, m.classification);
    if (m.baseKind !== null) increment(summary.byBaseKind, m.baseKind);
    increment(summary.byShareType, m.shareType);
    increment(summary.byOpenType, m.openType);
    increment(summary.byFormat, m.format);
    increment(summary.byUpdateCycle, m.updateCycle);
    increment(summary.byOrg, entry.orgKey);
    for (const domain of m.domains) {
      increment(summary.byDomain, domain);
      if (m.openType === 'open' && priority.has(domain)) {
        increment(summary.openByPriorityDomain, domain as PriorityDomain);
      }
    }
  }
  return summary;
}

const published = DEMO_CATALOG.filter((entry) => entry.state === 'published');
const basisKeys = new Set(DEMO_LEGAL_BASES.map((basis) => basis.key));
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const CATEGORY_L1 = { base: '基础', topic: '主题', department: '部门' } as const;

function find(orgKey: string, name: string): DemoEntry {
  const found = DEMO_CATALOG.filter((entry) => entry.orgKey === orgKey && entry.metadata.name === name);
  expect(found, `${orgKey} / ${name}`).toHaveLength(1);
  const [entry] = found;
  if (entry === undefined) throw new Error(`missing ${orgKey} / ${name}`);
  return entry;
}

function label(entry: DemoEntry): string {
  return `${entry.orgKey} / ${entry.metadata.name}`;
}

describe('demo legal bases', () => {
  it('has 15–25 bases with unique keys and complete, well-formed citations', () => {
    expect(DEMO_LEGAL_BASES.length).toBeGreaterThanOrEqual(15);
    expect(DEMO_LEGAL_BASES.length).toBeLessThanOrEqual(25);
    expect(basisKeys.size).toBe(DEMO_LEGAL_BASES.length);
    for (const basis of DEMO_LEGAL_BASES) {
      expect(basis.title, basis.key).toMatch(/^《.+》/);
      expect(basis.article, basis.key).toMatch(/^第.+条/);
      expect(basis.quote.length, basis.key).toBeGreaterThan(10);
      expect([
        'law',
        'administrative_regulation',
        'local_regulation',
        'rule',
        'normative_document',
      ]).toContain(basis.kind);
    }
  });

  it('covers every kind of legal source, and every basis is cited by some entry', () => {
    const kinds = new Set(DEMO_LEGAL_BASES.map((basis) => basis.kind));
    expect([...kinds].sort()).toEqual(
      ['administrative_regulation', 'law', 'local_regulation', 'normative_document', 'rule'].sort(),
    );
    const cited = new Set(
      DEMO_CATALOG.flatMap((e) => [...e.metadata.shareBasisKeys, ...e.metadata.openBasisKeys]),
    );
    expect([...basisKeys].filter((key) => !cited.has(key))).toEqual([]);
  });

  it('has a repealed text that one published entry still cites in place of a basis it replaces (Art. 12)', () => {
    const { repealedBasis } = DEMO_CATALOG_FILE;
    expect(basisKeys.has(repealedBasis.replaces)).toBe(true);
    expect(repealedBasis.title).toMatch(/^《.+》/);
    const citing = find(
      DEMO_CATALOG.find((e) => e.metadata.name === repealedBasis.citedBy)?.orgKey ?? '',
      repealedBasis.citedBy,
    );
    expect(citing.state).toBe('published');
    expect(citing.metadata.openBasisKeys).toContain(repealedBasis.replaces);
  });
});

describe('demo catalog', () => {
  it('has at least 160 entries, 150 of them published, plus drafts and submitted ones', () => {
    expect(DEMO_CATALOG.length).toBeGreaterThanOrEqual(160);
    expect(published.length).toBeGreaterThanOrEqual(150);
    const summary = demoCatalogSummary();
    expect(summary.byState.draft).toBeGreaterThanOrEqual(4);
    expect(summary.byState.submitted).toBeGreaterThanOrEqual(4);
    expect(summary.byState.published + summary.byState.draft + summary.byState.submitted).toBe(
      DEMO_CATALOG.length,
    );
  });

  it('belongs only to demo departments and enterprises, and every one but shenhe.wl has entries', () => {
    const providers = DEMO_ORGS.filter((org) => org.kind === 'department' || org.kind === 'enterprise');
    const providerKeys = new Set(providers.map((org) => org.key));
    for (const entry of DEMO_CATALOG) expect(providerKeys.has(entry.orgKey), entry.orgKey).toBe(true);
    const withEntries = new Set(DEMO_CATALOG.map((entry) => entry.orgKey));
    // 沈河区文旅局 has not compiled its catalog, so that the authority's upkeep page shows one (Art. 12).
    expect(providers.filter((org) => !withEntries.has(org.key)).map((org) => org.key)).toEqual(['shenhe.wl']);
  });

  it('gives the providing organisation as contact', () => {
    const orgs = new Map(DEMO_ORGS.map((org) => [org.key, org]));
    for (const entry of DEMO_CATALOG) {
      const org = orgs.get(entry.orgKey);
      expect(entry.metadata.contactName, label(entry)).toBe(org?.contactName);
      expect(entry.metadata.contactPhone, label(entry)).toBe(org?.contactPhone);
    }
  });

  it('uses only values of the catalog vocabulary', () => {
    for (const { metadata: m } of DEMO_CATALOG) {
      expect(CLASSIFICATIONS).toContain(m.classification);
      expect(FORMATS).toContain(m.format);
      expect(SHARE_TYPES).toContain(m.shareType);
      expect(SHARE_METHODS).toContain(m.shareMethod);
      expect(OPEN_TYPES).toContain(m.openType);
      expect(UPDATE_CYCLES).toContain(m.updateCycle);
      for (const item of m.dataItems) expect(DATA_TYPES).toContain(item.dataType);
    }
  });

  it('shares base resources unconditionally (Art. 19) and has all five base kinds', () => {
    for (const entry of DEMO_CATALOG) {
      const m = entry.metadata;
      if (m.classification === 'base') {
        expect(m.shareType, label(entry)).toBe('unconditional');
        expect(m.baseKind, label(entry)).not.toBeNull();
      } else {
        expect(m.baseKind, label(entry)).toBeNull();
      }
    }
    const kinds = new Set(published.map((entry) => entry.metadata.baseKind));
    for (const kind of BASE_KINDS) expect(kinds.has(kind), kind).toBe(true);
    expect(find('gongan', '人口基础信息').metadata.baseKind).toBe('population');
    expect(find('scjg', '法人单位基础信息').metadata.baseKind).toBe('legal_entity');
    expect(find('zrzy', '自然资源和空间地理基础信息').metadata.baseKind).toBe('natural_resources_geo');
    expect(find('fg', '社会信用基础信息').metadata.baseKind).toBe('social_credit');
    const licences = DEMO_CATALOG.filter((entry) => entry.metadata.baseKind === 'e_licence');
    const licenceOrgs = new Set(licences.map((entry) => entry.orgKey));
    for (const org of ['scjg', 'gongan', 'zrzy', 'mz']) expect(licenceOrgs.has(org), org).toBe(true);
  });

  it('has topic resources for the themes of Art. 19', () => {
    const themes = new Set(
      DEMO_CATALOG.filter((entry) => entry.metadata.classification === 'topic').map(
        (e) => e.metadata.category.l2,
      ),
    );
    for (const theme of [
      '健康保障',
      '社会保障',
      '食品药品安全',
      '应急管理',
      '价格监管',
      '信用体系',
      '城乡建设',
      '社区治理',
      '生态环保',
      '营商环境',
    ]) {
      expect(themes.has(theme), theme).toBe(true);
    }
  });

  it('states a resolvable legal basis for every restriction, and a condition where one is due (Art. 20, 27)', () => {
    for (const entry of DEMO_CATALOG) {
      const m = entry.metadata;
      for (const key of [...m.shareBasisKeys, ...m.openBasisKeys])
        expect(basisKeys.has(key), `${label(entry)}: ${key}`).toBe(true);
      if (m.shareType === 'unconditional') {
        expect(m.shareBasisKeys, label(entry)).toEqual([]);
        expect(m.shareCondition, label(entry)).toBeNull();
      } else {
        expect(m.shareBasisKeys.length, label(entry)).toBeGreaterThanOrEqual(1);
      }
      if (m.shareType === 'conditional')
        expect(m.shareCondition?.length ?? 0, label(entry)).toBeGreaterThan(5);
      if (m.openType === 'open') {
        expect(m.openBasisKeys, label(entry)).toEqual([]);
        expect(m.licence, label(entry)).toBe(DEMO_OPEN_LICENCE);
      } else {
        expect(m.openBasisKeys.length, label(entry)).toBeGreaterThanOrEqual(1);
        expect(m.licence, label(entry)).toBeNull();
      }
      if (m.openType === 'on_application')
        expect(m.openCondition?.length ?? 0, label(entry)).toBeGreaterThan(5);
      else expect(m.openCondition, label(entry)).toBeNull();
    }
  });

  it('has at least three open entries in every priority domain of Art. 28', () => {
    for (const domain of PRIORITY_DOMAINS) {
      const open = published.filter(
        (e) => e.metadata.openType === 'open' && e.metadata.domains.includes(domain),
      );
      expect(open.length, domain).toBeGreaterThanOrEqual(3);
    }
    expect(Object.values(demoCatalogSummary().openByPriorityDomain).every((count) => count >= 3)).toBe(true);
  });

  it('uses every format, update cycle, share type and open type among published entries', () => {
    const used = (pick: (entry: DemoEntry) => string) => new Set(published.map(pick));
    const formats = used((e) => e.metadata.format);
    const cycles = used((e) => e.metadata.updateCycle);
    const shareTypes = used((e) => e.metadata.shareType);
    const openTypes = used((e) => e.metadata.openType);
    for (const format of FORMATS) expect(formats.has(format), format).toBe(true);
    for (const cycle of UPDATE_CYCLES) expect(cycles.has(cycle), cycle).toBe(true);
    for (const type of SHARE_TYPES) expect(shareTypes.has(type), type).toBe(true);
    for (const type of OPEN_TYPES) expect(openTypes.has(type), type).toBe(true);
  });

  it('has the enterprise registration resource of 市场监管', () => {
    const m = find('scjg', '市场主体登记注册信息').metadata;
    expect(m.domains).toContain('企业登记监管');
    expect(m.openType).toBe('open');
    expect(m.dataItems.some((item) => item.dataType === 'credit_code')).toBe(true);
  });

  it('has the hourly per-station air quality data of 生态环境', () => {
    const m = find('sthj', '空气质量监测数据').metadata;
    expect(m.domains).toContain('环境');
    expect(m.openType).toBe('open');
    expect(['realtime', 'daily']).toContain(m.updateCycle);
    const names = m.dataItems.map((item) => item.name);
    expect(names).toEqual(expect.arrayContaining(['station_code', 'monitor_time', 'aqi']));
  });

  it('has the bus stop locations of 交通, with coordinates', () => {
    const m = find('jt', '公交站点位置信息').metadata;
    expect(m.domains).toContain('交通');
    expect(m.openType).toBe('open');
    expect(['self_describing', 'spreadsheet']).toContain(m.format);
    const names = m.dataItems.map((item) => item.name);
    expect(names).toEqual(expect.arrayContaining(['longitude', 'latitude']));
  });

  it('has the population base resource of 公安: shared unconditionally, closed to the public on privacy grounds', () => {
    const m = find('gongan', '人口基础信息').metadata;
    expect(m.classification).toBe('base');
    expect(m.shareType).toBe('unconditional');
    expect(m.openType).toBe('closed');
    const idItem = m.dataItems.find((item) => item.label === '公民身份号码');
    expect(idItem).toMatchObject({ name: 'id_number', dataType: 'id_number', sensitivity: 4 });
    const privacy = ['pipl-25', 'pipl-28', 'idcard-13', 'civil-1039'];
    expect(m.openBasisKeys.some((key) => privacy.includes(key))).toBe(true);
  });

  it('names entries uniquely per department', () => {
    const seen = new Set<string>();
    for (const entry of DEMO_CATALOG) {
      const key = `${entry.orgKey}\u0000${entry.metadata.name}`;
      expect(seen.has(key), label(entry)).toBe(false);
      seen.add(key);
    }
  });

  it('declares 4–15 well-formed data items per entry, unique and snake_case', () => {
    for (const entry of DEMO_CATALOG) {
      const items = entry.metadata.dataItems;
      expect(items.length, label(entry)).toBeGreaterThanOrEqual(4);
      expect(items.length, label(entry)).toBeLessThanOrEqual(15);
      const names = items.map((item) => item.name);
      expect(new Set(names).size, label(entry)).toBe(names.length);
      for (const item of items) {
        expect(item.name, label(entry)).toMatch(SNAKE_CASE);
        expect(item.label.length, `${label(entry)}: ${item.name}`).toBeGreaterThan(0);
        expect([1, 2, 3, 4]).toContain(item.sensitivity);
      }
    }
  });

  it('marks personal identifiers as sensitive and keeps sensitive items out of open entries', () => {
    const personal = /^(公民身份号码|身份证号码|姓名|手机号码|住址)$/;
    for (const entry of DEMO_CATALOG) {
      for (const item of entry.metadata.dataItems) {
        if (personal.test(item.label) || item.dataType === 'id_number') {
          expect(item.sensitivity, `${label(entry)}: ${item.label}`).toBeGreaterThanOrEqual(3);
        }
        if (entry.metadata.openType === 'open') {
          expect(item.sensitivity, `${label(entry)}: ${item.label}`).toBeLessThanOrEqual(2);
        }
      }
    }
  });

  it('re-declares common items across departments, for the duplicate-collection check (Art. 14)', () => {
    const orgsDeclaring = (match: (itemLabel: string) => boolean) =>
      new Set(
        DEMO_CATALOG.filter((e) => e.metadata.dataItems.some((item) => match(item.label))).map(
          (e) => e.orgKey,
        ),
      );
    expect(orgsDeclaring((l) => l === '公民身份号码').size).toBeGreaterThanOrEqual(5);
    expect(orgsDeclaring((l) => l === '身份证号码').size).toBeGreaterThanOrEqual(2);
    expect(orgsDeclaring((l) => l === '统一社会信用代码').size).toBeGreaterThanOrEqual(10);
    expect(orgsDeclaring((l) => l === '企业名称').size).toBeGreaterThanOrEqual(5);
  });

  it('fills the descriptive metadata', () => {
    for (const entry of DEMO_CATALOG) {
      const m = entry.metadata;
      expect(m.abstract.length, label(entry)).toBeGreaterThan(10);
      expect(m.keywords.length, label(entry)).toBeGreaterThanOrEqual(3);
      expect(m.keywords.length, label(entry)).toBeLessThanOrEqual(6);
      expect(m.domains.length, label(entry)).toBeGreaterThanOrEqual(1);
      expect(m.category.l1, label(entry)).toBe(CATEGORY_L1[m.classification]);
      expect(m.category.l2, label(entry)).not.toBeNull();
      expect(m.spatialExtent, label(entry)).toMatch(/^沈阳市/);
      expect(m.relatedCodes, label(entry)).toEqual([]);
    }
  });

  it('summarises consistently and deterministically', () => {
    const summary = demoCatalogSummary();
    expect(summary).toEqual(demoCatalogSummary());
    expect(summary.total).toBe(DEMO_CATALOG.length);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(sum(summary.byClassification)).toBe(summary.total);
    expect(sum(summary.byShareType)).toBe(summary.total);
    expect(sum(summary.byOpenType)).toBe(summary.total);
    expect(sum(summary.byFormat)).toBe(summary.total);
    expect(sum(summary.byUpdateCycle)).toBe(summary.total);
    expect(sum(summary.byOrg)).toBe(summary.total);
    expect(summary.byDomain['企业登记监管']).toBeGreaterThan(0);
  });
});
