/**
 * Validation messages read as sentences in both languages (issue 11): a number below its minimum
 * said `不符合要求（minimum {"comparison":">=","limit":1}）`. Every keyword the request schemas use
 * (walked from the OpenAPI document, so a new one fails here until it has a sentence) is sent a value
 * that breaks it, through the real validator and error handler; no message carries raw JSON or the
 * keyword's name, the Chinese one is Chinese and the English one English.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type TestApp } from '../../test/app.ts';
import { Nullable, Problem } from '../shared/schemas.ts';
import { errorHandlerPlugin } from './error-handler.ts';
import { FINITE_KEYWORD, installJsonParser, installValidators } from './validation.ts';
import { KEYWORDS_WITH_MESSAGES } from './validation-messages.ts';

interface Body {
  code: string;
  message: { zh: string; en: string };
  fields: { field: string; message: { zh: string; en: string } }[];
}

/** Keys of a schema that only describe or nest (they never fail on their own). */
const NOT_RULES = new Set([
  'type', // checked as a rule below, but also the OpenAPI 3.0 `nullable` companion
  'properties',
  'patternProperties',
  'items',
  'description',
  'title',
  'default',
  'examples',
  'example',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$ref',
  '$id',
  'x-text', // the text rule: has its own sentences (the rule's zh and en)
]);

/** Every key used by the request schemas of the OpenAPI document (OpenAPI's `nullable` is `anyOf` with null). */
function requestKeywords(doc: unknown): Set<string> {
  const found = new Set<string>();
  const walkSchema = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(walkSchema);
    if (typeof s !== 'object' || s === null) return;
    for (const [k, v] of Object.entries(s)) {
      found.add(k === 'nullable' ? 'anyOf' : k);
      if (k === 'properties' || k === 'patternProperties' || k === '$defs')
        Object.values(v as object).forEach(walkSchema);
      else if (!['enum', 'const', 'default', 'examples', 'example', 'required'].includes(k)) walkSchema(v);
    }
  };
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    for (const [k, v] of Object.entries(n)) {
      if (k === 'schema') walkSchema(v);
      else walk(v);
    }
  };
  const paths = (
    doc as { paths: Record<string, Record<string, { parameters?: unknown; requestBody?: unknown }>> }
  ).paths;
  for (const ops of Object.values(paths))
    for (const op of Object.values(ops)) {
      walk(op.parameters);
      walk(op.requestBody);
    }
  return found;
}

/** A schema and a value breaking the keyword, and the sentence expected. */
interface Case {
  keyword: string;
  schema: TSchema;
  value: unknown;
  zh: string;
  en: string;
}

const CASES: Case[] = [
  {
    keyword: 'minimum',
    schema: Type.Integer({ minimum: 1 }),
    value: 0,
    zh: 'x 不能小于 1',
    en: 'x must be at least 1',
  },
  {
    keyword: 'maximum',
    schema: Type.Integer({ maximum: 200 }),
    value: 201,
    zh: 'x 不能大于 200',
    en: 'x must be at most 200',
  },
  {
    keyword: 'exclusiveMinimum',
    schema: Type.Number({ exclusiveMinimum: 0 }),
    value: 0,
    zh: 'x 须大于 0',
    en: 'x must be greater than 0',
  },
  {
    keyword: 'exclusiveMaximum',
    schema: Type.Number({ exclusiveMaximum: 1 }),
    value: 1,
    zh: 'x 须小于 1',
    en: 'x must be less than 1',
  },
  {
    keyword: 'multipleOf',
    schema: Type.Number({ multipleOf: 0.5 }),
    value: 0.7,
    zh: 'x 须为 0.5 的整数倍',
    en: 'x must be a multiple of 0.5',
  },
  {
    keyword: 'minLength',
    schema: Type.String({ minLength: 1 }),
    value: '',
    zh: 'x 不能为空',
    en: 'x must not be empty',
  },
  {
    keyword: 'minLength',
    schema: Type.String({ minLength: 8 }),
    value: 'abc',
    zh: 'x 长度不能少于 8 个字符',
    en: 'x must be at least 8 characters long',
  },
  {
    keyword: 'maxLength',
    schema: Type.String({ maxLength: 3 }),
    value: 'abcd',
    zh: 'x 长度不能超过 3 个字符',
    en: 'x must be at most 3 characters long',
  },
  {
    keyword: 'pattern',
    schema: Type.String({ pattern: '^[0-9]{6}$' }),
    value: '12a',
    zh: 'x 格式不正确',
    en: 'x is not in the required form',
  },
  {
    keyword: 'format',
    schema: Type.String({ format: 'date' }),
    value: '2026-13-01',
    zh: 'x 应为有效的日期（YYYY-MM-DD）',
    en: 'x must be a valid date (YYYY-MM-DD)',
  },
  {
    keyword: 'format',
    schema: Type.String({ format: 'email' }),
    value: 'nobody',
    zh: 'x 应为有效的电子邮箱地址',
    en: 'x must be a valid email address',
  },
  {
    keyword: 'format',
    schema: Type.String({ format: 'uuid' }),
    value: 'urn:uuid:1',
    zh: 'x 应为有效的标识（UUID）',
    en: 'x must be a valid identifier (UUID)',
  },
  {
    keyword: 'enum',
    schema: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    value: 'ajar',
    zh: 'x 取值应为以下之一：open、closed',
    en: 'x must be one of: open, closed',
  },
  {
    keyword: 'enum',
    schema: Type.Unsafe<string>({ type: 'string', enum: ['daily', 'weekly'] }),
    value: 'hourly',
    zh: 'x 取值应为以下之一：daily、weekly',
    en: 'x must be one of: daily, weekly',
  },
  {
    keyword: 'enum',
    schema: Nullable(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    value: 'ajar',
    zh: 'x 取值应为以下之一：open、closed、null',
    en: 'x must be one of: open, closed, null',
  },
  { keyword: 'const', schema: Type.Literal(true), value: false, zh: 'x 取值应为 true', en: 'x must be true' },
  { keyword: 'type', schema: Type.Integer(), value: 'ten', zh: 'x 类型应为整数', en: 'x must be an integer' },
  {
    keyword: 'type',
    schema: Type.Boolean(),
    value: 1,
    zh: 'x 类型应为布尔值（true 或 false）',
    en: 'x must be true or false',
  },
  {
    keyword: 'anyOf',
    schema: Nullable(Type.Integer({ minimum: 1 })),
    value: 'ten',
    zh: 'x 类型应为整数 或 空值（null）',
    en: 'x must be an integer or null',
  },
  {
    keyword: 'anyOf',
    schema: Nullable(Type.Integer({ minimum: 1 })),
    value: 0,
    zh: 'x 不能小于 1',
    en: 'x must be at least 1',
  },
  {
    keyword: 'anyOf',
    schema: Type.Union([Type.String({ format: 'date' }), Type.Integer()]),
    value: true,
    zh: 'x 类型应为文本 或 整数',
    en: 'x must be a text or an integer',
  },
  {
    keyword: 'required',
    schema: Type.Object({ name: Type.String() }),
    value: {},
    zh: 'x.name 为必填项',
    en: 'x.name is required',
  },
  {
    keyword: 'additionalProperties',
    schema: Type.Object({}, { additionalProperties: false }),
    value: { extra: 1 },
    zh: 'x.extra 是未知字段',
    en: 'x.extra is not an allowed field',
  },
  {
    keyword: 'propertyNames',
    schema: Type.Record(Type.String(), Type.String()),
    value: { 'a\u0000b': 'v' },
    zh: 'x.a\\u0000b 字段名不合法：',
    en: 'x.a\\u0000b is not an allowed field name: ',
  },
  {
    keyword: 'minItems',
    schema: Type.Array(Type.String(), { minItems: 1 }),
    value: [],
    zh: 'x 至少应有一项',
    en: 'x must have at least one item',
  },
  {
    keyword: 'minItems',
    schema: Type.Array(Type.String(), { minItems: 2 }),
    value: ['a'],
    zh: 'x 至少应有 2 项',
    en: 'x must have at least 2 items',
  },
  {
    keyword: 'maxItems',
    schema: Type.Array(Type.String(), { maxItems: 1 }),
    value: ['a', 'b'],
    zh: 'x 最多 1 项',
    en: 'x must have at most 1 items',
  },
  {
    keyword: 'uniqueItems',
    schema: Type.Array(Type.String(), { uniqueItems: true }),
    value: ['a', 'b', 'a'],
    zh: 'x 不能有重复项（第 1 项与第 3 项相同）',
    en: 'x must not repeat an item (items 1 and 3 are the same)',
  },
  {
    keyword: 'minProperties',
    schema: Type.Object({ a: Type.Optional(Type.String()) }, { minProperties: 1 }),
    value: {},
    zh: 'x 至少应有一个字段',
    en: 'x must have at least one field',
  },
  {
    keyword: 'maxProperties',
    schema: Type.Record(Type.String(), Type.String(), { maxProperties: 1 }),
    value: { a: 'a', b: 'b' },
    zh: 'x 最多 1 个字段',
    en: 'x must have at most 1 fields',
  },
  {
    keyword: 'not',
    schema: Type.Unsafe({ type: 'string', not: { const: 'root' } }),
    value: 'root',
    zh: 'x 取值不被允许',
    en: 'x is not allowed',
  },
  {
    keyword: 'oneOf',
    schema: Type.Unsafe({ oneOf: [{ type: 'integer' }, { type: 'number', minimum: 0 }] }),
    value: 1,
    zh: 'x 不符合任何一种允许的形式',
    en: 'x does not match any of the allowed forms',
  },
  {
    keyword: 'dependencies',
    schema: Type.Unsafe({ type: 'object', dependencies: { from: ['to'] } }),
    value: { from: '2026-01-01' },
    zh: 'x.to 在给出 from 时为必填项',
    en: 'x.to is required when from is given',
  },
  {
    keyword: 'contains',
    schema: Type.Unsafe({ type: 'array', contains: { const: 'a' } }),
    value: ['b'],
    zh: 'x 应至少包含一个符合要求的项',
    en: 'x must contain at least one valid item',
  },
  {
    keyword: 'x-text',
    schema: Type.String(),
    value: 'a\u0000b',
    zh: 'x 含有空字符（U+0000）',
    en: 'x contains a NUL character (U+0000)',
  },
];

/** The names of ajv's keywords and of its error parameters: none may show through. */
const RAW =
  /[{}[\]]|comparison|limit|allowedValues?|missingProperty|additionalProperty|propertyName|passingSchemas|minimum|maximum|Length|Items|Properties|exclusive|multipleOf|anyOf|oneOf|dependencies|must NOT|must match|must be equal|must have required/;

let raw: FastifyInstance;

beforeAll(async () => {
  raw = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  raw.addSchema(Problem);
  installValidators(raw, [Problem]);
  installJsonParser(raw);
  await raw.register(errorHandlerPlugin);
  CASES.forEach((c, i) => {
    raw.post(`/case/${i}`, { schema: { body: Type.Object({ x: c.schema }) } }, async () => ({ ok: true }));
  });
  raw.get(
    '/query',
    { schema: { querystring: Type.Object({ page: Type.Integer({ minimum: 1 }) }) } },
    async () => ({ ok: true }),
  );
  await raw.ready();
});

afterAll(async () => {
  await raw?.close();
});

function expectSentences(body: Body) {
  const texts = [body.message, ...body.fields.map((f) => f.message)];
  for (const m of texts) {
    expect(m.zh, m.zh).not.toMatch(RAW);
    expect(m.en, m.en).not.toMatch(RAW);
    expect(m.zh, m.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(m.zh, 'no English sentence in the Chinese message').not.toMatch(/\b(must|should|is|are|be)\b/);
    expect(m.en, 'no Chinese in the English message').not.toMatch(/[\u4e00-\u9fff]/);
  }
}

describe('every keyword of a request schema says a sentence in Chinese and English', () => {
  it.each(CASES.map((c, i) => [c.keyword, JSON.stringify(c.value) ?? '', i] as const))(
    '%s (%s)',
    async (_keyword, _value, i) => {
      const c = CASES[i] as Case;
      const res = await raw.inject({ method: 'POST', url: `/case/${i}`, payload: { x: c.value } });
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json<Body>();
      expect(body.code).toBe('validation');
      expectSentences(body);
      expect(body.fields.map((f) => `${f.field} ${f.message.zh}`).join('；')).toContain(c.zh);
      expect(body.fields.map((f) => `${f.field} ${f.message.en}`).join('; ')).toContain(c.en);
      expect(body.message.zh.startsWith('请求参数不正确：')).toBe(true);
      expect(body.message.en.startsWith('Invalid request: ')).toBe(true);
    },
  );

  it('names the query parameter below its minimum in a sentence (was raw JSON)', async () => {
    const res = await raw.inject({ method: 'GET', url: '/query?page=0' });
    const body = res.json<Body>();
    expect(body.message).toEqual({
      zh: '请求参数不正确：page 不能小于 1',
      en: 'Invalid request: page must be at least 1',
    });
  });

  it('says a number that is not finite in a sentence', async () => {
    const res = await raw.inject({ method: 'GET', url: '/query?page=Infinity' });
    const body = res.json<Body>();
    expectSentences(body);
    expect(body.message.zh).toContain('page 须为有限的数值');
  });
});

describe('the application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('uses no keyword without a sentence in any request schema', () => {
    const handled = new Set([...KEYWORDS_WITH_MESSAGES, FINITE_KEYWORD]);
    const used = [...requestKeywords(t.app.swagger())];
    expect(used).toContain('minimum');
    expect(used).toContain('uniqueItems');
    const missing = used.filter((k) => !NOT_RULES.has(k) && !handled.has(k));
    expect(missing, 'keywords without a sentence in validation-messages.ts').toEqual([]);
    // Each keyword with a sentence is tried above.
    const tried = new Set(CASES.map((c) => c.keyword));
    expect(KEYWORDS_WITH_MESSAGES.filter((k) => k !== FINITE_KEYWORD && !tried.has(k))).toEqual([]);
  });

  it('answers a page size of 0 with a sentence (the defect as a user met it)', async () => {
    const s = await signIn(t.app, 'admin');
    const res = await s.request('GET', '/api/catalog/entries?pageSize=0');
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json<Body>();
    expectSentences(body);
    expect(body.message.zh).toBe('请求参数不正确：pageSize 不能小于 1');
    expect(body.message.en).toBe('Invalid request: pageSize must be at least 1');
  });
});
