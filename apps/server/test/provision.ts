import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/database.types.ts';
import type { DataItem } from '../src/modules/catalog/index.ts';
import type { Session } from './app.ts';
import { item, metadata, publishEntry } from './catalog.ts';
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../src/shared/identifiers.ts';

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

/** The ten districts (区) of Shenyang, for generated rows. */
export const SHENYANG_DISTRICTS = [
  '和平区',
  '沈河区',
  '大东区',
  '皇姑区',
  '铁西区',
  '苏家屯区',
  '浑南区',
  '沈北新区',
  '于洪区',
  '辽中区',
] as const;

/** The market regulator's 企业年报公示信息 (统一社会信用代码, 企业名称, 年报年度), drafted and published. */
export const publishAnnualReports = (cataloguer: Session, reviewer: Session) =>
  publishEntry(
    cataloguer,
    reviewer,
    metadata({
      name: '企业年报公示信息',
      dataItems: [
        item('credit_code', '统一社会信用代码', { dataType: 'credit_code', length: 18 }),
        item('name', '企业名称', { length: 100 }),
        item('report_year', '年报年度', { dataType: 'integer', length: 4, required: false }),
      ],
    }),
  );

/** Sends a file to the entry's upload route as `session` (Content-Type text/csv unless `headers` say otherwise). */
export function uploadAs(
  app: FastifyInstance,
  session: Session,
  entryId: string,
  body: Buffer | string,
  query = 'format=csv',
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: `/api/provision/entries/${entryId}/upload?${query}`,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      'content-type': 'text/csv',
      ...headers,
    },
    payload: body,
  });
}

/** A valid 统一社会信用代码: registration type (`91` an enterprise), division code and an organisation code's first 8 characters. */
export function creditCode(division: string, organisation8: string, type = '91'): string {
  const first17 = `${type}${division}${organisation8}${organisationCodeCheckCharacter(organisation8) ?? ''}`;
  return `${first17}${creditCodeCheckCharacter(first17) ?? ''}`;
}
