import { sql, type Kysely } from 'kysely';

/**
 * Data quality watch (Art. 16, 34): problems are computed from the data itself; this table only
 * remembers which problems the responsible people were told about, so each is notified once (per
 * entry, kind and what it is about, e.g. the version or the declaration).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('provision_quality_notices')
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('catalog_entries.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('notified_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('provision_quality_notices_pk', ['entry_id', 'kind', 'subject'])
    .execute();
}
