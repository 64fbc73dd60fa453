/**
 * PostgreSQL and MySQL/MariaDB sources: the department's SELECT, run in a read-only transaction
 * with a statement timeout, over a connection to the address the allow-list check answered (never
 * resolved again), its rows read in batches as they are ingested (memory stays flat) with every
 * value as the text the server gives (dates as YYYY-MM-DD). The run stops when the source passes
 * the byte limit or the timeout.
 *
 * Before the query runs, the session is refused when it is the platform's own database (see
 * platform-database.ts) or when its account holds too much — PostgreSQL: a superuser, a member of
 * pg_read_all_data, pg_write_all_data, pg_read_server_files, pg_write_server_files,
 * pg_execute_server_program or pg_read_all_stats, or able to read pg_authid or call pg_read_file;
 * MySQL/MariaDB: SUPER or FILE, or able to read mysql.user (the password hashes). Failures are
 * classified (errors.ts): the driver's message, which can carry data values, is never stored or
 * answered, only logged.
 */
import mysql from 'mysql2';
import pg from 'pg';
import { invalidField } from '../../../shared/errors.ts';
import {
  checkTarget,
  systemLookup,
  type AllowEntry,
  type CheckedTarget,
  type Lookup,
} from './address-check.ts';
import {
  PlatformDatabaseRefused,
  SourceError,
  databaseError,
  errorCodeOf,
  sourcePrivileged,
  sourceTimeout,
  sourceTooLarge,
  type DatabaseErrorClass,
} from './errors.ts';
import { DATABASE_FINGERPRINT_SQL, isPlatformDatabase, type PlatformDatabase } from './platform-database.ts';

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
  /** The platform's own database (from DATABASE_URL), refused as a source. */
  platform?: PlatformDatabase | null;
  /** The platform database's fingerprint (PostgreSQL only), refused as a source session. */
  platformFingerprint?: string | null;
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

/** The source's checked address, once the allow-list admits its host and port. */
function targetOf(options: DatabaseSourceOptions): Promise<CheckedTarget> {
  return checkTarget(options.allowList, options.host, options.port, options.lookup ?? systemLookup);
}

/** The source as the department configured it, for messages. */
const label = (options: DatabaseSourceOptions) => `${options.host}:${options.port}/${options.database}`;

const timeoutOf = (options: DatabaseSourceOptions, raw?: unknown) =>
  sourceTimeout(Math.round(options.timeoutMs / 1000), raw);

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** PostgreSQL's SQLSTATE (or the client's own error) as a class; null: the timeout. */
function pgClass(code: string, message: string): DatabaseErrorClass | null {
  // 57014: the server's statement_timeout; "Query read timeout": the client's own, a second later;
  // "timeout expired": connecting took too long.
  if (code === '57014' || code === 'ETIMEDOUT') return null;
  if (code === '' && /query read timeout|timeout expired|connection timeout/i.test(message)) return null;
  if (NETWORK.has(code) || code.startsWith('08') || code.startsWith('57P') || code === '53300')
    return 'unreachable';
  if (code === '' && /connection terminated|not queryable|connection ended/i.test(message))
    return 'unreachable';
  if (code.startsWith('28') || code === '3D000') return 'authentication';
  if (code === '42501') return 'permission';
  if (code === '25006') return 'read_only';
  if (code.startsWith('22') || code === '42804' || code === '42846') return 'type';
  if (code.startsWith('42') || code === '0A000') return 'syntax';
  return 'failed';
}

function pgError(err: unknown, options: DatabaseSourceOptions): Error {
  if (err instanceof SourceError) return err;
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const kind = pgClass(
    typeof e.code === 'string' ? e.code : '',
    typeof e.message === 'string' ? e.message : '',
  );
  return kind === null ? timeoutOf(options, err) : databaseError(kind, label(options), errorCodeOf(err), err);
}

/** Roles whose members read what a connector must not: every table, server files, others' queries. */
const PRIVILEGED_ROLES = [
  'pg_read_all_data',
  'pg_write_all_data',
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
  'pg_read_all_stats',
];

/** Refuses the platform's own database and an account that holds too much, before the query runs. */
async function guardPostgres(client: pg.Client, options: DatabaseSourceOptions) {
  const { rows } = await client.query<{ fingerprint: string | null; privileged: string }>(
    `select (${DATABASE_FINGERPRINT_SQL}) as fingerprint,
       (current_setting('is_superuser') = 'on'
        or exists (select 1 from pg_roles r where r.rolname = any($1::text[])
                   and pg_has_role(current_user, r.oid, 'member'))
        or has_table_privilege('pg_catalog.pg_authid', 'select')
        or has_function_privilege('pg_catalog.pg_read_file(text)', 'execute'))::text as privileged`,
    [PRIVILEGED_ROLES],
  );
  const row = rows[0];
  if (options.platformFingerprint && row?.fingerprint === options.platformFingerprint)
    throw new PlatformDatabaseRefused(label(options));
  if (row?.privileged !== 'false') throw sourcePrivileged(label(options), options.user);
}

/** Opens a PostgreSQL source and reads its header (the first batch is fetched at once). */
export async function openPostgres(options: DatabaseSourceOptions): Promise<QueryRows> {
  const target = await targetOf(options);
  const lookup = options.lookup ?? systemLookup;
  if (await isPlatformDatabase(options.platform ?? null, target, options.database, lookup))
    throw new PlatformDatabaseRefused(label(options));
  const address = target.addresses[0]?.address ?? '';
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
    await guardPostgres(client, options);
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

const MYSQL_CLASSES: [DatabaseErrorClass, readonly number[]][] = [
  ['unreachable', [1040, 1053, 1077, 1152, 1158, 1159, 1160, 1161, 2002, 2003, 2006, 2013]],
  ['authentication', [1044, 1045, 1049, 1129, 1130, 1131, 1251, 1698, 1820, 1862, 2059]],
  [
    'syntax',
    [1052, 1054, 1060, 1064, 1066, 1109, 1146, 1149, 1235, 1241, 1242, 1248, 1305, 1582, 1583, 1584],
  ],
  ['permission', [1142, 1143, 1227, 1370]],
  ['read_only', [1290, 1792, 1836]],
  ['type', [1264, 1292, 1365, 1366, 1367, 1411, 1525, 1690, 3140, 3141, 3143, 3146]],
];

function mysqlError(err: unknown, options: DatabaseSourceOptions): Error {
  if (err instanceof SourceError) return err;
  const e = (err ?? {}) as { code?: unknown; errno?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const errno = typeof e.errno === 'number' ? e.errno : 0;
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT' || code === 'ETIMEDOUT' || errno === 1969 || errno === 3024)
    return timeoutOf(options, err);
  const kind: DatabaseErrorClass =
    NETWORK.has(code) || code === 'PROTOCOL_CONNECTION_LOST'
      ? 'unreachable'
      : (MYSQL_CLASSES.find(([, errnos]) => errnos.includes(errno))?.[0] ?? 'failed');
  return databaseError(kind, label(options), errorCodeOf(err), err);
}

/** "You may not read that table" (or it does not exist): the probe below is answered "no". */
const DENIED = new Set([1044, 1142, 1143, 1146]);

/** The session's account as `'user'@'host'`, the form of information_schema's grantee column. */
const GRANTEE = `concat('''', left(current_user(), length(current_user()) - length(substring_index(current_user(), '@', -1)) - 1), '''@''', substring_index(current_user(), '@', -1), '''')`;

/** Refuses an account that holds SUPER or FILE or may read the account table (its password hashes). */
async function guardMysql(p: ReturnType<mysql.Connection['promise']>, options: DatabaseSourceOptions) {
  const [rows] = await p.query(
    `select privilege_type from information_schema.user_privileges
     where privilege_type in ('SUPER', 'FILE') and grantee = ${GRANTEE}`,
  );
  let privileged = Array.isArray(rows) && rows.length > 0;
  if (!privileged) {
    try {
      await p.query('select 1 from mysql.user limit 0');
      privileged = true;
    } catch (err) {
      const errno = (err as { errno?: unknown }).errno;
      if (typeof errno !== 'number' || !DENIED.has(errno)) throw err;
    }
  }
  if (privileged) throw sourcePrivileged(label(options), options.user);
}

/** Opens a MySQL/MariaDB source and waits for its column list. */
export async function openMysql(options: DatabaseSourceOptions): Promise<QueryRows> {
  const address = (await targetOf(options)).addresses[0]?.address ?? '';
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
    await guardMysql(p, options);
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
