/**
 * Rules of the catalog that need no database: what a submittable version must satisfy (Art. 18,
 * 19, 24, 27), how data items are matched across departments (Art. 14), resource codes, and the
 * field-by-field difference between two versions.
 */
import type { FieldProblem } from '../../shared/errors.ts';
import { TOPICS } from '@huitong/contract/values';
import type { BaseKind, DataItem, EntryMetadata } from './catalog.model.ts';

const BASE_KIND_CODES: Record<BaseKind, string> = {
  population: '01',
  legal_entity: '02',
  natural_resources_geo: '03',
  social_credit: '04',
  e_licence: '05',
};

/** Topic (主题) resources named in Art. 19 (the contract's list), numbered for the resource code; others are 99. */
export { TOPICS };

/**
 * 前段码 of a resource code: 1 + base kind for 基础, 2 + topic number for 主题, 3 + the provider's
 * division code for 部门 resources. The 后段码 is a six-digit sequence within the 前段码.
 */
export function codePrefix(
  m: Pick<EntryMetadata, 'classification' | 'baseKind' | 'category'>,
  divisionCode: string,
): string {
  switch (m.classification) {
    case 'base':
      return `1${m.baseKind ? BASE_KIND_CODES[m.baseKind] : '00'}`;
    case 'topic': {
      const i = TOPICS.findIndex((t) => t === m.category.l2);
      return `2${i < 0 ? '99' : String(i + 1).padStart(2, '0')}`;
    }
    case 'department':
      return `3${divisionCode}`;
  }
}

export function resourceCode(prefix: string, seq: number): string {
  return `${prefix}/${String(seq).padStart(6, '0')}`;
}

const fieldProblem = (field: string, zh: string, en: string): FieldProblem => ({
  field,
  message: { zh, en },
});

/** Everything that keeps a version from being submitted for review, each naming its field. */
export function submissionProblems(m: EntryMetadata): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (m.classification === 'base') {
    if (!m.baseKind)
      problems.push(
        fieldProblem('baseKind', '基础资源须注明所属基础库', 'a base resource needs its base kind'),
      );
    if (m.shareType !== 'unconditional') {
      problems.push(
        fieldProblem(
          'shareType',
          '基础数据资源应当无条件共享（第十九条）',
          'base resources are shared unconditionally (Art. 19)',
        ),
      );
    }
  }
  if ((m.shareType === 'conditional' || m.shareType === 'none') && m.shareBasisIds.length === 0) {
    problems.push(
      fieldProblem(
        'shareBasisIds',
        '有条件共享和不予共享须引用至少一项法律、法规或规章依据（第十八条）',
        'conditional and no sharing need at least one legal basis (Art. 18)',
      ),
    );
  }
  if (m.shareType === 'conditional' && !m.shareCondition?.trim()) {
    problems.push(
      fieldProblem('shareCondition', '有条件共享须写明共享条件', 'conditional sharing needs its condition'),
    );
  }
  if ((m.openType === 'on_application' || m.openType === 'closed') && m.openBasisIds.length === 0) {
    problems.push(
      fieldProblem(
        'openBasisIds',
        '依申请开放和不予开放须引用至少一项依据，并向社会公开（第二十七条）',
        'on-application and closed opening need at least one legal basis, made public (Art. 27)',
      ),
    );
  }
  if (m.openType === 'on_application' && !m.openCondition?.trim()) {
    problems.push(
      fieldProblem('openCondition', '依申请开放须写明开放条件', 'opening on application needs its condition'),
    );
  }
  if (m.openType === 'open' && m.dataItems.some((d) => d.sensitivity >= 3)) {
    problems.push(
      fieldProblem(
        'openType',
        '含敏感信息项（敏感级别 3 级及以上）的资源不能无条件开放',
        'a resource with sensitive data items (level 3 or above) cannot be open without conditions',
      ),
    );
  }
  if (
    m.dataItems.length === 0 &&
    ['spreadsheet', 'database', 'self_describing', 'service'].includes(m.format)
  ) {
    problems.push(
      fieldProblem('dataItems', '结构化资源须列出信息项', 'a structured resource needs its data items'),
    );
  }
  const names = new Set<string>();
  m.dataItems.forEach((d, i) => {
    if (names.has(d.name))
      problems.push(fieldProblem(`dataItems.${i}.name`, '信息项名称重复', 'duplicate data item name'));
    names.add(d.name);
  });
  return problems;
}

/** Labels that mean the same data item across departments, each group under one concept. */
const SYNONYMS: Record<string, string[]> = {
  id_number: ['公民身份号码', '身份证号码', '身份证号', '居民身份证号码', '身份证件号码', '证件号码'],
  credit_code: ['统一社会信用代码', '社会信用代码', '信用代码'],
  org_name: ['企业名称', '单位名称', '法人单位名称', '市场主体名称', '机构名称'],
  person_name: ['姓名', '人员姓名', '名字'],
  phone: ['手机号码', '手机号', '联系电话', '电话号码', '移动电话'],
  legal_representative: ['法定代表人', '法人代表', '法定代表人姓名'],
  birth_date: ['出生日期', '出生年月日'],
  gender: ['性别'],
  address: ['住址', '居住地址', '家庭住址', '户籍地址'],
};

const CONCEPT_OF = new Map<string, string>();
for (const [concept, labels] of Object.entries(SYNONYMS)) {
  for (const l of labels) CONCEPT_OF.set(normaliseLabel(l), concept);
}

/** Full-width to half-width, no spaces or punctuation, lower case. */
export function normaliseLabel(label: string): string {
  return label
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

/** The concept a data item stands for: its synonym group, or its normalised label. */
export function conceptOf(item: Pick<DataItem, 'label'>): string {
  const n = normaliseLabel(item.label);
  return CONCEPT_OF.get(n) ?? n;
}

// ---------- diff ----------

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface ItemChange {
  name: string;
  changes: FieldChange[];
}

export interface VersionDiff {
  fields: FieldChange[];
  items: { added: DataItem[]; removed: DataItem[]; changed: ItemChange[] };
}

const DIFF_FIELDS: (keyof EntryMetadata)[] = [
  'name',
  'abstract',
  'classification',
  'baseKind',
  'category',
  'format',
  'shareType',
  'shareCondition',
  'shareMethod',
  'openType',
  'openCondition',
  'updateCycle',
  'relatedCodes',
  'domains',
  'keywords',
  'spatialExtent',
  'licence',
  'contactName',
  'contactPhone',
  'contactEmail',
  'shareBasisIds',
  'openBasisIds',
];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function diffVersions(before: EntryMetadata, after: EntryMetadata): VersionDiff {
  const fields = DIFF_FIELDS.filter((f) => !same(before[f], after[f])).map((f) => ({
    field: f,
    before: before[f] ?? null,
    after: after[f] ?? null,
  }));
  const old = new Map(before.dataItems.map((d) => [d.name, d]));
  const now = new Map(after.dataItems.map((d) => [d.name, d]));
  const added = after.dataItems.filter((d) => !old.has(d.name));
  const removed = before.dataItems.filter((d) => !now.has(d.name));
  const changed: ItemChange[] = [];
  for (const d of after.dataItems) {
    const o = old.get(d.name);
    if (!o) continue;
    const changes = (Object.keys(d) as (keyof DataItem)[])
      .filter((k) => !same(o[k], d[k]))
      .map((k) => ({ field: k, before: o[k] ?? null, after: d[k] ?? null }));
    if (changes.length > 0) changed.push({ name: d.name, changes });
  }
  return { fields, items: { added, removed, changed } };
}
