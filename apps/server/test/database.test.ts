/**
 * The PostgreSQL suite on a fresh server (issue 11): the database it connects to is created when
 * missing, by scripts/test.mjs and by the test database factory alike (scripts/ensure-database.mjs).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase } from '../../../scripts/ensure-database.mjs';
import { TEST_BACKEND, TEST_PG_URL } from './database.ts';

const created: string[] = [];

function urlOf(name: string): string {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function exists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: urlOf('postgres') });
  await c.connect();
  try {
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    return r.rowCount === 1;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  if (created.length === 0) return;
  const c = new pg.Client({ connectionString: urlOf('postgres') });
  await c.connect();
  for (const name of created)
    await c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`);
  await c.end();
});

describe.runIf(TEST_BACKEND === 'postgres')('the suite’s database on a fresh PostgreSQL server', () => {
  it('is created when missing, and left alone when it exists', async () => {
    const name = `huitong_missing_${randomBytes(4).toString('hex')}`;
    created.push(name);
    expect(await exists(name)).toBe(false);
    expect(await ensureDatabase(urlOf(name))).toBe(true);
    expect(await exists(name)).toBe(true);
    const c = new pg.Client({ connectionString: urlOf(name) });
    await c.connect();
    expect((await c.query('select current_database() as db')).rows).toEqual([{ db: name }]);
    await c.end();
    expect(await ensureDatabase(urlOf(name))).toBe(false);
  });

  it('is created once when several test processes ask at the same time', async () => {
    const name = `huitong_missing_${randomBytes(4).toString('hex')}`;
    created.push(name);
    const answers = await Promise.all([1, 2, 3, 4].map(() => ensureDatabase(urlOf(name))));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await exists(name)).toBe(true);
  });

  it('still fails for another reason (no such server)', async () => {
    const url = new URL(urlOf('test'));
    url.port = '1';
    await expect(ensureDatabase(url.toString(), { connectionTimeoutMillis: 2000 })).rejects.toThrow();
  });
});
