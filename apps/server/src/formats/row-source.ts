/** What the format readers share: reading a file in chunks, and a RowSource from a record generator. */
import { createReadStream, type ReadStream } from 'node:fs';
import type { Message } from '../shared/errors.ts';
import { FormatError } from './format-error.ts';
import type { RowSource, SourceFormat, SourceRow, TextEncoding } from './types.ts';

/** The open streams of a source and the bytes they have read, so that `close()` can end them. */
export class FileReading {
  bytes = 0;
  private readonly streams = new Set<ReadStream>();
  closed = false;

  /** The bytes of `file` from `start` to `end` (exclusive), in chunks. */
  async *chunks(file: string, start = 0, end?: number): AsyncGenerator<Buffer, void, undefined> {
    if (end !== undefined && end <= start) return;
    if (this.closed) throw new Error('The source is closed');
    const stream = createReadStream(file, {
      start,
      ...(end === undefined ? {} : { end: end - 1 }),
      highWaterMark: 64 * 1024,
    });
    this.streams.add(stream);
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.bytes += chunk.length;
        yield chunk;
      }
    } finally {
      stream.destroy();
      this.streams.delete(stream);
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams) s.destroy();
    this.streams.clear();
  }
}

/** A format reader's result: headers known, records to come. */
export interface OpenedSource {
  headers: string[];
  /** The data records after the header; closed (return()) when the source closes. */
  records: AsyncGenerator<SourceRow, void, undefined>;
  reading: FileReading;
  /** Anything else to release on close. */
  release?: () => Promise<void> | void;
  encoding?: TextEncoding;
  delimiter?: string;
  sheet?: string;
  /** XLSX: every sheet's name, in tab order. */
  sheets?: string[];
}

/**
 * The RowSource of an opened reader: reads the first record at once, so that a file without data
 * records (`noRows` says so) fails when it is opened; closes on error, at the end, on break.
 */
export async function toRowSource(
  format: SourceFormat,
  opened: OpenedSource,
  noRows: Message,
): Promise<RowSource> {
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      opened.reading.close();
      try {
        await opened.records.return(undefined);
      } catch {
        // The reader failed while closing; its error, if any, was already thrown to the caller.
      }
      await opened.release?.();
    })());
  let first: IteratorResult<SourceRow, void>;
  try {
    first = await opened.records.next();
  } catch (err) {
    await close();
    throw err;
  }
  if (first.done) {
    await close();
    throw new FormatError('no_data_rows', noRows);
  }
  const firstRow = first.value;
  async function* rows(): AsyncGenerator<SourceRow, void, undefined> {
    try {
      yield firstRow;
      yield* opened.records;
    } finally {
      await close();
    }
  }
  return {
    format,
    headers: opened.headers,
    ...(opened.encoding === undefined ? {} : { encoding: opened.encoding }),
    ...(opened.delimiter === undefined ? {} : { delimiter: opened.delimiter }),
    ...(opened.sheet === undefined ? {} : { sheet: opened.sheet }),
    ...(opened.sheets === undefined ? {} : { sheets: opened.sheets }),
    rows: rows(),
    bytesRead: () => opened.reading.bytes,
    close,
  };
}
