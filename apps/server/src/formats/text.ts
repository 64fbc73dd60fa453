/**
 * Text files: which encoding they are in, and their text as a stream of strings. UTF-8 is checked
 * byte by byte as it streams, so a file that is really GBK fails at the line where it stops being
 * UTF-8 instead of coming out as replacement characters.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { FormatError, type RecordUnit } from './format-error.ts';
import type { SourceEncoding, TextEncoding } from './types.ts';

/** Bytes read from the start of a file to detect its encoding and CSV delimiter. */
export const SAMPLE_BYTES = 64 * 1024;

/** The first bytes of a file (the sample its encoding, and a CSV's delimiter, are detected from) and its size. */
export async function readSample(file: string): Promise<{ sample: Buffer; size: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
    return { sample: sample.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);
const GB18030_BOM = Buffer.from([0x84, 0x31, 0x95, 0x33]);

const startsWith = (buf: Buffer, prefix: Buffer) =>
  buf.length >= prefix.length && buf.subarray(0, prefix.length).equals(prefix);

/** Length of a UTF-8 sequence by its lead byte; 0 for a byte that cannot lead one. */
function utf8Length(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Bytes at the end of `buf` that begin a UTF-8 sequence the next chunk may complete. */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = utf8Length(b);
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that is not valid UTF-8 (RFC 3629: no overlongs, no surrogates), or -1. */
function firstInvalidUtf8(buf: Buffer, end: number): number {
  let i = 0;
  while (i < end) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = utf8Length(b);
    if (n === 0 || i + n > end) return i;
    const c1 = buf[i + 1] ?? 0;
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k < n; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/** Counts multi-byte sequences: text that is valid UTF-8 with several of them is UTF-8. */
function multiByteCount(buf: Buffer): number {
  let n = 0;
  for (const b of buf) if (b >= 0xc2 && b <= 0xf4) n++;
  return n;
}

/**
 * Whether bytes read as GBK / GB18030: two-byte characters (lead 0x81–0xFE, trail 0x40–0x7E or
 * 0x80–0xFE) and four-byte ones, with at most a few bytes that fit neither.
 */
export function looksLikeGb18030(buf: Buffer): boolean {
  let good = 0;
  let bad = 0;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const t = buf[i + 1];
    if (t === undefined) break;
    if (b >= 0x81 && b <= 0xfe && ((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfe))) {
      good++;
      i += 2;
    } else if (
      b >= 0x81 &&
      b <= 0xfe &&
      t >= 0x30 &&
      t <= 0x39 &&
      (buf[i + 2] ?? 0) >= 0x81 &&
      (buf[i + 3] ?? 0) >= 0x30 &&
      (buf[i + 3] ?? 0) <= 0x39
    ) {
      good++;
      i += 4;
    } else {
      bad++;
      i++;
    }
  }
  return good > 0 && bad * 20 <= good;
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0 && i < end; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

function notUtf8(line: number, unit: RecordUnit, rest: Buffer, detected: boolean): FormatError {
  const gb = looksLikeGb18030(rest.subarray(0, 4096));
  const how = detected
    ? { zh: '文件开头按 UTF-8 编码识别，但此处', en: 'the start of the file was detected as UTF-8, but here' }
    : { zh: '文件声明为 UTF-8 编码，但此处', en: 'the file was declared UTF-8, but here' };
  return new FormatError(
    'encoding_mismatch',
    gb
      ? {
          zh: `${how.zh}不是有效的 UTF-8，看起来是 GBK/GB18030 编码。请选择 GBK/GB18030 编码后重新读取`,
          en: `${how.en} it is not valid UTF-8; it looks like GBK/GB18030. Choose the GBK/GB18030 encoding and read it again`,
        }
      : {
          zh: `${how.zh}不是有效的 UTF-8 编码（也不像 GBK/GB18030）。请将文件另存为 UTF-8 编码`,
          en: `${how.en} it is not valid UTF-8 (nor does it look like GBK/GB18030). Save the file as UTF-8`,
        },
    { row: line, unit },
  );
}

/**
 * The encoding of a text file from its first bytes. A byte-order mark decides; without one,
 * `auto` takes UTF-8 if the sample is valid UTF-8 and GB18030 (a superset of GBK) otherwise. A
 * declared encoding is checked against the sample: UTF-8 declared for GBK bytes, or GBK declared
 * for UTF-8 text, is refused with a message saying what the file looks like.
 */
export function detectEncoding(
  sample: Buffer,
  complete: boolean,
  declared: SourceEncoding,
  unit: RecordUnit,
): TextEncoding {
  const mismatch = (zh: string, en: string) => new FormatError('encoding_mismatch', { zh, en });
  const declaredName = declared === 'utf8' ? 'UTF-8' : declared.toUpperCase();
  if (startsWith(sample, UTF8_BOM)) {
    if (declared === 'gbk' || declared === 'gb18030')
      throw mismatch(
        `文件声明为 ${declaredName} 编码，但以 UTF-8 字节顺序标记（BOM）开头，是 UTF-8 编码。请选择 UTF-8 或自动识别`,
        `the file was declared ${declaredName} but starts with a UTF-8 byte-order mark: it is UTF-8. Choose UTF-8 or automatic detection`,
      );
    return 'utf8';
  }
  const utf16 = startsWith(sample, UTF16LE_BOM)
    ? 'utf16le'
    : startsWith(sample, UTF16BE_BOM)
      ? 'utf16be'
      : null;
  if (utf16) {
    if (declared !== 'auto')
      throw mismatch(
        `文件声明为 ${declaredName} 编码，但以 UTF-16 字节顺序标记开头（如 Excel 的“Unicode 文本”）。请选择自动识别，或另存为 UTF-8 编码`,
        `the file was declared ${declaredName} but starts with a UTF-16 byte-order mark (as Excel's “Unicode text” does). Choose automatic detection, or save it as UTF-8`,
      );
    return utf16;
  }
  if (startsWith(sample, GB18030_BOM)) {
    if (declared === 'utf8')
      throw mismatch(
        '文件声明为 UTF-8 编码，但以 GB18030 字节顺序标记开头。请选择 GB18030 或自动识别',
        'the file was declared UTF-8 but starts with a GB18030 byte-order mark. Choose GB18030 or automatic detection',
      );
    return declared === 'gbk' ? 'gbk' : 'gb18030';
  }
  const nul = sample.indexOf(0);
  if (nul >= 0)
    throw new FormatError('not_text', {
      zh: `文件第 ${nul + 1} 个字节是 NUL 空字符：不是文本文件（或是没有字节顺序标记的 UTF-16 文件，请另存为 UTF-8 编码）`,
      en: `byte ${nul + 1} of the file is a NUL character: it is not a text file (or UTF-16 without a byte-order mark; save it as UTF-8)`,
    });
  const end = complete ? sample.length : sample.length - incompleteTail(sample);
  const bad = isUtf8(sample.subarray(0, end)) ? -1 : firstInvalidUtf8(sample, end);
  switch (declared) {
    case 'utf8':
      if (bad >= 0) throw notUtf8(countNewlines(sample, bad) + 1, unit, sample.subarray(bad), false);
      return 'utf8';
    case 'gbk':
    case 'gb18030':
      if (bad < 0 && multiByteCount(sample.subarray(0, end)) >= 4)
        throw mismatch(
          `文件声明为 ${declaredName} 编码，但内容是有效的 UTF-8 编码文本。请选择 UTF-8 或自动识别`,
          `the file was declared ${declaredName} but its text is valid UTF-8. Choose UTF-8 or automatic detection`,
        );
      return declared;
    case 'auto':
      return bad < 0 ? 'utf8' : 'gb18030';
  }
}

/** Bytes of a byte-order mark at the start of `sample` in `encoding` (not part of the text). */
function bomLength(sample: Buffer, encoding: TextEncoding): number {
  if (encoding === 'utf8' && startsWith(sample, UTF8_BOM)) return 3;
  if ((encoding === 'gb18030' || encoding === 'gbk') && startsWith(sample, GB18030_BOM)) return 4;
  if (encoding === 'utf16le' && startsWith(sample, UTF16LE_BOM)) return 2;
  if (encoding === 'utf16be' && startsWith(sample, UTF16BE_BOM)) return 2;
  return 0;
}

/** Decodes a sample for sniffing (lenient; the stream is checked when read). */
export function decodeSample(sample: Buffer, encoding: TextEncoding): string {
  const body = sample.subarray(bomLength(sample, encoding));
  if (encoding === 'utf8') return body.toString('utf8');
  return iconv.decode(body, encoding, { stripBOM: false });
}

/**
 * The text of a stream of bytes, chunk by chunk, without its byte-order mark. UTF-8 is validated
 * as it goes: the first invalid byte ends the stream with an `encoding_mismatch` FormatError naming
 * its line (`unit` says what a line is called in messages). `detected` says whether UTF-8 was
 * detected (not declared), for the message.
 */
export async function* decodeText(
  chunks: AsyncIterable<Buffer>,
  encoding: TextEncoding,
  unit: RecordUnit,
  detected: boolean,
): AsyncGenerator<string, void, undefined> {
  let first = true;
  if (encoding !== 'utf8') {
    const decoder = iconv.getDecoder(encoding, { stripBOM: false });
    for await (const chunk of chunks) {
      let text = decoder.write(chunk);
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest) yield first && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest;
    return;
  }
  let carry: Buffer = Buffer.alloc(0);
  let lines = 1;
  for await (const chunk of chunks) {
    let buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (first && buf.length >= 3) {
      first = false;
      if (startsWith(buf, UTF8_BOM)) buf = buf.subarray(3);
    } else if (first) {
      carry = Buffer.from(buf);
      continue;
    }
    const end = buf.length - incompleteTail(buf);
    if (!isUtf8(buf.subarray(0, end))) {
      const bad = firstInvalidUtf8(buf, end);
      throw notUtf8(lines + countNewlines(buf, bad), unit, buf.subarray(bad), detected);
    }
    lines += countNewlines(buf, end);
    if (end > 0) yield buf.toString('utf8', 0, end);
    carry = Buffer.from(buf.subarray(end));
  }
  if (first && startsWith(carry, UTF8_BOM)) carry = carry.subarray(3);
  if (carry.length > 0) {
    if (!isUtf8(carry)) throw notUtf8(lines, unit, carry, detected);
    yield carry.toString('utf8');
  }
}
