/**
 * The published catalog held in memory for search: matching, ranking, facets and paging of a query
 * take a few milliseconds with no database work beyond reading one counter.
 *
 * The lexemes are the ones PostgreSQL stored in `catalog_versions.search` (read back as text), and
 * a query is the tree `parseQuery` builds together with its tsquery, so what matches here is what
 * `search @@ to_tsquery(…)` matches (checked against the SQL search in catalog.search-index.test.ts).
 * Every server process keeps its own index; `catalog_search_state.generation` moves (by trigger)
 * whenever a publication or a name that search shows changes, and the index reloads what changed
 * before answering.
 */
import { sql } from 'kysely';
import type { Db, CatalogFilter, FacetName } from './catalog.repository.ts';
import { emptyFacets } from './catalog.repository.ts';
import type { EntryMetadata } from './catalog.model.ts';
import type { QueryNode } from './search-text.ts';

/** Field weights as ts_rank_cd uses them by default: name A 1.0, keywords/labels B 0.4, abstract C 0.2, department D 0.1. */
const WEIGHTS = { A: 1, B: 0.4, C: 0.2, D: 0.1 } as const;

export interface SearchHit {
  id: string;
  code: string | null;
  orgId: string;
  orgName: string;
  divisionCode: string;
  name: string;
  abstract: string;
  classification: EntryMetadata['classification'];
  format: EntryMetadata['format'];
  shareType: EntryMetadata['shareType'];
  openType: EntryMetadata['openType'];
  updateCycle: EntryMetadata['updateCycle'];
  domains: string[];
  keywords: string[];
  versionNo: number;
  publishedAt: Date | null;
}

interface Doc {
  entryId: string;
  versionId: string;
  code: string | null;
  orgId: string;
  name: string;
  abstract: string;
  classification: EntryMetadata['classification'];
  format: EntryMetadata['format'];
  shareType: EntryMetadata['shareType'];
  openType: EntryMetadata['openType'];
  updateCycle: EntryMetadata['updateCycle'];
  domains: string[];
  keywords: string[];
  versionNo: number;
  publishedAt: number;
  /** ids of the doc's value in each facet of `FACETS` (set by `rebuild`), and of its domains */
  facetIds: Int32Array;
  domainIds: Int32Array;
  /** ids of the doc's lexemes, ascending; the positions of terms[k] are positions[offsets[k] … offsets[k+1]) */
  terms: Int32Array;
  offsets: Int32Array;
  /** position << 2 | weight (0 D … 3 A), as PostgreSQL keeps them */
  positions: Int32Array;
}

interface Org {
  name: string;
  divisionCode: string;
  divisionName: string;
}

export type Facets = Record<FacetName, { value: string; label: string; count: number }[]>;

/** The single-valued facets, in the order of `Doc.facetIds`. */
const FACETS = [
  'org',
  'division',
  'classification',
  'shareType',
  'openType',
  'format',
  'updateCycle',
] as const satisfies readonly FacetName[];
type SingleFacet = (typeof FACETS)[number];

/** Ids of the values of one facet. */
class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }
  /** The id of a value asked for in a filter: -1 when not asked, -2 when no document has it. */
  wanted(value: string | undefined): number {
    if (!value) return -1;
    return this.ids.get(value) ?? -2;
  }
}

/** Reused buffer for the positions of query lexemes in one document. */
let scratch = new Float64Array(1024);

const WEIGHT_INDEX: Record<string, number> = { D: 0, C: 1, B: 2, A: 3 };
/** Weight of each index as ts_rank_cd's default: D 0.1, C 0.2, B 0.4, A 1.0. */
const WEIGHT_OF = [WEIGHTS.D, WEIGHTS.C, WEIGHTS.B, WEIGHTS.A];

/** `'lexeme':1A,5 'other':3B …` (the text form of a tsvector) → each lexeme with its packed positions. */
export function parseTsvector(text: string): { lexeme: string; positions: number[] }[] {
  const out: { lexeme: string; positions: number[] }[] = [];
  // Lexemes written by search-text.ts never hold quotes, backslashes or spaces.
  for (const m of text.matchAll(/'((?:[^']|'')+)'(?::([0-9A-D,]+))?/g)) {
    const positions = (m[2] ?? '').split(',').flatMap((p) => {
      const pos = Number.parseInt(p, 10);
      if (!Number.isFinite(pos)) return [];
      return [(pos << 2) | (WEIGHT_INDEX[p.slice(-1)] ?? 0)];
    });
    out.push({ lexeme: (m[1] ?? '').replace(/''/g, "'"), positions });
  }
  return out;
}

export class CatalogSearchIndex {
  private docs: Doc[] = [];
  private byEntry = new Map<string, Doc>();
  private orgs = new Map<string, Org>();
  /** lexeme ↔ id (ids only grow) */
  private lexemeIds = new Map<string, number>();
  private lexemeNames: string[] = [];
  /** lexeme id → indexes into `docs`, ascending */
  private postings: Int32Array[] = [];
  /** lexeme ids in the order of their text, for prefixes */
  private sortedLexemes: Int32Array = new Int32Array(0);
  private generation = -1;
  private loading: Promise<void> | null = null;
  private dictionaries = FACETS.map(() => new Dictionary());
  private domainDictionary = new Dictionary();

  constructor(private readonly db: Db) {}

  /** Brings the index up to date with the database (cheap when nothing changed). */
  async refresh(): Promise<void> {
    const state = await this.db
      .selectFrom('catalog_search_state')
      .select('generation')
      .where('id', '=', 1)
      .executeTakeFirst();
    const generation = Number(state?.generation ?? 0);
    if (generation === this.generation) return;
    // One reload at a time; callers that arrive meanwhile wait for it and check again.
    while (this.loading) await this.loading;
    if (generation === this.generation) return;
    this.loading = this.reload(generation).finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async reload(generation: number): Promise<void> {
    const current = await this.db
      .selectFrom('catalog_entries')
      .select(['id', 'published_version_id'])
      .where('published_version_id', 'is not', null)
      .execute();
    const wanted = new Map(current.map((r) => [r.id, r.published_version_id ?? '']));
    const changed = current.filter((r) => this.byEntry.get(r.id)?.versionId !== r.published_version_id);
    const loaded = await this.loadDocs(changed.map((r) => r.id));
    const orgs = await this.db
      .selectFrom('organisations as o')
      .innerJoin('divisions as d', 'd.code', 'o.division_code')
      .select(['o.id', 'o.name', 'o.division_code', 'd.name as division_name'])
      .execute();
    const byEntry = new Map<string, Doc>();
    for (const [id, versionId] of wanted) {
      const doc = loaded.get(id) ?? this.byEntry.get(id);
      if (doc && doc.versionId === versionId) byEntry.set(id, doc);
    }
    this.orgs = new Map(
      orgs.map((o) => [o.id, { name: o.name, divisionCode: o.division_code, divisionName: o.division_name }]),
    );
    this.rebuild(byEntry);
    this.generation = generation;
  }

  private lexemeId(lexeme: string): number {
    let id = this.lexemeIds.get(lexeme);
    if (id === undefined) {
      id = this.lexemeNames.length;
      this.lexemeIds.set(lexeme, id);
      this.lexemeNames.push(lexeme);
    }
    return id;
  }

  private termsOf(parsed: { lexeme: string; positions: number[] }[]) {
    const withIds = parsed.map((p) => ({ id: this.lexemeId(p.lexeme), positions: p.positions }));
    withIds.sort((a, b) => a.id - b.id);
    const terms = new Int32Array(withIds.length);
    const offsets = new Int32Array(withIds.length + 1);
    const positions = new Int32Array(withIds.reduce((n, t) => n + t.positions.length, 0));
    let at = 0;
    withIds.forEach((t, k) => {
      terms[k] = t.id;
      offsets[k] = at;
      positions.set(t.positions, at);
      at += t.positions.length;
    });
    offsets[withIds.length] = at;
    return { terms, offsets, positions };
  }

  private async loadDocs(entryIds: string[]): Promise<Map<string, Doc>> {
    const out = new Map<string, Doc>();
    for (let i = 0; i < entryIds.length; i += 2000) {
      const rows = await this.db
        .selectFrom('catalog_entries as e')
        .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
        .select([
          'e.id',
          'e.code',
          'e.org_id',
          'v.id as version_id',
          'v.version_no',
          'v.name',
          'v.classification',
          'v.format',
          'v.share_type',
          'v.open_type',
          'v.update_cycle',
          'v.domains',
          'v.published_at',
          sql<string>`v.metadata->>'abstract'`.as('abstract'),
          sql<string[]>`v.metadata->'keywords'`.as('keywords'),
          sql<string>`coalesce(v.search::text, '')`.as('lexemes'),
        ])
        .where('e.id', 'in', entryIds.slice(i, i + 2000))
        .execute();
      for (const r of rows) {
        out.set(r.id, {
          entryId: r.id,
          versionId: r.version_id,
          code: r.code,
          orgId: r.org_id,
          name: r.name,
          abstract: r.abstract,
          // The columns hold the published metadata's values, checked when it was submitted.
          classification: r.classification as EntryMetadata['classification'],
          format: r.format as EntryMetadata['format'],
          shareType: r.share_type as EntryMetadata['shareType'],
          openType: r.open_type as EntryMetadata['openType'],
          updateCycle: r.update_cycle as EntryMetadata['updateCycle'],
          domains: r.domains,
          keywords: Array.isArray(r.keywords) ? r.keywords : [],
          versionNo: r.version_no,
          publishedAt: r.published_at?.getTime() ?? 0,
          facetIds: new Int32Array(FACETS.length),
          domainIds: new Int32Array(0),
          ...this.termsOf(parseTsvector(r.lexemes)),
        });
      }
    }
    return out;
  }

  private rebuild(byEntry: Map<string, Doc>): void {
    // Default order: newest first, then by code, so a page without text needs no sort.
    const docs = [...byEntry.values()].sort(
      (a, b) => b.publishedAt - a.publishedAt || (a.code ?? '').localeCompare(b.code ?? ''),
    );
    this.dictionaries = FACETS.map(() => new Dictionary());
    this.domainDictionary = new Dictionary();
    for (const doc of docs) {
      FACETS.forEach((facet, k) => {
        doc.facetIds[k] = this.dictionaries[k]?.id(this.facetValue(doc, facet)) ?? -1;
      });
      doc.domainIds = Int32Array.from(doc.domains, (d) => this.domainDictionary.id(d));
    }
    const counts = new Int32Array(this.lexemeNames.length);
    for (const doc of docs) for (const t of doc.terms) counts[t] = (counts[t] ?? 0) + 1;
    const postings = Array.from(counts, (n) => new Int32Array(n));
    const fill = new Int32Array(this.lexemeNames.length);
    docs.forEach((doc, i) => {
      for (const t of doc.terms) {
        const list = postings[t];
        const k = fill[t] ?? 0;
        if (list) list[k] = i;
        fill[t] = k + 1;
      }
    });
    if (this.sortedLexemes.length !== this.lexemeNames.length) {
      const names = this.lexemeNames;
      this.sortedLexemes = Int32Array.from(names.keys()).sort((a, b) => {
        const x = names[a] ?? '';
        const y = names[b] ?? '';
        return x < y ? -1 : x > y ? 1 : 0;
      });
    }
    this.docs = docs;
    this.byEntry = byEntry;
    this.postings = postings;
  }

  private facetValue(doc: Doc, facet: SingleFacet): string {
    switch (facet) {
      case 'org':
        return doc.orgId;
      case 'division':
        return this.orgs.get(doc.orgId)?.divisionCode ?? '';
      case 'classification':
        return doc.classification;
      case 'shareType':
        return doc.shareType;
      case 'openType':
        return doc.openType;
      case 'format':
        return doc.format;
      case 'updateCycle':
        return doc.updateCycle;
    }
  }

  get size(): number {
    return this.docs.length;
  }

  /** The ids of the lexemes starting with `prefix`. */
  private prefixIds(prefix: string): number[] {
    const name = (k: number) => this.lexemeNames[this.sortedLexemes[k] ?? -1] ?? '';
    let lo = 0;
    let hi = this.sortedLexemes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (name(mid) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let k = lo; k < this.sortedLexemes.length && name(k).startsWith(prefix); k++)
      out.push(this.sortedLexemes[k] ?? -1);
    return out;
  }

  /** The lexeme ids a query leaf stands for (a prefix: every lexeme it starts). */
  private idsOf(node: QueryNode): number[] {
    if (!('lexeme' in node)) return [];
    const leaf = node;
    if (leaf.prefix) return this.prefixIds(leaf.lexeme);
    const id = this.lexemeIds.get(leaf.lexeme);
    return id === undefined ? [] : [id];
  }

  /** The documents matching a query node, as a 0/1 array over `docs`. */
  private evaluate(node: QueryNode, leafIds: Map<QueryNode, number[]>): Uint8Array {
    const n = this.docs.length;
    if ('lexeme' in node) {
      const out = new Uint8Array(n);
      for (const id of leafIds.get(node) ?? []) for (const i of this.postings[id] ?? []) out[i] = 1;
      return out;
    }
    const parts = node.args.map((a) => this.evaluate(a, leafIds));
    const out = parts[0] ?? new Uint8Array(n);
    for (const part of parts.slice(1)) {
      if (node.op === 'and') for (let i = 0; i < n; i++) out[i] = (out[i] ?? 0) & (part[i] ?? 0);
      else for (let i = 0; i < n; i++) out[i] = (out[i] ?? 0) | (part[i] ?? 0);
    }
    return out;
  }

  /**
   * PostgreSQL's `ts_rank_cd` (cover density, default weights, no normalisation) of one document:
   * every minimal stretch of text that satisfies the query adds the harmonic mean of its weights
   * divided by one plus the words in it that are not query words. As a float4, like PostgreSQL.
   * `leafIds[li]` are the (ascending) lexeme ids of leaf `li`; `satisfied` tells whether a set of
   * leaves (a bit mask, at most 31 leaves) satisfies the query.
   */
  private coverDensity(doc: Doc, leafIds: readonly number[][], satisfied: (mask: number) => boolean) {
    // Every occurrence of a query lexeme as position·4+weight in the high part and its leaf below.
    let n = 0;
    const push = (packed: number, li: number) => {
      if (n === scratch.length) {
        const bigger = new Float64Array(scratch.length * 2);
        bigger.set(scratch);
        scratch = bigger;
      }
      scratch[n++] = packed * 32 + li;
    };
    const terms = doc.terms;
    leafIds.forEach((ids, li) => {
      const take = (k: number) => {
        for (let x = doc.offsets[k] ?? 0; x < (doc.offsets[k + 1] ?? 0); x++) push(doc.positions[x] ?? 0, li);
      };
      if (ids.length < 8) {
        for (const id of ids) {
          const k = findTerm(terms, id);
          if (k >= 0) take(k);
        }
        return;
      }
      // Many lexemes (a prefix): walk both ascending lists together.
      let a = 0;
      let b = 0;
      while (a < terms.length && b < ids.length) {
        const t = terms[a] ?? 0;
        const id = ids[b] ?? 0;
        if (t === id) take(a);
        if (t <= id) a++;
        if (t >= id) b++;
      }
    });
    const found = scratch.subarray(0, n).sort();
    // Group by position: position, weight and the mask of the leaves found there.
    const pos: number[] = [];
    const weight: number[] = [];
    const mask: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = found[i] ?? 0;
      const packed = Math.floor(v / 32);
      const p = packed >> 2;
      const bit = 1 << (v - packed * 32);
      if (pos.length > 0 && pos[pos.length - 1] === p)
        mask[mask.length - 1] = (mask[mask.length - 1] ?? 0) | bit;
      else {
        pos.push(p);
        weight.push(WEIGHT_OF[packed & 3] ?? WEIGHTS.D);
        mask.push(bit);
      }
    }
    let rank = 0;
    let start = 0;
    for (;;) {
      let seen = 0;
      let end = -1;
      for (let i = start; i < pos.length; i++) {
        seen |= mask[i] ?? 0;
        if (satisfied(seen)) {
          end = i;
          break;
        }
      }
      if (end < 0) break;
      seen = 0;
      let begin = end;
      for (let i = end; i >= start; i--) {
        seen |= mask[i] ?? 0;
        if (satisfied(seen)) {
          begin = i;
          break;
        }
      }
      let inverse = 0;
      for (let i = begin; i <= end; i++) inverse += 1 / (weight[i] ?? WEIGHTS.D);
      const cpos = (end - begin + 1) / inverse;
      let noise = (pos[end] ?? 0) - (pos[begin] ?? 0) - (end - begin);
      if (noise < 0) noise = (end - begin) / 2;
      rank += cpos / (1 + noise);
      start = begin + 1;
    }
    return Math.fround(rank);
  }

  /**
   * One page of the published entries matching the query and filters, by relevance (then newest,
   * then code), the total, and the counts per value of every facet over the filtered set.
   */
  search(
    node: QueryNode | null,
    filter: Omit<CatalogFilter, 'tsQuery'>,
    offset: number,
    limit: number,
  ): { rows: SearchHit[]; total: number; facets: Facets } {
    const leaves = node ? leavesOf(node) : [];
    const ids = leaves.map((leaf) => this.idsOf(leaf).sort((a, b) => a - b));
    const leafIds = new Map(leaves.map((leaf, li) => [leaf, ids[li] ?? []]));
    const matched = node ? this.evaluate(node, leafIds) : null;

    const wanted = [
      filter.orgId,
      filter.divisionCode,
      filter.classification,
      filter.shareType,
      filter.openType,
      filter.format,
      filter.updateCycle,
    ].map((v, k) => this.dictionaries[k]?.wanted(v) ?? -1);
    const domain = this.domainDictionary.wanted(filter.domain);
    const hits: number[] = [];
    if (!wanted.includes(-2) && domain !== -2) {
      for (let i = 0; i < this.docs.length; i++) {
        const doc = this.docs[i];
        if (!doc || (matched && !matched[i])) continue;
        if (wanted.some((w, k) => w >= 0 && doc.facetIds[k] !== w)) continue;
        if (domain >= 0 && !doc.domainIds.includes(domain)) continue;
        if (filter.openCatalogOnly && doc.openType !== 'open' && doc.openType !== 'on_application') continue;
        hits.push(i);
      }
    }
    if (node && hits.length > 0) {
      const satisfied = compileMask(node, new Map(leaves.map((leaf, li) => [leaf, li])));
      const ranks = new Float64Array(this.docs.length);
      for (const i of hits) {
        const doc = this.docs[i];
        if (doc) ranks[i] = satisfied ? this.coverDensity(doc, ids, satisfied) : 0;
      }
      // Ties keep the default order (newest, then code): `hits` is ascending and the sort is stable.
      hits.sort((a, b) => (ranks[b] ?? 0) - (ranks[a] ?? 0));
    }
    return {
      rows: hits.slice(offset, offset + limit).flatMap((i) => {
        const doc = this.docs[i];
        return doc ? [this.hit(doc)] : [];
      }),
      total: hits.length,
      facets: this.facets(hits),
    };
  }

  private hit(doc: Doc): SearchHit {
    const org = this.orgs.get(doc.orgId);
    return {
      id: doc.entryId,
      code: doc.code,
      orgId: doc.orgId,
      orgName: org?.name ?? '',
      divisionCode: org?.divisionCode ?? '',
      name: doc.name,
      abstract: doc.abstract,
      classification: doc.classification,
      format: doc.format,
      shareType: doc.shareType,
      openType: doc.openType,
      updateCycle: doc.updateCycle,
      domains: doc.domains,
      keywords: doc.keywords,
      versionNo: doc.versionNo,
      publishedAt: doc.publishedAt ? new Date(doc.publishedAt) : null,
    };
  }

  private facets(hits: readonly number[]): Facets {
    const counts = this.dictionaries.map((d) => new Int32Array(d.values.length));
    const domainCounts = new Int32Array(this.domainDictionary.values.length);
    for (const i of hits) {
      const doc = this.docs[i];
      if (!doc) continue;
      for (let k = 0; k < FACETS.length; k++) {
        const c = counts[k];
        const id = doc.facetIds[k] ?? -1;
        if (c && id >= 0) c[id] = (c[id] ?? 0) + 1;
      }
      for (const d of doc.domainIds) domainCounts[d] = (domainCounts[d] ?? 0) + 1;
    }
    const divisionName = new Map([...this.orgs.values()].map((o) => [o.divisionCode, o.divisionName]));
    const label = (facet: FacetName, value: string) =>
      facet === 'org'
        ? (this.orgs.get(value)?.name ?? value)
        : facet === 'division'
          ? (divisionName.get(value) ?? value)
          : value;
    const list = (facet: FacetName, values: readonly string[], c: Int32Array | undefined) =>
      values
        .map((value, id) => ({ value, label: label(facet, value), count: c?.[id] ?? 0 }))
        .filter((f) => f.count > 0)
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'zh'));
    const out = emptyFacets();
    FACETS.forEach((facet, k) => {
      out[facet] = list(facet, this.dictionaries[k]?.values ?? [], counts[k]);
    });
    out.domain = list('domain', this.domainDictionary.values, domainCounts);
    return out;
  }
}

/**
 * The query as a test on a bit mask of the leaves present (leaf i ↔ bit i), or null when it has
 * more than 31 leaves (then every match ranks 0 and keeps the default order).
 */
function compileMask(node: QueryNode, index: Map<QueryNode, number>): ((mask: number) => boolean) | null {
  if (index.size > 31) return null;
  const compile = (n: QueryNode): ((mask: number) => boolean) => {
    if ('lexeme' in n) {
      const bit = 1 << (index.get(n) ?? 31);
      return (mask) => (mask & bit) !== 0;
    }
    const parts = n.args.map(compile);
    // An AND of leaves alone (the common case) is one comparison.
    if (n.op === 'and' && n.args.every((a) => 'lexeme' in a)) {
      const all = n.args.reduce((m, a) => m | (1 << (index.get(a) ?? 31)), 0);
      return (mask) => (mask & all) === all;
    }
    return n.op === 'and' ? (mask) => parts.every((p) => p(mask)) : (mask) => parts.some((p) => p(mask));
  };
  return compile(node);
}

/** The leaves of a query tree, each node object once. */
function leavesOf(node: QueryNode): QueryNode[] {
  return 'lexeme' in node ? [node] : node.args.flatMap(leavesOf);
}

/** Index of a lexeme id in a document's ascending `terms`, or -1. */
function findTerm(terms: Int32Array, id: number): number {
  let lo = 0;
  let hi = terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = terms[mid] ?? 0;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
