export { appendAudit, verifyChain, entryHash, GENESIS_HASH } from './audit.service.ts';
export type { AuditInput, ChainReport } from './audit.service.ts';
export { auditRoutes } from './audit.routes.ts';
export { maskValue } from './masking.ts';
