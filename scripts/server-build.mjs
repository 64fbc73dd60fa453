// Builds the server into apps/server/dist (server.js and its lazily imported chunks) with esbuild,
// when dist is missing or older than its sources (content hash), as `npm start` runs it.
//
// Our code (apps/server/src and the workspace packages such as @huitong/contract) is bundled into
// plain JavaScript; every npm dependency stays an import that Node resolves from node_modules at run
// time, so packages that read their own files (PGlite's wasm and data files, the native
// @node-rs/argon2, swagger-ui's assets, pino's workers) work unchanged, and the optional pg-native
// is never needed. Dynamic import() calls become chunks of their own: the demo's
// readers and loaders, the Excel code and PGlite are read only when used.
import fs from 'node:fs';
import path from 'node:path';
import { filesUnder, hashFiles } from './source-hash.mjs';

const root = path.resolve(import.meta.dirname, '..');
const server = path.join(root, 'apps/server');
export const SERVER_DIST = path.join(server, 'dist');
export const SERVER_ENTRY = path.join(SERVER_DIST, 'server.js');
const stampFile = path.join(SERVER_DIST, '.source-hash');

/** The hash of everything the bundle is made from (tests excluded: they are not in it). */
export function serverSourceHash() {
  const inputs = [
    ...[...filesUnder(path.join(server, 'src'))].filter((f) => !f.endsWith('.test.ts')),
    path.join(server, 'package.json'),
    path.join(server, 'tsconfig.json'),
    path.join(root, 'tsconfig.base.json'),
    import.meta.filename,
  ];
  const packages = path.join(root, 'packages');
  if (fs.existsSync(packages))
    for (const f of filesUnder(packages))
      if (!f.includes(`${path.sep}node_modules${path.sep}`)) inputs.push(f);
  return hashFiles(inputs, root);
}

/** Whether apps/server/dist is missing or was built from other sources. */
export function serverBuildNeeded() {
  const have = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  return have !== serverSourceHash() || !fs.existsSync(SERVER_ENTRY);
}

/** Bare imports stay imports (node_modules), except the workspace's own TypeScript packages. */
const dependenciesExternal = {
  name: 'dependencies-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@huitong/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Builds apps/server/dist from the sources (about a second). `outdir` (a test's) must lie inside
 * apps/server, where the built server finds its package, migrations and demo files.
 */
export async function buildServer({ outdir = SERVER_DIST } = {}) {
  const wanted = serverSourceHash();
  // Loaded only to build: a start that reuses the build never loads esbuild.
  const esbuild = await import('esbuild');
  fs.rmSync(outdir, { recursive: true, force: true });
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: [path.join(server, 'src/server.ts')],
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      chunkNames: 'chunks/[name]-[hash]',
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
      plugins: [dependenciesExternal],
    });
  } finally {
    await esbuild.stop();
  }
  fs.writeFileSync(path.join(outdir, '.source-hash'), wanted + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
