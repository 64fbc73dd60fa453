import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { actorOf } from './auth.ts';
import { appendAudit } from '../modules/security/index.ts';
import { ForbiddenError, UnauthenticatedError } from '../shared/errors.ts';
import { ROUTE_POLICIES, type RoutePolicy } from '../shared/policy.ts';

export interface RouteEntry {
  method: string;
  url: string;
  policy: RoutePolicy;
}

// Routes registered by the documentation plugin, readable by anyone.
const DOC_PREFIXES = ['/api/docs', '/api/openapi.json'];

/**
 * Deny by default: an /api route registered without `config.policy` stops start-up, and every
 * request is checked against its route's rule before anything else runs.
 */
export const policyPlugin = fp(async (app: FastifyInstance) => {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const config = (route.config ?? {}) as { policy?: RoutePolicy };
    let policy = config.policy;
    if (policy === undefined && DOC_PREFIXES.some((p) => route.url.startsWith(p))) {
      policy = 'public';
      route.config = { ...config, policy };
    }
    if (policy === undefined) {
      throw new Error(
        `Route ${String(route.method)} ${route.url} has no authorization policy (config.policy)`,
      );
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, policy });
  });

  app.addHook('onRequest', async (request) => {
    const policy = request.routeOptions.config.policy;
    if (policy === undefined) {
      // Unmatched URLs (404s) and non-API routes carry no policy; /api routes always do.
      if (request.routeOptions.url === undefined || !request.routeOptions.url.startsWith('/api')) return;
      throw new ForbiddenError();
    }
    if (ROUTE_POLICIES[policy](request.principal)) return;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      await appendAudit(app.db, actorOf(request), {
        action: 'access.denied',
        result: 'denied',
        detail: { method: request.method, route: request.routeOptions.url, policy },
      });
    }
    throw request.principal === null ? new UnauthenticatedError() : new ForbiddenError();
  });
});
