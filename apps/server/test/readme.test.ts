/**
 * The README tells a new user the truth (issue 11): its sample start-up output is what the server
 * prints, its configuration table names every variable the configuration reads, and its count of
 * demo datasets is the loader's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_DATASETS, DEMO_FILES } from '../src/demo/datasets.ts';
import { TEST_BACKEND } from './database.ts';
import { startServer, type RunningServer } from './server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const CONFIG = fs.readFileSync(path.join(ROOT, 'apps/server/src/config/config.ts'), 'utf8');

/** The fenced block that follows the sentence "The first start builds the web app …". */
function sampleOutput(): string[] {
  const from = README.indexOf('The first start builds the web app');
  const open = README.indexOf('```\n', from);
  const close = README.indexOf('\n```', open + 4);
  expect(from, 'the README describes the first start').toBeGreaterThan(-1);
  return README.slice(open + 4, close).split('\n');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('README', () => {
  it('names every variable the configuration reads in its table', () => {
    const read = new Set(
      [...CONFIG.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|'((?:HUITONG_|DATABASE_URL|PORT|HOST)[A-Z0-9_]*)'/g)].map(
        (m) => m[1] ?? m[2] ?? '',
      ),
    );
    expect(read).toContain('HUITONG_WEB_DIST');
    const table = README.slice(README.indexOf('## Configuration'));
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    const missing = [...read].filter((v) => !rows.some((r) => r.split('|')[1]?.includes(`\`${v}\``)));
    expect(missing).toEqual([]);
  });

  it('counts the demo datasets as the loader does', () => {
    const m = /demo datasets \((\d+) entries: (\d+) tables, .* and (\d+) with files\)/.exec(README);
    expect(m, 'the HUITONG_DEMO_DATA row counts the demo datasets').not.toBeNull();
    expect(Number(m?.[1])).toBe(DEMO_DATASETS.length + DEMO_FILES.length);
    expect(Number(m?.[2])).toBe(DEMO_DATASETS.length);
    expect(Number(m?.[3])).toBe(DEMO_FILES.length);
  });

  describe.runIf(TEST_BACKEND === 'pglite')('the sample start-up output', { timeout: 240_000 }, () => {
    let server: RunningServer | undefined;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-readme-'));
    afterAll(async () => {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('is what the first start prints, line by line in order (… leaves out)', async () => {
      // The demo as a new user gets it; no jobs, and the datasets' loading is not waited for.
      server = await startServer({ HUITONG_DATA_DIR: path.join(dataDir, 'data'), HUITONG_JOBS: '0' });
      const deadline = Date.now() + 30_000;
      while (!server.output().includes('Loading the demo datasets') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const port = new URL(server.url).port;
      const printed = server.output().split('\n');
      let at = 0;
      for (const line of sampleOutput()) {
        if (line.trim() === '…') continue;
        const pattern = new RegExp(
          `^${escape(line.replaceAll('http://localhost:8080', `http://localhost:${port}`)).replaceAll('…', '.*')}$`,
        );
        const found = printed.findIndex((p, i) => i >= at && pattern.test(p));
        expect(
          found,
          `README line not printed (in this order): ${line}\n---\n${server.output()}`,
        ).toBeGreaterThan(-1);
        at = found + 1;
      }
    });
  });
});
