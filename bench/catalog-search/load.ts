/**
 * Loads generated entries as published catalog entries, two ways:
 *
 *  - `repository`: through Huitong's own repository functions, the path `loadDemoCatalog` takes
 *    (entry, version, data items and bases, publication times, search vector, code and published
 *    version), one entry after the other, batches of entries per transaction. ~8 round trips an
 *    entry: 9 ms an entry on PostgreSQL and 25 ms on PGlite here, i.e. 3 and 8 minutes for 20,000.
 *  - `bulk` (default): the same rows written with multi-row INSERTs, a batch of entries in four
 *    statements. Everything derived is computed by the server's own functions (`searchVector`,
 *    `conceptOf`, `codePrefix`, `resourceCode`); only the column mapping of `insertVersion` is
 *    repeated here. `verifyBulkLoad` proves on every run that it writes what the repository writes.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../apps/server/src/db/database.types.ts';
import type { EntryMetadata } from '../../apps/server/src/modules/catalog/catalog.model.ts';
import * as repo from '../../apps/server/src/modules/catalog/catalog.repository.ts';
import { codePrefix, conceptOf, resourceCode } from '../../apps/server/src/modules/catalog/catalog.rules.ts';
import { searchVector, writeVersionDetails } from '../../apps/server/src/modules/catalog/catalog.service.ts';
import { DEMO_LEGAL_BASES } from '../../apps/server/src/demo/catalog.ts';
import { DEMO_ORGS } from '../../apps/server/src/demo/city.ts';
import type { GeneratedEntry } from './generate.ts';

export type Loader = 'bulk' | 'repository';

export interface LoadResult {
  loader: Loader;
  entries: number;
  seconds: number;
  /** Organisation ids by demo key. */
  orgIds: Map<string, string>;
}

type Db = Kysely<Database>;

interface Prepared {
  org: { id: string; name: string; division_code: string };
  m: EntryMetadata;
  code: string;
  at: Date;
  /** `searchVector(m, org.name, code)`, computed once per generated entry and shared by both backends. */
  vector: () => ReturnType<typeof searchVector>;
}

/**
 * Search vectors of generated entries: tokenising (ICU words and pinyin, ~2 ms an entry) is the
 * slowest part of loading, and the vector is the same on both backends (organisation names and codes
 * are; the basis ids that differ are not in it), so the second backend reuses the first's.
 */
const vectors = new WeakMap<GeneratedEntry, ReturnType<typeof searchVector>>();

/** Legal bases, organisations and resource codes: what both loaders need. */
async function prepare(db: Db, entries: readonly GeneratedEntry[]) {
  const orgs = await db.selectFrom('organisations').select(['id', 'name', 'division_code']).execute();
  const byName = new Map(orgs.map((o) => [o.name, o]));
  const orgOf = new Map<string, { id: string; name: string; division_code: string }>();
  for (const o of DEMO_ORGS) {
    const row = byName.get(o.name);
    if (row) orgOf.set(o.key, row);
  }

  const basisId = new Map<string, string>();
  for (const b of DEMO_LEGAL_BASES) {
    const row = await repo.insertLegalBasis(db, {
      title: b.title,
      kind: b.kind,
      article: b.article,
      quote: b.quote,
      quote_is_summary: b.quoteIsSummary,
      created_by: null,
    });
    basisId.set(b.key, row.id);
  }
  const ids = (keys: readonly string[]) =>
    keys.map((k) => {
      const id = basisId.get(k);
      if (!id) throw new Error(`unknown legal basis ${k}`);
      return id;
    });

  // Codes are assigned here, in order, instead of one `nextCodeSeq` round trip (and row lock) each.
  const seq = new Map<string, number>();
  const prepared: Prepared[] = entries.map((g) => {
    const org = orgOf.get(g.orgKey);
    if (!org) throw new Error(`unknown organisation ${g.orgKey}`);
    const { shareBasisKeys, openBasisKeys, ...rest } = g.metadata;
    const m: EntryMetadata = {
      ...rest,
      shareBasisIds: ids(shareBasisKeys),
      openBasisIds: ids(openBasisKeys),
    };
    const prefix = codePrefix(m, org.division_code);
    const n = (seq.get(prefix) ?? 0) + 1;
    seq.set(prefix, n);
    const code = resourceCode(prefix, n);
    const vector = () => {
      let v = vectors.get(g);
      if (!v) {
        v = searchVector(m, org.name, code);
        vectors.set(g, v);
      }
      return v;
    };
    return { org, m, code, at: g.publishedAt, vector };
  });
  return { orgOf, seq, prepared };
}

/** One entry through the repository functions, exactly as `loadDemoCatalog` publishes one. */
async function loadOneThroughRepository(trx: Db, { org, m, code, at }: Prepared): Promise<string> {
  const { id } = await repo.insertEntry(trx, { org_id: org.id, created_by: null });
  const v = await repo.insertVersion(trx, {
    entry_id: id,
    version_no: 1,
    state: 'published',
    metadata: m,
    created_by: null,
  });
  await writeVersionDetails(trx, v.id, m);
  await repo.updateVersion(trx, v.id, { submitted_at: at, reviewed_at: at, published_at: at });
  await repo.setVersionSearch(trx, v.id, searchVector(m, org.name, code));
  await repo.updateEntry(trx, id, {
    code,
    published_version_id: v.id,
    first_published_at: at,
    confirmed_at: at,
  });
  return id;
}

/** A batch of entries in four multi-row statements: the rows `loadOneThroughRepository` writes. */
async function loadBatchInBulk(trx: Db, batch: readonly Prepared[]): Promise<void> {
  const rows = batch.map((p) => ({ ...p, entryId: randomUUID(), versionId: randomUUID() }));
  await trx
    .insertInto('catalog_entries')
    .values(
      rows.map((r) => ({
        id: r.entryId,
        org_id: r.org.id,
        created_by: null,
        code: r.code,
        published_version_id: r.versionId,
        first_published_at: r.at,
        confirmed_at: r.at,
      })),
    )
    .execute();
  await trx
    .insertInto('catalog_versions')
    .values(
      rows.map(({ m, ...r }) => ({
        id: r.versionId,
        entry_id: r.entryId,
        version_no: 1,
        state: 'published' as const,
        created_by: null,
        // The columns of repository `versionColumns(m)`.
        metadata: JSON.stringify(m),
        name: m.name,
        classification: m.classification,
        format: m.format,
        share_type: m.shareType,
        open_type: m.openType,
        update_cycle: m.updateCycle,
        domains: m.domains,
        submitted_at: r.at,
        reviewed_at: r.at,
        published_at: r.at,
        search: r.vector(),
      })),
    )
    .execute();
  const items = rows.flatMap((r) =>
    r.m.dataItems.map((d, position) => ({
      version_id: r.versionId,
      position,
      name: d.name,
      label: d.label,
      concept: conceptOf(d),
    })),
  );
  for (let i = 0; i < items.length; i += 5000)
    await trx
      .insertInto('catalog_version_items')
      .values(items.slice(i, i + 5000))
      .execute();
  const bases = rows.flatMap((r) => [
    ...r.m.shareBasisIds.map((id) => ({
      version_id: r.versionId,
      legal_basis_id: id,
      applies_to: 'share' as const,
    })),
    ...r.m.openBasisIds.map((id) => ({
      version_id: r.versionId,
      legal_basis_id: id,
      applies_to: 'open' as const,
    })),
  ]);
  if (bases.length > 0) await trx.insertInto('catalog_version_bases').values(bases).execute();
}

export async function loadCatalog(
  db: Db,
  entries: readonly GeneratedEntry[],
  options: { loader: Loader; batchSize: number; parallel: number; onProgress?: (done: number) => void },
): Promise<LoadResult & { prepared: Prepared[] }> {
  const started = performance.now();
  const { orgOf, seq, prepared } = await prepare(db, entries);

  const batches: Prepared[][] = [];
  for (let i = 0; i < prepared.length; i += options.batchSize)
    batches.push(prepared.slice(i, i + options.batchSize));
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const batch = batches[next++];
      if (!batch) return;
      await db.transaction().execute(async (trx) => {
        if (options.loader === 'bulk') await loadBatchInBulk(trx, batch);
        else for (const p of batch) await loadOneThroughRepository(trx, p);
      });
      done += batch.length;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, worker));

  await db
    .insertInto('catalog_code_sequences')
    .values([...seq].map(([prefix, last_seq]) => ({ prefix, last_seq })))
    .onConflict((oc) => oc.column('prefix').doUpdateSet((eb) => ({ last_seq: eb.ref('excluded.last_seq') })))
    .execute();

  const orgIds = new Map([...orgOf].map(([key, o]) => [key, o.id]));
  return {
    loader: options.loader,
    entries: entries.length,
    seconds: (performance.now() - started) / 1000,
    orgIds,
    prepared,
  };
}

class Rollback extends Error {}

/**
 * Proves that the bulk loader wrote what the repository functions write: for each sampled entry,
 * inside a transaction that is rolled back, frees its code, publishes it again through
 * `loadOneThroughRepository` and compares every column the search reads (and the items and bases)
 * between the two. Returns the number of entries compared; throws on the first difference.
 */
export async function verifyBulkLoad(db: Db, prepared: readonly Prepared[], sample: number): Promise<number> {
  const step = Math.max(1, Math.floor(prepared.length / sample));
  const picked = prepared.filter((_, i) => i % step === 0).slice(0, sample);
  const snapshot = async (trx: Db, entryId: string) => {
    const row = await trx
      .selectFrom('catalog_entries as e')
      .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
      .select((eb) => [
        'e.org_id',
        'e.code',
        'e.working_version_id',
        'e.first_published_at',
        'e.confirmed_at',
        'v.version_no',
        'v.state',
        'v.metadata',
        'v.name',
        'v.classification',
        'v.format',
        'v.share_type',
        'v.open_type',
        'v.update_cycle',
        'v.domains',
        'v.submitted_at',
        'v.reviewed_at',
        'v.published_at',
        'v.created_by',
        eb.cast<string>('v.search', 'text').as('search'),
        eb
          .selectFrom('catalog_version_items as i')
          .select((ib) =>
            ib.fn
              .agg<string>('string_agg', [
                ib.fn('concat_ws', [ib.val('|'), 'i.position', 'i.name', 'i.label', 'i.concept']),
                ib.val(';'),
              ])
              .orderBy('i.position')
              .as('x'),
          )
          .whereRef('i.version_id', '=', 'v.id')
          .as('items'),
        eb
          .selectFrom('catalog_version_bases as b')
          .select((bb) =>
            bb.fn
              .agg<string>('string_agg', [
                bb.fn('concat_ws', [bb.val('|'), 'b.legal_basis_id', 'b.applies_to']),
                bb.val(';'),
              ])
              .orderBy('b.legal_basis_id')
              .orderBy('b.applies_to')
              .as('x'),
          )
          .whereRef('b.version_id', '=', 'v.id')
          .as('bases'),
      ])
      .where('e.id', '=', entryId)
      .executeTakeFirstOrThrow();
    return JSON.stringify(row);
  };
  for (const p of picked) {
    try {
      await db.transaction().execute(async (trx) => {
        const bulk = await trx
          .selectFrom('catalog_entries')
          .select('id')
          .where('code', '=', p.code)
          .executeTakeFirstOrThrow();
        const bulkRow = await snapshot(trx, bulk.id);
        await trx.updateTable('catalog_entries').set({ code: null }).where('id', '=', bulk.id).execute();
        const id = await loadOneThroughRepository(trx, p);
        const repoRow = await snapshot(trx, id);
        if (bulkRow !== repoRow) {
          throw new Error(
            `bulk load differs from the repository for ${p.code}:\n bulk ${bulkRow}\n repo ${repoRow}`,
          );
        }
        throw new Rollback();
      });
    } catch (err) {
      if (!(err instanceof Rollback)) throw err;
    }
  }
  return picked.length;
}
