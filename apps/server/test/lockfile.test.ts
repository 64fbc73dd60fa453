/**
 * The stated Node version and the lockfile agree (issue 11): `npm ci` on Node 20 warned EBADENGINE
 * for `cookie` 2, which declares Node ≥ 22. Every locked package that states its Node engines must
 * accept the oldest Node the project says it runs on (`engines.node` of the root package.json).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// semver comes with npm's own toolchain (a dependency of several packages here); typed by hand.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
};

const ROOT = path.resolve(import.meta.dirname, '../../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as unknown;

interface Lock {
  packages: Record<
    string,
    { version?: string; engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }
  >;
}

describe('the lockfile and the stated Node version', () => {
  it('has no package whose engines refuse the oldest stated Node', () => {
    const root = readJson('package.json') as { engines: { node: string } };
    const oldest = semver.minVersion(root.engines.node)?.version ?? '';
    expect(oldest).toMatch(/^20\./);
    const lock = readJson('package-lock.json') as Lock;
    const refused = Object.entries(lock.packages)
      .filter(([name]) => name.startsWith('node_modules/') || name.includes('/node_modules/'))
      .flatMap(([name, p]) => {
        const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
        if (!range || semver.satisfies(oldest, range, { includePrerelease: true })) return [];
        return [
          `${name.slice(name.lastIndexOf('node_modules/') + 13)}@${p.version ?? '?'} wants node ${range}`,
        ];
      });
    expect(refused).toEqual([]);
  });
});
