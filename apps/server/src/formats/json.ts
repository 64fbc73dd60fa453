/**
 * JSON (an array of objects), NDJSON (one object per line) and GeoJSON (a FeatureCollection),
 * streamed: stream-json tokenizes, json-values.ts builds one record at a time.
 *
 * Headers are the keys of the first record (GeoJSON: of the first feature's properties) in their
 * order, then any new key met in the first JSON_HEADER_LOOKAHEAD.records records (or, if they are
 * large, in as many as fit in JSON_HEADER_LOOKAHEAD.chars), in the order met. A key that first
 * appears in a later record is a `json_new_field` FormatError naming the record: the data are
 * never silently dropped (see docs/decisions.md).
 */
import type { Token } from 'stream-json/core/parser.js';
import type { Message } from '../shared/errors.ts';
import { checkHeaders } from './cells.ts';
import { FormatError, type FormatLocation, type RecordUnit } from './format-error.ts';
import { checkGeometry, GeometryProblem, type Geometry } from './geometry.ts';
import {
  JSON_LIMITS,
  JsonLimitError,
  kindOf,
  tokenizer,
  valueText,
  ValueBuilder,
  type JsonObject,
  type JsonValue,
} from './json-values.ts';
import { FileReading, type OpenedSource } from './row-source.ts';
import { decodeText, detectEncoding, readSample, SAMPLE_BYTES } from './text.ts';
import type { OpenOptions, SourceRow, TextEncoding } from './types.ts';

export const JSON_HEADER_LOOKAHEAD = {
  records: 1000,
  /** Characters (as counted by ValueBuilder) of the records held while the headers are collected. */
  chars: 32 * 1024 * 1024,
} as const;

/** One record before it becomes a row: its fields, and for GeoJSON its geometry. */
interface KeyedRecord {
  index: number;
  fields: JsonObject | null;
  geometry?: Geometry | null;
  size: number;
}

type Unit = Extract<RecordUnit, 'record' | 'line' | 'feature'>;

const limitError = (err: JsonLimitError, at: FormatLocation): FormatError =>
  err.limit === 'too_deep'
    ? new FormatError(
        'json_too_deep',
        { zh: `嵌套超过 ${JSON_LIMITS.depth} 层`, en: `nests deeper than ${JSON_LIMITS.depth} levels` },
        at,
      )
    : new FormatError(
        'record_too_large',
        {
          zh: `超过 ${JSON_LIMITS.recordChars} 个字符，过大`,
          en: `is larger than ${JSON_LIMITS.recordChars} characters`,
        },
        at,
      );

const syntaxError = (err: unknown, at: FormatLocation, where: Message): FormatError => {
  const detail = err instanceof Error ? err.message : String(err);
  return new FormatError(
    'json_syntax',
    { zh: `JSON 格式错误（${where.zh}）：${detail}`, en: `invalid JSON (${where.en}): ${detail}` },
    at,
  );
};

/** Opens a text file: checks it is not empty, detects (or checks) its encoding. */
async function openText(
  file: string,
  options: OpenOptions,
  unit: Unit,
): Promise<{ encoding: TextEncoding; detected: boolean }> {
  const { sample, size } = await readSample(file);
  const declared = options.encoding ?? 'auto';
  const encoding = detectEncoding(sample, size <= SAMPLE_BYTES, declared, unit === 'line' ? 'line' : 'row');
  const blank = size <= SAMPLE_BYTES && /^[\s\ufeff]*$/.test(sample.toString('utf8'));
  if (size === 0 || blank) throw new FormatError('file_empty', { zh: '文件为空', en: 'the file is empty' });
  return { encoding, detected: declared === 'auto' };
}

/**
 * Rows from keyed records: collects the headers from the first records, then gives every record
 * its values in header order.
 */
async function keyedSource(
  records: AsyncGenerator<KeyedRecord, void, undefined>,
  unit: Unit,
  reading: FileReading,
  encoding: TextEncoding,
  allowNoColumns: boolean,
): Promise<OpenedSource> {
  const held: KeyedRecord[] = [];
  const firstSeen = new Map<string, number>();
  let heldChars = 0;
  try {
    while (held.length < JSON_HEADER_LOOKAHEAD.records && heldChars < JSON_HEADER_LOOKAHEAD.chars) {
      const next = await records.next();
      if (next.done) break;
      held.push(next.value);
      heldChars += next.value.size;
      for (const key of next.value.fields?.keys() ?? [])
        if (!firstSeen.has(key)) firstSeen.set(key, next.value.index);
    }
    const headers = [...firstSeen.keys()];
    checkHeaders(headers, (i) => ({
      unit,
      row: firstSeen.get(headers[i] ?? '') ?? 1,
      column: headers[i] ?? '',
    }));
    if (headers.length === 0 && held.length > 0 && !allowNoColumns)
      throw new FormatError('no_columns', {
        zh: `前 ${held.length} 条记录都是空对象，没有任何字段`,
        en: `the first ${held.length} record(s) are empty objects without any field`,
      });
    const known = new Set(headers);
    const lookedAt = held.length;
    const toRow = (r: KeyedRecord): SourceRow => {
      for (const key of r.fields?.keys() ?? [])
        if (!known.has(key))
          throw new FormatError(
            'json_new_field',
            {
              zh: `出现了前 ${lookedAt} 条记录中没有的字段「${key}」。字段取自前 ${lookedAt} 条记录，请让第一条记录包含所有字段（没有值的写 null）`,
              en: `has the field “${key}”, which none of the first ${lookedAt} records has. Fields are taken from the first ${lookedAt} records: give the first record every field (null where there is no value)`,
            },
            { unit, row: r.index, column: key },
          );
      return {
        record: r.index,
        values: headers.map((h) => valueText(r.fields?.get(h))),
        ...(r.geometry === undefined ? {} : { geometry: r.geometry }),
      };
    };
    async function* rows(): AsyncGenerator<SourceRow, void, undefined> {
      try {
        while (held.length > 0) {
          const r = held.shift();
          if (r) yield toRow(r);
        }
        for await (const r of records) yield toRow(r);
      } finally {
        await records.return(undefined);
      }
    }
    return { headers, records: rows(), reading, encoding };
  } catch (err) {
    reading.close();
    await records.return(undefined);
    throw err;
  }
}

/**
 * Characters given to the tokenizer at a time. stream-json's parser throws on a syntax error
 * without saying where, and drops the tokens of the text it was given: small slices keep the
 * records read before the error, so that the error names its record and line.
 */
const TOKENIZE_SLICE = 512;

/** Tokens of a file, slice by slice; `where(line)` places a syntax error near `line`. */
async function* fileTokens(
  text: AsyncIterable<string>,
  where: (line: number) => { at: FormatLocation; message: Message },
): AsyncGenerator<Token[], void, undefined> {
  const tokens = tokenizer();
  let line = 1;
  let batch: Token[];
  for await (const chunk of text) {
    for (let i = 0; i < chunk.length; i += TOKENIZE_SLICE) {
      const slice = chunk.slice(i, i + TOKENIZE_SLICE);
      try {
        batch = tokens.write(slice);
      } catch (err) {
        const w = where(line);
        throw syntaxError(err, w.at, w.message);
      }
      for (let nl = slice.indexOf('\n'); nl >= 0; nl = slice.indexOf('\n', nl + 1)) line++;
      if (batch.length > 0) yield batch;
    }
  }
  try {
    batch = tokens.end();
  } catch (err) {
    const w = where(line);
    throw syntaxError(err, w.at, w.message);
  }
  if (batch.length > 0) yield batch;
}

const startsValue = (t: Token) =>
  t.name === 'startObject' ||
  t.name === 'startArray' ||
  t.name === 'startString' ||
  t.name === 'startNumber' ||
  t.name === 'stringValue' ||
  t.name === 'numberValue' ||
  t.name === 'nullValue' ||
  t.name === 'trueValue' ||
  t.name === 'falseValue';

/** Pushes a token to a record's builder; a limit passed is a FormatError at `at`. */
function push(builder: ValueBuilder, t: Token, at: FormatLocation): boolean {
  try {
    return builder.push(t);
  } catch (err) {
    if (err instanceof JsonLimitError) throw limitError(err, at);
    throw err;
  }
}

// ---------- JSON ----------

export async function openJson(file: string, options: OpenOptions): Promise<OpenedSource> {
  const { encoding, detected } = await openText(file, options, 'record');
  const reading = new FileReading();
  let index = 0;
  const where = (line: number) => ({
    at: { unit: 'record' as const, row: index + 1 },
    message: { zh: `第 ${line} 行附近`, en: `near line ${line}` },
  });
  async function* objects(): AsyncGenerator<KeyedRecord, void, undefined> {
    let state: 'start' | 'items' | 'end' = 'start';
    let builder: ValueBuilder | null = null;
    for await (const batch of fileTokens(
      decodeText(reading.chunks(file), encoding, 'row', detected),
      where,
    )) {
      for (const t of batch) {
        if (!builder) {
          if (state === 'start') {
            if (t.name !== 'startArray') {
              const kind = kindOf(t);
              throw new FormatError('json_not_array', {
                zh: `JSON 文件的顶层应为对象数组（[{…}, {…}]），实为${kind.zh}`,
                en: `the top level of a JSON file must be an array of objects ([{…}, {…}]), not ${kind.en}`,
              });
            }
            state = 'items';
            continue;
          }
          if (state !== 'items') continue;
          if (t.name === 'endArray') {
            state = 'end';
            continue;
          }
          if (!startsValue(t)) continue;
          if (t.name !== 'startObject') {
            const kind = kindOf(t);
            throw new FormatError(
              'json_not_object',
              {
                zh: `数组元素应为 JSON 对象（{…}），实为${kind.zh}`,
                en: `an array item must be a JSON object ({…}), not ${kind.en}`,
              },
              { unit: 'record', row: index + 1 },
            );
          }
          builder = new ValueBuilder();
        }
        if (!push(builder, t, { unit: 'record', row: index + 1 })) continue;
        index++;
        yield { index, fields: builder.value as JsonObject, size: builder.size };
        builder = null;
      }
    }
  }
  return keyedSource(objects(), 'record', reading, encoding, false);
}

// ---------- NDJSON ----------

/** Lines of a text stream, at most `max` characters each (longer is a FormatError). */
async function* linesOf(text: AsyncIterable<string>, max: number): AsyncGenerator<string, void, undefined> {
  let pending: string[] = [];
  let pendingLength = 0;
  let line = 0;
  const tooLong = () =>
    new FormatError(
      'record_too_large',
      { zh: `一行超过 ${max} 个字符，过长`, en: `the line is longer than ${max} characters` },
      { unit: 'line', row: line + 1 },
    );
  for await (const chunk of text) {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      const piece = chunk.slice(from, nl);
      if (pendingLength + piece.length > max) throw tooLong();
      pending.push(piece);
      line++;
      yield pending.join('');
      pending = [];
      pendingLength = 0;
      from = nl + 1;
    }
    const rest = chunk.slice(from);
    pendingLength += rest.length;
    if (pendingLength > max) throw tooLong();
    if (rest) pending.push(rest);
  }
  if (pending.length > 0) yield pending.join('');
}

export async function openNdjson(file: string, options: OpenOptions): Promise<OpenedSource> {
  const { encoding, detected } = await openText(file, options, 'line');
  const reading = new FileReading();
  async function* objects(): AsyncGenerator<KeyedRecord, void, undefined> {
    let line = 0;
    for await (const raw of linesOf(
      decodeText(reading.chunks(file), encoding, 'line', detected),
      JSON_LIMITS.recordChars,
    )) {
      line++;
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim() === '') continue;
      const at: FormatLocation = { unit: 'line', row: line };
      const builder = new ValueBuilder();
      let done = false;
      try {
        const tokens = tokenizer();
        for (const t of [...tokens.write(text), ...tokens.end()]) done = builder.push(t) || done;
      } catch (err) {
        if (err instanceof JsonLimitError) throw limitError(err, at);
        throw syntaxError(err, at, { zh: '此行', en: 'this line' });
      }
      const value: JsonValue = done ? builder.value : null;
      if (!(value instanceof Map)) {
        const kind = kindOf(value);
        throw new FormatError(
          'json_not_object',
          {
            zh: `NDJSON 每行应为一个 JSON 对象（{…}），此行是${kind.zh}`,
            en: `each NDJSON line must be one JSON object ({…}); this line is ${kind.en}`,
          },
          at,
        );
      }
      yield { index: line, fields: value, size: builder.size };
    }
  }
  return keyedSource(objects(), 'line', reading, encoding, false);
}

// ---------- GeoJSON ----------

const notCollection = (zh: string, en: string) =>
  new FormatError('geojson_not_feature_collection', {
    zh: `GeoJSON 文件应为要素集合（{"type": "FeatureCollection", "features": […]}）：${zh}`,
    en: `a GeoJSON file must be a FeatureCollection ({"type": "FeatureCollection", "features": […]}): ${en}`,
  });

function feature(value: JsonValue, index: number, size: number): KeyedRecord {
  const at: FormatLocation = { unit: 'feature', row: index };
  if (!(value instanceof Map) || value.get('type') !== 'Feature') {
    const type = value instanceof Map ? value.get('type') : undefined;
    const what =
      value instanceof Map
        ? typeof type === 'string'
          ? { zh: `类型为「${type}」的对象`, en: `an object of type “${type}”` }
          : { zh: '没有 "type": "Feature" 的对象', en: 'an object without "type": "Feature"' }
        : kindOf(value);
    throw new FormatError(
      'geojson_not_feature',
      {
        zh: `features 的元素应为要素（{"type": "Feature", …}），实为${what.zh}`,
        en: `an item of features must be a Feature ({"type": "Feature", …}), not ${what.en}`,
      },
      at,
    );
  }
  const properties = value.get('properties');
  if (properties !== undefined && properties !== null && !(properties instanceof Map)) {
    const kind = kindOf(properties);
    throw new FormatError(
      'geojson_not_feature',
      {
        zh: `要素的 properties 应为对象或 null，实为${kind.zh}`,
        en: `a feature's properties must be an object or null, not ${kind.en}`,
      },
      at,
    );
  }
  const raw = value.get('geometry');
  let geometry: Geometry | null = null;
  try {
    if (raw === undefined)
      throw new GeometryProblem('geometry', {
        zh: '缺少 geometry 成员（没有位置的要素应写 "geometry": null）',
        en: 'is missing (a feature without location has "geometry": null)',
      });
    if (raw !== null) geometry = checkGeometry(raw);
  } catch (err) {
    if (!(err instanceof GeometryProblem)) throw err;
    throw new FormatError(
      'geojson_invalid_geometry',
      {
        zh: `几何无效，${err.path}：${err.problem.zh}`,
        en: `invalid geometry, ${err.path}: ${err.problem.en}`,
      },
      at,
    );
  }
  return { index, fields: properties ?? null, geometry, size };
}

export async function openGeojson(file: string, options: OpenOptions): Promise<OpenedSource> {
  const { encoding, detected } = await openText(file, options, 'feature');
  const reading = new FileReading();
  let index = 0;
  const where = (line: number) => ({
    at: { unit: 'feature' as const, row: index + 1 },
    message: { zh: `第 ${line} 行附近`, en: `near line ${line}` },
  });
  async function* features(): AsyncGenerator<KeyedRecord, void, undefined> {
    let state: 'start' | 'key' | 'value' | 'features' | 'end' = 'start';
    let key = '';
    let type: JsonValue | undefined;
    let sawFeatures = false;
    let builder: ValueBuilder | null = null;
    for await (const batch of fileTokens(
      decodeText(reading.chunks(file), encoding, 'row', detected),
      where,
    )) {
      for (const t of batch) {
        if (!builder) {
          switch (state) {
            case 'start':
              if (t.name !== 'startObject')
                throw notCollection(`顶层是${kindOf(t).zh}`, `the top level is ${kindOf(t).en}`);
              state = 'key';
              continue;
            case 'key':
              if (t.name === 'startKey') key = '';
              else if (t.name === 'stringChunk') {
                key += t.value;
                if (key.length > 1024) throw notCollection('成员名过长', 'a member name is too long');
              } else if (t.name === 'endKey') state = 'value';
              else if (t.name === 'endObject') state = 'end';
              continue;
            case 'value':
              if (key === 'features') {
                if (t.name !== 'startArray')
                  throw notCollection(
                    `"features" 是${kindOf(t).zh}，不是数组`,
                    `its "features" is ${kindOf(t).en}, not an array`,
                  );
                sawFeatures = true;
                state = 'features';
                continue;
              }
              if (!startsValue(t)) continue;
              // Another member (type, bbox, crs, name…): built within a small limit.
              builder = new ValueBuilder(1024 * 1024);
              break;
            case 'features':
              if (t.name === 'endArray') {
                state = 'key';
                continue;
              }
              if (!startsValue(t)) continue;
              builder = new ValueBuilder();
              break;
            case 'end':
              continue;
          }
        }
        if (state === 'features') {
          if (!push(builder, t, { unit: 'feature', row: index + 1 })) continue;
          index++;
          yield feature(builder.value, index, builder.size);
        } else {
          let done: boolean;
          try {
            done = builder.push(t);
          } catch (err) {
            if (err instanceof JsonLimitError)
              throw notCollection(`成员「${key}」过大`, `its member “${key}” is too large`);
            throw err;
          }
          if (!done) continue;
          if (key === 'type') {
            type = builder.value;
            if (type !== 'FeatureCollection')
              throw notCollection(
                `"type" 为${typeof type === 'string' ? `「${type}」` : kindOf(type).zh}`,
                `its "type" is ${typeof type === 'string' ? `“${type}”` : kindOf(type).en}`,
              );
          }
          state = 'key';
        }
        builder = null;
      }
    }
    if (type === undefined)
      throw notCollection('缺少 "type": "FeatureCollection"', 'it has no "type": "FeatureCollection"');
    if (!sawFeatures) throw notCollection('缺少 "features" 数组', 'it has no "features" array');
  }
  return keyedSource(features(), 'feature', reading, encoding, true);
}
