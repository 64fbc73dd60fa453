/**
 * Temporary files a dead server leaves behind (issue 11): `kill -9` of the real server while a file
 * is being uploaded left the upload's temporary file on disk for ever. They now live under
 * `<dataDir>/tmp/<host>.<pid>.<boot>/`, and the next start removes what no live process owns, and
 * the files of the uploads' store that no upload owns; a resumable upload still in progress keeps
 * its bytes and resumes.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { TEST_BACKEND, createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import { startServer, type RunningServer } from '../../../test/server-process.ts';
import { TUS, tusMetadata } from '../../../test/uploads.ts';
import { DEMO_PASSWORD } from '../../demo/city.ts';
import {
  FOREIGN_TEMP_TTL_MS,
  UNOWNED_UPLOAD_GRACE_MS,
  makeTempDir,
  processTempDir,
  removeAbandonedTempFiles,
} from './temp-files.ts';

const ENTRY = '市场主体登记注册信息';
const HOUR = 60 * 60 * 1000;

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) =>
    fs.statSync(path.join(dir, f)).isFile(),
  );
}

function age(file: string, ms: number) {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(file, then, then);
}

describe('the clean-up of temporary files', () => {
  let t: TestApp;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-temp-'));
    t = await buildTestApp({ dataDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('removes what no live process owns and keeps the rest', async () => {
    const tmp = path.join(dataDir, 'tmp');
    const mine = await makeTempDir(dataDir, 'upload');
    fs.writeFileSync(path.join(mine, 'upload'), 'in flight');
    expect(path.dirname(mine)).toBe(processTempDir(dataDir));
    const host = path.basename(processTempDir(dataDir)).split('.')[0] ?? '';
    const dir = (name: string, ms = 0) => {
      const d = path.join(tmp, name);
      fs.mkdirSync(path.join(d, 'push-x'), { recursive: true });
      fs.writeFileSync(path.join(d, 'push-x', 'body'), 'x');
      age(d, ms);
      return d;
    };
    // A process of this host that no longer runs: a child that has exited.
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
      child.on('exit', () => resolve(child.pid ?? 0));
    });
    const dead = dir(`${host}.${gone}.0badcafe`);
    // This process id from an earlier boot (a restarted container gets pid 1 again).
    const earlier = dir(`${host}.${process.pid}.0badcafe`);
    // A process that runs (this test's parent): kept however old.
    const alive = dir(`${host}.${process.ppid}.0badcafe`, 3 * FOREIGN_TEMP_TTL_MS);
    // Another host sharing the directory: kept for a day, then taken as abandoned.
    const otherYoung = dir('other-host.42.0badcafe', FOREIGN_TEMP_TTL_MS / 2);
    const otherOld = dir('other-host.43.0badcafe', FOREIGN_TEMP_TTL_MS + HOUR);

    const removed = await removeAbandonedTempFiles(t.app.db, dataDir);
    expect(removed.directories).toBe(3);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(earlier)).toBe(false);
    expect(fs.existsSync(otherOld)).toBe(false);
    expect(fs.existsSync(alive)).toBe(true);
    expect(fs.existsSync(otherYoung)).toBe(true);
    expect(fs.readFileSync(path.join(mine, 'upload'), 'utf8')).toBe('in flight');
  });
});

// ---------------------------------------------------------------------------------------------
// The real server, killed in the middle of an upload

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(url: string, username: string): Promise<Session> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

const headers = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

describe('kill -9 of the server during an upload', { timeout: 240_000 }, () => {
  let db: TestDatabase | undefined;
  let dir = '';
  const running: RunningServer[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-killed-upload-'));
    if (TEST_BACKEND === 'postgres') {
      db = await createTestDatabase();
      await db.handle.close(); // the server opens its own connections
    }
  });

  afterAll(async () => {
    for (const r of running)
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await db?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves files the next start removes, except a resumable upload’s, which resumes', async () => {
    const dataDir = path.join(dir, 'data');
    const env = {
      HUITONG_DATA_DIR: dataDir,
      HUITONG_JOBS: '0',
      HUITONG_DEMO_DATA: '0',
      ...(db?.url ? { DATABASE_URL: db.url } : {}),
    };
    const first = await startServer(env);
    running.push(first);
    const provider = await signIn(first.url, 'scjg.provider');
    const found = (await (
      await fetch(`${first.url}/api/catalog/entries?q=${encodeURIComponent(ENTRY)}&pageSize=50`, {
        headers: headers(provider),
      })
    ).json()) as { items: { id: string; name: string }[] };
    const entryId = found.items.find((e) => e.name === ENTRY)?.id ?? '';
    expect(entryId).not.toBe('');

    // A resumable upload, 40 of its 100 bytes sent.
    const created = await fetch(`${first.url}/api/provision/uploads`, {
      method: 'POST',
      headers: {
        ...headers(provider),
        ...TUS,
        'upload-length': '100',
        'upload-metadata': tusMetadata({ entryId, filename: '登记.csv', format: 'csv' }),
      },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    const uploadId = location.slice(location.lastIndexOf('/') + 1);
    const patched = await fetch(`${first.url}/api/provision/uploads/${uploadId}`, {
      method: 'PATCH',
      headers: {
        ...headers(provider),
        ...TUS,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: Buffer.alloc(40, 0x41),
    });
    expect(patched.status).toBe(204);

    // Files of the uploads' store that no upload owns: one from long ago, one just made.
    const uploads = path.join(dataDir, 'uploads');
    const oldOrphan = path.join(uploads, randomUUID());
    fs.writeFileSync(oldOrphan, 'left over');
    fs.writeFileSync(`${oldOrphan}.json`, '{}');
    age(oldOrphan, UNOWNED_UPLOAD_GRACE_MS + HOUR);
    age(`${oldOrphan}.json`, UNOWNED_UPLOAD_GRACE_MS + HOUR);
    const youngOrphan = path.join(uploads, randomUUID());
    fs.writeFileSync(youngOrphan, 'perhaps another server’s, in the making');

    // A one-shot upload of a 1 MB file, of which only the start is sent before the kill.
    const req = http.request(`${first.url}/api/provision/entries/${entryId}/upload?format=csv`, {
      method: 'POST',
      agent: false,
      headers: { ...headers(provider), 'content-type': 'text/csv', 'content-length': 1_000_000 },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(64 * 1024, 0x41));
    const tmp = path.join(dataDir, 'tmp');
    const deadline = Date.now() + 60_000;
    let partial: string[] = [];
    while (Date.now() < deadline) {
      partial = filesUnder(tmp).filter((f) => f.endsWith(`${path.sep}upload`));
      if (partial.length > 0 && fs.statSync(path.join(tmp, partial[0] ?? '')).size > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(partial, 'the upload’s temporary file').toHaveLength(1);

    first.child.kill('SIGKILL');
    await first.exited;
    req.destroy();
    // What the dead server left: the upload's temporary file (the defect: it stayed for ever).
    expect(filesUnder(tmp)).toEqual(partial);
    // PostgreSQL ends the dead process's sessions as their sockets close.
    await new Promise((r) => setTimeout(r, 500));

    const second = await startServer(env);
    running.push(second);
    expect(second.output()).toContain('removed temporary files left by a server');
    // The dead process's temporary files are gone; the new one has none yet.
    expect(filesUnder(tmp)).toEqual([]);
    expect(fs.existsSync(oldOrphan)).toBe(false);
    expect(fs.existsSync(`${oldOrphan}.json`)).toBe(false);
    expect(fs.existsSync(youngOrphan)).toBe(true);
    // The resumable upload still owns its bytes and resumes where it was.
    expect(fs.statSync(path.join(uploads, uploadId)).size).toBe(40);
    const again = await signIn(second.url, 'scjg.provider');
    const head = await fetch(`${second.url}/api/provision/uploads/${uploadId}`, {
      method: 'HEAD',
      headers: { ...headers(again), ...TUS },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('40');

    // A new upload works, and its temporary file goes when it is done.
    const csv = '统一社会信用代码,企业名称\n';
    const res = await fetch(`${second.url}/api/provision/entries/${entryId}/upload?format=csv`, {
      method: 'POST',
      headers: { ...headers(again), 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBeLessThan(500);
    expect(filesUnder(tmp)).toEqual([]);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
