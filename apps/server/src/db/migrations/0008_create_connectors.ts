import { sql, type Kysely } from 'kysely';

/**
 * Scheduled pull connectors (Art. 10 way (c)): a department's source (an HTTP(S) endpoint, a
 * PostgreSQL or MySQL/MariaDB query) read on a schedule into new versions of an entry's data; the
 * history of their runs; and the administrator's explicit list of addresses connectors may reach.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('connector_allow_list')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port_from', 'integer', (c) => c.check(sql`port_from between 1 and 65535`))
    .addColumn('port_to', 'integer', (c) => c.check(sql`port_to between 1 and 65535`))
    .addColumn('note', 'text')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'connector_allow_list_ports_ck',
      sql`(port_from is null and port_to is null) or (port_from is not null and port_to is not null and port_from <= port_to)`,
    )
    .execute();

  await db.schema
    .createTable('connectors')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_id', 'uuid', (c) => c.notNull().unique().references('catalog_entries.id'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('http', 'postgres', 'mysql')`))
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('secret_updated_at', 'timestamptz')
    .addColumn('schedule', 'text', (c) => c.notNull().check(sql`schedule in ('cycle', 'cron', 'manual')`))
    .addColumn('cron', 'text')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('next_run_at', 'timestamptz')
    .addColumn('retry_attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', 'timestamptz')
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('last_state', 'text')
    .addColumn('last_error', 'jsonb')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('connectors_due_idx')
    .on('connectors')
    .columns(['enabled', 'next_run_at'])
    .execute();

  await db.schema
    .createTable('connector_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('connector_id', 'uuid', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
    .addColumn('entry_id', 'uuid', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'retry', 'manual')`))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('running', 'succeeded', 'failed')`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('duration_ms', 'integer')
    .addColumn('row_count', 'bigint')
    .addColumn('excluded_row_count', 'bigint')
    .addColumn('byte_count', 'bigint')
    .addColumn('version_id', 'uuid')
    .addColumn('error', 'jsonb')
    .addColumn('started_by', 'uuid')
    .execute();
  await db.schema
    .createIndex('connector_runs_connector_idx')
    .on('connector_runs')
    .columns(['connector_id', 'started_at'])
    .execute();
}
