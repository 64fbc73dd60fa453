/**
 * Reading an untrusted zip archive (an Office Open XML file such as .xlsx) without trusting it.
 *
 * The central directory is read and checked first (entry count, ZIP64, duplicate names, declared
 * sizes are the caller's to judge), before anything is inflated. An entry is then inflated to at
 * most the size the directory declares, and its length and CRC-32 must match the declaration: a
 * zip bomb either declares its size (and the caller refuses it from the directory) or lies about it
 * (and inflation stops as soon as the output passes the declared size).
 *
 * The archive is read through a `ZipSource` (random access), so the same checks serve a file held
 * in memory (`bufferSource`) and a file on disk that is never read whole (`fileSource`).
 * Errors are `ZipGuardError`s with a `problem` that each caller turns into its own message.
 */
import type { FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createInflateRaw, crc32, inflateRaw } from 'node:zlib';

export type ZipProblem =
  /** No end-of-central-directory record: truncated, or not a zip archive at all. */
  | 'not_zip'
  /** The structure is inconsistent (offsets outside the file, bad signatures, several disks). */
  | 'malformed'
  | 'zip64'
  | 'too_many_entries'
  | 'duplicate_entry'
  | 'encrypted'
  | 'unsupported_method'
  /** The compressed data is corrupt, or inflates to other than the declared size or CRC-32. */
  | 'corrupt_data';

export class ZipGuardError extends Error {
  constructor(
    readonly problem: ZipProblem,
    readonly entry?: string,
  ) {
    super(`Untrusted zip refused: ${problem}${entry === undefined ? '' : ` (${entry})`}`);
    this.name = 'ZipGuardError';
  }
}

export interface ZipEntry {
  /** The entry's path, without a leading slash. */
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  /** Uncompressed size as the central directory declares it. */
  size: number;
  crc32: number;
  localOffset: number;
}

/** Random access to the bytes of an archive. */
export interface ZipSource {
  readonly size: number;
  /** Exactly `length` bytes from `position` (fewer only at the end of the source). */
  read(position: number, length: number): Promise<Buffer>;
}

export function bufferSource(buf: Buffer): ZipSource {
  return { size: buf.length, read: async (position, length) => buf.subarray(position, position + length) };
}

/** A source on an open file; the caller keeps and closes the handle. */
export async function fileSource(handle: FileHandle): Promise<ZipSource> {
  const { size } = await handle.stat();
  return {
    size,
    read: async (position, length) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      let at = 0;
      while (at < buf.length) {
        const { bytesRead } = await handle.read(buf, at, buf.length - at, position + at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return buf.subarray(0, at);
    },
  };
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Bytes of the central directory allowed per entry (46 fixed bytes, the name and extra fields). */
const CENTRAL_BYTES_PER_ENTRY = 4096;

/**
 * The entries of the central directory, checked: at most `maxEntries`, no ZIP64, no duplicate
 * names, every record inside the file. Nothing is inflated.
 */
export async function readCentralDirectory(src: ZipSource, maxEntries: number): Promise<ZipEntry[]> {
  if (src.size < 22) throw new ZipGuardError('not_zip');
  // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the very end.
  const tailStart = Math.max(0, src.size - 22 - 0xffff);
  const tail = await src.read(tailStart, src.size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipGuardError('not_zip');
  const disk = tail.readUInt16LE(eocd + 4);
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipGuardError('zip64');
  const eocdAt = tailStart + eocd;
  if (disk !== 0 || cdOffset + cdSize > eocdAt) throw new ZipGuardError('malformed');
  if (count > maxEntries || cdSize > maxEntries * CENTRAL_BYTES_PER_ENTRY)
    throw new ZipGuardError('too_many_entries');
  const cd = await src.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ZipGuardError('malformed');
    const nameLength = cd.readUInt16LE(p + 28);
    const next = p + 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    if (next > cd.length) throw new ZipGuardError('malformed');
    const entry: ZipEntry = {
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.toString('utf8', p + 46, p + 46 + nameLength).replace(/^\//, ''),
    };
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff)
      throw new ZipGuardError('zip64', entry.name);
    if (names.has(entry.name)) throw new ZipGuardError('duplicate_entry', entry.name);
    names.add(entry.name);
    entries.push(entry);
    p = next;
  }
  return entries;
}

/** Where an entry's compressed data lies in the archive (read from its local header). */
export async function entryDataRange(src: ZipSource, e: ZipEntry): Promise<{ start: number; end: number }> {
  if (e.flags & 0x1) throw new ZipGuardError('encrypted', e.name);
  if (e.method !== 0 && e.method !== 8) throw new ZipGuardError('unsupported_method', e.name);
  if (e.method === 0 && e.compressedSize !== e.size) throw new ZipGuardError('corrupt_data', e.name);
  const header = await src.read(e.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw new ZipGuardError('malformed', e.name);
  const start = e.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const end = start + e.compressedSize;
  if (end > src.size) throw new ZipGuardError('malformed', e.name);
  return { start, end };
}

const inflate = promisify(inflateRaw);

/** Inflates one entry into memory, never to more than its declared size. */
export async function inflateEntry(src: ZipSource, e: ZipEntry): Promise<Buffer> {
  const { start, end } = await entryDataRange(src, e);
  const data = await src.read(start, end - start);
  let out: Buffer;
  if (e.method === 0) out = data;
  else {
    try {
      out = await inflate(data, { maxOutputLength: Math.max(1, e.size) });
    } catch {
      // Corrupt data, or more data than the directory declares (a lying zip bomb).
      throw new ZipGuardError('corrupt_data', e.name);
    }
  }
  if (out.length !== e.size || crc32(out) !== e.crc32) throw new ZipGuardError('corrupt_data', e.name);
  return out;
}

/**
 * Inflates one entry as a stream of chunks, never past its declared size, and checks its length
 * and CRC-32 at the end. `compressed` gives the bytes of the entry's `entryDataRange`.
 */
export async function* inflateEntryStream(
  e: ZipEntry,
  compressed: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer, void, undefined> {
  let total = 0;
  let crc = 0;
  const check = (chunk: Buffer) => {
    total += chunk.length;
    if (total > e.size) throw new ZipGuardError('corrupt_data', e.name);
    crc = crc32(chunk, crc);
  };
  if (e.method === 0) {
    for await (const chunk of compressed) {
      check(chunk);
      yield chunk;
    }
  } else {
    // pipeline() forwards an error of the source to the inflater (pipe() would not) and, when the
    // inflater is destroyed early, stops the source.
    const inflater = pipeline(Readable.from(compressed), createInflateRaw(), () => undefined);
    try {
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        check(chunk);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ZipGuardError) throw err;
      throw new ZipGuardError('corrupt_data', e.name);
    } finally {
      inflater.destroy();
    }
  }
  if (total !== e.size || crc !== e.crc32) throw new ZipGuardError('corrupt_data', e.name);
}

/** A part of a stored (uncompressed) zip written by this module. */
export interface StoredPart {
  name: string;
  size: number;
  crc32: number;
  /** Exactly `size` bytes whose CRC-32 is `crc32`. */
  data: Buffer | (() => AsyncIterable<Buffer>);
}

function localHeader(nameBytes: Buffer, size: number, crc: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(LOCAL, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6);
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(size, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(nameBytes.length, 26);
  return h;
}

function centralDirectory(parts: { nameBytes: Buffer; size: number; crc: number; offset: number }[]): Buffer {
  const centralSize = parts.reduce((n, p) => n + 46 + p.nameBytes.length, 0);
  const localSize = parts.reduce((n, p) => n + 30 + p.nameBytes.length + p.size, 0);
  const buf = Buffer.alloc(centralSize + 22);
  let at = 0;
  for (const p of parts) {
    buf.writeUInt32LE(CENTRAL, at);
    buf.writeUInt16LE(20, at + 4);
    buf.writeUInt16LE(20, at + 6);
    buf.writeUInt16LE(0x0800, at + 8);
    buf.writeUInt32LE(p.crc, at + 16);
    buf.writeUInt32LE(p.size, at + 20);
    buf.writeUInt32LE(p.size, at + 24);
    buf.writeUInt16LE(p.nameBytes.length, at + 28);
    buf.writeUInt32LE(p.offset, at + 42);
    p.nameBytes.copy(buf, at + 46);
    at += 46 + p.nameBytes.length;
  }
  buf.writeUInt32LE(EOCD, at);
  buf.writeUInt16LE(parts.length, at + 8);
  buf.writeUInt16LE(parts.length, at + 10);
  buf.writeUInt32LE(centralSize, at + 12);
  buf.writeUInt32LE(localSize, at + 16);
  return buf;
}

/** Offsets of a stored zip are 32 bits: the parts together must stay below 4 GiB. */
export const STORED_ZIP_MAX_BYTES = 0xffffffff - 0xffffff;

/** A zip of stored parts, in memory, written into an ArrayBuffer (what exceljs' typings ask for). */
export function storedZip(parts: { name: string; data: Buffer }[]): ArrayBuffer {
  const named = parts.map((p) => ({ ...p, nameBytes: Buffer.from(p.name, 'utf8'), crc: crc32(p.data) }));
  const localSize = named.reduce((n, p) => n + 30 + p.nameBytes.length + p.data.length, 0);
  const out = new ArrayBuffer(localSize + named.reduce((n, p) => n + 46 + p.nameBytes.length, 0) + 22);
  const buf = Buffer.from(out);
  let at = 0;
  const placed: { nameBytes: Buffer; size: number; crc: number; offset: number }[] = [];
  for (const p of named) {
    placed.push({ nameBytes: p.nameBytes, size: p.data.length, crc: p.crc, offset: at });
    localHeader(p.nameBytes, p.data.length, p.crc).copy(buf, at);
    p.nameBytes.copy(buf, at + 30);
    p.data.copy(buf, at + 30 + p.nameBytes.length);
    at += 30 + p.nameBytes.length + p.data.length;
  }
  centralDirectory(placed).copy(buf, at);
  return out;
}

/**
 * A zip of stored parts as a stream of chunks, each part's data streamed in turn (and checked
 * against its declared size: a part that gives more or fewer bytes fails the stream). The local
 * headers carry the sizes, so a streaming reader never needs the central directory.
 */
export async function* storedZipStream(parts: StoredPart[]): AsyncGenerator<Buffer, void, undefined> {
  const total = parts.reduce((n, p) => n + 30 + Buffer.byteLength(p.name) + p.size, 0);
  if (total > STORED_ZIP_MAX_BYTES) throw new ZipGuardError('zip64');
  const placed: { nameBytes: Buffer; size: number; crc: number; offset: number }[] = [];
  let offset = 0;
  for (const p of parts) {
    const nameBytes = Buffer.from(p.name, 'utf8');
    placed.push({ nameBytes, size: p.size, crc: p.crc32, offset });
    yield Buffer.concat([localHeader(nameBytes, p.size, p.crc32), nameBytes]);
    let written = 0;
    if (Buffer.isBuffer(p.data)) {
      written = p.data.length;
      yield p.data;
    } else {
      for await (const chunk of p.data()) {
        written += chunk.length;
        if (written > p.size) throw new ZipGuardError('corrupt_data', p.name);
        yield chunk;
      }
    }
    if (written !== p.size) throw new ZipGuardError('corrupt_data', p.name);
    offset += 30 + nameBytes.length + p.size;
  }
  yield centralDirectory(placed);
}
