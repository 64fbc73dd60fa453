import type { AppModule } from '../../shared/app-module.ts';
import { auditRoutes, type AuditRouteOptions } from './audit.routes.ts';

/**
 * The audit chain and masking (the coming sensitive-data, warning and incident work joins it).
 * Security sits below every other module, org included (all of them write audit entries), so what it
 * needs from org, the check of an `?orgId=` scope and the SQL pieces for an organisation's name and
 * division, is handed in by app.ts.
 */
export function securityModule(org: AuditRouteOptions): AppModule {
  return {
    name: 'security',
    plugin: async (app) => {
      await app.register(auditRoutes, org);
    },
    jobs: () => [],
  };
}

export { appendAudit, verifyChain, entryHash, GENESIS_HASH } from './audit.service.ts';
export type { AssertScopeOrg, AuditInput, OrgAccess } from './audit.service.ts';
export { maskValue } from './masking.ts';
export { hasAction as auditHasAction } from './audit.repository.ts';
