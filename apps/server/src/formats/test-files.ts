/**
 * Helpers for the tests of this folder only (imported by *.test.ts, never by the module): real
 * files in a temporary directory, reading a source to the end, hostile zip archives.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { expect } from 'vitest';
import { FormatError } from './format-error.ts';
import { openRowSource } from './open.ts';
import type { OpenOptions, RowSource, SourceRow } from './types.ts';

export interface TempDir {
  dir: string;
  /** Writes a file and returns its path. */
  write(name: string, content: string | Buffer): Promise<string>;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'huitong-formats-'));
  return {
    dir,
    write: async (name, content) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function readAll(source: RowSource): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const row of source.rows) rows.push(row);
  return rows;
}

/** Opens and reads a file; headers and rows. */
export async function read(
  file: string,
  options: OpenOptions,
): Promise<{ source: RowSource; headers: string[]; rows: SourceRow[] }> {
  const source = await openRowSource(file, options);
  const rows = await readAll(source);
  return { source, headers: source.headers, rows };
}

/** The FormatError of a file, whether opening or reading it fails; fails the test if none. */
export async function failure(file: string, options: OpenOptions): Promise<FormatError> {
  let source: RowSource | undefined;
  try {
    source = await openRowSource(file, options);
    await readAll(source);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    return err;
  } finally {
    await source?.close();
  }
  expect.fail(`${file} was read without error`);
}

/** Whether opening fails (rather than reading the rows). */
export async function failsToOpen(file: string, options: OpenOptions): Promise<FormatError> {
  const err: unknown = await openRowSource(file, options).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FormatError);
  return err as FormatError;
}

// Zip archives (shared with the catalog's Excel tests).
export { deflated, stored, unzip, zerosDeflated, zip, type ZipPart } from '../../test/zip.ts';

// ---------- memory ----------

let gcFunction: (() => void) | undefined;

/** A full garbage collection (node's gc(), made available at run time). */
export function collectGarbage(): void {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/** Heap in use after a full collection: what is really retained. */
export function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
