/**
 * The enterprise register CSV of bench/ingest: N rows of the demo city's 市场主体登记注册信息 (the 12
 * data items of that demo catalog entry, Chinese labels as headers), written deterministically.
 *
 * Rows come from the demo data's own generator (`enterpriseAt`, apps/server/demo/generate/enterprises.ts), which has
 * 100,800 distinct entities; row i is entity i mod 100,800. Beyond the first 100,800 rows the credit
 * code gets a new organisation code body (the same bijection of i the generator uses for codes issued
 * since 2015, so never one of the first rows' codes) with both check characters recomputed: every
 * row's 统一社会信用代码 is valid and unique, which `generateCsv` checks. Names repeat every 100,800 rows.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { demoDataset } from '../../apps/server/src/demo/datasets.ts';
import {
  NAME_SPACE,
  enterpriseAt,
  makeCreditCode,
  newOrganisationBody,
} from '../../apps/server/demo/generate/enterprises.ts';

export const ENTRY_NAME = '市场主体登记注册信息';

export const dataset = demoDataset(ENTRY_NAME);
/** The entry's data items, in column order. */
export const items = dataset.items;

const NEW_CODES = 31 ** 6;
const CODE_COLUMN = items.findIndex((i) => i.dataType === 'credit_code');

/** The 12 values of row i (0-based), in item order; null for an empty cell. */
export function enterpriseRow(i: number): (string | null)[] {
  const e = enterpriseAt(i % NAME_SPACE);
  let code = e.creditCode;
  if (i >= NAME_SPACE) {
    // enterprises.ts: newOrganisationBody(scramble(index, 15_485_863, 123_456_789, 31^6)) — a bijection,
    // so indices past the demo register's never meet its codes.
    const n = ((((i % NEW_CODES) * 15_485_863 + 123_456_789) % NEW_CODES) + NEW_CODES) % NEW_CODES;
    code = makeCreditCode(code.slice(0, 2), code.slice(2, 8), newOrganisationBody(n));
  }
  const fields: Record<string, string | null> = {
    credit_code: code,
    enterprise_name: e.name,
    entity_type: e.entityType,
    legal_representative: e.legalRepresentative,
    registered_capital: e.registeredCapital,
    establish_date: e.establishDate,
    address: e.address,
    business_scope: e.businessScope,
    registration_authority: e.registrationAuthority,
    approval_date: e.approvalDate,
    status: e.status,
    district: e.district.name,
  };
  return items.map((item) => {
    if (!(item.name in fields)) throw new Error(`bench/ingest: no value for data item ${item.name}`);
    return fields[item.name] ?? null;
  });
}

const NEEDS_QUOTES = /[",\r\n]/;
const cell = (v: string | null) =>
  v === null ? '' : NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/** Writes the CSV (UTF-8, no BOM, CRLF, Chinese labels as headers); answers its size in bytes. */
export async function generateCsv(file: string, rows: number): Promise<number> {
  const out = fs.createWriteStream(file);
  const seen = new Set<string>();
  let chunk = `${items.map((i) => cell(i.label)).join(',')}\r\n`;
  for (let i = 0; i < rows; i++) {
    const values = enterpriseRow(i);
    const code = values[CODE_COLUMN] ?? '';
    if (seen.has(code)) throw new Error(`bench/ingest: credit code ${code} of row ${i} repeats`);
    seen.add(code);
    chunk += `${values.map(cell).join(',')}\r\n`;
    if (chunk.length > 256 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return fs.statSync(file).size;
}
