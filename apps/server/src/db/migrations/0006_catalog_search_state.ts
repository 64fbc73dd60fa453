import { sql, type Kysely } from 'kysely';

/**
 * A counter that moves whenever what the catalog search shows may have changed (an entry published
 * or replaced, an organisation or division renamed), whoever wrote it: the in-memory search index
 * of every server process compares it before answering and reloads what changed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table catalog_search_state (
    id integer primary key check (id = 1),
    generation bigint not null
  )`.execute(db);
  await sql`insert into catalog_search_state (id, generation) values (1, 0)`.execute(db);
  await sql`create function catalog_search_bump() returns trigger language plpgsql as $$
    begin
      update catalog_search_state set generation = generation + 1 where id = 1;
      return null;
    end
  $$`.execute(db);
  await sql`create trigger catalog_entries_search_insert after insert on catalog_entries
    for each row when (new.published_version_id is not null)
    execute function catalog_search_bump()`.execute(db);
  await sql`create trigger catalog_entries_search_update after update of published_version_id on catalog_entries
    for each row when (old.published_version_id is distinct from new.published_version_id)
    execute function catalog_search_bump()`.execute(db);
  await sql`create trigger organisations_search_update after update of name, division_code on organisations
    for each statement execute function catalog_search_bump()`.execute(db);
  await sql`create trigger divisions_search_update after update of name on divisions
    for each statement execute function catalog_search_bump()`.execute(db);
}
