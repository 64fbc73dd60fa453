// Builds the web app when apps/web/dist is missing or older than its sources (content hash).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { filesUnder, hashFiles } from './source-hash.mjs';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'apps/web');
const dist = path.join(web, 'dist');
const stampFile = path.join(dist, '.source-hash');

export function sourceHash() {
  // The web bundles the contract's value lists and labels (packages/contract).
  const inputs = [
    ...filesUnder(path.join(web, 'src')),
    ...filesUnder(path.join(root, 'packages/contract/src')),
  ];
  for (const f of ['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json']) {
    if (fs.existsSync(path.join(web, f))) inputs.push(path.join(web, f));
  }
  if (fs.existsSync(path.join(web, 'public'))) inputs.push(...filesUnder(path.join(web, 'public')));
  return hashFiles(inputs, web);
}

/** Whether apps/web/dist is missing or was built from other sources. */
export function webBuildNeeded() {
  const have = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  return have !== sourceHash() || !fs.existsSync(path.join(dist, 'index.html'));
}

/** vite is installed for the web workspace (apps/web/node_modules or the root, as npm decides). */
function viteBin() {
  const vitePackage = createRequire(path.join(web, 'package.json')).resolve('vite/package.json');
  return path.join(path.dirname(vitePackage), 'bin/vite.js');
}

export function ensureWebBuild({ quiet = false } = {}) {
  if (!webBuildNeeded()) return false;
  const wanted = sourceHash();
  if (!quiet) console.log('Building the web app (apps/web) …');
  const r = spawnSync(process.execPath, [viteBin(), 'build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('The web build failed.');
    process.exit(r.status ?? 1);
  }
  fs.writeFileSync(stampFile, wanted + '\n');
  return true;
}

/** Builds the web app in a child process (the caller may show progress meanwhile); rejects on failure. */
export async function buildWeb() {
  const wanted = sourceHash();
  const child = spawn(process.execPath, [viteBin(), 'build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the web build (vite) failed with exit code ${code}`);
  fs.writeFileSync(stampFile, wanted + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) ensureWebBuild();
