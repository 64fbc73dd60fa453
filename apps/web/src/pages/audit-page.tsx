import { AuditPanel } from '../features/security/audit-panel';

export function AuditPage() {
  return <AuditPanel />;
}
