import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Administrator corrections and additions to the statutory holiday data.
  await db.schema
    .createTable('calendar_overrides')
    .addColumn('date', 'date', (c) => c.primaryKey())
    .addColumn('is_workday', 'boolean', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('updated_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Years whose statutory holidays an administrator has entered in full (beyond the data package).
  await db.schema
    .createTable('calendar_years')
    .addColumn('year', 'integer', (c) => c.primaryKey().check(sql`year between 2000 and 2100`))
    .addColumn('note', 'text')
    .addColumn('declared_by', 'uuid')
    .addColumn('declared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
