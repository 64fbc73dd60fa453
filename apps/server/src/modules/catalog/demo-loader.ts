import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.types.ts';
import { SYSTEM_ACTOR } from '../../shared/principal.ts';
import { appendAudit } from '../security/index.ts';
import { DEMO_ORGS } from '../platform/index.ts';
import type { EntryMetadata } from './catalog.model.ts';
import * as repo from './catalog.repository.ts';
import { codePrefix, resourceCode } from './catalog.rules.ts';
import { searchVector, writeVersionDetails } from './catalog.service.ts';
import { DEMO_CATALOG, DEMO_LEGAL_BASES } from './demo-catalog.ts';

const LOADED = 'platform.demo_catalog_loaded';
const LOCK = 0x48544443; // "HTDC"

/**
 * Loads the demo catalog (legal bases and entries in every state) once, after the demo city. Runs
 * in one transaction; the audit entry it leaves marks it done, so a restart never loads it twice.
 */
export async function loadDemoCatalog(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${LOCK})`.execute(trx);
    const done = await trx
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', LOADED)
      .executeTakeFirst();
    if (done) return false;
    const orgs = await trx.selectFrom('organisations').select(['id', 'name', 'division_code']).execute();
    const byName = new Map(orgs.map((o) => [o.name, o]));
    const orgOf = new Map<string, { id: string; name: string; division_code: string }>();
    for (const o of DEMO_ORGS) {
      const row = byName.get(o.name);
      if (row) orgOf.set(o.key, row);
    }
    if (orgOf.size === 0) return false; // not the demo city

    const basisId = new Map<string, string>();
    for (const b of DEMO_LEGAL_BASES) {
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
    const ids = (keys: string[]) =>
      keys.map((k) => {
        const id = basisId.get(k);
        if (!id) throw new Error(`demo catalog cites unknown legal basis ${k}`);
        return id;
      });

    const start = Date.UTC(2025, 0, 6);
    let n = 0;
    for (const d of DEMO_CATALOG) {
      const org = orgOf.get(d.orgKey);
      if (!org) throw new Error(`demo catalog names unknown organisation ${d.orgKey}`);
      const { shareBasisKeys, openBasisKeys, ...rest } = d.metadata;
      const m: EntryMetadata = {
        ...rest,
        shareBasisIds: ids(shareBasisKeys),
        openBasisIds: ids(openBasisKeys),
      };
      // Spread publication dates over the past two years, deterministically.
      const at = new Date(start + (n++ % 600) * 86_400_000 + 9 * 3_600_000);
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
          confirmed_at: at,
        });
      } else {
        if (d.state === 'submitted') await repo.updateVersion(trx, v.id, { submitted_at: at });
        await repo.updateEntry(trx, id, { working_version_id: v.id });
      }
    }
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: LOADED,
      detail: { entries: DEMO_CATALOG.length, legalBases: DEMO_LEGAL_BASES.length },
    });
    return true;
  });
}
