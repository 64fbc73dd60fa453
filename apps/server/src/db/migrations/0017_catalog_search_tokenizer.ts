import { sql, type Kysely } from 'kysely';

/**
 * The name of the tokenisation that made the catalog's stored search vectors
 * (`catalog_versions.search`). Vectors made before it was kept were made by jieba: the column starts
 * empty, so the catalog makes every vector again at its next start and then records the name
 * (modules/catalog/catalog.reindex.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table catalog_search_state add column tokenizer text`.execute(db);
}
