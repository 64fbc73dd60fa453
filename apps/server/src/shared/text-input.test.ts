import { describe, expect, it } from 'vitest';
import { acceptFileName, fileNameProblem } from './file-name.ts';
import { storableText, textProblem } from './text-input.ts';

describe('text rules', () => {
  it('refuses NUL in every kind of text', () => {
    for (const kind of ['line', 'multiline', 'value', 'fileName'] as const)
      expect(textProblem('a\u0000b', kind)?.en).toMatch(/NUL/);
  });

  it('refuses control characters in a single line, but takes tab and line breaks in prose', () => {
    for (const c of ['\t', '\n', '\r', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028'])
      expect(textProblem(`a${c}b`, 'line')?.en, JSON.stringify(c)).toMatch(/control/);
    for (const c of ['\t', '\n', '\r', '\u2028', '\u2029'])
      expect(textProblem(`a${c}b`, 'multiline')).toBeNull();
    for (const c of ['\u0007', '\u000b', '\u007f', '\u009b'])
      expect(textProblem(`a${c}b`, 'multiline')?.en).toMatch(/control/);
  });

  it('refuses bidirectional overrides and isolates, and lone surrogates', () => {
    for (const c of [
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ])
      expect(textProblem(`a${c}b`, 'multiline')?.en).toMatch(/bidirectional/);
    expect(textProblem('a\ud800b', 'line')?.en).toMatch(/Unicode/);
    expect(textProblem('a\udc00', 'value')?.en).toMatch(/Unicode/);
  });

  it('takes ordinary Chinese text, emoji and supplementary characters', () => {
    expect(textProblem('沈阳市𠮷野家（和平区）😀 “引号” ‏', 'line')).toBeNull();
  });

  it('lets data values carry controls other than NUL, and shows NUL and lone surrogates as ␀ and �', () => {
    expect(textProblem('a\tb\u0007', 'value')).toBeNull();
    expect(storableText('a\u0000b\ud800')).toBe('a\u2400b\ufffd');
  });
});

describe('file names', () => {
  it('refuses path separators, reserved characters, controls, bidi overrides, dot names and overlong names', () => {
    for (const name of [
      '',
      '../x.csv',
      'a/b.csv',
      'a\\b.csv',
      'a:b.csv',
      'a"b.csv',
      'a<b>.csv',
      'a|b.csv',
      'a?.csv',
      'a*.csv',
      'a\r\n.csv',
      'a\u007f.csv',
      'report\u202efdp.exe',
      '.',
      '..',
      ' a.csv',
      'a.csv ',
      'x'.repeat(256),
    ])
      expect(fileNameProblem(name), JSON.stringify(name)).not.toBeNull();
  });

  it('keeps an accepted name, in NFC', () => {
    expect(fileNameProblem('2025 年报（第一批）.xlsx')).toBeNull();
    expect(fileNameProblem('x'.repeat(255))).toBeNull();
    expect(acceptFileName('e\u0301.csv')).toBe('\u00e9.csv');
    expect(() => acceptFileName('a/b')).toThrow(/fileName/);
  });
});
