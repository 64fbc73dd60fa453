/**
 * The one-time re-index of stored search vectors: a database whose vectors were made by an earlier
 * tokenisation (before issue 11, jieba's) is re-indexed at the next start and found again.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type TestApp } from '../../../test/app.ts';
import { metadata, publishEntry } from '../../../test/catalog.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import type { Db } from '../../db/database.ts';
import { reindexSearch } from './catalog.reindex.ts';
import * as catalog from './catalog.service.ts';
import { TOKENIZER } from './search-text.ts';

let shared: TestDatabase;
let first: TestApp | undefined;
/** search::text of every version that has a vector, as publication made it. */
let published: Map<string, string>;

const vectors = async (db: Db) => {
  const { rows } = await sql<{ id: string; search: string }>`
    select id, search::text as search from catalog_versions where search is not null order by id`.execute(db);
  return new Map(rows.map((r) => [r.id, r.search]));
};
const state = async (db: Db) =>
  db
    .selectFrom('catalog_search_state')
    .select(['generation', 'tokenizer'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
const names = async (db: Db, q: string, sqlOnly = false) => {
  const found = await (sqlOnly ? catalog.sqlSearch : catalog.search)(db, { q }, 1, 20);
  return found.rows.map((r) => r.name);
};

/** Vectors of an earlier tokenisation: none of today's lexemes, and that tokenisation's name. */
async function makeStale(db: Db, keepFirst: boolean) {
  const ids = [...published.keys()];
  const stale = keepFirst ? ids.slice(1) : ids;
  await sql`update catalog_versions set search = to_tsvector('simple', 'stale')
    where id in (${sql.join(stale)})`.execute(db);
  // The generation moves, as if an older server had written them: indexes in memory read them.
  await sql`update catalog_search_state set tokenizer = 'jieba', generation = generation + 1`.execute(db);
}

beforeAll(async () => {
  shared = await createTestDatabase();
  first = await buildTestApp({}, shared);
  const cataloguer = await signIn(first.app, 'sthj.cataloguer');
  const reviewer = await signIn(first.app, 'reviewer');
  await publishEntry(cataloguer, reviewer, metadata({ name: '空气质量监测数据', keywords: ['空气'] }));
  await publishEntry(cataloguer, reviewer, metadata({ name: '住房公积金缴存信息', keywords: ['公积金'] }));
  await publishEntry(cataloguer, reviewer, metadata({ name: '交通事故统计数据', keywords: ['事故'] }));
  // A draft has no vector and is left alone.
  await cataloguer.request('POST', '/api/catalog/entries', metadata({ name: '公积金贷款草稿' }));
  // The first server stops; its database stays.
  await first.app.close();
  first = undefined;
  published = await vectors(shared.handle.db);
}, 120_000);

afterAll(async () => {
  await first?.app.close();
  await shared?.drop();
});

describe('re-indexing the catalog search', () => {
  it('records the tokenisation of a fresh database', async () => {
    expect((await state(shared.handle.db)).tokenizer).toBe(TOKENIZER);
    expect(published.size).toBe(3);
  });

  it('makes old vectors again at the next start, and they are found again', async () => {
    const db = shared.handle.db;
    await makeStale(db, false);
    for (const q of ['公积金', 'gongjijin', 'kqzl', '事故'])
      for (const sqlOnly of [true, false]) expect(await names(db, q, sqlOnly), q).toEqual([]);
    const before = await state(db);

    const next = await buildTestApp({}, shared);
    try {
      const after = await state(db);
      expect(after.tokenizer).toBe(TOKENIZER);
      expect(Number(after.generation)).toBeGreaterThan(Number(before.generation));
      expect(await vectors(db)).toEqual(published);
      // Found through SQL and through the in-memory index, which had read the old vectors.
      for (const sqlOnly of [true, false]) {
        expect(await names(db, '公积金', sqlOnly)).toEqual(['住房公积金缴存信息']);
        expect(await names(db, 'gongjijin', sqlOnly)).toEqual(['住房公积金缴存信息']);
        expect(await names(db, 'kqzl', sqlOnly)).toEqual(['空气质量监测数据']);
        expect(await names(db, 'shigu', sqlOnly)).toEqual(['交通事故统计数据']);
      }
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from catalog_versions where search is null`.execute(db);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await next.app.close();
    }
  });

  it('finishes a re-index that was interrupted, and does nothing once done', async () => {
    const db = shared.handle.db;
    // Interrupted after the first batch: that version is new, the others old, the name still old.
    await makeStale(db, true);
    expect(await reindexSearch(db, 1)).toBe(3);
    expect(await vectors(db)).toEqual(published);
    expect((await state(db)).tokenizer).toBe(TOKENIZER);
    expect(await names(db, 'gongjijin')).toEqual(['住房公积金缴存信息']);

    const generation = (await state(db)).generation;
    expect(await reindexSearch(db)).toBe(0);
    expect((await state(db)).generation).toBe(generation);
  });
});
