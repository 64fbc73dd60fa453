import { sql, type Kysely } from 'kysely';

/** Catalog upkeep (Art. 12): re-confirmation schedules and the flags already sent; search indexes. */
export async function up(db: Kysely<any>): Promise<void> {
  // One schedule per authority; departments follow their supervising authority's (or the city's).
  await db.schema
    .createTable('catalog_upkeep_settings')
    .addColumn('authority_id', 'uuid', (c) => c.primaryKey().references('organisations.id'))
    .addColumn('interval_days', 'integer', (c) => c.notNull().check(sql`interval_days between 30 and 1095`))
    .addColumn('notice_days', 'integer', (c) => c.notNull().check(sql`notice_days between 1 and 90`))
    .addColumn('updated_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('catalog_upkeep_settings_notice_ck', sql`notice_days < interval_days`)
    .execute();

  // A flag is sent once: per entry, kind and what it is about (the due date, or the repealed bases).
  await db.schema
    .createTable('catalog_upkeep_notices')
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('catalog_entries.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('due', 'overdue', 'outdated')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('notified_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('catalog_upkeep_notices_pk', ['entry_id', 'kind', 'subject'])
    .execute();

  await db.schema
    .createIndex('catalog_version_bases_basis_idx')
    .on('catalog_version_bases')
    .column('legal_basis_id')
    .execute();
  // The search joins entries to their published version and sorts by publication.
  await db.schema
    .createIndex('catalog_entries_published_version_idx')
    .on('catalog_entries')
    .column('published_version_id')
    .execute();
  await db.schema
    .createIndex('catalog_versions_published_at_idx')
    .on('catalog_versions')
    .column('published_at')
    .execute();
}
