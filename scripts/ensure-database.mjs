// Creates the PostgreSQL database a connection string names when it is missing (the test suite's
// `test` database on a fresh server), connecting to the server's `postgres` database to do so.
// Shared by scripts/test.mjs and the test database factory (apps/server/test/database.ts).
import pg from 'pg';

const MISSING_DATABASE = '3D000'; // invalid_catalog_name
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505'; // two creators racing on pg_database

/** @param {unknown} err */
const codeOf = (err) =>
  typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;

/**
 * Creates the database named in `url` unless it exists. Answers true when it created it. Throws what
 * connecting throws for any other reason (server unreachable, authentication).
 * @param {string} url
 * @param {{ connectionTimeoutMillis?: number }} [options]
 * @returns {Promise<boolean>}
 */
export async function ensureDatabase(url, options = {}) {
  const timeout = options.connectionTimeoutMillis ?? 10_000;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeout });
  try {
    await probe.connect();
    return false;
  } catch (err) {
    if (codeOf(err) !== MISSING_DATABASE) throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const server = new URL(url);
  server.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: timeout });
  await admin.connect();
  try {
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
    return true;
  } catch (err) {
    const code = codeOf(err);
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
    throw err;
  } finally {
    await admin.end().catch(() => undefined);
  }
}
