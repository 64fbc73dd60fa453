/**
 * Generated bad input for every route of the OpenAPI document: a base request built from the
 * route's schemas (valid where it can be), and fast-check arbitraries of one change to it — a value
 * just outside its schema or hostile (NUL and other control characters, bidirectional overrides,
 * lone surrogates, huge and non-finite numbers, wrong types, deep nesting, very long strings, unknown
 * fields, malformed UUIDs and dates), or, for reads, an awkward value inside it.
 */
import fc from 'fast-check';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false }));
const validators = new Map<Schema, ValidateFunction>();
/** Whether a value fits a (plain) schema of the document. */
const fits = (schema: Schema, value: unknown) => {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = ajv.compile(schema)));
  return v(value);
};

export type Schema = Record<string, unknown>;
type Part = 'params' | 'query' | 'headers' | 'body';

/** One route as the OpenAPI document describes it. */
export interface RouteDoc {
  method: string;
  /** Fastify form: /api/x/:id */
  url: string;
  params: { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema }[];
  body: Schema | null;
}

/** A URL part given already percent-encoded (e.g. a lone surrogate as WTF-8 bytes). */
export interface Raw {
  raw: string;
}
export type Value = unknown;

export interface BaseRequest {
  params: Record<string, string | Raw>;
  query: Record<string, Value>;
  headers: Record<string, string>;
  body: Value;
  /** A body sent as it is (streams: files, tus chunks), with its content type. */
  rawBody?: { payload: string | Buffer; contentType: string };
}

/** What a generated request changes, and whether it must be refused. */
export interface Mutation {
  where: string;
  /** `outside`: the request breaks its schema or a rule and must be refused with 4xx, changing nothing. */
  kind: 'outside' | 'inside';
  apply(base: BaseRequest): BaseRequest;
}

interface Slot {
  part: Part;
  path: string[];
  schema: Schema;
  required: boolean;
}

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const typesOf = (s: Schema): string[] =>
  typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];

/** The schema without a null branch (`anyOf: [X, null]` → X). */
function nonNull(s: Schema): Schema {
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches)) {
    const rest = branches.filter((b) => !(isSchema(b) && b.type === 'null'));
    if (rest.length === 1 && isSchema(rest[0])) return nonNull(rest[0]);
  }
  return s;
}
// OpenAPI 3.0 writes a null branch as `nullable: true`.
const nullable = (s: Schema) =>
  s.nullable === true ||
  (Array.isArray(s.anyOf ?? s.oneOf) &&
    ((s.anyOf ?? s.oneOf) as Schema[]).some(
      (b) => isSchema(b) && (b.type === 'null' || b.nullable === true),
    ));

// ---------------------------------------------------------------------------------------------
// Valid values (the base request)
// ---------------------------------------------------------------------------------------------

const STRING_CANDIDATES = [
  'a',
  'name',
  '210102',
  '2026-03-02',
  '2026-03-02T08:00:00+08:00',
  '024-22222222',
  ',',
  '91210100MA0P4AXX9E',
  'x@example.com',
  'https://example.com/data.csv',
  '0 3 * * *',
  'scjg.user',
  'Abcdef12345!',
  'abcdefghijklmnopqrstuvwxyz0123456789',
];

/** A valid value of the schema where one is easily found; `uuids` gives ids by property name. */
export function validValue(schema: Schema, name: string, uuids: Record<string, string>): Value {
  const s = nonNull(schema);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches) && isSchema(branches[0])) return validValue(branches[0], name, uuids);
  const t = typesOf(s)[0] ?? 'unknown';
  switch (t) {
    case 'string': {
      if (s.format === 'uuid') return uuids[name] ?? uuids.default;
      const check = (v: string) => fits(s, v);
      const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
      for (const c of STRING_CANDIDATES) {
        const v = c.length >= minLength ? c : c.padEnd(minLength, 'a');
        if (check(v)) return v;
      }
      return 'a'.repeat(Math.max(1, minLength));
    }
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : 1;
      const max = typeof s.maximum === 'number' ? s.maximum : min + 10;
      return Math.min(Math.max(min, 1), max);
    }
    case 'boolean':
      return false;
    case 'array': {
      const n = typeof s.minItems === 'number' ? s.minItems : 0;
      const item = isSchema(s.items) ? s.items : {};
      return Array.from({ length: n }, () => validValue(item, name, uuids));
    }
    case 'object': {
      const out: Record<string, Value> = {};
      const props = isSchema(s.properties) ? s.properties : {};
      for (const key of (s.required as string[] | undefined) ?? [])
        out[key] = validValue(isSchema(props[key]) ? props[key] : {}, key, uuids);
      return out;
    }
    default:
      return 'a';
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

/** Characters the text rule refuses in a single line (tab and line breaks included). */
const BAD_IN_LINE = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\ud800',
  '\udfff',
];
// Prose takes tab, line feed, carriage return and the line and paragraph separators.
const BAD_IN_PROSE = BAD_IN_LINE.filter((c) => !['\t', '\n', '\r', '\u2028', '\u2029'].includes(c));
const BAD_FILE_NAMES = ['../x.csv', 'a/b.csv', 'a\\b.csv', 'C:\\x.csv', 'a"b.csv', 'a:b', '..', ' a.csv'];

const MALFORMED_UUIDS = [
  'nope',
  '',
  '0',
  'urn:uuid:6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e',
  '6f1c1d7e8a564c389e1d1f2a3b4c5d6e',
  '{6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e}',
  '6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6',
  '6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6eX',
  'g f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e',
  "6f1c1d7e-8a56-4c38-9e1d-1f2a3b4c5d6e'--",
];
const BAD_DATES = [
  '2026-02-30',
  '0000-01-01',
  '2026-13-01',
  '99999-01-01',
  '2026-1-1',
  '1899-12-31',
  '2200-01-01',
  '20260302',
];
const BAD_DATETIMES = [
  '0000-01-01T00:00:00Z',
  '2026-01-01',
  '2026-01-01T25:00:00Z',
  '99999-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '1899-12-31T23:59:59Z',
];
const HUGE_NUMBERS = [1e308, -1e308, 1e20, 2147483648, -2147483649, 2 ** 53 + 2, 1.5, -0.5];
const HUGE_NUMBER_TEXTS = [
  '1e308',
  '-1e308',
  '99999999999999999999',
  'Infinity',
  '-Infinity',
  'NaN',
  '2147483648',
  '1.5',
  'abc',
  '',
];
const WRONG_TYPES: Value[] = [null, true, 1, 'text', [], {}, [[[['deep']]]], { a: { b: { c: 1 } } }];
const URL_RAW = ['%ED%A0%80', '%C0%AE', '%FF', '%', '%00', '..%2F..%2Fetc'];

/** A nested array `levels` deep. */
export function nested(levels: number): Value {
  let v: Value = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/gu;

/** Text with one refused character inserted. */
const withBadChar = (chars: string[]) =>
  fc
    .tuple(
      fc.string({ maxLength: 8, unit: 'grapheme' }),
      fc.constantFrom(...chars),
      fc.string({ maxLength: 8, unit: 'grapheme' }),
    )
    .map(([a, c, b]) => `${a.replace(CONTROLS, '')}${c}${b.replace(CONTROLS, '')}`);

/** Values outside this (non-object) schema, as they may appear in this part of a request. */
function outsideValues(schema: Schema, part: Part): fc.Arbitrary<Value>[] {
  const s = nonNull(schema);
  const inUrl = part === 'query' || part === 'params';
  const arbs: fc.Arbitrary<Value>[] = [];
  if (Array.isArray(s.enum)) {
    arbs.push(
      fc.constantFrom('not-a-value', `${String(s.enum[0])}\u0000`, String(s.enum[0]).toUpperCase() + 'X'),
    );
    if (!inUrl) arbs.push(fc.constantFrom(...WRONG_TYPES.filter((v) => v !== null || !nullable(schema))));
    return arbs;
  }
  const t = typesOf(s)[0] ?? (Array.isArray(s.anyOf) ? 'anyOf' : 'unknown');
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (t === 'anyOf' && Array.isArray(branches) && isSchema(branches[0]))
    return outsideValues(branches[0], part);
  switch (t) {
    case 'string': {
      const kind = s['x-text'] ?? 'line';
      // A lone surrogate cannot travel in a URL (its bytes are invalid UTF-8, which query decoders
      // leave encoded): it is sent in JSON bodies only.
      const bad = (kind === 'multiline' ? BAD_IN_PROSE : BAD_IN_LINE).filter(
        (c) => part === 'body' || !/[\ud800-\udfff]/u.test(c),
      );
      if (part !== 'headers') arbs.push(withBadChar(bad));
      else arbs.push(fc.constantFrom('\u007f', 'a\u0085b', 'x'.repeat(5000)));
      const max = typeof s.maxLength === 'number' ? s.maxLength : 1000;
      arbs.push(fc.constantFrom('x'.repeat(max + 1), '中'.repeat(max + 1)));
      if (s.format === 'uuid')
        arbs.push(fc.constantFrom(...MALFORMED_UUIDS.filter((u) => u !== '' || !inUrl)));
      if (s.format === 'date') arbs.push(fc.constantFrom(...BAD_DATES));
      if (s.format === 'date-time') arbs.push(fc.constantFrom(...BAD_DATETIMES));
      if (kind === 'fileName') arbs.push(fc.constantFrom(...BAD_FILE_NAMES));
      // The router refuses a path with a bad escape; in a query `%00` is a NUL (other escapes: reads).
      if (part === 'params') arbs.push(fc.constantFrom(...URL_RAW).map((raw): Raw => ({ raw })));
      if (part === 'query') arbs.push(fc.constant<Raw>({ raw: '%00' }));
      else if (part === 'body')
        arbs.push(fc.constantFrom(1, true, [], {}, ...(nullable(schema) ? [] : [null])));
      break;
    }
    case 'integer':
    case 'number': {
      const max = typeof s.maximum === 'number' ? s.maximum : 2147483647;
      const min = typeof s.minimum === 'number' ? s.minimum : -2147483648;
      const outside = [max + 1, min - 1, ...HUGE_NUMBERS].filter(
        (n) => n > max || n < min || (t === 'integer' && !Number.isInteger(n)),
      );
      if (inUrl || part === 'headers')
        arbs.push(fc.constantFrom(...HUGE_NUMBER_TEXTS, ...outside.map((n) => String(n))));
      else
        arbs.push(fc.constantFrom(...outside, '1', 'abc', true, [], {}, ...(nullable(schema) ? [] : [null])));
      break;
    }
    case 'boolean':
      arbs.push(inUrl ? fc.constantFrom('maybe', '2', 'yes\u0000') : fc.constantFrom('true', 0, 1, [], {}));
      break;
    case 'array': {
      if (part === 'body') arbs.push(fc.constantFrom('x', 1, {}, ...(nullable(schema) ? [] : [null])));
      if (typeof s.maxItems === 'number' && s.maxItems <= 1000) {
        const item = validValue(isSchema(s.items) ? s.items : {}, '', {});
        arbs.push(fc.constant(Array.from({ length: s.maxItems + 1 }, () => item)));
      }
      break;
    }
    default:
      if (part === 'body') arbs.push(fc.constant(nested(40)));
  }
  return arbs;
}

/** Awkward values inside this (non-object) schema, for reads. */
function insideValues(schema: Schema, part: Part): fc.Arbitrary<Value>[] {
  const s = nonNull(schema);
  const t = typesOf(s)[0];
  if (Array.isArray(s.enum)) return [fc.constantFrom(...(s.enum as Value[]))];
  switch (t ?? 'unknown') {
    case 'string': {
      const max = typeof s.maxLength === 'number' ? Math.min(s.maxLength, 20_000) : 1000;
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      if (s.format === 'uuid')
        return [
          fc.uuid(),
          fc.constant('00000000-0000-0000-0000-000000000000'),
          fc.constant('FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
        ];
      if (s.format === 'date') return [fc.constantFrom('1900-01-01', '2199-12-31', '2024-02-29')];
      if (s.format === 'date-time')
        return [
          fc.constantFrom(
            '1900-01-01T00:00:00Z',
            '2199-12-31T23:59:59.999999+14:00',
            '2026-03-02T00:00:00-12:00',
          ),
        ];
      if (typeof s.pattern === 'string')
        return [fc.stringMatching(new RegExp(s.pattern, 'u'), { maxLength: max })];
      return [
        fc
          .constantFrom(
            "'; drop table accounts; --",
            '%_\\',
            '"\'`',
            '𠮷野家😀',
            'a\u200eb',
            '*',
            '~',
            '-',
            '-name',
            'name~',
            '=',
          )
          .filter((v) => v.length >= min && v.length <= max),
        fc.constant('中'.repeat(Math.max(min, max))),
        // Escapes a query decoder may choke on: invalid UTF-8, a lone `%`, an encoded path.
        ...(part === 'query'
          ? [fc.constantFrom(...URL_RAW.filter((r) => r !== '%00')).map((raw): Raw => ({ raw }))]
          : []),
      ];
    }
    case 'integer':
    case 'number': {
      const max = typeof s.maximum === 'number' ? s.maximum : 2147483647;
      const min = typeof s.minimum === 'number' ? s.minimum : -2147483648;
      return [fc.constantFrom(min, max), fc.integer({ min: Math.ceil(min), max: Math.floor(max) })];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Slots of a route and mutations
// ---------------------------------------------------------------------------------------------

/** Where a route takes input: each parameter, each property of the body (nested), the whole body. */
function slotsOf(route: RouteDoc): Slot[] {
  const slots: Slot[] = [];
  for (const p of route.params) {
    const part: Part = p.in === 'path' ? 'params' : p.in === 'query' ? 'query' : 'headers';
    slots.push({ part, path: [p.name], schema: p.schema, required: p.required });
  }
  const walk = (s: Schema, path: string[], required: boolean, depth: number) => {
    slots.push({ part: 'body', path, schema: s, required });
    const o = nonNull(s);
    if (depth > 4) return;
    if (typesOf(o).includes('object') && isSchema(o.properties)) {
      const req = new Set((o.required as string[] | undefined) ?? []);
      for (const [k, v] of Object.entries(o.properties))
        if (isSchema(v)) walk(v, [...path, k], req.has(k), depth + 1);
    }
    if (typesOf(o).includes('array') && isSchema(o.items)) walk(o.items, [...path, '0'], false, depth + 1);
  };
  if (route.body) walk(route.body, [], true, 0);
  return slots;
}

function setAt(target: Value, path: string[], value: unknown): Value {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(target)) {
    const copy = [...target];
    const i = Number(head);
    if (value === OMIT && rest.length === 0) copy.splice(i, 1);
    else copy[i] = setAt(copy[i] ?? (rest.length ? {} : undefined), rest, value);
    return copy;
  }
  const obj: Record<string, Value> = isSchema(target) ? { ...target } : {};
  if (value === OMIT && rest.length === 0) delete obj[head];
  else obj[head] = setAt(obj[head] ?? (rest[0] === '0' ? [] : {}), rest, value);
  return obj;
}

const OMIT = Symbol('omit');

function change(slot: Slot, value: unknown, kind: Mutation['kind'], what: string): Mutation {
  const where = `${slot.part}:${slot.path.join('.') || '(whole)'} ${what}`;
  return {
    where,
    kind,
    apply(base) {
      const next: BaseRequest = {
        params: { ...base.params },
        query: { ...base.query },
        headers: { ...base.headers },
        body: base.body,
        ...(base.rawBody ? { rawBody: base.rawBody } : {}),
      };
      const key = slot.path[0] ?? '';
      if (slot.part === 'body') next.body = setAt(base.body, slot.path, value);
      else if (value === OMIT) delete next[slot.part][key];
      else if (slot.part === 'params') next.params[key] = isRaw(value) ? value : String(value);
      else if (slot.part === 'headers') next.headers[key] = String(value);
      else next.query[key] = value;
      return next;
    },
  };
}

const isRaw = (v: Value): v is Raw => isSchema(v) && typeof v.raw === 'string' && Object.keys(v).length === 1;

const describe = (v: Value): string => {
  const text = isRaw(v) ? `raw ${v.raw}` : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 60)}… (${text.length})` : text;
};

/** Arbitrary one-change requests for a route: outside its schema always, inside it for reads. */
export function mutations(route: RouteDoc, options: { reads: boolean }): fc.Arbitrary<Mutation> | null {
  const slots = slotsOf(route);
  const arbs: fc.Arbitrary<Mutation>[] = [];
  for (const slot of slots) {
    const o = nonNull(slot.schema);
    const isObject = typesOf(o).includes('object');
    if (slot.required && slot.path.length > 0 && slot.part !== 'params')
      arbs.push(fc.constant(change(slot, OMIT, 'outside', 'missing')));
    if (isObject) {
      if (slot.part !== 'body') continue;
      // Unknown fields, hostile keys, and the wrong type for the object itself.
      const closed = o.additionalProperties === false;
      const keys = closed
        ? ['unknownField', '__proto__', 'constructor', 'a\u0000b', 'x'.repeat(2000)]
        : ['a\u0000b', 'a\u202eb', '\ud800', 'x'.repeat(2000)];
      arbs.push(
        fc.constantFrom(...keys).map((k) => {
          const base = slot;
          return {
            where: `body:${base.path.join('.') || '(whole)'} key ${describe(k)}`,
            kind: 'outside' as const,
            apply(b: BaseRequest) {
              const current = base.path.reduce<Value>(
                (v, p) => (isSchema(v) || Array.isArray(v) ? (v as Record<string, Value>)[p] : undefined),
                b.body,
              );
              const extended = isSchema(current) ? { ...current } : {};
              Object.defineProperty(extended, k, {
                value: 'x',
                enumerable: true,
                configurable: true,
                writable: true,
              });
              return change(base, extended, 'outside', '').apply(b);
            },
          };
        }),
      );
      arbs.push(
        fc
          .constantFrom(...['x', 1, [], true, ...(nullable(slot.schema) ? [] : [null])])
          .map((v) => change(slot, v, 'outside', describe(v))),
      );
      continue;
    }
    for (const a of outsideValues(slot.schema, slot.part))
      arbs.push(a.map((v) => change(slot, v, 'outside', describe(v))));
    if (options.reads && slot.part !== 'body')
      for (const a of insideValues(slot.schema, slot.part))
        arbs.push(a.map((v) => change(slot, v, 'inside', describe(v))));
  }
  return arbs.length === 0 ? null : fc.oneof(...arbs);
}

/** Requests whose whole body is refused before any route sees it (for methods with a body). */
export const BODY_LEVEL: { where: string; payload: string; contentType: string }[] = [
  {
    where: 'body nested 5,000 levels',
    payload: `${'['.repeat(5000)}1${']'.repeat(5000)}`,
    contentType: 'application/json',
  },
  {
    where: 'body nested 65 levels in an object',
    payload: `{"a":${'['.repeat(65)}1${']'.repeat(65)}}`,
    contentType: 'application/json',
  },
  { where: 'malformed JSON', payload: '{"a":', contentType: 'application/json' },
  { where: 'JSON with a NUL byte', payload: '{"a":"\u0000"}', contentType: 'application/json' },
  { where: 'prototype poisoning', payload: '{"__proto__":{"x":1}}', contentType: 'application/json' },
];

/** Fastify's `:name` URL of an OpenAPI path. */
export const fastifyUrl = (openapiPath: string) => openapiPath.replace(/\{([^}]+)\}/g, ':$1');

/** The routes of an OpenAPI 3 document. */
export function routesOf(doc: unknown): RouteDoc[] {
  const paths = (doc as { paths: Record<string, Record<string, unknown>> }).paths;
  const routes: RouteDoc[] = [];
  for (const [p, ops] of Object.entries(paths)) {
    for (const [method, opValue] of Object.entries(ops)) {
      const op = opValue as {
        parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      };
      const body = op.requestBody?.content['application/json']?.schema ?? null;
      routes.push({
        method: method.toUpperCase(),
        url: fastifyUrl(p),
        params: (op.parameters ?? []).map((x) => ({ ...x, required: x.required === true })),
        body,
      });
    }
  }
  return routes;
}

/** The request's URL with its path parameters and query string. */
export function urlOf(template: string, req: BaseRequest): string {
  const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = req.params[name];
    if (v === undefined) return `:${name}`;
    return isRaw(v) ? v.raw : encodeText(v);
  });
  const parts: string[] = [];
  for (const [k, v] of Object.entries(req.query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? (v as Value[]) : [v])
      parts.push(
        `${encodeURIComponent(k)}=${isRaw(item) ? item.raw : encodeText(typeof item === 'string' ? item : JSON.stringify(item))}`,
      );
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/** encodeURIComponent, with a lone surrogate sent as its (invalid) UTF-8 bytes instead of throwing. */
function encodeText(text: string): string {
  return [...text]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      if (code >= 0xd800 && code <= 0xdfff)
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      return encodeURIComponent(c);
    })
    .join('');
}
