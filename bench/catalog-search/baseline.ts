/**
 * The baseline: a bare Fastify server (no plugins: no helmet, sessions, policy, schemas or Kysely)
 * answering the same URLs with the same SQL on the same database, through the raw driver (a `pg`
 * pool of the same size, or the PGlite client itself). The statements are the ones Huitong's
 * repository sent for that URL, recorded beforehand (same text, same parameters, same tsquery
 * strings), and are run with the same overlap: rows, count and facets at once, then the domain facet.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { RawDb, Statement } from './backend.ts';

export interface SearchStatements {
  rows: Statement;
  count: Statement;
  grouped: Statement;
  domains: Statement;
}

/** Sorts the statements of one `catalog.search` call by what they do. */
export function classify(statements: readonly Statement[]): SearchStatements {
  const find = (test: (s: string) => boolean, what: string) => {
    const found = statements.filter((s) => test(s.sql));
    if (found.length !== 1 || !found[0])
      throw new Error(`expected one ${what} statement, got ${found.length}`);
    return found[0];
  };
  const grouped = (s: string) => s.includes('grouping sets');
  const domains = (s: string) => s.includes('unnest(');
  const count = (s: string) => !grouped(s) && /count\(\*\)/.test(s);
  if (statements.length !== 4) throw new Error(`expected 4 statements per search, got ${statements.length}`);
  return {
    grouped: find(grouped, 'facet'),
    domains: find(domains, 'domain facet'),
    count: find(count, 'count'),
    rows: find((s) => !grouped(s) && !domains(s) && !count(s), 'rows'),
  };
}

export async function buildBaseline(
  raw: RawDb,
  byUrl: ReadonlyMap<string, SearchStatements>,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const run = (s: Statement) => raw.query(s.sql, s.parameters);
  const handler = async (url: string) => {
    const st = byUrl.get(url);
    if (!st) return null;
    const [rows, count, [grouped, domains]] = await Promise.all([
      run(st.rows),
      run(st.count),
      run(st.grouped).then(async (g) => [g, await run(st.domains)] as const),
    ]);
    const domainCounts = new Map<string, number>();
    for (const r of domains) {
      const d = String(r.domain);
      domainCounts.set(d, (domainCounts.get(d) ?? 0) + 1);
    }
    return {
      items: rows.map((r) => {
        const m = r.metadata as Record<string, unknown>;
        return {
          id: r.id,
          code: r.code,
          name: r.name,
          abstract: m.abstract,
          orgId: r.org_id,
          orgName: r.org_name,
          divisionCode: r.division_code,
          classification: m.classification,
          format: m.format,
          shareType: m.shareType,
          openType: m.openType,
          updateCycle: m.updateCycle,
          domains: m.domains,
          keywords: m.keywords,
          versionNo: r.version_no,
          publishedAt: r.published_at instanceof Date ? r.published_at.toISOString() : null,
        };
      }),
      total: Number(count[0]?.n ?? 0),
      facets: { grouped, domain: [...domainCounts].map(([value, n]) => ({ value, count: n })) },
    };
  };
  for (const path of ['/api/open/catalog', '/api/catalog/entries']) {
    app.get(path, async (request, reply) => {
      const body = await handler(request.url);
      if (!body) return reply.code(404).send({ error: 'not a benchmark URL' });
      return body;
    });
  }
  await app.ready();
  return app;
}
