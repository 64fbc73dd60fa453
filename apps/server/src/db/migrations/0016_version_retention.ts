import { sql, type Kysely } from 'kysely';

/**
 * Retention of old data versions (issue 12). A retired version's table is dropped and its record
 * kept (`retired`, `retired_at`). What is kept — the current version, the last `keep_versions`
 * versions and every version younger than `keep_days` days — is the city's default
 * (`provision_retention`, one row, set by the city administrator) unless the entry's settings say
 * otherwise.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table data_versions drop constraint data_versions_state_check`.execute(db);
  await sql`alter table data_versions add constraint data_versions_state_check
    check (state in ('receiving', 'open', 'ready', 'failed', 'cancelled', 'unchanged', 'retired'))`.execute(
    db,
  );
  await sql`alter table data_versions add column retired_at timestamptz`.execute(db);
  await sql`alter table provision_settings
    add column keep_versions integer check (keep_versions between 1 and 1000),
    add column keep_days integer check (keep_days between 0 and 3650)`.execute(db);
  await sql`create table provision_retention (
    id integer primary key check (id = 1),
    keep_versions integer not null check (keep_versions between 1 and 1000),
    keep_days integer not null check (keep_days between 0 and 3650),
    updated_by uuid,
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`insert into provision_retention (id, keep_versions, keep_days) values (1, 10, 30)`.execute(db);
}
