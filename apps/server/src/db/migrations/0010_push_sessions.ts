import { sql, type Kysely } from 'kysely';

/**
 * Push sessions (Art. 10 way (b)): a department's system opens a version, sends its rows in several
 * requests and commits it. Between requests no process holds the version, so it is not `receiving`
 * (which the crash clean-up would take for interrupted) but `open`, with an expiry that every
 * request moves on; one open session per entry. Each batch is recorded with its sequence number and
 * SM3 digest, so that a retried batch is recognised and not appended twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table data_versions drop constraint data_versions_state_check`.execute(db);
  await sql`alter table data_versions add constraint data_versions_state_check
    check (state in ('receiving', 'open', 'ready', 'failed', 'cancelled'))`.execute(db);
  await db.schema
    .alterTable('data_versions')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('push_options', 'jsonb')
    .execute();
  await sql`create unique index data_versions_one_open_push on data_versions (entry_id) where state = 'open'`.execute(
    db,
  );

  await db.schema
    .createTable('push_batches')
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('data_versions.id').onDelete('cascade'))
    .addColumn('sequence', 'integer', (c) => c.notNull().check(sql`sequence > 0`))
    .addColumn('sm3', 'text', (c) => c.notNull())
    .addColumn('byte_count', 'bigint', (c) => c.notNull())
    .addColumn('first_row', 'bigint', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('invalid_count', 'integer', (c) => c.notNull())
    .addColumn('appended_count', 'integer', (c) => c.notNull())
    .addColumn('problems', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('problem_count', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('push_batches_pk', ['version_id', 'sequence'])
    .execute();
}
