import { sql, type Kysely } from 'kysely';

/**
 * Sign-in throttling by (user name, client address) instead of by account: a run of wrong passwords
 * pauses only that address for that name, so nobody can lock an account out for everyone. Rows are
 * keyed by the normalised user name typed, known or not, so unknown names behave exactly like known
 * ones. The per-account counters on `accounts` go: a lock is now a property of a pair.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sign_in_pairs')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    // Failures since window_started_at (a window lasts the lock-out period).
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sign_in_pairs_pk', ['username', 'ip'])
    .execute();
  await db.schema.createIndex('sign_in_pairs_updated_idx').on('sign_in_pairs').column('updated_at').execute();

  // Failures of a user name across all addresses (a distributed attack), and when the account
  // holder and administrators were last told, so that each window notifies once.
  await db.schema
    .createTable('sign_in_names')
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lock_notified_at', 'timestamptz')
    .addColumn('attack_notified_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sign_in_names_updated_idx').on('sign_in_names').column('updated_at').execute();

  await db.schema.alterTable('accounts').dropColumn('failed_attempts').execute();
  await db.schema.alterTable('accounts').dropColumn('locked_until').execute();
}
