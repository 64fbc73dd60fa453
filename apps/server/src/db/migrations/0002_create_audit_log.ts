import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    // Consecutive numbers assigned under the chain lock: a gap means a deleted entry.
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'uuid')
    .addColumn('actor_name', 'text')
    .addColumn('actor_kind', 'text', (c) =>
      c.notNull().check(sql`actor_kind in ('staff', 'public', 'credential', 'anonymous', 'system')`),
    )
    .addColumn('org_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('success', 'failure', 'denied')`))
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').column('actor_id').execute();
  await db.schema.createIndex('audit_log_org_idx').on('audit_log').column('org_id').execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').column('action').execute();
}
