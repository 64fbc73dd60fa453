import fs from 'node:fs';
import path from 'node:path';

/**
 * The server package's directory (apps/server), found by walking up from this file to the
 * package.json named @huitong/server: the same answer from the TypeScript sources
 * (src/shared/paths.ts) and from the built bundle (dist/…), which sit at different depths.
 */
function findServerRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === '@huitong/server') return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no @huitong/server package.json above ${from}`);
  }
}

export const SERVER_ROOT = findServerRoot(import.meta.dirname);
/** The repository (the npm workspace root). */
export const REPO_ROOT = path.resolve(SERVER_ROOT, '../..');
/** The demo city's data files (JSON, CSV, a PDF and a PNG), read only when the demo is loaded. */
export const DEMO_DIR = path.join(SERVER_ROOT, 'demo');
