export { authRoutes } from './auth.routes.ts';
export { orgRoutes } from './org.routes.ts';
export { resolveCredential, resolveSession } from './auth.service.ts';
export { hashPassword } from './password.ts';
export { orgJobs } from './org.jobs.ts';
export { activeAuthorities, countOrgs } from './org.repository.ts';
export { assertScopeOrg, findOrgRef, providingOrgsIn } from './org.jurisdiction.ts';
export type { ProvidingOrg } from './org.jurisdiction.ts';
