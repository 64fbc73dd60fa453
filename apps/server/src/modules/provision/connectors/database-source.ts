/**
 * PostgreSQL and MySQL/MariaDB sources: the department's SELECT, run in a read-only transaction
 * with a statement timeout, over a connection to the address the allow-list check answered (never
 * resolved again), its rows read in batches as they are ingested (memory stays flat) with every
 * value as the text the server gives (dates as YYYY-MM-DD). The run stops when the source passes
 * the byte limit or the timeout.
 */
import mysql from 'mysql2';
import pg from 'pg';
import { invalidField } from '../../../shared/errors.ts';
import { checkTarget, systemLookup, type AllowEntry, type Lookup } from './address-check.ts';
import { SourceError, sourceTimeout, sourceTooLarge } from './errors.ts';

export interface DatabaseSourceOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | null;
  query: string;
  allowList: readonly AllowEntry[];
  timeoutMs: number;
  maxBytes: number;
  lookup?: Lookup;
}

export interface QueryRows {
  headers: string[];
  rows: AsyncIterable<{ record: number; values: (string | null)[] }>;
  bytesRead(): number;
  close(): Promise<void>;
}

const BATCH = 1000;

/** A connector query: one SELECT (or WITH … SELECT), trailing semicolons dropped. */
export function checkQuery(text: string, field = 'query'): string {
  const q = text
    .trim()
    .replace(/;+\s*$/, '')
    .trim();
  if (!/^(select|with)\b/i.test(q))
    throw invalidField(field, '须为一条 SELECT 查询语句', 'must be a single SELECT statement');
  return q;
}

class Budget {
  bytes = 0;
  readonly deadline: number;
  constructor(private readonly options: DatabaseSourceOptions) {
    this.deadline = Date.now() + options.timeoutMs;
  }
  add(values: (string | null)[]) {
    for (const v of values) if (v !== null) this.bytes += Buffer.byteLength(v);
    if (this.bytes > this.options.maxBytes) throw sourceTooLarge(this.options.maxBytes);
  }
  check() {
    if (Date.now() > this.deadline) throw sourceTimeout(Math.round(this.options.timeoutMs / 1000));
  }
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? null;
}

/** The source's address, once the allow-list admits its host and port. */
async function addressOf(options: DatabaseSourceOptions): Promise<string> {
  const target = await checkTarget(
    options.allowList,
    options.host,
    options.port,
    options.lookup ?? systemLookup,
  );
  return target.addresses[0]?.address ?? '';
}

/** A query that failed on the source (not by timeout): the database named, the driver's code and message kept. */
function queryFailed(err: unknown, options: DatabaseSourceOptions): SourceError {
  const e = err as { code?: string; message?: string };
  return new SourceError(
    'connector_query_failed',
    `数据库 ${options.host}:${options.port}/${options.database} 的查询失败`,
    `The query on the database ${options.host}:${options.port}/${options.database} failed`,
    `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`,
  );
}

function pgError(err: unknown, options: DatabaseSourceOptions): Error {
  if (err instanceof SourceError) return err;
  const e = err as { code?: string; message?: string };
  // 57014: the server's statement_timeout; "Query read timeout": the client's own, a second later.
  if (e.code === '57014' || /query read timeout/i.test(e.message ?? ''))
    return sourceTimeout(Math.round(options.timeoutMs / 1000));
  return queryFailed(err, options);
}

/** Opens a PostgreSQL source and reads its header (the first batch is fetched at once). */
export async function openPostgres(options: DatabaseSourceOptions): Promise<QueryRows> {
  const address = await addressOf(options);
  const budget = new Budget(options);
  const client = new pg.Client({
    host: address,
    port: options.port,
    database: options.database,
    user: options.user,
    ...(options.password !== null ? { password: options.password } : {}),
    connectionTimeoutMillis: options.timeoutMs,
    query_timeout: options.timeoutMs + 1000,
    application_name: 'huitong-connector',
    types: { getTypeParser: () => (v: string) => v },
  });
  client.on('error', () => undefined);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client.query('rollback').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    await client.connect();
    await client.query('begin transaction read only');
    await client.query(`set local statement_timeout = ${Math.max(1, Math.round(options.timeoutMs))}`);
    await client.query({
      text: `declare huitong_source no scroll cursor for ${checkQuery(options.query)}`,
      queryMode: 'extended',
    } as pg.QueryConfig);
    const fetch = () =>
      client.query<unknown[]>({ text: `fetch ${BATCH} from huitong_source`, rowMode: 'array' });
    const first = await fetch();
    const headers = first.fields.map((f) => f.name);
    async function* rows() {
      let record = 0;
      let batch = first.rows;
      try {
        for (;;) {
          for (const r of batch) {
            const values = r.map(text);
            budget.add(values);
            yield { record: ++record, values };
          }
          if (batch.length < BATCH) return;
          budget.check();
          batch = (await fetch()).rows;
        }
      } catch (err) {
        throw pgError(err, options);
      } finally {
        await close();
      }
    }
    return { headers, rows: rows(), bytesRead: () => budget.bytes, close };
  } catch (err) {
    await close();
    throw pgError(err, options);
  }
}

function mysqlError(err: unknown, options: DatabaseSourceOptions): Error {
  if (err instanceof SourceError) return err;
  const e = err as { code?: string; errno?: number; message?: string };
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT' || e.errno === 1969 || e.errno === 3024)
    return sourceTimeout(Math.round(options.timeoutMs / 1000));
  return queryFailed(err, options);
}

/** Opens a MySQL/MariaDB source and waits for its column list. */
export async function openMysql(options: DatabaseSourceOptions): Promise<QueryRows> {
  const address = await addressOf(options);
  const budget = new Budget(options);
  const conn = mysql.createConnection({
    host: address,
    port: options.port,
    user: options.user,
    ...(options.password !== null ? { password: options.password } : {}),
    database: options.database,
    connectTimeout: options.timeoutMs,
    charset: 'UTF8MB4_UNICODE_CI',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  });
  conn.on('error', () => undefined);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // The transaction is read-only: ending the session is enough; a stuck server is not waited for.
    const ended = conn
      .promise()
      .end()
      .catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    conn.destroy();
  };
  try {
    const p = conn.promise();
    await p.connect();
    const seconds = Math.max(1, Math.round(options.timeoutMs / 1000));
    // MariaDB and MySQL name the statement timeout differently; each ignores the other's.
    await p.query(`set session max_statement_time = ${seconds}`).catch(() => undefined);
    await p.query(`set session max_execution_time = ${seconds * 1000}`).catch(() => undefined);
    await p.query('start transaction read only');
    const query = conn.query({
      sql: checkQuery(options.query),
      rowsAsArray: true,
      timeout: options.timeoutMs,
      typeCast: (field, next) => (field.type === 'JSON' ? next() : field.string()),
    });
    const stream = query.stream({ highWaterMark: BATCH });
    // Errors reach the reader through the iteration (or the header promise below).
    stream.on('error', () => undefined);
    const headers = await new Promise<string[]>((resolve, reject) => {
      query.once('fields', (fields: { name: string }[]) => resolve(fields.map((f) => f.name)));
      query.once('error', reject);
      query.once('end', () => resolve([]));
    });
    async function* rows() {
      let record = 0;
      try {
        for await (const r of stream as AsyncIterable<unknown[]>) {
          const values = r.map(text);
          budget.add(values);
          if (record % BATCH === 0) budget.check();
          yield { record: ++record, values };
        }
      } catch (err) {
        throw mysqlError(err, options);
      } finally {
        stream.destroy();
        await close();
      }
    }
    return { headers, rows: rows(), bytesRead: () => budget.bytes, close };
  } catch (err) {
    await close();
    throw mysqlError(err, options);
  }
}
