/**
 * The SQL pieces of the catalog's full-text search (see search-text.ts for the tokens): the weighted
 * `tsvector` of a version, a query's `tsquery`, matching and ranking. Fragments for the repository's
 * queries, built with Kysely's `sql` from text tokenised in Node.
 */
import { sql, type RawBuilder } from 'kysely';
import { fieldTokens, type SearchField } from './search-text.ts';

/**
 * `setweight(to_tsvector('simple', $1), 'A') || setweight(to_tsvector('simple', $2), 'B') || …`
 * over the fields' tokens, for an insert or update of a `tsvector` column.
 */
export function tsvectorSql(fields: readonly SearchField[]): RawBuilder<unknown> {
  const parts = fields.map((f) => {
    const tokens = fieldTokens(f.text ?? '', { pinyin: f.pinyin ?? true }).join(' ');
    return sql`setweight(to_tsvector('simple', ${tokens}), ${sql.lit(f.weight)})`;
  });
  if (parts.length === 0) return sql`''::tsvector`;
  return sql`(${sql.join(parts, sql` || `)})`;
}

/** `to_tsquery('simple', $1)` for text from `toTsQuery`. */
export function tsQuerySql(tsquery: string): RawBuilder<unknown> {
  return sql`to_tsquery('simple', ${tsquery})`;
}

/** `column @@ to_tsquery('simple', $1)`: the row matches the query (uses a GIN index on the column). */
export function matchSql(column: string, tsquery: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} @@ ${tsQuerySql(tsquery)}`;
}

/**
 * Relevance: `ts_rank_cd` (cover density: all the terms close together rank higher) over the
 * weighted vector with the default weights D 0.1, C 0.2, B 0.4, A 1.0 — a hit in the name outranks
 * one in keywords or data item labels, which outranks the abstract and then the department name.
 * Order by it descending; it is a float4.
 */
export function rankSql(column: string, tsquery: string): RawBuilder<number> {
  return sql<number>`ts_rank_cd('{0.1, 0.2, 0.4, 1.0}'::float4[], ${sql.ref(column)}, ${tsQuerySql(tsquery)})`;
}
