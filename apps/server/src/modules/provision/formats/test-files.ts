/**
 * Helpers for the tests of this folder only (imported by *.test.ts, never by the module): real
 * files in a temporary directory, reading a source to the end, hostile zip archives.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { crc32, deflateRawSync, inflateRawSync as inflate, constants as zlibConstants } from 'node:zlib';
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

// ---------- zip archives ----------

export interface ZipPart {
  name: string;
  method: 0 | 8;
  data: Buffer;
  size: number;
  crc: number;
  flags?: number;
}

export const stored = (name: string, data: Buffer): ZipPart => ({
  name,
  method: 0,
  data,
  size: data.length,
  crc: crc32(data),
});

export const deflated = (name: string, data: Buffer): ZipPart => ({
  name,
  method: 8,
  data: deflateRawSync(data),
  size: data.length,
  crc: crc32(data),
});

export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(p.flags ?? 0, 6);
    local.writeUInt16LE(p.method, 8);
    local.writeUInt32LE(p.crc, 14);
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(p.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(p.flags ?? 0, 8);
    central.writeUInt16LE(p.method, 10);
    central.writeUInt32LE(p.crc, 16);
    central.writeUInt32LE(p.data.length, 20);
    central.writeUInt32LE(p.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, p.data);
    centrals.push(central, name);
    offset += 30 + name.length + p.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The parts of a zip written by a well-behaved tool (exceljs), by name. */
export function unzip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    if (!name.endsWith('/')) out.set(name, method === 8 ? inflate(data) : data);
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

/** A raw-deflate stream of `mb` MiB of zeros, built from 1 MiB blocks (about 1 KiB each). */
export function zerosDeflated(mb: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  // A final, empty fixed-Huffman block ends the stream.
  return Buffer.concat([...Array.from({ length: mb }, () => block), Buffer.from([0x03, 0x00])]);
}

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
