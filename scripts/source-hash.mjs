// What the build scripts hash to decide whether a build is stale (scripts/server-build.mjs,
// scripts/web-build.mjs).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Every file below `dir`, in a stable order. */
export function* filesUnder(dir) {
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else yield full;
  }
}

/** The SHA-256 of the files' paths (relative to `base`) and contents. */
export function hashFiles(files, base) {
  const hash = createHash('sha256');
  for (const f of files) hash.update(path.relative(base, f)).update('\0').update(fs.readFileSync(f));
  return hash.digest('hex');
}
