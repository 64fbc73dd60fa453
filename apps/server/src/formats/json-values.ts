/**
 * JSON values built from stream-json's token stream, with limits: this module, not stream-json's
 * Assembler, builds them, because the input is untrusted (stream-json says so of itself) — a
 * record may not nest deeper than `maxDepth` or hold more than `maxChars` characters, so a hostile
 * file cannot make one record fill the memory. Objects are Maps (a key `__proto__` is only a key),
 * numbers keep their text (an 18-digit identifier stays exact).
 */
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { getManyValues, isMany, none, type Many } from 'stream-chain/defs.js';
import { withoutExponent } from './cells.ts';

/** A JSON number as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}
export type JsonObject = Map<string, JsonValue>;
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export const JSON_LIMITS = {
  /** Characters of one record (strings, keys and numbers, plus one per token). */
  recordChars: 16 * 1024 * 1024,
  /** Nesting of one record. */
  depth: 64,
} as const;

export type BuildLimit = 'too_large' | 'too_deep';

/** Thrown by ValueBuilder when a value passes a limit. */
export class JsonLimitError extends Error {
  constructor(readonly limit: BuildLimit) {
    super(`JSON value ${limit}`);
    this.name = 'JsonLimitError';
  }
}

type Frame = { array: JsonValue[] } | { object: JsonObject; key: string | null };

/** Builds one value from its tokens; `push` returns true when the value is complete. */
export class ValueBuilder {
  private readonly stack: Frame[] = [];
  private text: string | null = null;
  private complete = false;
  private result: JsonValue = null;
  size = 0;

  constructor(
    private readonly maxChars: number = JSON_LIMITS.recordChars,
    private readonly maxDepth: number = JSON_LIMITS.depth,
  ) {}

  get value(): JsonValue {
    return this.result;
  }

  private deliver(v: JsonValue): void {
    const top = this.stack.at(-1);
    if (!top) {
      this.result = v;
      this.complete = true;
    } else if ('array' in top) top.array.push(v);
    else {
      top.object.set(top.key ?? '', v);
      top.key = null;
    }
  }

  private open(frame: Frame): void {
    if (this.stack.length >= this.maxDepth) throw new JsonLimitError('too_deep');
    this.stack.push(frame);
  }

  private close(): void {
    const frame = this.stack.pop();
    if (frame) this.deliver('array' in frame ? frame.array : frame.object);
  }

  push(token: Token): boolean {
    if (++this.size > this.maxChars) throw new JsonLimitError('too_large');
    switch (token.name) {
      case 'startObject':
        this.open({ object: new Map(), key: null });
        break;
      case 'startArray':
        this.open({ array: [] });
        break;
      case 'endObject':
      case 'endArray':
        this.close();
        break;
      case 'startKey':
      case 'startString':
      case 'startNumber':
        this.text = '';
        break;
      case 'stringChunk':
      case 'numberChunk':
        this.size += token.value.length;
        if (this.size > this.maxChars) throw new JsonLimitError('too_large');
        this.text = (this.text ?? '') + token.value;
        break;
      case 'endKey': {
        const top = this.stack.at(-1);
        if (top && 'object' in top) top.key = this.text ?? '';
        this.text = null;
        break;
      }
      case 'endString':
        this.deliver(this.text ?? '');
        this.text = null;
        break;
      case 'endNumber':
        this.deliver(new JsonNumber(this.text ?? '0'));
        this.text = null;
        break;
      // Packed values (not asked for, but complete in themselves).
      case 'keyValue': {
        const top = this.stack.at(-1);
        if (top && 'object' in top) top.key = token.value;
        break;
      }
      case 'stringValue':
        this.deliver(token.value);
        break;
      case 'numberValue':
        this.deliver(new JsonNumber(token.value));
        break;
      case 'nullValue':
        this.deliver(null);
        break;
      case 'trueValue':
        this.deliver(true);
        break;
      case 'falseValue':
        this.deliver(false);
        break;
      case 'whitespace':
        break;
    }
    return this.complete;
  }
}

/** The kind of a value as a person names it, for messages. */
export function kindOf(token: Token | JsonValue): { zh: string; en: string } {
  const name =
    token === null
      ? 'null'
      : typeof token === 'string'
        ? 'string'
        : typeof token === 'boolean'
          ? 'boolean'
          : token instanceof JsonNumber
            ? 'number'
            : Array.isArray(token)
              ? 'array'
              : token instanceof Map
                ? 'object'
                : token.name;
  switch (name as string) {
    case 'startObject':
    case 'object':
      return { zh: '对象', en: 'an object' };
    case 'startArray':
    case 'array':
      return { zh: '数组', en: 'an array' };
    case 'startString':
    case 'stringValue':
    case 'string':
      return { zh: '字符串', en: 'a string' };
    case 'startNumber':
    case 'numberValue':
    case 'number':
      return { zh: '数字', en: 'a number' };
    case 'trueValue':
    case 'falseValue':
    case 'boolean':
      return { zh: '布尔值', en: 'a boolean' };
    case 'nullValue':
    case 'null':
      return { zh: 'null', en: 'null' };
    default:
      return { zh: '其他值', en: 'another value' };
  }
}

/** A JSON value as JSON text, numbers exactly as written. */
export function stringify(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  return `{${[...v].map(([k, x]) => `${JSON.stringify(k)}:${stringify(x)}`).join(',')}}`;
}

/** A field's value as cell text (see SourceRow.values). */
export function valueText(v: JsonValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonNumber) return withoutExponent(v.text);
  return stringify(v);
}

type TokenSource = (chunk: string | typeof none) => Many<Token> | typeof none;

/** A tokenizer: feed it text, then `end()`; each call gives the tokens completed so far. */
export function tokenizer(): { write(text: string): Token[]; end(): Token[] } {
  // stream-json types the flushable as taking strings only; `none` is how it is flushed.
  const parse = jsonParser({ packValues: false, streamValues: true }) as unknown as TokenSource;
  const tokens = (out: Many<Token> | typeof none): Token[] => (isMany(out) ? getManyValues(out) : []);
  return { write: (text) => tokens(parse(text)), end: () => tokens(parse(none)) };
}
