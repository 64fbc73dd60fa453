import type { Db } from './database.ts';
import { Migrator, sql } from 'kysely';
import { migrations } from './migrations/index.ts';

/**
 * Applies pending migrations. An advisory lock keeps two server processes starting at once on
 * one PostgreSQL from migrating together (Kysely also locks its own table).
 */
export async function migrateToLatest(db: Db): Promise<string> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return latestMigration();
}

export function latestMigration(): string {
  const names = Object.keys(migrations).sort();
  return names[names.length - 1] ?? 'none';
}

export async function appliedMigration(db: Db): Promise<string | null> {
  const row = await sql<{
    name: string;
  }>`select name from schema_migrations order by name desc limit 1`.execute(db);
  return row.rows[0]?.name ?? null;
}
