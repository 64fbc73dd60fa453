import { sql, type Kysely } from 'kysely';

/**
 * Resumable (tus) uploads of provision files: who started each upload, for which catalog entry, and
 * where its bytes are on disk. Only its creator may continue, inspect, ingest or delete it; it is
 * removed once ingested, or by the expiry job when it has been left alone too long.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('upload_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('catalog_entries.id'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    // 'account:<id>' for a person, 'credential:<id>' for a department's system.
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('byte_count', 'bigint', (c) => c.notNull())
    .addColumn('format', 'text')
    .addColumn('encoding', 'text')
    .addColumn('file_path', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`state in ('open', 'ingesting')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('upload_sessions_expires_idx')
    .on('upload_sessions')
    .column('expires_at')
    .execute();
}
