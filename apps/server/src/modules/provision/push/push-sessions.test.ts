import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, orgIdByName, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { creditCode as validCreditCode } from '../../../../test/provision.ts';
import { item, metadata, publishEntry } from '../../../../test/catalog.ts';
import type { DataItem } from '../../catalog/index.ts';
import { cleanUpInterrupted, countRows, tableExists } from '../versions/versions.store.ts';
import { expirePushSessions, PUSH_IDLE_HOURS } from './push-sessions.ts';
import { ValidationReport, createValidator, type ValidationSummary } from '../versions/validation.ts';

let t: TestApp;
const s: Record<string, Session> = {};
const tokens: Record<string, string> = {};

/** A valid 统一社会信用代码 for each n. */
const creditCode = (n: number) => validCreditCode('210100', `MA${String(n).padStart(6, '0')}`);
/** The same with a wrong check character. */
const badCode = (n: number) => {
  const good = creditCode(n);
  return `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;
};

const ITEMS: DataItem[] = [
  item('credit_code', '统一社会信用代码', { dataType: 'credit_code', length: 18 }),
  item('name', '企业名称', { length: 100 }),
  item('report_year', '年报年度', { dataType: 'integer', length: 4, required: false }),
];

interface View {
  versionId: string;
  versionNo: number;
  state: string;
  expiresAt: string | null;
  closedAt: string | null;
  rowsReceived: number;
  rowsAppended: number;
  invalidRows: number;
  batches: number;
  committable: boolean;
  error: { code: string; message: { zh: string; en: string } } | null;
  report: ValidationSummary | null;
}
interface BatchAnswer {
  session: View;
  batch: {
    sequence: number;
    firstRow: number;
    rows: number;
    invalidRows: number;
    appended: number;
    replayed: boolean;
    problemCount: number;
    problems: { row: number; column: string; rule: string }[];
  };
}
interface Problem {
  code: string;
  message: { zh: string; en: string };
  versionId?: string;
  versionNo?: number;
  committedAt?: string;
  state?: string;
  fields?: { field: string }[];
}

type Who = string; // a credential name, a username, or 'anonymous'

async function call(
  who: Who,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { headers?: Record<string, string>; payload?: string | Buffer | object } = {},
) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (tokens[who]) headers.authorization = `Bearer ${tokens[who]}`;
  else if (who !== 'anonymous') {
    const session = s[who];
    if (!session) throw new Error(`${who} is not signed in`);
    headers.cookie = session.cookie;
    headers['x-csrf-token'] = session.csrf;
  }
  return t.app.inject({
    method,
    url: `/api${url}`,
    headers,
    ...(options.payload !== undefined ? { payload: options.payload as string } : {}),
  });
}

const pushes = (entryId: string) => `/provision/entries/${entryId}/pushes`;

async function open(entryId: string, key: string, body: object = {}, who = 'scjg-system') {
  return call(who, 'POST', pushes(entryId), { headers: { 'idempotency-key': key }, payload: body });
}
async function openSession(entryId: string, key: string, body: object = {}): Promise<View> {
  const res = await open(entryId, key, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as View;
}

const json = (rows: object[]) => JSON.stringify(rows);
const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function batch(
  entryId: string,
  versionId: string,
  body: string | Buffer,
  options: { sequence?: number; type?: string; who?: Who } = {},
) {
  return call(options.who ?? 'scjg-system', 'POST', `${pushes(entryId)}/${versionId}/rows`, {
    headers: {
      'content-type': options.type ?? 'application/json',
      ...(options.sequence !== undefined ? { 'batch-sequence': String(options.sequence) } : {}),
    },
    payload: body,
  });
}

async function commit(entryId: string, versionId: string, body?: object, who: Who = 'scjg-system') {
  return call(who, 'POST', `${pushes(entryId)}/${versionId}/commit`, body ? { payload: body } : {});
}

async function versionRow(versionId: string) {
  return t.app.db
    .selectFrom('data_versions')
    .selectAll()
    .where('id', '=', versionId)
    .executeTakeFirstOrThrow();
}

async function versionsOf(entryId: string) {
  return t.app.db
    .selectFrom('data_versions')
    .select(['id', 'version_no', 'state'])
    .where('entry_id', '=', entryId)
    .orderBy('version_no')
    .execute();
}

async function currentOf(entryId: string) {
  return (
    await t.app.db
      .selectFrom('data_current')
      .select('version_id')
      .where('entry_id', '=', entryId)
      .executeTakeFirst()
  )?.version_id;
}

async function tableRows(versionId: string) {
  const v = await versionRow(versionId);
  return v.table_name && (await tableExists(t.app.db, v.table_name))
    ? countRows(t.app.db, v.table_name)
    : null;
}

let entrySeq = 0;
async function newEntry(): Promise<string> {
  entrySeq++;
  const entry = await publishEntry(
    s['scjg.cataloguer'] as Session,
    s.reviewer as Session,
    metadata({ name: `企业年报推送测试${entrySeq}`, dataItems: ITEMS }),
  );
  return entry.id;
}

beforeAll(async () => {
  // A small upload limit, to see an oversized batch refused (the largest batch here is ~120 KB).
  t = await buildTestApp({ uploadLimit: 256 * 1024 });
  for (const u of ['admin', 'scjg.cataloguer', 'scjg.provider', 'scjg.user', 'reviewer', 'gongan.provider'])
    s[u] = await signIn(t.app, u);
  const issue = async (name: string, org: string, roles: string[]) => {
    const res = await (s.admin as Session).request('POST', '/api/credentials', {
      orgId: await orgIdByName(t.app, org),
      name,
      roles,
    });
    expect(res.statusCode, res.body).toBe(201);
    tokens[name] = (res.json() as { token: string }).token;
  };
  await issue('scjg-system', '沈阳市市场监督管理局', ['provider']);
  await issue('scjg-catalog-system', '沈阳市市场监督管理局', ['cataloguer']);
  await issue('gongan-system', '沈阳市公安局', ['provider']);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('push sessions: create, batches, commit', () => {
  it('takes a push in several requests from a system, once per key, and commits it once', async () => {
    const entryId = await newEntry();
    // A current version from an earlier one-request push.
    const first = await call('scjg-system', 'POST', `/provision/entries/${entryId}/push`, {
      headers: { 'idempotency-key': 'earlier' },
      payload: { rows: [{ credit_code: creditCode(1), name: '旧数据企业', report_year: 2024 }] },
    });
    expect(first.statusCode, first.body).toBe(201);
    const previous = (first.json() as { versionId: string }).versionId;

    const created = await open(entryId, 'sys-2026-11-27', { note: '每日同步' });
    expect(created.statusCode, created.body).toBe(201);
    const session = created.json() as View;
    expect(session).toMatchObject({ state: 'open', versionNo: 2, rowsReceived: 0, batches: 0 });
    const hours = (Date.parse(session.expiresAt ?? '') - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(PUSH_IDLE_HOURS - 0.1);
    expect(hours).toBeLessThanOrEqual(PUSH_IDLE_HOURS);
    // A retried create answers the same session.
    const again = await open(entryId, 'sys-2026-11-27', { note: '每日同步' });
    expect(again.statusCode).toBe(200);
    expect((again.json() as View).versionId).toBe(session.versionId);
    // One open session per entry: another key is refused, naming the open one.
    const second = await open(entryId, 'another-key');
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'push_session_open', versionId: session.versionId });
    expect((second.json() as Problem).message.zh).toContain(session.versionId);

    // Batch 1: a JSON array keyed by Chinese labels; batch 2: NDJSON keyed by data item names.
    const b1 = await batch(
      entryId,
      session.versionId,
      json([
        { 统一社会信用代码: creditCode(2), 企业名称: '沈阳新松机器人自动化股份有限公司', 年报年度: 2025 },
        { 统一社会信用代码: creditCode(3), 企业名称: '沈阳鼓风机集团股份有限公司', 年报年度: '2025' },
      ]),
      { sequence: 1 },
    );
    expect(b1.statusCode, b1.body).toBe(201);
    expect((b1.json() as BatchAnswer).batch).toMatchObject({
      sequence: 1,
      firstRow: 1,
      rows: 2,
      appended: 2,
      invalidRows: 0,
      replayed: false,
    });
    const body2 = ndjson([
      { credit_code: creditCode(4), name: '和平区老边饺子馆', report_year: 2025 },
      { credit_code: creditCode(5), name: '沈河区中街冰点城', report_year: null },
    ]);
    const b2 = await batch(entryId, session.versionId, body2, { sequence: 2, type: 'application/x-ndjson' });
    expect(b2.statusCode, b2.body).toBe(201);
    expect(b2.json()).toMatchObject({
      session: { rowsReceived: 4, rowsAppended: 4, invalidRows: 0, batches: 2, committable: true },
      batch: { sequence: 2, firstRow: 3, rows: 2 },
    });
    // The same batch again (a retry): acknowledged, not appended.
    const retry = await batch(entryId, session.versionId, body2, {
      sequence: 2,
      type: 'application/x-ndjson',
    });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({
      session: { rowsReceived: 4, batches: 2 },
      batch: { sequence: 2, firstRow: 3, rows: 2, replayed: true },
    });
    // Other content under a used number: refused, nothing changes.
    const clash = await batch(
      entryId,
      session.versionId,
      ndjson([{ credit_code: creditCode(6), name: '别的企业' }]),
      { sequence: 2, type: 'application/x-ndjson' },
    );
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'push_batch_conflict', sequence: 2 });
    expect(await tableRows(session.versionId)).toBe(4);

    // Readers still see the previous version; the open session is not current.
    const rows = await call('scjg.provider', 'GET', `/provision/entries/${entryId}/rows`);
    expect(rows.json()).toMatchObject({ version: { id: previous }, total: 1 });
    expect(await currentOf(entryId)).toBe(previous);
    const list = await call('scjg.provider', 'GET', `/provision/entries/${entryId}/versions`);
    expect(list.statusCode, list.body).toBe(200);
    expect(
      (list.json() as { items: { versionNo: number; state: string; current: boolean }[] }).items,
    ).toEqual([
      expect.objectContaining({ versionNo: 2, state: 'open', current: false }),
      expect.objectContaining({ versionNo: 1, state: 'ready', current: true }),
    ]);

    const state = await call('scjg-system', 'GET', `${pushes(entryId)}/${session.versionId}`);
    expect(state.json()).toMatchObject({ state: 'open', rowsReceived: 4, batches: 2, note: '每日同步' });

    const done = await commit(entryId, session.versionId, { expectedRows: 4 });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({
      versionId: session.versionId,
      versionNo: 2,
      state: 'ready',
      rowCount: 4,
      excludedRowCount: 0,
    });
    expect(await currentOf(entryId)).toBe(session.versionId);
    const after = await call('scjg.provider', 'GET', `/provision/entries/${entryId}/rows?sort=report_year`);
    expect(after.json()).toMatchObject({
      version: { id: session.versionId },
      total: 4,
      rows: [
        { row: 1, values: { credit_code: creditCode(2), report_year: '2025' } },
        { row: 2, values: { name: '沈阳鼓风机集团股份有限公司' } },
        { row: 3, values: { name: '和平区老边饺子馆' } },
        { row: 4, values: { name: '沈河区中街冰点城', report_year: null } },
      ],
    });

    // Committing twice: 409 naming the version and when, nothing changes.
    const before = await versionsOf(entryId);
    const twice = await commit(entryId, session.versionId);
    expect(twice.statusCode).toBe(409);
    const problem = twice.json() as Problem;
    expect(problem).toMatchObject({
      code: 'push_already_committed',
      versionId: session.versionId,
      versionNo: 2,
    });
    const committedAt = (await versionRow(session.versionId)).completed_at?.toISOString();
    expect(problem.committedAt).toBe(committedAt);
    expect(problem.message.zh).toContain('已于');
    expect(problem.message.zh).toContain(committedAt);
    expect(problem.message.en).toContain('was committed as version 2');
    expect(twice.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    // A batch after the commit is refused the same way.
    const late = await batch(
      entryId,
      session.versionId,
      json([{ credit_code: creditCode(7), name: '迟到' }]),
      {
        sequence: 3,
      },
    );
    expect(late.statusCode).toBe(409);
    expect((late.json() as Problem).code).toBe('push_already_committed');
    expect(await versionsOf(entryId)).toEqual(before);
    expect(await currentOf(entryId)).toBe(session.versionId);
    expect(await tableRows(session.versionId)).toBe(4);
    // The retried create still answers the (now committed) session, creating nothing.
    const replayed = await open(entryId, 'sys-2026-11-27');
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toMatchObject({ versionId: session.versionId, state: 'committed' });
    expect(await versionsOf(entryId)).toEqual(before);
  });

  it('adds up the report over batches; exclude leaves invalid rows out, reject fails the commit with the full report', async () => {
    const entryId = await newEntry();
    // 3 batches, 5 rows each, rows 2 and 4 of each batch invalid (bad check digit; missing name).
    const all: Record<string, unknown>[] = [];
    for (let b = 0; b < 3; b++)
      for (let i = 0; i < 5; i++) {
        const n = 100 + b * 5 + i;
        all.push(
          i === 1
            ? { credit_code: badCode(n), name: `企业${n}`, report_year: 2025 }
            : i === 3
              ? { credit_code: creditCode(n), name: null, report_year: 'x' }
              : { credit_code: creditCode(n), name: `企业${n}`, report_year: 2025 },
        );
      }
    // The report of all rows at once, as the validator gives it.
    const validator = createValidator(ITEMS, {
      latestBirthDate: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()),
    });
    const whole = new ValidationReport(ITEMS);
    all.forEach((r, i) =>
      whole.add(
        validator.validate(
          ITEMS.map((it) => (r[it.name] === null || r[it.name] === undefined ? null : String(r[it.name]))),
          { row: i + 1 },
        ),
      ),
    );

    const excl = await openSession(entryId, 'exclude-1', { errorPolicy: 'exclude' });
    for (let b = 0; b < 3; b++) {
      const res = await batch(entryId, excl.versionId, json(all.slice(b * 5, b * 5 + 5)));
      expect(res.statusCode, res.body).toBe(201);
      const answer = res.json() as BatchAnswer;
      expect(answer.batch).toMatchObject({
        sequence: b + 1,
        firstRow: b * 5 + 1,
        rows: 5,
        invalidRows: 2,
        appended: 3,
      });
      // The batch's problems carry the rows numbered over the session.
      expect([...new Set(answer.batch.problems.map((p) => p.row))]).toEqual([b * 5 + 2, b * 5 + 4]);
    }
    const state = (await call('scjg-system', 'GET', `${pushes(entryId)}/${excl.versionId}`)).json() as View;
    expect(state).toMatchObject({ rowsReceived: 15, rowsAppended: 9, invalidRows: 6, committable: true });
    expect(state.report).toEqual(JSON.parse(JSON.stringify(whole.summary())));
    const done = await commit(entryId, excl.versionId);
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({ state: 'ready', rowCount: 9, excludedRowCount: 6 });
    expect((done.json() as { report: ValidationSummary }).report).toEqual(
      JSON.parse(JSON.stringify(whole.summary())),
    );
    const read = await call('scjg.provider', 'GET', `/provision/entries/${entryId}/rows?pageSize=100`);
    expect((read.json() as { total: number; rows: { row: number }[] }).rows.map((r) => r.row)).toEqual([
      1, 3, 5, 6, 8, 10, 11, 13, 15,
    ]);

    // Reject (the entry's default): more than 1,000 problems over two batches, all counted.
    const rej = await openSession(entryId, 'reject-1');
    const invalidRows = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ credit_code: badCode(from + i), name: `坏企业${from + i}` }));
    const r1 = await batch(
      entryId,
      rej.versionId,
      ndjson([...invalidRows(1000, 700), { credit_code: creditCode(1), name: '好' }]),
      {
        type: 'application/x-ndjson',
      },
    );
    expect(r1.statusCode, r1.body).toBe(201);
    const r2 = await batch(entryId, rej.versionId, json(invalidRows(2000, 700)));
    expect(r2.statusCode, r2.body).toBe(201);
    expect(r2.json()).toMatchObject({
      session: { rowsReceived: 1401, invalidRows: 1400, committable: false },
      batch: { firstRow: 702, rows: 700, invalidRows: 700, appended: 0, problemCount: 700 },
    });
    const refused = await commit(entryId, rej.versionId);
    expect(refused.statusCode, refused.body).toBe(422);
    const outcome = refused.json() as { state: string; report: ValidationSummary };
    expect(outcome.state).toBe('failed');
    expect(outcome.report).toMatchObject({
      totalRows: 1401,
      validRows: 1,
      invalidRows: 1400,
      problemCount: 1400,
      problemsTruncated: true,
      problemsByRule: { credit_code: 1400 },
    });
    expect(outcome.report.problems).toHaveLength(1000);
    expect(outcome.report.problems[999]?.row).toBe(1001); // 700 of batch 1, then batch 2 from row 702
    expect(outcome.report.fields[0]).toMatchObject({
      field: 'credit_code',
      filled: 1401,
      valid: 1,
      problems: 1400,
    });
    // The version failed, its table is gone, the exclude version stays current.
    expect((await versionRow(rej.versionId)).state).toBe('failed');
    expect(await tableRows(rej.versionId)).toBeNull();
    expect(await currentOf(entryId)).toBe(excl.versionId);
    const again = await commit(entryId, rej.versionId);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'push_session_closed', state: 'failed' });
  });

  it('takes the whole file instead of batches (GBK CSV), once', async () => {
    const entryId = await newEntry();
    const session = await openSession(entryId, 'file-1');
    const file = iconv.encode(
      `统一社会信用代码,企业名称,年报年度\r\n${creditCode(11)},沈阳华晨汽车配件有限公司,2025\r\n${creditCode(12)},和平区老边饺子餐饮店,\r\n`,
      'gbk',
    );
    const put = (body: Buffer) =>
      call(
        'scjg-system',
        'PUT',
        `${pushes(entryId)}/${session.versionId}/file?format=csv&fileName=${encodeURIComponent('年报.csv')}`,
        {
          headers: { 'content-type': 'text/csv' },
          payload: body,
        },
      );
    const res = await put(file);
    expect(res.statusCode, res.body).toBe(201);
    const sm3 = createHash('sm3').update(file).digest('hex');
    expect(res.json()).toMatchObject({
      replayed: false,
      session: { rowsReceived: 2, file: { fileName: '年报.csv', format: 'csv', encoding: 'gb18030', sm3 } },
    });
    expect((await put(file)).statusCode).toBe(200);
    const other = await put(iconv.encode(`统一社会信用代码,企业名称\r\n${creditCode(13)},别的\r\n`, 'gbk'));
    expect(other.statusCode).toBe(409);
    expect((other.json() as Problem).code).toBe('push_file_conflict');
    const rows = await batch(
      entryId,
      session.versionId,
      json([{ credit_code: creditCode(14), name: '批次' }]),
    );
    expect(rows.statusCode).toBe(409);
    expect((rows.json() as Problem).code).toBe('push_session_has_file');
    const done = await commit(entryId, session.versionId);
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({ rowCount: 2 });
    const v = await versionRow(session.versionId);
    expect(v).toMatchObject({
      state: 'ready',
      file_name: '年报.csv',
      sm3,
      byte_count: file.length,
      source: 'push',
    });
    // Rows keep the file's line numbers (the header is line 1).
    const read = await call('scjg.provider', 'GET', `/provision/entries/${entryId}/rows`);
    expect((read.json() as { rows: { row: number }[] }).rows.map((r) => r.row)).toEqual([2, 3]);

    // A file into a session that has batches is refused.
    const s2 = await openSession(entryId, 'file-2');
    expect(
      (await batch(entryId, s2.versionId, json([{ credit_code: creditCode(15), name: '批次' }]))).statusCode,
    ).toBe(201);
    const late = await call('scjg-system', 'PUT', `${pushes(entryId)}/${s2.versionId}/file?format=csv`, {
      headers: { 'content-type': 'text/csv' },
      payload: file,
    });
    expect(late.statusCode).toBe(409);
    expect((late.json() as Problem).code).toBe('push_session_has_batches');
    expect(await tableRows(s2.versionId)).toBe(1);
  });
});

describe('push sessions: cancel, expiry, concurrency', () => {
  it('cancels a session: its table is dropped, the version cancelled, the current one untouched', async () => {
    const entryId = await newEntry();
    const session = await openSession(entryId, 'cancel-1');
    await batch(entryId, session.versionId, json([{ credit_code: creditCode(21), name: '企业' }]));
    const table = (await versionRow(session.versionId)).table_name ?? '';
    expect(await tableExists(t.app.db, table)).toBe(true);
    const res = await call('scjg-system', 'DELETE', `${pushes(entryId)}/${session.versionId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'cancelled', rowsReceived: 1 });
    expect(await tableExists(t.app.db, table)).toBe(false);
    expect((await versionRow(session.versionId)).state).toBe('cancelled');
    expect(await currentOf(entryId)).toBeUndefined();
    // Cancelled: no more batches, no commit; cancelling again changes nothing.
    const late = await batch(
      entryId,
      session.versionId,
      json([{ credit_code: creditCode(22), name: '企业' }]),
    );
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'push_session_closed', state: 'cancelled' });
    expect((await commit(entryId, session.versionId)).json()).toMatchObject({ state: 'cancelled' });
    expect((await call('scjg-system', 'DELETE', `${pushes(entryId)}/${session.versionId}`)).statusCode).toBe(
      200,
    );
    // The entry takes a new session.
    expect((await open(entryId, 'cancel-2')).statusCode).toBe(201);
  });

  it('expires a session idle for 24 hours: the clean-up job drops its table and cancels it', async () => {
    const entryId = await newEntry();
    const session = await openSession(entryId, 'expire-1');
    await batch(entryId, session.versionId, json([{ credit_code: creditCode(31), name: '企业' }]));
    const table = (await versionRow(session.versionId)).table_name ?? '';
    // Not due yet: the job leaves it alone.
    expect(await t.app.jobs.runNow('provision-push-expiry', {})).toBe(0);
    await t.app.db
      .updateTable('data_versions')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where('id', '=', session.versionId)
      .execute();
    expect(
      (await call('scjg-system', 'GET', `${pushes(entryId)}/${session.versionId}`)).json(),
    ).toMatchObject({
      state: 'expired',
    });
    // The crash clean-up does not take an open session for interrupted.
    await cleanUpInterrupted(t.app.database);
    expect(await tableExists(t.app.db, table)).toBe(true);
    expect(await t.app.jobs.runNow('provision-push-expiry', {})).toBe(1);
    expect(await tableExists(t.app.db, table)).toBe(false);
    const v = await versionRow(session.versionId);
    expect(v.state).toBe('cancelled');
    expect((v.error as { code: string }).code).toBe('push_session_expired');
    const res = await commit(entryId, session.versionId);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'push_session_expired', state: 'expired' });

    // A request that meets an expired session before the job does expires it at once.
    const s2 = await openSession(entryId, 'expire-2');
    await t.app.db
      .updateTable('data_versions')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where('id', '=', s2.versionId)
      .execute();
    const late = await batch(entryId, s2.versionId, json([{ credit_code: creditCode(32), name: '企业' }]));
    expect(late.statusCode).toBe(409);
    expect((late.json() as Problem).code).toBe('push_session_expired');
    expect((await versionRow(s2.versionId)).state).toBe('cancelled');
    expect(await tableRows(s2.versionId)).toBeNull();
  });

  it('never lets a clean-up drop a session while a batch is being written', async () => {
    const entryId = await newEntry();
    const session = await openSession(entryId, 'race-1');
    // The session expires three seconds from now, while its batch is still arriving.
    const expiry = Date.now() + 3000;
    await t.app.db
      .updateTable('data_versions')
      .set({ expires_at: new Date(expiry) })
      .where('id', '=', session.versionId)
      .execute();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const half = (from: number) =>
      ndjson(
        Array.from({ length: 500 }, (_, i) => ({ credit_code: creditCode(from + i), name: `企业${i}` })),
      );
    let req: http.ClientRequest | undefined;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api${pushes(entryId)}/${session.versionId}/rows`,
          headers: {
            authorization: `Bearer ${tokens['scjg-system'] ?? ''}`,
            'content-type': 'application/x-ndjson',
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write(half(1000));
    });
    try {
      // Wait until the batch holds the session's lease, then until the session's time is up.
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      for (;;) {
        const probe = await t.app.database.lease(`data-version:${session.versionId}`);
        if (!probe) break;
        await probe.release();
        await sleep(20);
      }
      await sleep(Math.max(0, expiry - Date.now() + 200));
      expect(
        (await call('scjg-system', 'GET', `${pushes(entryId)}/${session.versionId}`)).json(),
      ).toMatchObject({ state: 'expired' });
      // Both clean-ups run now, while the batch is being received: neither touches the session.
      expect(await expirePushSessions(t.app.database)).toBe(0);
      await cleanUpInterrupted(t.app.database);
      expect((await versionRow(session.versionId)).state).toBe('open');
      expect(await tableExists(t.app.db, (await versionRow(session.versionId)).table_name ?? '')).toBe(true);
      req?.end(half(2000));
      const res = await answer;
      expect(res.status, res.body).toBe(201);
      expect(JSON.parse(res.body)).toMatchObject({
        session: { state: 'open', rowsReceived: 1000 },
        batch: { appended: 1000 },
      });
    } finally {
      req?.destroy();
    }
    expect(await tableRows(session.versionId)).toBe(1000);
    // The batch moved the expiry on: the job leaves the session alone.
    expect(await expirePushSessions(t.app.database)).toBe(0);
    expect((await versionRow(session.versionId)).state).toBe('open');
  });

  it('writes two concurrent batches of one session one after the other', async () => {
    const entryId = await newEntry();
    const session = await openSession(entryId, 'concurrent-1');
    const rows = (from: number) =>
      json(
        Array.from({ length: 300 }, (_, i) => ({
          credit_code: creditCode(from + i),
          name: `企业${from + i}`,
        })),
      );
    const [a, b] = await Promise.all([
      batch(entryId, session.versionId, rows(5000), { sequence: 1 }),
      batch(entryId, session.versionId, rows(6000), { sequence: 2 }),
    ]);
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    const firsts = [a, b].map((r) => (r.json() as BatchAnswer).batch.firstRow).sort((x, y) => x - y);
    expect(firsts).toEqual([1, 301]);
    expect(await tableRows(session.versionId)).toBe(600);
    const done = await commit(entryId, session.versionId, { expectedRows: 600 });
    expect(done.statusCode, done.body).toBe(201);
  });
  it('answers two simultaneous creates with one key with one session, and two simultaneous commits with one version', async () => {
    const entryId = await newEntry();
    const [a, b] = await Promise.all([open(entryId, 'same-moment'), open(entryId, 'same-moment')]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    const id = (a.json() as View).versionId;
    expect((b.json() as View).versionId).toBe(id);
    expect(await versionsOf(entryId)).toHaveLength(1);
    expect((await batch(entryId, id, json([{ credit_code: creditCode(61), name: '企业' }]))).statusCode).toBe(
      201,
    );
    const [c, d] = await Promise.all([commit(entryId, id), commit(entryId, id)]);
    expect([c.statusCode, d.statusCode].sort()).toEqual([201, 409]);
    const refused = (c.statusCode === 409 ? c : d).json() as Problem;
    expect(['push_already_committed', 'push_session_busy']).toContain(refused.code);
    expect(await versionsOf(entryId)).toEqual([expect.objectContaining({ id, state: 'ready' })]);
    expect(await currentOf(entryId)).toBe(id);
  });
});

describe('push sessions: who may push, and bad input', () => {
  let entryId = '';
  let session: View;
  beforeAll(async () => {
    entryId = await newEntry();
    session = await openSession(entryId, 'bad-1');
    const ok = await batch(
      entryId,
      session.versionId,
      json([{ credit_code: creditCode(41), name: '企业' }]),
      {
        sequence: 1,
      },
    );
    expect(ok.statusCode, ok.body).toBe(201);
  });

  async function unchanged() {
    const v = await versionRow(session.versionId);
    expect(v.state).toBe('open');
    expect(await tableRows(session.versionId)).toBe(1);
    expect((v.report as ValidationSummary).totalRows).toBe(1);
    expect((await versionsOf(entryId)).map((x) => x.version_no)).toEqual([1]);
  }

  it('refuses other departments, other roles and strangers', async () => {
    for (const who of ['gongan-system', 'scjg-catalog-system', 'scjg.user', 'gongan.provider', 'reviewer']) {
      const create = await open(entryId, `by-${who}`, {}, who);
      expect(create.statusCode, `${who} create`).toBe(403);
      expect(create.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const rows = await batch(
        entryId,
        session.versionId,
        json([{ credit_code: creditCode(42), name: '越权' }]),
        {
          who,
        },
      );
      expect(rows.statusCode, `${who} rows`).toBe(403);
      expect((await commit(entryId, session.versionId, undefined, who)).statusCode, `${who} commit`).toBe(
        403,
      );
      expect((await call(who, 'GET', `${pushes(entryId)}/${session.versionId}`)).statusCode).toBe(403);
      expect((await call(who, 'DELETE', `${pushes(entryId)}/${session.versionId}`)).statusCode).toBe(403);
    }
    const anonymous = await open(entryId, 'anon', {}, 'anonymous');
    expect(anonymous.statusCode).toBe(401);
    expect((await batch(entryId, session.versionId, json([]), { who: 'anonymous' })).statusCode).toBe(401);
    expect((await commit(entryId, session.versionId, undefined, 'anonymous')).statusCode).toBe(401);
    // The department's provider (a person) may look and push, like its system.
    expect((await call('scjg.provider', 'GET', `${pushes(entryId)}/${session.versionId}`)).statusCode).toBe(
      200,
    );
    await unchanged();
  });

  it('answers each bad input with a specific error and changes nothing', async () => {
    const url = `${pushes(entryId)}/${session.versionId}/rows`;
    const expectProblem = async (res: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const p = res.json() as Problem;
      expect(p.code).toBe(code);
      expect(p.message.zh.length).toBeGreaterThan(0);
      expect(p.message.en.length).toBeGreaterThan(0);
      await unchanged();
      return p;
    };
    // Not an array.
    const notArray = await expectProblem(
      await batch(entryId, session.versionId, JSON.stringify({ credit_code: creditCode(43) })),
      400,
      'json_not_array',
    );
    expect(notArray.message.zh).toContain('数组');
    // An empty batch.
    await expectProblem(await batch(entryId, session.versionId, '[]'), 400, 'no_data_rows');
    // Broken NDJSON after many good lines: the rows already appended in the batch are rolled back.
    const good = ndjson(
      Array.from({ length: 1500 }, (_, i) => ({ credit_code: creditCode(3000 + i), name: `企业${i}` })),
    );
    const broken = await expectProblem(
      await batch(entryId, session.versionId, `${good}{"credit_code": "x", name}\n`, {
        type: 'application/x-ndjson',
      }),
      400,
      'json_syntax',
    );
    expect(broken.message.en).toContain('1501');
    // An item that is not an object.
    await expectProblem(
      await batch(entryId, session.versionId, '[{"credit_code":"a","name":"b"}, 7]'),
      400,
      'json_not_object',
    );
    // The required column missing.
    const missing = await expectProblem(
      await batch(entryId, session.versionId, json([{ credit_code: creditCode(44) }])),
      400,
      'validation',
    );
    expect(missing.message.zh).toContain('企业名称');
    // Over the upload limit.
    const big = JSON.stringify(
      Array.from({ length: 4000 }, (_, i) => ({
        credit_code: creditCode(9000 + i),
        name: `超大批次企业${i}`,
      })),
    );
    expect(Buffer.byteLength(big)).toBeGreaterThan(256 * 1024);
    await expectProblem(await batch(entryId, session.versionId, big), 413, 'upload_too_large');
    // A type that is neither JSON nor NDJSON.
    await expectProblem(
      await batch(entryId, session.versionId, 'credit_code,name\n', { type: 'text/csv' }),
      415,
      'unsupported_media_type',
    );
    // A bad batch number.
    const badSeq = await call('scjg-system', 'POST', url, {
      headers: { 'content-type': 'application/json', 'batch-sequence': '0' },
      payload: json([{ credit_code: creditCode(45), name: '企业' }]),
    });
    expect(badSeq.statusCode).toBe(400);
    await unchanged();
    // A batch for another entry's session.
    const otherEntry = await newEntry();
    await expectProblem(
      await batch(otherEntry, session.versionId, json([{ credit_code: creditCode(46), name: '企业' }])),
      404,
      'push_session_not_found',
    );
    // Committing with the wrong row count: the session stays open.
    const p = await expectProblem(
      await commit(entryId, session.versionId, { expectedRows: 2 }),
      409,
      'push_count_mismatch',
    );
    expect(p.message.zh).toContain('1 行');
    // A JSON null is not "no body": it is refused, and the session is not committed.
    const nullBody = await call('scjg-system', 'POST', `${pushes(entryId)}/${session.versionId}/commit`, {
      headers: { 'content-type': 'application/json' },
      payload: 'null',
    });
    await expectProblem(nullBody, 400, 'validation');
    expect((await versionRow(session.versionId)).state).toBe('open');
    // Creating without a key, or with a mapping to an unknown item.
    const noKey = await call('scjg-system', 'POST', pushes(otherEntry), { payload: {} });
    expect(noKey.statusCode).toBe(400);
    const badMapping = await open(otherEntry, 'mapping-1', { mapping: { 企业代码: 'nope' } });
    expect(badMapping.statusCode).toBe(400);
    expect(badMapping.json()).toMatchObject({ fields: [{ field: 'mapping/企业代码' }] });
    const badPolicy = await open(otherEntry, 'policy-1', { errorPolicy: 'maybe' });
    expect(badPolicy.statusCode).toBe(400);
    expect(await versionsOf(otherEntry)).toEqual([]);
    // A key already used for a one-request push is not taken for a session.
    const once = await call('scjg-system', 'POST', `/provision/entries/${otherEntry}/push`, {
      headers: { 'idempotency-key': 'used-key' },
      payload: { rows: [{ credit_code: creditCode(47), name: '企业' }] },
    });
    expect(once.statusCode, once.body).toBe(201);
    const reused = await open(otherEntry, 'used-key');
    expect(reused.statusCode).toBe(409);
    expect((reused.json() as Problem).code).toBe('idempotency_key_used');
    expect(await versionsOf(otherEntry)).toHaveLength(1);
    await unchanged();
  });

  it('maps fields as the session says', async () => {
    const otherEntry = await newEntry();
    const mapped = await openSession(otherEntry, 'mapped-1', {
      mapping: { uscc: 'credit_code', corp: 'name' },
      errorPolicy: 'exclude',
    });
    const res = await batch(otherEntry, mapped.versionId, json([{ uscc: creditCode(51), corp: '映射企业' }]));
    expect(res.statusCode, res.body).toBe(201);
    expect(await commit(otherEntry, mapped.versionId)).toMatchObject({ statusCode: 201 });
    const read = await call('scjg.provider', 'GET', `/provision/entries/${otherEntry}/rows`);
    expect(read.json()).toMatchObject({
      rows: [{ values: { credit_code: creditCode(51), name: '映射企业' } }],
    });
  });
});
