/**
 * What a schema violation says, as a sentence in Chinese and in English, for every keyword the
 * request schemas use (a test walks the OpenAPI document for them): never the keyword's raw JSON
 * parameters. Used by the error handler (400 problem+json) and the catalog workbook import.
 */
import type { Message } from '../shared/errors.ts';
import { TEXT_KEYWORD } from '../shared/text-input.ts';
import { FINITE_KEYWORD } from './validation.ts';

/** One error of ajv (the fields this file reads). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  schemaPath?: string;
}

const TYPE_NAMES: Record<string, Message> = {
  string: { zh: '文本', en: 'a text' },
  integer: { zh: '整数', en: 'an integer' },
  number: { zh: '数值', en: 'a number' },
  boolean: { zh: '布尔值（true 或 false）', en: 'true or false' },
  object: { zh: '对象', en: 'an object' },
  array: { zh: '数组', en: 'a list' },
  null: { zh: '空值（null）', en: 'null' },
};

const FORMAT_NAMES: Record<string, Message> = {
  date: { zh: '日期（YYYY-MM-DD）', en: 'date (YYYY-MM-DD)' },
  'date-time': { zh: '日期时间（ISO 8601，如 2026-01-31T08:00:00+08:00）', en: 'date and time (ISO 8601)' },
  time: { zh: '时间（HH:MM:SS）', en: 'time (HH:MM:SS)' },
  email: { zh: '电子邮箱地址', en: 'email address' },
  uri: { zh: '网址（URI）', en: 'URI' },
  url: { zh: '网址（URL）', en: 'URL' },
  uuid: { zh: '标识（UUID）', en: 'identifier (UUID)' },
  hostname: { zh: '主机名', en: 'host name' },
  ipv4: { zh: 'IPv4 地址', en: 'IPv4 address' },
  ipv6: { zh: 'IPv6 地址', en: 'IPv6 address' },
  regex: { zh: '正则表达式', en: 'regular expression' },
};

/** A value of an enum or const, as shown in a message (a text as itself, anything else as JSON). */
function shown(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '…';
}

const num = (v: unknown) => (typeof v === 'number' ? String(v) : '?');

/** The types of a `type` error (`"string"` or `"string,null"`) as words, joined by 或 / or. */
export function typeNames(types: readonly string[]): Message {
  const names = types.map((t) => TYPE_NAMES[t] ?? { zh: t, en: t });
  return {
    zh: names.map((n) => n.zh).join(' 或 '),
    en: names.map((n) => n.en).join(' or '),
  };
}

const typesOf = (e: SchemaError): string[] => {
  const t = e.params.type;
  return Array.isArray(t) ? t.map(String) : String(t).split(',');
};

/**
 * The sentence for one error, without the field's name (the caller puts it first:
 * `pageSize 不能小于 1` / `pageSize must be at least 1`).
 */
export function schemaErrorMessage(e: SchemaError): Message {
  const p = e.params;
  switch (e.keyword) {
    case TEXT_KEYWORD:
      return { zh: String(p.zh), en: String(p.en) };
    case FINITE_KEYWORD:
      return { zh: '须为有限的数值', en: 'must be a finite number' };
    case 'required':
      return { zh: '为必填项', en: 'is required' };
    case 'additionalProperties':
      return { zh: '是未知字段', en: 'is not an allowed field' };
    case 'propertyNames':
      return { zh: '字段名不合法', en: 'is not an allowed field name' };
    case 'type': {
      const t = typeNames(typesOf(e));
      return { zh: `类型应为${t.zh}`, en: `must be ${t.en}` };
    }
    case 'enum': {
      const values = Array.isArray(p.allowedValues) ? p.allowedValues.map(shown) : [];
      return { zh: `取值应为以下之一：${values.join('、')}`, en: `must be one of: ${values.join(', ')}` };
    }
    case 'const':
      return { zh: `取值应为 ${shown(p.allowedValue)}`, en: `must be ${shown(p.allowedValue)}` };
    case 'format': {
      const f = FORMAT_NAMES[String(p.format)] ?? { zh: String(p.format), en: String(p.format) };
      return { zh: `应为有效的${f.zh}`, en: `must be a valid ${f.en}` };
    }
    case 'pattern':
      return { zh: '格式不正确', en: 'is not in the required form' };
    case 'minimum':
      return { zh: `不能小于 ${num(p.limit)}`, en: `must be at least ${num(p.limit)}` };
    case 'maximum':
      return { zh: `不能大于 ${num(p.limit)}`, en: `must be at most ${num(p.limit)}` };
    case 'exclusiveMinimum':
      return { zh: `须大于 ${num(p.limit)}`, en: `must be greater than ${num(p.limit)}` };
    case 'exclusiveMaximum':
      return { zh: `须小于 ${num(p.limit)}`, en: `must be less than ${num(p.limit)}` };
    case 'multipleOf':
      return { zh: `须为 ${num(p.multipleOf)} 的整数倍`, en: `must be a multiple of ${num(p.multipleOf)}` };
    case 'minLength':
      return p.limit === 1
        ? { zh: '不能为空', en: 'must not be empty' }
        : {
            zh: `长度不能少于 ${num(p.limit)} 个字符`,
            en: `must be at least ${num(p.limit)} characters long`,
          };
    case 'maxLength':
      return {
        zh: `长度不能超过 ${num(p.limit)} 个字符`,
        en: `must be at most ${num(p.limit)} characters long`,
      };
    case 'minItems':
      return p.limit === 1
        ? { zh: '至少应有一项', en: 'must have at least one item' }
        : { zh: `至少应有 ${num(p.limit)} 项`, en: `must have at least ${num(p.limit)} items` };
    case 'maxItems':
      return { zh: `最多 ${num(p.limit)} 项`, en: `must have at most ${num(p.limit)} items` };
    case 'uniqueItems': {
      const [a, b] = [Number(p.j), Number(p.i)].sort((x, y) => x - y);
      return {
        zh: `不能有重复项（第 ${(a ?? 0) + 1} 项与第 ${(b ?? 0) + 1} 项相同）`,
        en: `must not repeat an item (items ${(a ?? 0) + 1} and ${(b ?? 0) + 1} are the same)`,
      };
    }
    case 'minProperties':
      return p.limit === 1
        ? { zh: '至少应有一个字段', en: 'must have at least one field' }
        : { zh: `至少应有 ${num(p.limit)} 个字段`, en: `must have at least ${num(p.limit)} fields` };
    case 'maxProperties':
      return { zh: `最多 ${num(p.limit)} 个字段`, en: `must have at most ${num(p.limit)} fields` };
    case 'anyOf':
    case 'oneOf':
      return { zh: '不符合任何一种允许的形式', en: 'does not match any of the allowed forms' };
    case 'not':
      return { zh: '取值不被允许', en: 'is not allowed' };
    case 'dependencies':
      return {
        zh: `在给出 ${String(p.property)} 时为必填项`,
        en: `is required when ${String(p.property)} is given`,
      };
    case 'contains':
      return { zh: '应至少包含一个符合要求的项', en: 'must contain at least one valid item' };
    default:
      return { zh: '不合法', en: 'is invalid' };
  }
}

/** Keywords with a sentence of their own in `schemaErrorMessage` (the rest say 不合法 / is invalid). */
export const KEYWORDS_WITH_MESSAGES: readonly string[] = [
  TEXT_KEYWORD,
  FINITE_KEYWORD,
  'required',
  'additionalProperties',
  'propertyNames',
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'anyOf',
  'oneOf',
  'not',
  'dependencies',
  'contains',
];

/**
 * The errors worth reporting. A value that fits none of the forms of an `anyOf`/`oneOf` (e.g. a
 * nullable number) produces an error per form plus one for the whole: when every form refused it for
 * its type, one `type` error names all the types (`类型应为整数 或 空值`); when a form had the right
 * type but broke one of its rules, that rule is reported and the other forms' type errors are not;
 * when the forms are values (a union of literals), one `enum` error lists them all.
 */
export function reportedErrors<E extends SchemaError>(errors: readonly E[]): E[] {
  const drop = new Set<E>();
  const replace = new Map<E, E>();
  const now = (e: E) => replace.get(e) ?? e;
  // Inner choices first, so that an outer one sees what they became.
  const groups = errors
    .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && e.schemaPath)
    .sort((a, b) => (b.schemaPath?.length ?? 0) - (a.schemaPath?.length ?? 0));
  for (const group of groups) {
    const prefix = `${group.schemaPath}/`;
    const inside = errors.filter((e) => e !== group && !drop.has(e) && e.schemaPath?.startsWith(prefix));
    if (inside.length === 0) continue;
    const here = (e: E) => e.instancePath === group.instancePath;
    const types = inside.filter((e) => here(e) && now(e).keyword === 'type');
    const rules = inside.filter((e) => !types.includes(e));
    const values = rules.every(here)
      ? rules.flatMap((e) => {
          const r = now(e);
          if (r.keyword === 'const') return [r.params.allowedValue];
          if (r.keyword === 'enum' && Array.isArray(r.params.allowedValues))
            return r.params.allowedValues as unknown[];
          return [undefined];
        })
      : [undefined];
    if (rules.length > 0 && !values.includes(undefined)) {
      // A choice of values (a union of literals, perhaps nullable): one list of all of them.
      if (types.some((t) => typesOf(now(t)).includes('null'))) values.push(null);
      for (const e of inside) drop.add(e);
      replace.set(group, { ...group, keyword: 'enum', params: { allowedValues: values } });
    } else if (rules.length > 0) {
      drop.add(group);
      for (const t of types) drop.add(t);
    } else {
      const all = [...new Set(types.flatMap((t) => typesOf(now(t))))];
      for (const t of types) drop.add(t);
      replace.set(group, { ...group, keyword: 'type', params: { type: all.join(',') } });
    }
  }
  return errors.filter((e) => !drop.has(e)).map(now);
}
