import type { AppModule } from '../../shared/app-module.ts';
import { authRoutes } from './auth.routes.ts';
import { orgJobs } from './org.jobs.ts';
import { orgRoutes } from './org.routes.ts';

/** Divisions, organisations, accounts, roles, credentials and sign-in. */
export const orgModule: AppModule = {
  name: 'org',
  plugin: async (app) => {
    await app.register(authRoutes);
    await app.register(orgRoutes);
  },
  jobs: () => orgJobs,
};

export { bootstrap, BootstrapError } from './bootstrap.ts';
export type { BootstrapResult } from './bootstrap.ts';
export { resolveCredential, resolveSession } from './auth.service.ts';
export { RateLimitedError } from './org.errors.ts';
export { hashPassword } from './password.ts';
export {
  activeAuthorities,
  allOrganisations,
  countOrgs,
  findOrgRef,
  orgById,
  providingOrgsIn,
  usernames,
} from './org.repository.ts';
export type { ProvidingOrg } from './org.repository.ts';
export { assertScopeOrg } from './org.jurisdiction.ts';
export { orgDivisionOf, orgKindOf, orgLevelOf, orgNameOf, organisationsView, usernameOf } from './org.sql.ts';
