/**
 * The server `npm start` runs (issue 11): the esbuild bundle of scripts/server-build.mjs, plain
 * JavaScript without tsx, run on the suite's backend. It finds its migrations (the database is
 * migrated), its demo files (the demo city, catalog and datasets load), PGlite's wasm, the native
 * argon2 (sign-in), search in Chinese and in pinyin (ICU's word segmentation, built into Node),
 * and swagger-ui's assets; with HUITONG_DEMO=0 it loads none of the demo's chunks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../scripts/server-build.mjs';
import { TEST_BACKEND, createTestDatabase, type TestDatabase } from './database.ts';
import { startServer, type RunningServer } from './server-process.ts';

const outdir = path.resolve(import.meta.dirname, `../.build-test-${process.pid}`);
const entry = path.join(outdir, 'server.js');
const dataDirs: string[] = [];
const databases: TestDatabase[] = [];

beforeAll(async () => {
  await buildServer({ outdir });
}, 120_000);
afterAll(async () => {
  fs.rmSync(outdir, { recursive: true, force: true });
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  for (const db of databases) await db.drop();
});

/** The backend's variables: a fresh database on PostgreSQL, a fresh data directory on PGlite. */
async function backendEnv(): Promise<Record<string, string>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-built-'));
  dataDirs.push(dataDir);
  if (TEST_BACKEND !== 'postgres') return { HUITONG_DATA_DIR: dataDir };
  const db = await createTestDatabase();
  databases.push(db);
  return { HUITONG_DATA_DIR: dataDir, DATABASE_URL: db.url ?? '' };
}

async function stop(server: RunningServer): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited, server.output().slice(-4000)).toBe(0);
}

describe('the built server', () => {
  it('is JavaScript only: no TypeScript and no tsx in the bundle', () => {
    const files = fs.readdirSync(outdir, { recursive: true }).map(String);
    expect(files).toContain('server.js');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    const code = files
      .filter((f) => f.endsWith('.js'))
      .map((f) => fs.readFileSync(path.join(outdir, f), 'utf8'));
    expect(code.some((c) => c.includes("from 'tsx") || c.includes('from "tsx'))).toBe(false);
    // Dependencies stay imports resolved from node_modules (PGlite's wasm files, native addons).
    expect(code.some((c) => /from ["']fastify["']/.test(c))).toBe(true);
  });

  it('migrates, loads the demo city, catalog and datasets, signs in, searches and serves the API docs', async () => {
    const server = await startServer(
      { ...(await backendEnv()), HUITONG_LOG_LEVEL: 'info', HUITONG_JOBS: '0' },
      // A first start (the database created, the demo city and catalog loaded) on a busy machine.
      { built: entry, startTimeoutMs: 240_000 },
    );
    try {
      expect(server.output()).toContain('Loaded the demo city 沈阳市.');
      const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
        backend: string;
        migration: string;
      };
      expect(health.backend).toBe(TEST_BACKEND);
      expect(health.migration).toMatch(/^\d{4}_/);
      const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'scjg.provider', password: 'Huitong@2026' }),
      });
      expect(signIn.status).toBe(200);
      const found = (await (
        await fetch(`${server.url}/api/open/catalog?q=${encodeURIComponent('空气质量')}`)
      ).json()) as { items: { name: string }[] };
      expect(found.items.map((i) => i.name)).toContain('空气质量监测数据');
      const byPinyin = (await (await fetch(`${server.url}/api/open/catalog?q=kqzl`)).json()) as {
        items: { name: string }[];
      };
      expect(byPinyin.items.map((i) => i.name)).toContain('空气质量监测数据');
      const css = await fetch(`${server.url}/api/docs/static/swagger-ui.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).toContain('.swagger-ui');
      // The first demo dataset (100,000 enterprises, read from its gzipped CSV) is loaded.
      const deadline = Date.now() + 240_000;
      while (!server.output().includes('"loaded demo data"') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 500));
      expect(server.output()).toMatch(/"entry":"市场主体登记注册信息","rows":100000/);
    } finally {
      await stop(server);
    }
  }, 360_000);

  it('loads none of the demo chunks with HUITONG_DEMO=0', async () => {
    const env = await backendEnv();
    const trace = path.join(env.HUITONG_DATA_DIR ?? os.tmpdir(), 'imports.log');
    const server = await startServer(
      {
        ...env,
        HUITONG_DEMO: '0',
        HUITONG_ADMIN_PASSWORD: 'Operator-Chosen-1',
        HUITONG_CITY_CODE: '370200',
        HUITONG_CITY_NAME: '青岛市',
      },
      { built: entry, traceImports: trace },
    );
    try {
      const loaded = fs.readFileSync(trace, 'utf8').split('\n');
      expect(loaded.some((url) => url.endsWith(`/${path.basename(outdir)}/server.js`))).toBe(true);
      // Each dynamically imported demo module is a chunk named after it.
      const demoChunks = fs
        .readdirSync(path.join(outdir, 'chunks'))
        .filter((f) => /^(city|catalog|datasets|demo-loader)-.*\.js$/.test(f));
      expect(demoChunks.length).toBeGreaterThanOrEqual(3);
      expect(loaded.filter((url) => demoChunks.some((c) => url.endsWith(`/${c}`)))).toEqual([]);
    } finally {
      await stop(server);
    }
  }, 240_000);
});
