/**
 * The set-up bench/export and bench/pages share (not measured): on a running server, the market
 * regulation bureau's data provider (scjg.provider) sets the enumerations of 市场主体登记注册信息 as the
 * demo data declares them and uploads three rows of bench/ingest's register (a real version,
 * validated); the version's table is then filled to N rows with `COPY … FROM STDIN` of the rows
 * bench/ingest generates, analysed, and the version's `row_count` set to N (the rows API takes the
 * unfiltered total from it).
 */
import { once } from 'node:events';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEMO_PASSWORD } from '../../apps/server/src/demo/city.ts';
import type { ColumnSpec } from '../../apps/server/src/modules/provision/versions/versions.store.ts';
import { ENTRY_NAME, dataset, enterpriseRow, generateCsv } from '../ingest/generate.ts';
import { api, signIn, uploadFile, type Session } from '../ingest/server.ts';
import { log, n0 } from './report.ts';

export interface EnterpriseVersion {
  /** scjg.provider's session. */
  session: Session;
  entryId: string;
  versionId: string;
  /** The version's table in schema resource_data. */
  table: string;
  columns: ColumnSpec[];
  /** Seconds the COPY took. */
  fillSeconds: number;
}

/** One value in COPY's text format. */
const copyValue = (v: string | null) =>
  v === null
    ? '\\N'
    : v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c);

/** Fills the version table with rows 1…N of the generated register and sets the version's row count. */
export async function fillVersion(dbUrl: string, table: string, columns: ColumnSpec[], rows: number) {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    await c.query(`truncate "resource_data"."${table}"`);
    const stream = c.query(
      copyFrom(
        `copy "resource_data"."${table}" (_row, ${columns.map((x) => x.column).join(', ')}) from stdin`,
      ),
    );
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      chunk += `${i + 1}\t${enterpriseRow(i).map(copyValue).join('\t')}\n`;
      if (chunk.length > 512 * 1024) {
        if (!stream.write(chunk)) await once(stream, 'drain');
        chunk = '';
      }
    }
    stream.end(chunk);
    await once(stream, 'finish');
    await c.query(`analyze "resource_data"."${table}"`);
    await c.query('update data_versions set row_count = $1 where table_name = $2', [rows, table]);
  } finally {
    await c.end();
  }
}

/**
 * Makes a version of 市场主体登记注册信息 with `rows` rows on the server at `serverUrl` (database
 * `dbUrl`); `workDir` takes the three-row upload file.
 */
export async function enterpriseVersion(
  serverUrl: string,
  dbUrl: string,
  workDir: string,
  rows: number,
): Promise<EnterpriseVersion> {
  const session = await signIn(serverUrl, 'scjg.provider', DEMO_PASSWORD);
  const found = await api<{ items: { id: string; name: string }[] }>(
    serverUrl,
    session,
    'GET',
    `/api/catalog/entries?q=${encodeURIComponent(ENTRY_NAME)}&pageSize=50`,
  );
  const entry = found.items.find((e) => e.name === ENTRY_NAME);
  if (!entry) throw new Error(`no catalog entry ${ENTRY_NAME} in the demo catalog`);
  await api(serverUrl, session, 'PUT', `/api/provision/entries/${entry.id}/settings`, {
    enumerations: dataset.enumerations,
  });
  const small = path.join(workDir, 'three.csv');
  await generateCsv(small, 3);
  const up = await uploadFile(
    serverUrl,
    session,
    `/api/provision/entries/${entry.id}/upload?format=csv`,
    small,
  );
  if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${JSON.stringify(up.body)}`);
  const versionId = (up.body as { versionId: string }).versionId;
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const meta = await c
    .query<{ table_name: string; columns: ColumnSpec[] }>(
      'select table_name, columns from data_versions where id = $1',
      [versionId],
    )
    .then((r) => r.rows[0])
    .finally(() => c.end());
  if (!meta) throw new Error('no version row');
  log(`set-up: filling ${meta.table_name} with ${n0(rows)} rows (not measured)`);
  const started = performance.now();
  await fillVersion(dbUrl, meta.table_name, meta.columns, rows);
  const fillSeconds = (performance.now() - started) / 1000;
  log(`set-up: ${fillSeconds.toFixed(0)} s`);
  return {
    session,
    entryId: entry.id,
    versionId,
    table: meta.table_name,
    columns: meta.columns,
    fillSeconds,
  };
}
