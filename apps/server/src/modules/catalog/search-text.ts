/**
 * Chinese full-text search for the catalog, identical on PostgreSQL and on embedded PGlite.
 *
 * Neither backend is assumed to have a Chinese text-search extension (zhparser, pg_jieba …), so the
 * text is tokenised here, in Node, and handed to PostgreSQL already split into space-separated
 * tokens that the built-in `simple` configuration keeps one lexeme each: a token is either a run of
 * Han characters (the default parser takes every non-ASCII character as a letter in a UTF-8
 * database, under C.UTF-8 as under glibc locales) or `[a-z0-9]+`. No token carries punctuation,
 * so `to_tsvector('simple', …)` and `to_tsquery('simple', …)` never split or reject one.
 *
 * What a field is indexed as (`fieldTokens`):
 *  - every Han **bigram** of each run of Han characters, plus the run's **last character**. This is
 *    what makes partial words work whatever jieba does: a query word of 2+ characters becomes the
 *    AND of its own bigrams, which every text containing it as a substring has, however jieba cut
 *    that text (质量 finds 空气质量监测; 监测站 finds 生态环境监测站点, cut 环境监测/站点). A one-character
 *    query word becomes a prefix `字:*`, which matches a bigram starting with it or a run's last
 *    character — so any character of any run. Bigrams are ~1 lexeme per character: small for names,
 *    keywords and labels; abstracts are capped (`MAX_FIELD_CHARS`).
 *  - the **jieba search-mode words** of 3+ characters (those of 2 are bigrams already). They are not
 *    needed to match; a query word of 3+ characters asks for `(word | its bigrams)`, so a text where
 *    jieba found that very word ranks above one where it only occurs across words.
 *  - latin words and numbers, lower-cased (NFKC: full-width letters and digits are folded).
 *  - **pinyin** (optional per field, see `pinyinTokens`): full toneless pinyin and initials of each
 *    jieba search-mode word, and of each whole Han run and of the whole text when short.
 *
 * A query (`toTsQuery`) is the AND of its terms: Han words (jieba `cut`) as bigram groups, latin
 * words as prefixes (`kong:*` matches kongqi, kongqizhiliang; `kqzl:*` matches kqzl, kqzljcsj).
 * Rank with `ts_rank_cd` over the weighted vector (`rankSql`, search-text.sql.ts): name A, keywords and data item
 * labels B, abstract C, department name D.
 */
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { pinyin } from 'pinyin-pro';

export type SearchWeight = 'A' | 'B' | 'C' | 'D';

export interface SearchField {
  text: string | null | undefined;
  weight: SearchWeight;
  /** Index pinyin and initials too (default true; turn off for long prose such as an abstract). */
  pinyin?: boolean;
}

/** Characters of a field that are tokenised; the rest of a very long text is not indexed. */
export const MAX_FIELD_CHARS = 10_000;
/** Characters of a query that are looked at. */
export const MAX_QUERY_CHARS = 100;
/** Terms (words) of a query that are kept; each is required. */
export const MAX_QUERY_TERMS = 20;
/** Longest Han run / text whose whole pinyin and initials are indexed as one token. */
const MAX_WHOLE_PINYIN_CHARS = 24;
/** Longest latin token kept (the rest is noise, and lexemes are limited to 2 KiB). */
const MAX_LATIN_CHARS = 64;
/** Longest Han search word indexed as a token of its own. */
const MAX_WORD_CHARS = 24;
/** One-character function words dropped from a query that has other terms. */
const STOP_CHARS = new Set(['的', '了', '和', '与', '及', '或', '之', '等', '并', '其']);

let jieba: Jieba | undefined;

/** The jieba instance with its default dictionary, loaded on first use (~0.2 s). */
function segmenter(): Jieba {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Loads the jieba and pinyin dictionaries now instead of on the first search (e.g. at server start). */
export function warmUpSearchText(): void {
  fieldTokens('空气质量监测数据');
}

type Piece = {
  kind: 'han' | 'latin';
  text: string;
  /** only whitespace since the previous piece */ spaced: boolean;
};

const PIECE = /(\p{Script=Han}+)|([a-z0-9]+)/gu;

/** NFKC-ish folding: full-width → ASCII, compatibility ideographs → unified, accents stripped, lower case. */
function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toLowerCase();
}

/** Han runs and latin/number runs of a text, in order; everything else separates. */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of normalise(text).matchAll(PIECE)) {
    const gap = m.input.slice(last, m.index);
    const spaced = out.length > 0 && gap.length > 0 && gap.trim() === '';
    if (m[1] !== undefined) out.push({ kind: 'han', text: m[1], spaced });
    else if (m[2] !== undefined) out.push({ kind: 'latin', text: m[2], spaced });
    last = m.index + m[0].length;
  }
  return out;
}

function uniq(tokens: Iterable<string>): string[] {
  return [...new Set(tokens)];
}

/**
 * Chinese word segmentation, search-engine style (jieba `cut_for_search`, HMM on): 空气质量监测 →
 * 空气, 气质, 质量, 空气质量, 监测. Latin words and numbers are kept lower-cased; punctuation, symbols
 * and whitespace are dropped. Distinct tokens in order of first appearance.
 */
export function segment(text: string): string[] {
  const out: string[] = [];
  for (const p of pieces(text)) {
    if (p.kind === 'latin') out.push(p.text);
    else out.push(...segmenter().cutForSearch(p.text, true));
  }
  return uniq(out);
}

/** Toneless pinyin of each character of a Han run, in context (polyphones: 重庆 chongqing, 银行 yinhang). */
function runPinyin(chars: readonly string[]): (string | null)[] {
  const syllable = (s: string | undefined) => (s !== undefined && /^[a-z]+$/.test(s) ? s : null);
  // One syllable per character for Han-only input; a character without a reading comes back as itself.
  const all = pinyin(chars.join(''), { type: 'array', toneType: 'none', v: true, toneSandhi: false });
  if (all.length === chars.length) return all.map((s) => syllable(s.toLowerCase()));
  return chars.map((c) =>
    syllable(pinyin(c, { type: 'array', toneType: 'none', v: true })[0]?.toLowerCase()),
  );
}

/** Full pinyin and initials of characters `from..to` of a run, or none if one is unknown. */
function wordPinyin(syllables: readonly (string | null)[], from: number, to: number): string[] {
  const part = syllables.slice(from, to);
  if (part.length === 0 || part.some((s) => s === null)) return [];
  const known = part.filter((s): s is string => s !== null);
  const full = known.join('');
  const out = [full];
  if (full.includes('v')) out.push(full.replace(/v/g, 'u')); // 绿 lv / lu: both are typed
  if (known.length > 1) out.push(known.map((s) => s.charAt(0)).join(''));
  return out;
}

interface HanRun {
  chars: string[];
  /** jieba search-mode words */
  words: string[];
  /** pinyin tokens of the words and of the whole run */
  pinyin: string[];
  syllables: (string | null)[];
}

function analyseRun(run: string, withPinyin: boolean): HanRun {
  const chars = Array.from(run);
  const words = segmenter().cutForSearch(run, true);
  if (!withPinyin) return { chars, words, pinyin: [], syllables: [] };
  const syllables = runPinyin(chars);
  const tokens: string[] = [];
  for (const word of words) {
    const at = run.indexOf(word);
    if (at < 0) continue;
    const from = at === 0 ? 0 : Array.from(run.slice(0, at)).length;
    tokens.push(...wordPinyin(syllables, from, from + Array.from(word).length));
  }
  if (chars.length > 1 && chars.length <= MAX_WHOLE_PINYIN_CHARS)
    tokens.push(...wordPinyin(syllables, 0, chars.length));
  return { chars, words, pinyin: tokens, syllables };
}

/** The initials of all the Han characters of a short text (several runs: 空气质量（小时）数据 → kqzlxssj). */
function wholeInitials(runs: readonly HanRun[]): string[] {
  const all = runs.flatMap((r) => r.syllables);
  if (runs.length < 2 || all.length > MAX_WHOLE_PINYIN_CHARS) return [];
  const known = all.filter((s): s is string => s !== null);
  return known.length > 1 ? [known.map((s) => s.charAt(0)).join('')] : [];
}

/**
 * Pinyin tokens of a text, lower-case ASCII: for each jieba search-mode word its toneless pinyin
 * joined (空气 → kongqi, 空气质量 → kongqizhiliang) and, for words of 2+ characters, its initials
 * (kq, kqzl); the same for each whole Han run of at most 24 characters (空气质量监测数据 →
 * kongqizhiliangjianceshuju, kqzljcsj), and the initials of all the text's Han characters when at
 * most 24. Polyphones are read in the context of their run by pinyin-pro. ü is written v (and u).
 */
export function pinyinTokens(text: string): string[] {
  const runs = pieces(text).flatMap((p) => (p.kind === 'han' ? [analyseRun(p.text, true)] : []));
  return uniq(
    [...runs.flatMap((r) => r.pinyin), ...wholeInitials(runs)].filter((t) => t.length <= MAX_LATIN_CHARS),
  );
}

function bigrams(chars: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
  return out;
}

/**
 * The tokens a field is indexed as (see the module comment): Han bigrams and each run's last
 * character, jieba search words of 3+ characters, latin words and numbers, and pinyin unless
 * `pinyin: false`. Distinct, space-free, safe for `to_tsvector('simple', tokens.join(' '))`.
 */
export function fieldTokens(text: string, options: { pinyin?: boolean } = {}): string[] {
  const withPinyin = options.pinyin !== false;
  const capped = text.length > MAX_FIELD_CHARS ? text.slice(0, MAX_FIELD_CHARS) : text;
  const out: string[] = [];
  const pinyinOut: string[] = [];
  const runs: HanRun[] = [];
  for (const p of pieces(capped)) {
    if (p.kind === 'latin') {
      if (p.text.length <= MAX_LATIN_CHARS) out.push(p.text);
      continue;
    }
    const run = analyseRun(p.text, withPinyin);
    runs.push(run);
    out.push(...bigrams(run.chars), run.chars[run.chars.length - 1] ?? '');
    for (const word of run.words) {
      const n = Array.from(word).length;
      if (n >= 3 && n <= MAX_WORD_CHARS) out.push(word);
    }
    pinyinOut.push(...run.pinyin);
  }
  if (withPinyin) pinyinOut.push(...wholeInitials(runs));
  return uniq([...out, ...pinyinOut.filter((t) => t.length <= MAX_LATIN_CHARS)].filter((t) => t !== ''));
}

const quote = (lexeme: string) => `'${lexeme}'`;

/** A parsed query: lexemes (exact or prefix) combined with AND and OR, as `toTsQuery` writes it. */
export type QueryNode = { lexeme: string; prefix: boolean } | { op: 'and' | 'or'; args: QueryNode[] };

const leaf = (lexeme: string, prefix = false): QueryNode => ({ lexeme, prefix });
const and = (args: QueryNode[]): QueryNode => (args.length === 1 && args[0] ? args[0] : { op: 'and', args });

interface Term {
  term: string;
  node: QueryNode;
  stop: boolean;
}

/** Query terms of one Han run: each jieba word required, as its bigrams. */
function hanTerms(run: string): Term[] {
  const runChars = Array.from(run);
  const out: Term[] = [];
  let at = 0;
  for (const word of segmenter().cut(run, true)) {
    const chars = Array.from(word);
    const from = at;
    at += chars.length;
    if (chars.length >= 2) {
      const grams = bigrams(chars);
      const all = grams.map(quote).join(' & ');
      const allNode = and(grams.map((g) => leaf(g)));
      if (chars.length === 2) {
        out.push({ term: all, node: allNode, stop: false });
      } else if (chars.length <= MAX_WORD_CHARS) {
        out.push({
          term: `(${quote(word)} | ${all})`,
          node: { op: 'or', args: [leaf(word), allNode] },
          stop: false,
        });
      } else {
        out.push({ term: `(${all})`, node: allNode, stop: false });
      }
      continue;
    }
    const stop = STOP_CHARS.has(word);
    if (runChars.length === 1) {
      out.push({ term: `${quote(word)}:*`, node: leaf(word, true), stop });
    } else {
      // A lone character inside a longer run: the bigram with its neighbour, as typed.
      const pair = (from > 0 ? runChars.slice(from - 1, from + 1) : runChars.slice(0, 2)).join('');
      out.push({ term: quote(pair), node: leaf(pair), stop });
    }
  }
  return out;
}

/**
 * A user query parsed: `tsquery` is the text for `to_tsquery('simple', …)`, `node` the same query
 * as a tree (for the in-memory index). Null when the query has no usable token. Han parts are cut
 * by jieba and every word is required (as its bigrams, so it matches inside longer words); latin
 * words and numbers are prefixes, taken as pinyin or initials too (`kongqi:*`, `kqzl:*`);
 * letters-only words typed apart also match joined (`kong qi` → `kong:* & qi:* | kongqi:*`).
 * At most `MAX_QUERY_CHARS` characters and `MAX_QUERY_TERMS` terms are used. The text holds only
 * quoted Han or `[a-z0-9]` lexemes and `& | ( ) :*`, so `to_tsquery` never rejects it.
 */
export function parseQuery(query: string): { tsquery: string; node: QueryNode } | null {
  const text = Array.from(query.slice(0, MAX_QUERY_CHARS * 4))
    .slice(0, MAX_QUERY_CHARS)
    .join('');
  const ps = pieces(text);
  const terms: Term[] = [];
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    if (!p) continue;
    if (p.kind === 'han') {
      terms.push(...hanTerms(p.text));
      continue;
    }
    // A group of letters-only words typed apart (pinyin syllables: "kong qi", "zhi liang").
    const letters = (q: Piece | undefined) => q?.kind === 'latin' && /^[a-z]+$/.test(q.text);
    const group = [p.text];
    while (group.length < 6 && letters(p) && letters(ps[i + 1]) && ps[i + 1]?.spaced) {
      group.push(ps[i + 1]?.text ?? '');
      i++;
    }
    const words = group.filter((w) => w.length <= MAX_LATIN_CHARS);
    if (words.length === 0) continue;
    const prefixes = words.map((w) => `${quote(w)}:*`).join(' & ');
    const prefixNode = and(words.map((w) => leaf(w, true)));
    const joined = words.join('');
    terms.push(
      words.length > 1 && joined.length <= MAX_LATIN_CHARS
        ? {
            term: `(${prefixes} | ${quote(joined)}:*)`,
            node: { op: 'or', args: [prefixNode, leaf(joined, true)] },
            stop: false,
          }
        : { term: prefixes, node: prefixNode, stop: false },
    );
  }
  const content = terms.filter((t) => !t.stop);
  const seen = new Set<string>();
  const kept = (content.length > 0 ? content : terms)
    .filter((t) => !seen.has(t.term) && seen.add(t.term))
    .slice(0, MAX_QUERY_TERMS);
  if (kept.length === 0) return null;
  return { tsquery: kept.map((t) => t.term).join(' & '), node: and(kept.map((t) => t.node)) };
}

/** The `to_tsquery('simple', …)` text of a user query (see `parseQuery`), or null. */
export function toTsQuery(query: string): string | null {
  return parseQuery(query)?.tsquery ?? null;
}
