import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { LazySchemas } from './lazy-schemas.ts';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';
import { AppError } from '../shared/errors.ts';
import { fileNameProblem } from '../shared/file-name.ts';
import { DEFAULT_MAX_LENGTH, TEXT_KEYWORD, textProblem, type TextKind } from '../shared/text-input.ts';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Numbers must be finite. `strictNumbers` refuses Infinity in a JSON body, but a query string's
 * `?page=Infinity` is coerced to Infinity after the type check and then skips minimum and maximum.
 */
export const FINITE_KEYWORD = 'x-finite';

/** Integers of a request fit PostgreSQL's `integer` unless their schema says otherwise. */
export const INT4 = { minimum: -2_147_483_648, maximum: 2_147_483_647 } as const;

/** How deep a JSON request body may nest (the limit JSON data files have, formats/json-values.ts). */
export const MAX_JSON_DEPTH = 64;

// A UUID as PostgreSQL's uuid type reads it: ajv-formats' own also takes a `urn:uuid:` prefix.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];
const SCHEMA_ONE = [
  'items',
  'additionalItems',
  'additionalProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
];
const SCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems', 'items'];

function typesOf(s: Schema): string[] {
  const t = s.type;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x) => typeof x === 'string') : [];
}

/**
 * The input rules, in one place, added to a request schema (body, query string, path parameters,
 * headers) before it is compiled — and to the OpenAPI document, so it shows them:
 * - every string gets a text rule (`x-text`, `line` unless the schema marks it `multiline` or
 *   `fileName`) and, when it has none, a maximum length;
 * - every integer without bounds gets PostgreSQL `integer` bounds;
 * - the keys of free-form objects (records) are checked like single-line strings.
 * Numbers must be finite (`strictNumbers`).
 */
export function withInputRules<T>(schema: T, forDocument = false): T {
  return rules(schema, forDocument) as T;
}

function rules(node: unknown, forDocument: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => rules(n, forDocument));
  if (!isSchema(node)) return node;
  const s: Schema = { ...node };
  for (const key of SCHEMA_MAPS) {
    const map = s[key];
    if (isSchema(map))
      s[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, rules(v, forDocument)]));
  }
  for (const key of new Set([...SCHEMA_ONE, ...SCHEMA_LISTS])) {
    if (s[key] !== undefined && typeof s[key] !== 'boolean') s[key] = rules(s[key], forDocument);
  }
  const types = typesOf(s);
  if (types.includes('string') && s.enum === undefined && s.const === undefined) {
    const kind = (s[TEXT_KEYWORD] ?? 'line') as Exclude<TextKind, 'value'>;
    s[TEXT_KEYWORD] = kind;
    if (s.maxLength === undefined) s.maxLength = DEFAULT_MAX_LENGTH[kind];
  }
  if (types.includes('integer')) {
    if (s.minimum === undefined && s.exclusiveMinimum === undefined) s.minimum = INT4.minimum;
    if (s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = INT4.maximum;
  }
  if ((types.includes('integer') || types.includes('number')) && !forDocument) s[FINITE_KEYWORD] = true;
  const freeKeys =
    s.patternProperties !== undefined || isSchema(s.additionalProperties) || s.additionalProperties === true;
  // (OpenAPI 3.0 has no propertyNames: the document leaves it out.)
  if (types.includes('object') && freeKeys && s.propertyNames === undefined && !forDocument)
    s.propertyNames = { type: 'string', [TEXT_KEYWORD]: 'line', maxLength: DEFAULT_MAX_LENGTH.line };
  return s;
}

/** The input parts of a route schema with the input rules (for the OpenAPI document). */
export function routeSchemaWithInputRules<S extends object>(schema: S): S {
  const out: Schema = { ...(schema as Schema) };
  for (const part of ['body', 'querystring', 'params', 'headers'])
    if (out[part] !== undefined) out[part] = withInputRules(out[part], true);
  return out as S;
}

function checkText(this: unknown, kind: unknown, data: unknown): boolean {
  if (typeof data !== 'string') return true;
  const problem =
    kind === 'fileName'
      ? fileNameProblem(data)
      : textProblem(data, kind === 'multiline' ? 'multiline' : 'line');
  if (problem === null) return true;
  checkText.errors = [
    { keyword: TEXT_KEYWORD, message: problem.en, params: { kind, zh: problem.zh, en: problem.en } },
  ];
  return false;
}
checkText.errors = [] as object[];

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    strictNumbers: true, // NaN and ±Infinity (`?page=Infinity`) are not numbers
    removeAdditional: false, // unknown fields are refused, not silently dropped
    useDefaults: true,
    ...options,
  });
  addFormats(ajv);
  ajv.addFormat('uuid', UUID);
  ajv.addKeyword({
    keyword: FINITE_KEYWORD,
    schemaType: 'boolean',
    errors: false,
    validate: (_: boolean, data: unknown) => typeof data !== 'number' || Number.isFinite(data),
  });
  ajv.addKeyword({
    keyword: TEXT_KEYWORD,
    type: 'string',
    schemaType: 'string',
    errors: true,
    validate: checkText,
  });
  return ajv;
}

let bodyValidators: Ajv | undefined;
/**
 * A validator of a body schema outside a route (e.g. an imported workbook's entries checked against
 * the POST body's schema), with the same input rules as the routes.
 */
export function inputValidator(schema: object): ValidateFunction {
  bodyValidators ??= makeAjv({ coerceTypes: false });
  return bodyValidators.compile(withInputRules(schema));
}

/**
 * Strict validation: bodies are checked without type coercion (a string where a number belongs is a
 * 400 naming the field), query strings and path parameters with coercion (they are text on the wire).
 * Every schema gets the input rules first (withInputRules).
 */
export function installValidators(
  app: FastifyInstance,
  sharedSchemas: object[],
  lazy: LazySchemas = new LazySchemas(),
): void {
  // Made on first use too: an Ajv instance compiles its meta-schemas and formats when created.
  let bodyAjv: Ajv | undefined;
  let textAjv: Ajv | undefined;
  const withShared = (ajv: Ajv) => {
    for (const s of sharedSchemas) ajv.addSchema(s);
    return ajv;
  };
  const ajvFor = (httpPart: string | undefined): Ajv =>
    httpPart === 'body'
      ? (bodyAjv ??= withShared(makeAjv({ coerceTypes: false })))
      : (textAjv ??= withShared(makeAjv({ coerceTypes: 'array' })));
  // Each schema is compiled on its route's first request, not at start-up (lazy-schemas.ts).
  app.setValidatorCompiler(({ schema, httpPart }: FastifyRouteSchemaDef<FastifySchema>) => {
    const compiled = lazy.defer(() => ajvFor(httpPart).compile(withInputRules(schema) as object));
    const validate = (data: unknown): boolean => {
      const fn = compiled();
      const valid = fn(data);
      validate.errors = fn.errors;
      return valid;
    };
    validate.errors = null as ValidateFunction['errors'];
    return validate;
  });
}

/** Whether a JSON text nests objects and arrays deeper than `max` (counted without parsing it). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export class JsonTooDeep extends AppError {
  constructor() {
    super('json_too_deep', 400, {
      zh: `请求体 JSON 嵌套超过 ${MAX_JSON_DEPTH} 层`,
      en: `The JSON request body nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  }
}

/**
 * JSON request bodies: Fastify's parser (secure-json-parse, prototype poisoning refused), after a
 * nesting check — a body nested thousands of levels deep is refused before anything recurses into it.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new JsonTooDeep(), undefined);
      return;
    }
    void parse(request, text, done);
  });
}
