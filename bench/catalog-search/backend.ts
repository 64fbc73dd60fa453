/**
 * A fresh database for one benchmark run, on embedded PGlite (in memory) or on a new database of a
 * PostgreSQL server (dropped afterwards), with three ways in: the Huitong handle (what `buildApp`
 * gets), a raw client for the baseline server and maintenance, and a logging Kysely instance that
 * records the SQL Huitong's repository sends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type * as KyselyModule from 'kysely';
import { createDatabase, pgliteHandle, type DatabaseHandle } from '../../apps/server/src/db/database.ts';
import type { Database } from '../../apps/server/src/db/database.types.ts';
import { PGliteDialect } from '../../apps/server/src/db/pglite-dialect.ts';

export type BackendName = 'pglite' | 'postgres';

/** One SQL statement as sent: text and parameters. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

export interface RawDb {
  query(sql: string, parameters?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface BenchDatabase {
  backend: BackendName;
  /** The handle given to `buildApp`, as the server would open it. */
  handle: DatabaseHandle;
  /** Direct access without Kysely: the baseline's driver (a pool of the same size for PostgreSQL). */
  raw: RawDb;
  /** Runs `fn` against a Kysely instance on the same database that records every statement. */
  capture<T>(
    fn: (db: KyselyModule.Kysely<Database>) => Promise<T>,
  ): Promise<{ result: T; statements: Statement[] }>;
  /** A label for the report (server version). */
  version: string;
  /** Process ids of the server backends serving this database (PostgreSQL), for the CPU probe. */
  backendPids(): Promise<number[]>;
  /** Where the database is (PostgreSQL), for `--keep-db`. */
  url: string | null;
  /** Closes everything and removes the database (unless `keep`, for a PostgreSQL database). */
  drop(keep?: boolean): Promise<void>;
}

/** Kysely as the server imports it (ESM build of apps/server's own copy), so both are one module. */
async function serverKysely(): Promise<typeof KyselyModule> {
  let dir = path.resolve(import.meta.dirname, '../../apps/server');
  for (;;) {
    const pkg = path.join(dir, 'node_modules', 'kysely', 'package.json');
    if (fs.existsSync(pkg)) {
      const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as {
        exports: { '.': { import: string } };
      };
      const entry = path.join(path.dirname(pkg), json.exports['.'].import);
      return (await import(pathToFileURL(entry).href)) as typeof KyselyModule;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('kysely not found from apps/server');
    dir = up;
  }
}

const INT8 = 20;
const DATE = 1082;

/** Same pool size as the server's default (`createDatabase`), for Huitong and the baseline alike. */
export const POOL_SIZE = 10;

export async function openDatabase(backend: BackendName, pgUrl: string): Promise<BenchDatabase> {
  const kysely = await serverKysely();
  const recorder = () => {
    const statements: Statement[] = [];
    const log = (event: KyselyModule.LogEvent) => {
      statements.push({ sql: event.query.sql, parameters: event.query.parameters });
    };
    return { statements, log };
  };

  if (backend === 'pglite') {
    // As `createDatabase({ dataDir: 'memory://' })` opens it, but keeping the client for the baseline.
    const client = await PGlite.create({
      dataDir: 'memory://',
      parsers: { [INT8]: (v: string) => Number(v), [DATE]: (v: string) => v },
    });
    const handle = pgliteHandle(client);
    const db = handle.db;
    const version = (await client.query<{ v: string }>('select version() as v')).rows[0]?.v ?? '';
    const pkg = JSON.parse(
      fs.readFileSync(
        path.resolve(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json'),
        'utf8',
      ),
    ) as { version: string };
    return {
      backend,
      handle,
      raw: {
        query: async (text, parameters = []) =>
          (await client.query<Record<string, unknown>>(text, [...parameters])).rows,
        close: async () => undefined,
      },
      capture: async (fn) => {
        const { statements, log } = recorder();
        const logged = new kysely.Kysely<Database>({ dialect: new PGliteDialect(client), log });
        const result = await fn(logged);
        return { result, statements };
      },
      version: `PGlite ${pkg.version} (${version.split(' on ')[0] ?? version})`,
      url: null,
      backendPids: async () => [],
      drop: async () => {
        await db.destroy();
        if (!client.closed) await client.close();
      },
    };
  }

  const name = `huitong_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = async (text: string) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ databaseUrl: url.toString(), poolSize: POOL_SIZE });
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: POOL_SIZE,
    application_name: 'baseline',
  });
  const capturePool = new pg.Pool({ connectionString: url.toString(), max: 4, application_name: 'capture' });
  // An idle connection ended by the server (e.g. by the final DROP) must not crash the run.
  for (const p of [pool, capturePool]) p.on('error', () => undefined);
  const version = ((await pool.query<{ v: string }>('select version() as v')).rows[0]?.v ?? '').split(
    ' on ',
  )[0];
  let dropped = false;
  return {
    backend,
    handle,
    raw: {
      query: async (text, parameters = []) =>
        (await pool.query(text, [...parameters])).rows as Record<string, unknown>[],
      close: () => pool.end(),
    },
    capture: async (fn) => {
      const { statements, log } = recorder();
      const logged = new kysely.Kysely<Database>({
        dialect: new kysely.PostgresDialect({ pool: capturePool }),
        log,
      });
      const result = await fn(logged);
      return { result, statements };
    },
    version: version ?? 'PostgreSQL',
    url: url.toString(),
    backendPids: async () =>
      (
        await pool.query<{ pid: number }>(
          'select pid from pg_stat_activity where datname = current_database()',
        )
      ).rows.map((r) => r.pid),
    drop: async (keep = false) => {
      if (dropped) return;
      dropped = true;
      await handle.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await capturePool.end().catch(() => undefined);
      if (keep) return;
      // Give closing connections a moment to go before forcing the rest out.
      const c = new pg.Client({ connectionString: pgUrl });
      c.on('error', () => undefined);
      await c.connect();
      try {
        for (let i = 0; i < 50; i++) {
          const r = await c.query<{ n: number }>(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if ((r.rows[0]?.n ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
