import {
  FileResponse,
  NdjsonResponse,
  routes,
  type RouteKey,
  type RouteSchemas,
} from '@huitong/contract/routes';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

// Routes registered by the documentation plugin: not part of the API.
const DOC_PREFIXES = ['/api/docs', '/api/openapi.json'];
const PARTS = ['params', 'querystring', 'headers', 'body'] as const;
/** Answers that are files or streams: the route describes their media types itself. */
const STREAMED = new Set<unknown>([FileResponse, NdjsonResponse]);

const table: Readonly<Record<string, RouteSchemas>> = routes;

/**
 * What is wrong with a route against the contract's route table (packages/contract/src/routes.ts):
 * nothing when its parameters, query, headers, body and answers are the table's very schema objects.
 */
export function contractProblems(
  method: string,
  url: string,
  schema: RouteOptions['schema'] | undefined,
): string[] {
  const key = `${method} ${url}`;
  // Fastify answers HEAD for every GET with the GET route.
  const entry = table[key] ?? (method === 'HEAD' ? table[`GET ${url}`] : undefined);
  if (!entry) return [`${key} is not in the contract's route table`];
  const problems: string[] = [];
  const declared = (schema ?? {}) as Partial<Record<(typeof PARTS)[number] | 'response', unknown>>;
  for (const part of PARTS) {
    if (declared[part] !== entry[part])
      problems.push(`${key}: its ${part} schema is not the contract's (${entry[part] ? 'another' : 'none'})`);
  }
  const answers = (declared.response ?? {}) as Record<string, unknown>;
  const expected = entry.response as Record<string, unknown>;
  for (const [status, want] of Object.entries(expected)) {
    const have = answers[status];
    if (have === undefined) problems.push(`${key}: it does not declare its ${status} answer`);
    else if (!STREAMED.has(want) && have !== want)
      problems.push(`${key}: its ${status} answer is not the contract's schema`);
  }
  // Other answers are errors (problem+json); a success answer must be the contract's.
  for (const status of Object.keys(answers)) {
    if (!(status in expected) && Number(status) < 400)
      problems.push(`${key}: its ${status} answer is not in the contract`);
  }
  return problems;
}

/**
 * One contract for server and web (CONVENTIONS.md item 16): an /api route whose schemas are not the
 * contract's route table's stops start-up, and so does a route of the table that is not served. The
 * web is typed by the same table, so what the server answers is what the web's typecheck knows.
 */
export const contractPlugin = fp(async (app: FastifyInstance) => {
  const served = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api') || DOC_PREFIXES.some((p) => route.url.startsWith(p))) return;
    for (const method of [route.method].flat()) {
      const problems = contractProblems(method, route.url, route.schema);
      if (problems.length > 0)
        throw new Error(`The route does not follow the contract:\n  ${problems.join('\n  ')}`);
      served.add(`${method} ${route.url}`);
    }
  });
  app.addHook('onReady', async () => {
    const missing = (Object.keys(table) as RouteKey[]).filter((key) => !served.has(key));
    if (missing.length > 0)
      throw new Error(`Routes of the contract the server does not serve: ${missing.join(', ')}`);
  });
});
