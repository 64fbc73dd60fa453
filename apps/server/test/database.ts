import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase } from '../../../scripts/ensure-database.mjs';
import { createDatabase, type Backend, type DatabaseHandle } from '../src/db/database.ts';

/** The backend the integration suite runs on: `HUITONG_TEST_BACKEND=pglite|postgres` (default pglite). */
export const TEST_BACKEND: Backend = process.env.HUITONG_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

/** Server used for the PostgreSQL suite; each test file gets its own fresh database on it. */
export const TEST_PG_URL = process.env.HUITONG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** For PostgreSQL, the connection string of the fresh database (to open a second "process" on it). */
  url: string | undefined;
  /** Closes the connection and removes the database. */
  drop(): Promise<void>;
}

function adminClient() {
  return new pg.Client({ connectionString: TEST_PG_URL });
}

let serverDatabase: Promise<boolean> | undefined;
/** The suite's own database on the server (`test`), created on a fresh server; once per process. */
export function ensureServerDatabase(): Promise<boolean> {
  serverDatabase ??= ensureDatabase(TEST_PG_URL);
  return serverDatabase;
}

/** A fresh, empty database on the suite's backend. */
export async function createTestDatabase(opts: { dataDir?: string } = {}): Promise<TestDatabase> {
  if (TEST_BACKEND === 'pglite') {
    const handle = await createDatabase({ dataDir: opts.dataDir ?? 'memory://' });
    return { handle, url: undefined, drop: () => handle.close() };
  }
  const name = `huitong_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await ensureServerDatabase();
  const admin = adminClient();
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ databaseUrl: url.toString(), poolSize: 5 });
  let dropped = false;
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await handle.close().catch(() => undefined);
      const c = adminClient();
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
