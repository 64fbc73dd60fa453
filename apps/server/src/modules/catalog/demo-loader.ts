import type { Db } from '../../db/database.ts';
import { SYSTEM_ACTOR } from '../../shared/principal.ts';
import { allOrganisations } from '../org/index.ts';
import { appendAudit, auditHasAction } from '../security/index.ts';
import type { EntryMetadata } from './catalog.model.ts';
import * as repo from './catalog.repository.ts';
import { codePrefix, resourceCode } from './catalog.rules.ts';
import { searchVector, writeVersionDetails } from './catalog.service.ts';

const LOADED = 'platform.demo_catalog_loaded';
const DAY_MS = 86_400_000;

/**
 * Days since the n-th demo entry was last confirmed: most recently, every 23rd overdue, every 11th
 * due — relative to the day the demo is loaded, so upkeep (Art. 12) has entries to show under the
 * default schedule of 180 days with 30 days' notice.
 */
function confirmedDaysAgo(n: number): number {
  if (n % 23 === 5) return 190 + (n % 60);
  if (n % 11 === 3) return 152 + (n % 25);
  return 3 + ((n * 37) % 140);
}
const LOCK = 0x48544443; // "HTDC"

/**
 * Loads the demo catalog (legal bases and entries in every state) once, after the demo city. Runs
 * in one transaction; the audit entry it leaves marks it done, so a restart never loads it twice.
 */
export async function loadDemoCatalog(db: Db): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await repo.advisoryLock(trx, LOCK);
    if (await auditHasAction(trx, LOADED)) return false;
    // The demo's data files are read only now, when the catalog is still to be loaded.
    const [{ DEMO_ORGS }, { DEMO_CATALOG_FILE }] = await Promise.all([
      import('../../demo/city.ts'),
      import('../../demo/catalog.ts'),
    ]);
    const orgs = await allOrganisations(trx);
    const byName = new Map(orgs.map((o) => [o.name, o]));
    const orgOf = new Map<string, { id: string; name: string; division_code: string }>();
    for (const o of DEMO_ORGS) {
      const row = byName.get(o.name);
      if (row) orgOf.set(o.key, row);
    }
    if (orgOf.size === 0) return false; // not the demo city

    const { legalBases, repealedBasis, entries } = DEMO_CATALOG_FILE;
    const basisId = new Map<string, string>();
    for (const b of legalBases) {
      const row = await repo.insertLegalBasis(trx, {
        title: b.title,
        kind: b.kind,
        article: b.article,
        quote: b.quote,
        quote_is_summary: b.quoteIsSummary,
        created_by: null,
      });
      basisId.set(b.key, row.id);
    }
    // Upkeep (Art. 12) needs something to show: an entry still citing a repealed text.
    const repealed = await repo.insertLegalBasis(trx, {
      title: repealedBasis.title,
      kind: repealedBasis.kind,
      article: repealedBasis.article,
      quote: repealedBasis.quote,
      quote_is_summary: repealedBasis.quoteIsSummary,
      created_by: null,
    });
    await repo.deactivateLegalBasis(trx, repealed.id);
    const ids = (keys: string[]) =>
      keys.map((k) => {
        const id = basisId.get(k);
        if (!id) throw new Error(`demo catalog cites unknown legal basis ${k}`);
        return id;
      });

    const start = Date.UTC(2025, 0, 6);
    const now = Date.now();
    let n = 0;
    for (const d of entries) {
      const org = orgOf.get(d.orgKey);
      if (!org) throw new Error(`demo catalog names unknown organisation ${d.orgKey}`);
      const { shareBasisKeys, openBasisKeys, ...rest } = d.metadata;
      const stale = d.metadata.name === repealedBasis.citedBy;
      const m: EntryMetadata = {
        ...rest,
        shareBasisIds: ids(shareBasisKeys),
        openBasisIds: stale
          ? [...ids(openBasisKeys.filter((k) => k !== repealedBasis.replaces)), repealed.id]
          : ids(openBasisKeys),
      };
      // Spread publication dates over the past two years, deterministically.
      const at = new Date(start + (n % 600) * DAY_MS + 9 * 3_600_000);
      const confirmed = new Date(Math.max(at.getTime(), now - confirmedDaysAgo(n) * DAY_MS));
      n++;
      const { id } = await repo.insertEntry(trx, { org_id: org.id, created_by: null });
      const state = d.state === 'published' ? 'published' : d.state;
      const v = await repo.insertVersion(trx, {
        entry_id: id,
        version_no: 1,
        state,
        metadata: m,
        created_by: null,
      });
      await writeVersionDetails(trx, v.id, m);
      if (d.state === 'published') {
        const prefix = codePrefix(m, org.division_code);
        const code = resourceCode(prefix, await repo.nextCodeSeq(trx, prefix));
        await repo.updateVersion(trx, v.id, { submitted_at: at, reviewed_at: at, published_at: at });
        await repo.setVersionSearch(trx, v.id, searchVector(m, org.name, code));
        await repo.updateEntry(trx, id, {
          code,
          published_version_id: v.id,
          first_published_at: at,
          confirmed_at: confirmed,
        });
      } else {
        if (d.state === 'submitted') await repo.updateVersion(trx, v.id, { submitted_at: at });
        await repo.updateEntry(trx, id, { working_version_id: v.id });
      }
    }
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: LOADED,
      detail: { entries: entries.length, legalBases: legalBases.length },
    });
    return true;
  });
}
