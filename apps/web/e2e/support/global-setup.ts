/**
 * Builds the web app if needed and starts one real Huitong server (PGlite in a temporary directory,
 * demo city loaded) for the end-to-end suite.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, '../../../..');

export default async function setup(project: TestProject) {
  const { ensureWebBuild } = (await import(path.join(root, 'scripts/web-build.mjs'))) as {
    ensureWebBuild: (o?: { quiet?: boolean }) => boolean;
  };
  ensureWebBuild({ quiet: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/server/src/server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      HUITONG_DATA_DIR: dataDir,
      HUITONG_LOG_LEVEL: 'warn',
      // The specs provide data themselves and count versions; the demo datasets would race them.
      HUITONG_DEMO_DATA: '0',
      // Every spec signs in from 127.0.0.1; the per-address limit (tested in the server suite) would
      // refuse the later ones.
      HUITONG_SIGNIN_RATE: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 120_000);
    const poll = setInterval(() => {
      const m = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (m?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(m[1]);
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
  project.provide('baseUrl', url);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
