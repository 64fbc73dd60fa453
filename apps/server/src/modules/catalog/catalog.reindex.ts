/**
 * The one-time re-index of the catalog's search vectors after the tokenisation changed.
 *
 * `catalog_versions.search` holds tokens made when each version was published. When search-text.ts
 * tokenises differently (its `TOKENIZER` name changed: jieba's words were replaced by ICU's), the
 * stored vectors no longer meet the queries it makes, so at start-up, before the server answers,
 * every vector is made again from its version's metadata.
 */
import type { Db } from '../../db/database.ts';
import type { EntryMetadata } from './catalog.model.ts';
import * as repo from './catalog.repository.ts';
import { catalogChanged } from './catalog.search-index.ts';
import { searchVector } from './catalog.service.ts';
import { TOKENIZER } from './search-text.ts';

/** Versions re-indexed per transaction. */
export const REINDEX_BATCH = 200;

/**
 * Makes every stored search vector again when the stored tokenizer name is not this server's
 * `TOKENIZER`, in batches of `batch` versions (in id order), each in its own transaction,
 * then records the name and moves the search generation, so every in-memory index reloads
 * (this process's at once, others' within `REFRESH_INTERVAL_MS`). A start
 * interrupted half-way leaves the old name, and the next start does it all again: making a vector
 * twice gives the same vector. The department's name in a vector is its current one. Returns the
 * number of versions re-indexed (0 when the vectors were current).
 */
export async function reindexSearch(db: Db, batch = REINDEX_BATCH): Promise<number> {
  if ((await repo.searchTokenizer(db)) === TOKENIZER) return 0;
  let done = 0;
  let after: string | null = null;
  for (;;) {
    const rows = await repo.versionsWithSearch(db, after, batch);
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const r of rows)
        await repo.setVersionSearch(
          trx,
          r.id,
          searchVector(r.metadata as EntryMetadata, r.org_name ?? '', r.code ?? ''),
        );
    });
    done += rows.length;
    after = rows[rows.length - 1]?.id ?? null;
    if (rows.length < batch) break;
  }
  await repo.setSearchTokenizer(db, TOKENIZER);
  catalogChanged();
  return done;
}
