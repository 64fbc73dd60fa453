import type { Kysely } from 'kysely';
import type { Database } from '../src/db/database.types.ts';
import type { DataItem } from '../src/modules/catalog/index.ts';

/** A city, one department and one catalog entry of it, straight in the database (no demo). */
export async function seedEntry(db: Kysely<Database>): Promise<string> {
  await db
    .insertInto('divisions')
    .values({ code: '210100', name: '沈阳市', kind: 'city', parent_code: null })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const org =
    (await db.selectFrom('organisations').select('id').executeTakeFirst()) ??
    (await db
      .insertInto('organisations')
      .values({ name: '沈阳市市场监督管理局', kind: 'department', level: 'city', division_code: '210100' })
      .returning('id')
      .executeTakeFirstOrThrow());
  const entry = await db
    .insertInto('catalog_entries')
    .values({ org_id: org.id, created_by: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return entry.id;
}

export const dataItem = (
  name: string,
  label: string,
  dataType: DataItem['dataType'],
  extra: Partial<DataItem> = {},
): DataItem => ({
  name,
  label,
  dataType,
  length: null,
  required: false,
  sensitivity: 1,
  description: null,
  ...extra,
});
