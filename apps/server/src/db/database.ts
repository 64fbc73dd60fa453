import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.types.ts';
import { PGliteDialect } from './pglite-dialect.ts';

export type Backend = 'pglite' | 'postgres';

/** The database, or a transaction on it: what repositories and services take first. */
export type Db = Kysely<Database>;
/** A transaction: what a function that locks rows, and so must run inside one, takes. */
export type Trx = Transaction<Database>;
/** Whether `db` is already a transaction (Kysely's `isTransaction`, as a type guard). */
export const inTransaction = (db: Db): db is Trx => db.isTransaction;

/** Raw SQL for libraries that bring their own statements (the job queue); several statements when no values. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

/** A lock held until released or until the process holding it dies. */
export interface Lease {
  release(): Promise<void>;
  /**
   * PostgreSQL: the session that holds the lease (a connection of its own until release), for work
   * that must end with the lease, such as the COPY that writes a data version. Absent on PGlite.
   */
  readonly client?: pg.PoolClient;
}

export interface DatabaseHandle {
  db: Db;
  backend: Backend;
  executeSql: ExecuteSql;
  /**
   * Takes the lease named `key`, or answers null when a live process holds it. On PostgreSQL a
   * session advisory lock on a connection of its own: if the process is killed, the server ends
   * the session and the lease is free. PGlite belongs to one process, so a set in memory does.
   */
  lease(key: string): Promise<Lease | null>;
  close(): Promise<void>;
}

// int8 (counts, sequence numbers) as numbers and `date` as 'YYYY-MM-DD' strings on both backends.
const INT8 = 20;
const DATE = 1082;
pg.types.setTypeParser(INT8, (v: string) => Number(v));
pg.types.setTypeParser(DATE, (v: string) => v);

/**
 * PGlite's PostgreSQL settings (over its defaults). Its memory is the process's: the shared buffers
 * (128 MB by default, all of it touched when the database opens) are what a small embedded database
 * needs, and sorts and index builds are kept from growing the WebAssembly memory, which never
 * shrinks. The files are the host's, so a page not in the buffers is still in the OS's cache.
 */
export const PGLITE_SETTINGS = ['shared_buffers=16MB', 'maintenance_work_mem=16MB'];

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` for a throw-away database. */
  dataDir?: string;
  poolSize?: number;
}

/**
 * A connection the server ends (restart, `pg_terminate_backend`, a dropped database) emits an error
 * on its client. An idle pooled client is handled by the pool, but one checked out between queries
 * (a lease, a transaction, a pool that is ending) has no listener, and the error would crash the
 * process. The query that was running still fails with the error; the client is not reused.
 */
function keepConnectionErrors(pool: pg.Pool): void {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
}

export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      application_name: 'huitong',
    });
    keepConnectionErrors(pool);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await sql`select 1`.execute(db);
    const executeSql: ExecuteSql = (text, values) => pool.query(text, values);
    let leasePool: pg.Pool | undefined;
    const heldClients = new Set<pg.PoolClient>();
    const lease = async (key: string): Promise<Lease | null> => {
      if (!leasePool) {
        leasePool = new pg.Pool({
          connectionString: options.databaseUrl,
          max: 20,
          application_name: 'huitong-lease',
        });
        keepConnectionErrors(leasePool);
      }
      const client = await leasePool.connect();
      try {
        const { rows } = await client.query<{ ok: boolean }>(
          'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
          [key],
        );
        if (!rows[0]?.ok) {
          client.release();
          return null;
        }
      } catch (err) {
        client.release();
        throw err;
      }
      heldClients.add(client);
      return {
        client,
        release: async () => {
          if (!heldClients.delete(client)) return;
          try {
            await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
          } finally {
            client.release();
          }
        },
      };
    };
    return {
      db,
      backend: 'postgres',
      executeSql,
      lease,
      close: async () => {
        // Leases end with the process: their sessions are closed, which frees the locks.
        for (const client of heldClients) client.release(true);
        heldClients.clear();
        await leasePool?.end();
        await db.destroy();
      },
    };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  // Loaded only when used: the module takes ~45 MB that a server on PostgreSQL does not need.
  const { PGlite } = await import('@electric-sql/pglite');
  const client = await PGlite.create({
    dataDir,
    parsers: { [INT8]: (v: string) => Number(v), [DATE]: (v: string) => v },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
  });
  return pgliteHandle(client);
}

/** The handle of an open PGlite client (the benchmark keeps the client for its baseline). */
export function pgliteHandle(client: PGlite): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  // Holding a Kysely connection takes PGlite's only session, so these statements never run inside
  // another caller's transaction.
  const executeSql: ExecuteSql = (text, values) =>
    db.connection().execute(async () => {
      if (values && values.length > 0) return client.query(text, values);
      const results = await client.exec(text);
      return results.at(-1) ?? { rows: [] };
    });
  const held = new Set<string>();
  const lease = async (key: string): Promise<Lease | null> => {
    if (held.has(key)) return null;
    held.add(key);
    return { release: async () => void held.delete(key) };
  };
  return { db, backend: 'pglite', executeSql, lease, close: () => db.destroy() };
}
