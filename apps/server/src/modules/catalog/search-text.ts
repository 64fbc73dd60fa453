/**
 * Chinese full-text search for the catalog, identical on PostgreSQL and on embedded PGlite.
 *
 * Neither backend is assumed to have a Chinese text-search extension (zhparser and the like), so the
 * text is tokenised here, in Node, and handed to PostgreSQL already split into space-separated
 * tokens that the built-in `simple` configuration keeps one lexeme each: a token is either a run of
 * Han characters (the default parser takes every non-ASCII character as a letter in a UTF-8
 * database, under C.UTF-8 as under glibc locales) or `[a-z0-9]+`. No token carries punctuation,
 * so `to_tsvector('simple', …)` and `to_tsquery('simple', …)` never split or reject one.
 *
 * Words come from ICU's word segmentation (`Intl.Segmenter`, whose dictionary is part of the node
 * binary: no native module, no dictionary of ours in memory). ICU cuts 空气质量监测数据 into
 * 空气/质量/监测/数据, and a word its dictionary lacks into characters (住房/公/积/金/缴/存/信息).
 * Matching does not depend on how a text was cut; words only serve ranking and pinyin.
 *
 * What a field is indexed as (`fieldTokens`):
 *  - every Han **bigram** of each run of Han characters, plus the run's **last character**. This is
 *    what makes partial words work whatever the segmenter does: a query word of 2+ characters
 *    becomes the AND of its own bigrams, which every text containing it as a substring has, however
 *    that text was cut (质量 finds 空气质量监测; 监测站 finds 生态环境监测站点). A one-character
 *    query word becomes a prefix `字:*`, which matches a bigram starting with it or a run's last
 *    character — so any character of any run. Bigrams are ~1 lexeme per character: small for names,
 *    keywords and labels; abstracts are capped (`MAX_FIELD_CHARS`).
 *  - the **search-mode words** of 3+ characters (those of 2 are bigrams already): each ICU word and
 *    each join of 2–3 adjacent ones (`searchWords`: 空气质量, 质量监测, 公积金). They are not needed
 *    to match; a query asks for `(words joined | the words)`, so a text where the words stand
 *    together ranks above one where they are apart.
 *  - latin words and numbers, lower-cased (NFKC: full-width letters and digits are folded).
 *  - **pinyin** (optional per field, see `pinyinTokens`): full toneless pinyin and initials of each
 *    Han run from every place a word starts to the end of the run, and initials of the whole text
 *    when short.
 *
 * A query (`toTsQuery`) is the AND of its terms: Han words (ICU, see `hanTerms`) as bigram groups,
 * latin words as prefixes (`kong:*` matches kongqi…, `kqzl:*` matches kqzljcsj).
 * Rank with `ts_rank_cd` over the weighted vector (`rankSql`, search-text.sql.ts): name A, keywords and data item
 * labels B, abstract C, department name D.
 *
 * `TOKENIZER` names this way of tokenising; the catalog re-indexes stored vectors made another way
 * (catalog.reindex.ts).
 */
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
/** Most characters of a pinyin token (the rest of a run from a word on; the initials of a whole text). */
const MAX_WHOLE_PINYIN_CHARS = 24;
/** Longest latin token kept (the rest is noise, and lexemes are limited to 2 KiB). */
const MAX_LATIN_CHARS = 64;
/** Longest Han search word indexed as a token of its own. */
const MAX_WORD_CHARS = 24;
/**
 * The name of the way the catalog's search vectors are made, stored with them: change it whenever
 * what `fieldTokens` gives for a text, or which fields `searchVector` (catalog.service.ts) indexes
 * how, changes, and every vector is made again at the next start. `icu-1`: the first ICU words, with
 * pinyin of abstracts; `icu-2`: abstracts without pinyin.
 */
export const TOKENIZER = 'icu-2';
/** One-character function words dropped from a query that has other terms. */
const STOP_CHARS = new Set(['的', '了', '和', '与', '及', '或', '之', '等', '并', '其']);

/** ICU's word segmenter; its dictionary is part of the node binary. Made on first use. */
let icu: Intl.Segmenter | undefined;

function wordSegmenter(): Intl.Segmenter {
  icu ??= new Intl.Segmenter('zh', { granularity: 'word' });
  return icu;
}

/** Loads the segmenter's and pinyin's dictionaries now instead of on the first search (e.g. at server start). */
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

/** A word of a Han run and where it is, in characters. */
interface Word {
  text: string;
  from: number;
  to: number;
}

/** ICU's words of a Han run, in order: together they are the run (空气质量监测 → 空气, 质量, 监测). */
function icuWords(run: string): Word[] {
  const out: Word[] = [];
  let at = 0;
  for (const { segment: text } of wordSegmenter().segment(run)) {
    const n = Array.from(text).length;
    out.push({ text, from: at, to: at + n });
    at += n;
  }
  return out;
}

/** Most adjacent ICU words joined into one search-mode word. */
const MAX_JOINED_WORDS = 3;

/**
 * Search-mode words of a Han run (as a search engine's segmenter gives words and the phrases
 * they make): each ICU word and each concatenation of 2–3 adjacent ones, of at most `MAX_WORD_CHARS`
 * characters. 空气质量监测 → 空气, 空气质量, 空气质量监测, 质量, 质量监测, 监测; ICU cuts a word its
 * dictionary lacks into characters, which the joins put back (公/积/金 → 公积, 公积金).
 * Distinct by text, in order of first appearance.
 */
function searchWords(words: readonly Word[]): Word[] {
  const out: Word[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const first = words[i];
    if (!first) continue;
    let text = '';
    for (let k = i; k < Math.min(words.length, i + MAX_JOINED_WORDS); k++) {
      const w = words[k];
      if (!w || w.to - first.from > MAX_WORD_CHARS) break;
      text += w.text;
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ text, from: first.from, to: w.to });
    }
  }
  return out;
}

/**
 * Chinese word segmentation, search-engine style (ICU words and their joins, see `searchWords`):
 * 空气质量监测 → 空气, 空气质量, 空气质量监测, 质量, 质量监测, 监测. Latin words and numbers are kept
 * lower-cased; punctuation, symbols and whitespace are dropped. Distinct tokens in order of first
 * appearance.
 */
export function segment(text: string): string[] {
  const out: string[] = [];
  for (const p of pieces(text)) {
    if (p.kind === 'latin') out.push(p.text);
    else out.push(...searchWords(icuWords(p.text)).map((w) => w.text));
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

/**
 * Full pinyin and initials of the characters of a run from `from` on, as far as the run goes (at
 * most `MAX_WHOLE_PINYIN_CHARS` characters and `MAX_LATIN_CHARS` letters, and up to a character
 * without a reading). Latin query words are prefixes, so these find any pinyin typed from there on,
 * whatever words it spans: 住房公积金缴存 from 住 → zhufanggongjijinjiaocun (`zhufang`,
 * `zhufanggongjijin`), zfgjjjc (`zfgjj`).
 */
function restPinyin(syllables: readonly (string | null)[], from: number): string[] {
  let letters = 0;
  let to = from;
  while (to < syllables.length && to - from < MAX_WHOLE_PINYIN_CHARS) {
    const s = syllables[to];
    if (s === null || s === undefined || letters + s.length > MAX_LATIN_CHARS) break;
    letters += s.length;
    to++;
  }
  return to > from ? wordPinyin(syllables, from, to) : [];
}

/**
 * Where a pinyin query may start in a run: where each ICU word starts, and at each character
 * inside a word of 3+ characters (ICU keeps 交通事故 whole; 事故 `shigu` is a word too).
 */
function pinyinStarts(words: readonly Word[]): number[] {
  const out: number[] = [];
  for (const w of words) {
    if (w.to - w.from >= 3) for (let i = w.from; i < w.to; i++) out.push(i);
    else out.push(w.from);
  }
  return out;
}

interface HanRun {
  chars: string[];
  /** search-mode words */
  words: Word[];
  /** pinyin tokens: the rest of the run from each place a word starts */
  pinyin: string[];
  syllables: (string | null)[];
}

function analyseRun(run: string, withPinyin: boolean): HanRun {
  const chars = Array.from(run);
  const icu = icuWords(run);
  const words = searchWords(icu);
  if (!withPinyin) return { chars, words, pinyin: [], syllables: [] };
  const syllables = runPinyin(chars);
  const pinyin = pinyinStarts(icu).flatMap((from) => restPinyin(syllables, from));
  return { chars, words, pinyin, syllables };
}

/** The initials of all the Han characters of a short text (several runs: 空气质量（小时）数据 → kqzlxssj). */
function wholeInitials(runs: readonly HanRun[]): string[] {
  const all = runs.flatMap((r) => r.syllables);
  if (runs.length < 2 || all.length > MAX_WHOLE_PINYIN_CHARS) return [];
  const known = all.filter((s): s is string => s !== null);
  return known.length > 1 ? [known.map((s) => s.charAt(0)).join('')] : [];
}

/**
 * Pinyin tokens of a text, lower-case ASCII: for each place in a Han run where a word starts
 * (`pinyinStarts`), the toneless pinyin of the rest of the run joined and, over 2+ characters, its
 * initials (`restPinyin`: 空气质量监测数据 → kongqizhiliangjianceshuju, kqzljcsj,
 * zhiliangjianceshuju, zljcsj, jianceshuju, jcsj, shuju, sj), and the initials of all the text's
 * Han characters when at most 24 (空气质量（小时）数据 → kqzlxssj). A latin query word is a prefix,
 * so `kongqi`, `kqzl`, `zhiliang` and `jiance` all find the first. Polyphones are read in the
 * context of their run by pinyin-pro. ü is written v (and u).
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
 * character, search-mode words of 3+ characters, latin words and numbers, and pinyin unless
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
    for (const word of run.words) if (word.to - word.from >= 3) out.push(word.text);
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
  /** the Han lexemes the term requires (its bigrams) */
  lexemes: string[];
}

/** The term of one ICU word of a query's Han run: required as its bigrams, so it matches inside longer words. */
function wordTerm(word: Word, runChars: readonly string[]): Term {
  const chars = Array.from(word.text);
  if (chars.length >= 2) {
    const grams = bigrams(chars);
    const all = grams.map(quote).join(' & ');
    const allNode = and(grams.map((g) => leaf(g)));
    if (chars.length === 2) return { term: all, node: allNode, stop: false, lexemes: grams };
    if (chars.length <= MAX_WORD_CHARS)
      return {
        term: `(${quote(word.text)} | ${all})`,
        node: { op: 'or', args: [leaf(word.text), allNode] },
        stop: false,
        lexemes: grams,
      };
    return { term: `(${all})`, node: allNode, stop: false, lexemes: grams };
  }
  const stop = STOP_CHARS.has(word.text);
  if (runChars.length === 1)
    return { term: `${quote(word.text)}:*`, node: leaf(word.text, true), stop, lexemes: [] };
  // A lone character inside a longer run: the bigram with its neighbour, as typed.
  const from = word.from;
  const pair = (from > 0 ? runChars.slice(from - 1, from + 1) : runChars.slice(0, 2)).join('');
  return { term: quote(pair), node: leaf(pair), stop, lexemes: [pair] };
}

/**
 * The words of a query's Han run: ICU's, except that a stretch of one-character words other than
 * function words (ICU cuts a word its dictionary lacks into characters: 公/积/金, 公/交/站/点) is
 * taken as one word of 2–3 characters, or as pairs when longer (公积金; 公交, 站点). `count` is the
 * number of ICU words in it.
 */
function queryWords(run: string): (Word & { count: number })[] {
  const words = icuWords(run);
  const single = (k: number) => {
    const w = words[k];
    return w !== undefined && w.to - w.from === 1 && !STOP_CHARS.has(w.text);
  };
  const out: (Word & { count: number })[] = [];
  const push = (i: number, j: number) => {
    const first = words[i];
    const last = words[j - 1];
    if (!first || !last) return;
    const text = words
      .slice(i, j)
      .map((w) => w.text)
      .join('');
    out.push({ text, from: first.from, to: last.to, count: j - i });
  };
  for (let i = 0; i < words.length;) {
    let j = i + 1;
    if (single(i)) while (j < words.length && single(j)) j++;
    // 2–3 characters stay together; 4+ go in pairs (the last takes 3 when odd).
    for (let k = i; k < j;) {
      const n = j - k <= 3 ? j - k : 2;
      push(k, k + n);
      k += n;
    }
    i = j;
  }
  return out;
}

/**
 * Query terms of one Han run: each word (`queryWords`) required, as its bigrams (`wordTerm`).
 * Adjacent words of up to 3 ICU words in all, no function word among them, are grouped left to
 * right, and a group is asked for as `(joined | its words)`: the same texts match, and one where
 * the words stand together (a search-mode word of the index, see `searchWords`) ranks higher:
 * 空气质量 → `('空气质量' | '空气' & '质量')`.
 */
function hanTerms(run: string): Term[] {
  const runChars = Array.from(run);
  const words = queryWords(run);
  const terms = words.map((w) => wordTerm(w, runChars));
  const out: Term[] = [];
  for (let i = 0; i < words.length;) {
    const first = words[i];
    let count = first?.count ?? 0;
    let j = i + 1;
    const joins = (k: number) =>
      terms[k - 1]?.stop === false &&
      terms[k]?.stop === false &&
      (words[k]?.to ?? 0) - (first?.from ?? 0) <= MAX_WORD_CHARS;
    while (j < words.length && joins(j) && count + (words[j]?.count ?? 0) <= MAX_JOINED_WORDS) {
      count += words[j]?.count ?? 0;
      j++;
    }
    const last = words[j - 1];
    const group = terms.slice(i, j);
    i = j;
    if (!first || !last || group.length === 1) {
      out.push(...group);
      continue;
    }
    const joined = runChars.slice(first.from, last.to).join('');
    // Terms inside the group are alternatives to it (a text holding the joined word holds all its
    // bigrams); a lone character paired with the one before the group stays apart.
    const isInner = (t: Term) => t.lexemes.every((l) => joined.includes(l));
    const inner = uniqTerms(group.filter(isInner));
    out.push(
      {
        term: `(${quote(joined)} | ${inner.map((t) => t.term).join(' & ')})`,
        node: { op: 'or', args: [leaf(joined), and(inner.map((t) => t.node))] },
        stop: false,
        lexemes: inner.flatMap((t) => t.lexemes),
      },
      ...uniqTerms(group.filter((t) => !isInner(t))),
    );
  }
  return out;
}

function uniqTerms(terms: readonly Term[]): Term[] {
  const seen = new Set<string>();
  return terms.filter((t) => !seen.has(t.term) && seen.add(t.term));
}

/**
 * A user query parsed: `tsquery` is the text for `to_tsquery('simple', …)`, `node` the same query
 * as a tree (for the in-memory index). Null when the query has no usable token. Han parts are cut
 * by ICU (`hanTerms`) and every word is required (as its bigrams, so it matches inside longer words); latin
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
            lexemes: [],
          }
        : { term: prefixes, node: prefixNode, stop: false, lexemes: [] },
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
