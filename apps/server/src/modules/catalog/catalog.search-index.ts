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
    this.rebuild(byEntry);
    this.orgs = new Map(
      orgs.map((o) => [o.id, { name: o.name, divisionCode: o.division_code, divisionName: o.division_name }]),
    );
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
  private idsOf(leaf: Extract<QueryNode, { lexeme: string }>): number[] {
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
   */
  private coverDensity(
    doc: Doc,
    leaves: readonly QueryNode[],
    leafIds: Map<QueryNode, number[]>,
    root: QueryNode,
  ) {
    // The document's positions of query lexemes, in order, each with the query leaves found there.
    const at = new Map<number, { weight: number; leaves: number[] }>();
    leaves.forEach((leaf, li) => {
      for (const id of leafIds.get(leaf) ?? []) {
        const k = findTerm(doc.terms, id);
        if (k < 0) continue;
        for (let x = doc.offsets[k] ?? 0; x < (doc.offsets[k + 1] ?? 0); x++) {
          const packed = doc.positions[x] ?? 0;
          const pos = packed >> 2;
          const item = at.get(pos) ?? { weight: WEIGHT_OF[packed & 3] ?? 0.1, leaves: [] };
          if (!item.leaves.includes(li)) item.leaves.push(li);
          at.set(pos, item);
        }
      }
    });
    const items = [...at].sort((a, b) => a[0] - b[0]);
    const index = new Map(leaves.map((leaf, li) => [leaf, li]));
    const exists = new Uint8Array(leaves.length);
    const satisfied = (node: QueryNode): boolean =>
      'lexeme' in node
        ? exists[index.get(node) ?? -1] === 1
        : node.op === 'and'
          ? node.args.every(satisfied)
          : node.args.some(satisfied);
    let rank = 0;
    let start = 0;
    for (;;) {
      exists.fill(0);
      let end = -1;
      for (let i = start; i < items.length; i++) {
        for (const li of items[i]?.[1].leaves ?? []) exists[li] = 1;
        if (satisfied(root)) {
          end = i;
          break;
        }
      }
      if (end < 0) break;
      exists.fill(0);
      let begin = end;
      for (let i = end; i >= start; i--) {
        for (const li of items[i]?.[1].leaves ?? []) exists[li] = 1;
        if (satisfied(root)) {
          begin = i;
          break;
        }
      }
      let inverse = 0;
      for (let i = begin; i <= end; i++) inverse += 1 / (items[i]?.[1].weight ?? 0.1);
      const cpos = (end - begin + 1) / inverse;
      let noise = (items[end]?.[0] ?? 0) - (items[begin]?.[0] ?? 0) - (end - begin);
      if (noise < 0) noise = (end - begin) / 2;
      rank += cpos / (1 + noise);
      start = begin + 1;
    }
    return Math.fround(rank);
  }

  private passes(doc: Doc, f: Omit<CatalogFilter, 'tsQuery'>): boolean {
    const org = this.orgs.get(doc.orgId);
    return (
      (!f.orgId || doc.orgId === f.orgId) &&
      (!f.divisionCode || org?.divisionCode === f.divisionCode) &&
      (!f.classification || doc.classification === f.classification) &&
      (!f.shareType || doc.shareType === f.shareType) &&
      (!f.openType || doc.openType === f.openType) &&
      (!f.format || doc.format === f.format) &&
      (!f.updateCycle || doc.updateCycle === f.updateCycle) &&
      (!f.domain || doc.domains.includes(f.domain)) &&
      (!f.openCatalogOnly || doc.openType === 'open' || doc.openType === 'on_application')
    );
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
    const leafIds = new Map(
      leaves.map((leaf) => [leaf, this.idsOf(leaf as Extract<QueryNode, { lexeme: string }>)]),
    );
    const matched = node ? this.evaluate(node, leafIds) : null;
    const hits: number[] = [];
    for (let i = 0; i < this.docs.length; i++) {
      const doc = this.docs[i];
      if (doc && (!matched || matched[i]) && this.passes(doc, filter)) hits.push(i);
    }
    if (node) {
      const ranks = new Map<number, number>();
      for (const i of hits) {
        const doc = this.docs[i];
        if (doc) ranks.set(i, this.coverDensity(doc, leaves, leafIds, node));
      }
      // Ties keep the default order (newest, then code): `hits` is ascending and the sort is stable.
      hits.sort((a, b) => (ranks.get(b) ?? 0) - (ranks.get(a) ?? 0));
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
    const counts = new Map<FacetName, Map<string, number>>();
    const add = (facet: FacetName, value: string) => {
      const m = counts.get(facet) ?? new Map<string, number>();
      m.set(value, (m.get(value) ?? 0) + 1);
      counts.set(facet, m);
    };
    for (const i of hits) {
      const doc = this.docs[i];
      if (!doc) continue;
      add('org', doc.orgId);
      add('division', this.orgs.get(doc.orgId)?.divisionCode ?? '');
      add('classification', doc.classification);
      add('shareType', doc.shareType);
      add('openType', doc.openType);
      add('format', doc.format);
      add('updateCycle', doc.updateCycle);
      for (const d of doc.domains) add('domain', d);
    }
    const divisionName = new Map([...this.orgs.values()].map((o) => [o.divisionCode, o.divisionName]));
    const label = (facet: FacetName, value: string) =>
      facet === 'org'
        ? (this.orgs.get(value)?.name ?? value)
        : facet === 'division'
          ? (divisionName.get(value) ?? value)
          : value;
    const out = emptyFacets();
    for (const [facet, m] of counts) {
      out[facet] = [...m]
        .map(([value, count]) => ({ value, label: label(facet, value), count }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'zh'));
    }
    return out;
  }
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
