/**
 * What other modules read of the catalog (issue 11): published entries with their data items, and
 * the row lock that orders work on one entry. Other modules never name the catalog's tables; they
 * call these through `modules/catalog/index.ts`.
 */
import type { Db, Trx } from '../../db/database.ts';
import type { DataItem, EntryMetadata, UpdateCycle } from './catalog.model.ts';
import * as repo from './catalog.repository.ts';

/** A published entry as other modules see it: its holder and its published version's metadata. */
export interface PublishedEntry {
  id: string;
  /** The resource code (null only for entries never given one). */
  code: string | null;
  orgId: string;
  /** The published version. */
  versionId: string;
  versionNo: number;
  name: string;
  format: string;
  updateCycle: UpdateCycle;
  dataItems: DataItem[];
  /** When the entry was first published (null for entries published before it was recorded). */
  firstPublishedAt: Date | null;
  /** When its published version was created. */
  versionCreatedAt: Date;
}

export interface PublishedFilter {
  ids?: readonly string[];
  orgIds?: readonly string[];
  /** The exact name of the published version. */
  name?: string;
}

/** Published entries matching every given condition (an empty list of ids or organisations matches none). */
export async function publishedEntries(db: Db, filter: PublishedFilter): Promise<PublishedEntry[]> {
  if (filter.ids?.length === 0 || filter.orgIds?.length === 0) return [];
  const rows = await repo.publishedEntries(db, filter);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    orgId: r.org_id,
    versionId: r.version_id,
    versionNo: r.version_no,
    name: r.name,
    format: r.format,
    updateCycle: r.update_cycle as UpdateCycle,
    dataItems: (r.metadata as EntryMetadata).dataItems,
    firstPublishedAt: r.first_published_at,
    versionCreatedAt: r.version_created_at,
  }));
}

/** One published entry, or undefined when there is no entry with this id or it has never been published. */
export async function publishedEntry(db: Db, id: string): Promise<PublishedEntry | undefined> {
  return (await publishedEntries(db, { ids: [id] }))[0];
}

/**
 * Locks the entry's row for the rest of the transaction: the catalog's workflow steps and the
 * provision of a new data version for the entry wait for each other.
 */
export async function lockEntry(trx: Trx, id: string): Promise<void> {
  await repo.lockEntry(trx, id);
}
