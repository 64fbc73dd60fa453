import type { Db } from '../../db/database.ts';

export const listOverrides = (db: Db) =>
  db.selectFrom('calendar_overrides').selectAll().orderBy('date').execute();
export const listDeclaredYears = (db: Db) =>
  db.selectFrom('calendar_years').selectAll().orderBy('year').execute();

export async function upsertOverride(
  db: Db,
  o: { date: string; is_workday: boolean; name: string; note: string | null; updated_by: string | null },
) {
  return db
    .insertInto('calendar_overrides')
    .values(o)
    .onConflict((oc) =>
      oc.column('date').doUpdateSet({
        is_workday: o.is_workday,
        name: o.name,
        note: o.note,
        updated_by: o.updated_by,
        updated_at: new Date(),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteOverride(db: Db, date: string) {
  const r = await db.deleteFrom('calendar_overrides').where('date', '=', date).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function upsertYear(
  db: Db,
  y: { year: number; note: string | null; declared_by: string | null },
) {
  return db
    .insertInto('calendar_years')
    .values(y)
    .onConflict((oc) =>
      oc.column('year').doUpdateSet({ note: y.note, declared_by: y.declared_by, declared_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteYear(db: Db, year: number) {
  const r = await db.deleteFrom('calendar_years').where('year', '=', year).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
