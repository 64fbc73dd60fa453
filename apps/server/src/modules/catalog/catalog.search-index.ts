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
import type { Db } from '../../db/database.ts';
import type { CatalogFilter, FacetName } from './catalog.repository.ts';
import {
  emptyFacets,
  publishedVersionIds,
  searchDocuments,
  searchGeneration,
  searchOrganisations,
} from './catalog.repository.ts';
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

/** Reused buffers for the positions of query lexemes in one document, and their grouping. */
let scratch = new Float64Array(1024);
let groupPos = new Int32Array(1024);
let groupWeight = new Float64Array(1024);
let groupMask = new Int32Array(1024);

/** Weight of each index as ts_rank_cd's default: D 0.1, C 0.2, B 0.4, A 1.0. */
const WEIGHT_OF = [WEIGHTS.D, WEIGHTS.C, WEIGHTS.B, WEIGHTS.A];

const WEIGHT_CODE: Record<string, number> = { D: 0, C: 1, B: 2, A: 3 };

/**
 * Reads the text form of a tsvector (`'lexeme':1A,5 'other':3B …`) into a document's lexeme ids
 * (ascending) and packed positions. Lexemes written by search-text.ts never hold spaces or
 * backslashes; a quote inside one would be doubled and is read back as one.
 */
export function readTsvector(
  text: string,
  idOf: (lexeme: string) => number,
): { terms: Int32Array; offsets: Int32Array; positions: Int32Array } {
  const ids: number[] = [];
  const starts: number[] = [];
  const packed: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) !== 39 /* ' */) {
      i++;
      continue;
    }
    let j = i + 1;
    let lexeme = '';
    for (;;) {
      const q = text.indexOf("'", j);
      if (q < 0) {
        j = text.length;
        break;
      }
      lexeme += text.slice(j, q);
      if (text.charCodeAt(q + 1) === 39) {
        lexeme += "'";
        j = q + 2;
        continue;
      }
      j = q + 1;
      break;
    }
    ids.push(idOf(lexeme));
    starts.push(packed.length);
    if (text.charCodeAt(j) === 58 /* : */) {
      j++;
      let pos = 0;
      for (; j <= text.length; j++) {
        const c = text.charCodeAt(j);
        if (c >= 48 && c <= 57) pos = pos * 10 + (c - 48);
        else {
          const w = WEIGHT_CODE[text[j] ?? ''];
          packed.push((pos << 2) | (w ?? 0));
          pos = 0;
          if (w !== undefined) j++;
          if (text.charCodeAt(j) !== 44 /* , */) break;
        }
      }
    }
    i = j;
  }
  starts.push(packed.length);
  const order = ids.map((_, k) => k).sort((a, b) => (ids[a] ?? 0) - (ids[b] ?? 0));
  const terms = new Int32Array(order.length);
  const offsets = new Int32Array(order.length + 1);
  const positions = new Int32Array(packed.length);
  let at = 0;
  order.forEach((k, n) => {
    terms[n] = ids[k] ?? 0;
    offsets[n] = at;
    for (let x = starts[k] ?? 0; x < (starts[k + 1] ?? 0); x++) positions[at++] = packed[x] ?? 0;
  });
  offsets[order.length] = at;
  return { terms, offsets, positions };
}

/**
 * How long a search may answer from the index without asking the database whether the catalog
 * changed: what another server process publishes (or a renamed organisation) shows within this
 * time, as in Elasticsearch's default refresh interval. This process's own publications show at once.
 */
export const REFRESH_INTERVAL_MS = 1000;
let localChanges = 0;

/** Tells the indexes of this process that the published catalog changed (call after the commit). */
export function catalogChanged(): void {
  localChanges++;
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
  /** The tokenisation of the vectors the documents were read from (catalog.reindex.ts). */
  private tokenizer: string | null | undefined = undefined;
  private loading: Promise<void> | null = null;
  private checkedAt = 0;
  private seenLocalChanges = -1;
  private dictionaries = FACETS.map(() => new Dictionary());
  private domainDictionary = new Dictionary();
  /** Columns over `docs`: the value id of each facet, open-catalog membership, domain ids (CSR). */
  private facetColumns: Int32Array[] = [];
  private inOpenCatalog = new Uint8Array(0);
  private domainStarts = new Int32Array(1);
  private domainValues = new Int32Array(0);

  constructor(private readonly db: Db) {}

  /** Brings the index up to date with the database (cheap when nothing changed). */
  async refresh(): Promise<void> {
    const now = Date.now();
    if (this.seenLocalChanges === localChanges && now - this.checkedAt < REFRESH_INTERVAL_MS) return;
    this.seenLocalChanges = localChanges;
    this.checkedAt = now;
    const { generation, tokenizer } = await searchGeneration(this.db);
    if (generation === this.generation) return;
    // One reload at a time; callers that arrive meanwhile wait for it and check again.
    while (this.loading) await this.loading;
    if (generation === this.generation) return;
    this.loading = this.reload(generation, tokenizer).finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async reload(generation: number, tokenizer: string | null): Promise<void> {
    const current = await publishedVersionIds(this.db);
    const wanted = new Map(current.map((r) => [r.id, r.published_version_id ?? '']));
    // Vectors made again by a re-index keep their version: then every document is read again.
    const retokenised = this.tokenizer !== undefined && this.tokenizer !== tokenizer;
    const changed = current.filter(
      (r) => retokenised || this.byEntry.get(r.id)?.versionId !== r.published_version_id,
    );
    const loaded = await this.loadDocs(changed.map((r) => r.id));
    const orgs = await searchOrganisations(this.db);
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
    this.tokenizer = tokenizer;
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

  private async loadDocs(entryIds: string[]): Promise<Map<string, Doc>> {
    const out = new Map<string, Doc>();
    for (let i = 0; i < entryIds.length; i += 2000) {
      const rows = await searchDocuments(this.db, entryIds.slice(i, i + 2000));
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
          ...readTsvector(r.lexemes, (lexeme) => this.lexemeId(lexeme)),
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
    this.facetColumns = FACETS.map((facet, k) =>
      Int32Array.from(docs, (doc) => this.dictionaries[k]?.id(this.facetValue(doc, facet)) ?? -1),
    );
    this.inOpenCatalog = Uint8Array.from(docs, (d) =>
      d.openType === 'open' || d.openType === 'on_application' ? 1 : 0,
    );
    this.domainStarts = new Int32Array(docs.length + 1);
    const domainValues: number[] = [];
    docs.forEach((doc, i) => {
      this.domainStarts[i] = domainValues.length;
      for (const d of doc.domains) domainValues.push(this.domainDictionary.id(d));
    });
    this.domainStarts[docs.length] = domainValues.length;
    this.domainValues = Int32Array.from(domainValues);
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

  private hasDomain(i: number, domain: number): boolean {
    for (let x = this.domainStarts[i] ?? 0; x < (this.domainStarts[i + 1] ?? 0); x++)
      if (this.domainValues[x] === domain) return true;
    return false;
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
    const terms = doc.terms;
    const offsets = doc.offsets;
    const positions = doc.positions;
    for (let li = 0; li < leafIds.length; li++) {
      const ids = leafIds[li] ?? [];
      // Few lexemes: look each up; many (a prefix): walk both ascending lists together.
      let a = 0;
      let b = 0;
      while (b < ids.length && a < terms.length) {
        let k: number;
        if (ids.length < 8) {
          k = findTerm(terms, ids[b] ?? -1);
          b++;
        } else {
          const t = terms[a] ?? 0;
          const id = ids[b] ?? 0;
          k = t === id ? a : -1;
          if (t <= id) a++;
          if (t >= id) b++;
        }
        if (k < 0) continue;
        const to = offsets[k + 1] ?? 0;
        for (let x = offsets[k] ?? 0; x < to; x++) {
          if (n === scratch.length) {
            const bigger = new Float64Array(scratch.length * 2);
            bigger.set(scratch);
            scratch = bigger;
          }
          scratch[n++] = (positions[x] ?? 0) * 32 + li;
        }
      }
    }
    const found = scratch.subarray(0, n).sort();
    // Group by position: position, weight and the mask of the leaves found there.
    if (groupPos.length < n) {
      groupPos = new Int32Array(scratch.length);
      groupWeight = new Float64Array(scratch.length);
      groupMask = new Int32Array(scratch.length);
    }
    const pos = groupPos;
    const weight = groupWeight;
    const mask = groupMask;
    let groups = 0;
    for (let i = 0; i < n; i++) {
      const v = found[i] ?? 0;
      const packed = Math.floor(v / 32);
      const p = packed >> 2;
      const bit = 1 << (v - packed * 32);
      if (groups > 0 && pos[groups - 1] === p) mask[groups - 1] = (mask[groups - 1] ?? 0) | bit;
      else {
        pos[groups] = p;
        weight[groups] = WEIGHT_OF[packed & 3] ?? WEIGHTS.D;
        mask[groups] = bit;
        groups++;
      }
    }
    let rank = 0;
    let start = 0;
    for (;;) {
      let seen = 0;
      let end = -1;
      for (let i = start; i < groups; i++) {
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
    const n = this.docs.length;
    let hits: number[] = [];
    if (!wanted.includes(-2) && domain !== -2) {
      const active = wanted.flatMap((w, k) =>
        w >= 0 ? [[this.facetColumns[k] ?? new Int32Array(n), w] as const] : [],
      );
      const open = filter.openCatalogOnly === true;
      if (!matched && active.length === 0 && domain < 0 && !open)
        hits = Array.from({ length: n }, (_, i) => i);
      else
        for (let i = 0; i < n; i++) {
          if (matched && !matched[i]) continue;
          if (open && !this.inOpenCatalog[i]) continue;
          let ok = true;
          for (const [column, w] of active)
            if (column[i] !== w) {
              ok = false;
              break;
            }
          if (!ok) continue;
          if (domain >= 0 && !this.hasDomain(i, domain)) continue;
          hits.push(i);
        }
    }
    if (node && hits.length > 0) {
      const satisfied = compileMask(node, new Map(leaves.map((leaf, li) => [leaf, li])));
      // Sort keys: the rank's float4 bits (ordered as the values) descending, then the default order
      // (newest, then code) ascending — one exact double each, sorted natively.
      const keys = new Float64Array(hits.length);
      const bits = new Int32Array(new Float32Array(1).buffer);
      const asFloat = new Float32Array(bits.buffer);
      hits.forEach((i, k) => {
        const doc = this.docs[i];
        asFloat[0] = doc && satisfied ? this.coverDensity(doc, ids, satisfied) : 0;
        keys[k] = (2 ** 31 - (bits[0] ?? 0)) * 2 ** 21 + i;
      });
      keys.sort();
      hits = Array.from(keys, (key) => key % 2 ** 21);
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
    for (let k = 0; k < FACETS.length; k++) {
      const c = counts[k];
      const column = this.facetColumns[k];
      if (!c || !column) continue;
      for (const i of hits) {
        const id = column[i] ?? 0;
        c[id] = (c[id] ?? 0) + 1;
      }
    }
    for (const i of hits)
      for (let x = this.domainStarts[i] ?? 0; x < (this.domainStarts[i + 1] ?? 0); x++) {
        const d = this.domainValues[x] ?? 0;
        domainCounts[d] = (domainCounts[d] ?? 0) + 1;
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
