import type { Account, Credential } from '@huitong/contract/org';

/** Whether a credential may be used now (derived for display; the server decides on each request). */
export type CredentialStatus = 'active' | 'expired' | 'revoked';

export function credentialStatus(c: Credential, now: Date = new Date()): CredentialStatus {
  if (c.revokedAt) return 'revoked';
  if (c.expiresAt && new Date(c.expiresAt) <= now) return 'expired';
  return 'active';
}

export function isLocked(a: Account): boolean {
  return a.locked;
}
