import { sql, type Kysely } from 'kysely';

/**
 * Unchanged data makes no version (issue 12). A run (upload, push, connector) whose rows are the
 * current version's is recorded as `unchanged`: its table is dropped, `same_as` names the current
 * version it matched, and the entry's `data_current.confirmed_at` moves — the quality watch counts
 * the data as up to date from then. `content_digest` caches a version's digest of its normalised
 * rows (row count and two 64-bit hash sums), computed when a run has to be compared with it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table data_versions drop constraint data_versions_state_check`.execute(db);
  await sql`alter table data_versions add constraint data_versions_state_check
    check (state in ('receiving', 'open', 'ready', 'failed', 'cancelled', 'unchanged'))`.execute(db);
  await sql`alter table data_versions add column content_digest text`.execute(db);
  await sql`alter table data_versions add column same_as uuid references data_versions (id)`.execute(db);
  await sql`alter table data_current add column confirmed_at timestamptz`.execute(db);
  await sql`update data_current set confirmed_at = switched_at`.execute(db);
  await sql`alter table data_current alter column confirmed_at set not null,
    alter column confirmed_at set default now()`.execute(db);
}
