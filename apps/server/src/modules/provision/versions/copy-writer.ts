/**
 * Rows into a version's table with `COPY … FROM STDIN` (text format) on PostgreSQL: one COPY for the
 * whole version, on the connection that holds the version's lease, fed as rows arrive with
 * back-pressure (a write waits while the connection's socket is full). The rows become visible to
 * other sessions only when the COPY ends; a COPY that is aborted, or whose process dies, leaves none.
 *
 * Values are the text the INSERT path casts (`cast($n as type)`): COPY applies the same input
 * function of the column type to the same text, so both paths store the same values. In the text
 * format a NULL is `\N`; backslash, tab, line feed and carriage return inside a value are escaped, so
 * an empty string stays an empty string and `\N` typed by someone stays that text.
 */
import type pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format. */
export function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPED[c] ?? c) : value;
}

/** One row (its `_row` number first) as a line of COPY's text format. */
export function copyLine(row: number, values: readonly (string | null)[], width: number): string {
  let line = String(row);
  for (let i = 0; i < width; i++) line += `\t${copyValue(values[i] ?? null)}`;
  return `${line}\n`;
}

/** Text is handed to the connection in pieces of about this many characters. */
const PIECE = 64 * 1024;

export class CopyWriter {
  private stream: CopyStreamQuery | null = null;
  private failure: Error | null = null;
  private finished = false;
  private pending = '';

  /** `table` and `columns` are quoted identifiers. */
  constructor(
    private readonly client: pg.PoolClient,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {}

  private open(): CopyStreamQuery {
    if (this.stream) return this.stream;
    const stream = this.client.query(
      copyFrom(`copy ${this.table} (${this.columns.join(', ')}) from stdin with (format text)`),
    );
    stream.on('error', (err: Error) => {
      this.failure ??= err;
    });
    this.stream = stream;
    return stream;
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('the COPY has ended');
  }

  /** Adds rows; resolves when the connection can take more (back-pressure), rejects if the COPY failed. */
  async write(
    rows: readonly { row: number; values: readonly (string | null)[] }[],
    width: number,
  ): Promise<void> {
    this.check();
    let text = this.pending;
    for (const r of rows) text += copyLine(r.row, r.values, width);
    if (text.length < PIECE) {
      this.pending = text;
      return;
    }
    this.pending = '';
    await this.send(text);
  }

  private async send(text: string): Promise<void> {
    const stream = this.open();
    if (stream.write(text, 'utf8')) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', failed);
        stream.off('close', done);
        resolve();
      };
      const failed = (err: Error) => {
        stream.off('drain', done);
        stream.off('close', done);
        reject(err);
      };
      stream.on('drain', done);
      stream.on('error', failed);
      stream.on('close', done);
    });
    this.check();
  }

  /** Ends the COPY: resolves with the rows PostgreSQL took once they are committed. */
  async finish(): Promise<number> {
    this.check();
    if (this.pending.length > 0) {
      const text = this.pending;
      this.pending = '';
      await this.send(text);
    }
    const stream = this.open();
    this.finished = true;
    await new Promise<void>((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', reject);
      stream.end();
    });
    return stream.rowCount;
  }

  /** Aborts the COPY (PostgreSQL rolls it back); the connection can be used again afterwards. */
  async abort(reason = 'the version was abandoned'): Promise<void> {
    const stream = this.stream;
    this.finished = true;
    this.pending = '';
    if (!stream || stream.destroyed || stream.writableFinished) return;
    await new Promise<void>((resolve) => {
      // The backend answers a CopyFail with an error, reported to destroy's callback (then 'close').
      stream.once('close', () => resolve());
      stream.destroy(new Error(reason));
    });
  }
}
