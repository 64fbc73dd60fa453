/**
 * The real server process: start-up, restart keeping data, graceful shutdown on SIGTERM, and
 * configuration errors that stop start-up. Runs on the suite's backend.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKEND, createTestDatabase, type TestDatabase } from '../test/database.ts';
import { SERVER_SCRIPT, startServer } from '../test/server-process.ts';
import { creditCodeCheckCharacter } from './shared/identifiers.ts';

/** The server process, without the demo catalog: the lifecycle is under test here (its own tests load it). */
const start = (env: Record<string, string>, options?: Parameters<typeof startServer>[1]) =>
  startServer({ HUITONG_DEMO_CATALOG: '0', ...env }, options);

/** The demo's modules (its data readers and loaders) among the modules a traced process loaded. */
function demoModules(traceFile: string): string[] {
  return fs
    .readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter((url) => /\/apps\/server\/src\/demo\/|demo-loader\.ts$/.test(url));
}

/** Runs the server expecting it to refuse to start; returns its exit code and output. */
async function startFails(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT], {
    env: { ...process.env, PORT: '0', HUITONG_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

async function signIn(url: string, username: string, password = 'Huitong@2026') {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { status: res.status, cookie, csrf: body.csrfToken };
}

/** Starts a sign-in and sends half of its body; `finish()` sends the rest and resolves to the status. */
function slowSignIn(url: string, username: string) {
  const body = JSON.stringify({ username, password: 'Huitong@2026' });
  const half = Math.floor(body.length / 2);
  const req = http.request(`${url}/api/auth/sign-in`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, half));
  return {
    finish: () => {
      req.end(body.slice(half));
      return status;
    },
  };
}

let db: TestDatabase | undefined;
let dataDir: string;
let dbEnv: Record<string, string>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-server-test-'));
  if (TEST_BACKEND === 'postgres') {
    db = await createTestDatabase();
    await db.handle.close(); // the server opens its own connections
    dbEnv = { DATABASE_URL: db.url ?? '', HUITONG_DATA_DIR: dataDir };
  } else {
    dbEnv = { HUITONG_DATA_DIR: dataDir };
  }
});

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await db?.drop();
});

// Each case starts real server processes: allow for a loaded machine.
describe('server process', { timeout: 180_000 }, () => {
  it('starts with the demo city, keeps data across a restart, and finishes in-flight requests on SIGTERM', async () => {
    const trace = path.join(os.tmpdir(), `huitong-imports-${process.pid}-demo.log`);
    const first = await start(dbEnv, { traceImports: trace });
    // The demo city's data are read through the demo modules (the trace sees them).
    expect(demoModules(trace).some((url) => url.endsWith('/src/demo/city.ts'))).toBe(true);
    fs.rmSync(trace, { force: true });
    expect(first.output()).toContain('Demo accounts');
    expect(first.output()).toContain('scjg.cataloguer');
    const health = (await (await fetch(`${first.url}/api/health`)).json()) as { backend: string };
    expect(health.backend).toBe(TEST_BACKEND);

    const admin = await signIn(first.url, 'admin');
    expect(admin.status).toBe(200);
    const body = '11210100MB2468013';
    const created = await fetch(`${first.url}/api/organisations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      body: JSON.stringify({
        name: '沈阳市重启测试局',
        kind: 'department',
        level: 'city',
        creditCode: body + (creditCodeCheckCharacter(body) ?? ''),
        divisionCode: '210100',
      }),
    });
    expect(created.status).toBe(201);

    // A request in flight when SIGTERM arrives (its body half sent) is still answered, then the process exits.
    const inflight = slowSignIn(first.url, 'scjg.user');
    await new Promise((r) => setTimeout(r, 300));
    first.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const status = await inflight.finish();
    expect(status).toBe(200);
    expect(await first.exited).toBe(0);
    // No new connections are taken once it has stopped.
    await expect(fetch(`${first.url}/api/health`)).rejects.toThrow();

    const second = await start(dbEnv);
    try {
      expect(second.output()).not.toContain('Loaded the demo city');
      const again = await signIn(second.url, 'admin');
      const orgs = (await (
        await fetch(`${second.url}/api/organisations?q=${encodeURIComponent('重启测试')}`, {
          headers: { cookie: again.cookie },
        })
      ).json()) as { items: { name: string }[] };
      expect(orgs.items.map((o) => o.name)).toEqual(['沈阳市重启测试局']);
      const auditor = await signIn(second.url, 'auditor');
      const chain = (await (
        await fetch(`${second.url}/api/audit/verify`, { headers: { cookie: auditor.cookie } })
      ).json()) as {
        ok: boolean;
        checked: number;
      };
      expect(chain.ok).toBe(true);
      expect(chain.checked).toBeGreaterThanOrEqual(6);

      // A client that sends half a request and then nothing more does not hold the shutdown: its
      // connection is closed 10 s after SIGTERM, and the process exits cleanly.
      const { port } = new URL(second.url);
      const stalled = net.connect(Number(port), '127.0.0.1');
      const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
      stalled.on('error', () => undefined);
      await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
      stalled.write(
        'POST /api/auth/sign-in HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"user',
      );
      await new Promise((r) => setTimeout(r, 300));
      const stopping = Date.now();
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(25_000);
      expect(second.output()).toContain('closing the connections still open');
      await closed;
    } finally {
      if (second.child.exitCode === null) {
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
      }
    }
  });

  it('stops with a message naming the variable when the configuration is wrong', async () => {
    const port = await startFails({ PORT: 'eighty' });
    expect(port.code).toBe(2);
    expect(port.output).toContain('PORT');
    const url = await startFails({ DATABASE_URL: 'mysql://root@localhost/test' });
    expect(url.code).toBe(2);
    expect(url.output).toContain('DATABASE_URL');
  });

  it.runIf(TEST_BACKEND === 'pglite')(
    'HUITONG_DEMO=0 starts empty with one administrator whose password the operator gives',
    async () => {
      const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-empty-'));
      try {
        const refused = await startFails({ HUITONG_DEMO: '0', HUITONG_DATA_DIR: emptyDir });
        expect(refused.code).toBe(2);
        expect(refused.output).toContain('HUITONG_ADMIN_PASSWORD');
        const trace = path.join(emptyDir, 'imports.log');
        const server = await start(
          {
            HUITONG_DEMO: '0',
            HUITONG_DATA_DIR: emptyDir,
            HUITONG_ADMIN_PASSWORD: 'Operator-Chosen-1',
            HUITONG_CITY_CODE: '370200',
            HUITONG_CITY_NAME: '青岛市',
          },
          { traceImports: trace },
        );
        try {
          expect((await signIn(server.url, 'admin', 'Huitong@2026')).status).toBe(401);
          const admin = await signIn(server.url, 'admin', 'Operator-Chosen-1');
          expect(admin.status).toBe(200);
          const orgs = (await (
            await fetch(`${server.url}/api/organisations`, { headers: { cookie: admin.cookie } })
          ).json()) as {
            items: { name: string; divisionName: string }[];
          };
          expect(orgs.items).toEqual([
            expect.objectContaining({ name: '青岛市大数据主管部门', divisionName: '青岛市' }),
          ]);
          // The demo is never imported: neither its data readers nor the loaders of catalog and data.
          expect(fs.readFileSync(trace, 'utf8')).toContain('/src/server.ts');
          expect(demoModules(trace)).toEqual([]);
        } finally {
          server.child.kill('SIGTERM');
          await server.exited;
        }
      } finally {
        fs.rmSync(emptyDir, { recursive: true, force: true });
      }
    },
  );
});
