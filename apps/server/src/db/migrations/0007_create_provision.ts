import { sql, type Kysely } from 'kysely';

/**
 * Data provision (Art. 10, 13, 16): versions of each catalog entry's data. A structured version's
 * rows live in a table of their own in the `resource_data` schema (typed columns, one per data item);
 * a version of files lists its files. `data_current` points at the version readers see, and is only
 * moved, in one transaction, to a version that is completely written and validated.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists resource_data`.execute(db);

  await db.schema
    .createTable('provision_settings')
    .addColumn('entry_id', 'uuid', (c) => c.primaryKey().references('catalog_entries.id'))
    .addColumn('key_fields', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('enumerations', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error_policy', 'text', (c) =>
      c
        .notNull()
        .defaultTo('reject')
        .check(sql`error_policy in ('reject', 'exclude')`),
    )
    .addColumn('declared_row_count', 'bigint')
    .addColumn('declared_checksum', 'text')
    .addColumn('declared_at', 'timestamptz')
    .addColumn('updated_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('data_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('catalog_entries.id'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('table', 'files')`))
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('receiving', 'ready', 'failed', 'cancelled')`),
    )
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('upload', 'push', 'connector', 'restore', 'demo')`),
    )
    .addColumn('table_name', 'text')
    .addColumn('columns', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('row_count', 'bigint')
    .addColumn('excluded_row_count', 'bigint')
    .addColumn('byte_count', 'bigint')
    .addColumn('format', 'text')
    .addColumn('encoding', 'text')
    .addColumn('file_name', 'text')
    .addColumn('sm3', 'text')
    .addColumn('report', 'jsonb')
    .addColumn('error', 'jsonb')
    .addColumn('idempotency_key', 'text')
    .addColumn('based_on', 'uuid')
    .addColumn('note', 'text')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addUniqueConstraint('data_versions_entry_no_uq', ['entry_id', 'version_no'])
    .addUniqueConstraint('data_versions_idempotency_uq', ['entry_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('data_versions_state_idx')
    .on('data_versions')
    .columns(['state', 'created_at'])
    .execute();

  await db.schema
    .createTable('data_current')
    .addColumn('entry_id', 'uuid', (c) => c.primaryKey().references('catalog_entries.id'))
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('data_versions.id'))
    .addColumn('switched_by', 'uuid')
    .addColumn('switched_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('data_files')
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('data_versions.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('byte_count', 'bigint', (c) => c.notNull())
    .addColumn('sm3', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('data_files_pk', ['version_id', 'position'])
    .execute();
}
