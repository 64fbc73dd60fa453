import { inTransaction, type Db, type Trx } from '../../db/database.ts';
import type { ChainReport } from '@huitong/contract/security';
import type { AuditResult, AuditRow } from '../../db/database.types.ts';
import { canonicalJson, sm3Hex } from '../../shared/crypto.ts';
import type { Actor } from '../../shared/principal.ts';
import { scopeAdmits, type Jurisdiction, type OrgRef } from '../../shared/policy.ts';
import * as repo from './audit.repository.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  action: string;
  targetType?: string | undefined;
  targetId?: string | undefined;
  result?: AuditResult;
  detail?: Record<string, unknown>;
  /** Organisation the action concerns, when it is not the actor's own (e.g. a failed sign-in). */
  orgId?: string | null;
  /** Name to record when there is no principal (the user name typed at a failed sign-in). */
  actorName?: string;
}

type HashedFields = Omit<AuditRow, 'hash' | 'prev_hash'>;

/** The SM3 hash of an entry: covers the previous hash and every recorded field. */
export function entryHash(prevHash: string, e: HashedFields): string {
  const content = canonicalJson({
    seq: e.seq,
    at: e.at.toISOString(),
    actor_id: e.actor_id,
    actor_name: e.actor_name,
    actor_kind: e.actor_kind,
    org_id: e.org_id,
    action: e.action,
    target_type: e.target_type,
    target_id: e.target_id,
    ip: e.ip,
    result: e.result,
    detail: e.detail,
  });
  return sm3Hex(`${prevHash}\n${content}`);
}

function actorFields(actor: Actor, input: AuditInput) {
  const p = actor.principal;
  if (p === null) {
    return {
      actor_id: null,
      actor_name: input.actorName ?? null,
      actor_kind: actor.ip === 'system' ? ('system' as const) : ('anonymous' as const),
      org_id: input.orgId ?? null,
    };
  }
  if (p.kind === 'credential') {
    return {
      actor_id: p.credentialId,
      actor_name: p.keyId,
      actor_kind: 'credential' as const,
      org_id: p.org.id,
    };
  }
  return {
    actor_id: p.accountId,
    actor_name: p.username,
    actor_kind: p.kind,
    org_id: p.kind === 'staff' ? p.org.id : (input.orgId ?? null),
  };
}

/**
 * Appends one entry to the hash chain. Call it inside the transaction of the action it records,
 * so the action and its record commit together; alone, it runs in its own transaction.
 */
export async function appendAudit(db: Db, actor: Actor, input: AuditInput): Promise<void> {
  const run = async (trx: Trx) => {
    await repo.lockChain(trx);
    const last = await repo.lastEntry(trx);
    // The detail goes through JSON once so that what is hashed is exactly what jsonb gives back.
    const detail = JSON.parse(JSON.stringify(input.detail ?? {})) as Record<string, unknown>;
    const fields: HashedFields = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date(),
      ...actorFields(actor, input),
      action: input.action,
      target_type: input.targetType ?? null,
      target_id: input.targetId ?? null,
      ip: actor.ip,
      result: input.result ?? 'success',
      detail,
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    await repo.insertEntry(trx, {
      ...fields,
      detail: JSON.stringify(detail),
      prev_hash: prevHash,
      hash: entryHash(prevHash, fields),
    });
  };
  if (inTransaction(db)) await run(db);
  else await db.transaction().execute(run);
}

/** Re-computes the chain from the first entry and reports the first entry that does not fit. */
export async function verifyChain(db: Db): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const page = await repo.chainPage(db, expectedSeq - 1, 1000);
    if (page.length === 0) break;
    for (const row of page) {
      const broken = (reason: string): ChainReport => ({
        ok: false,
        checked,
        firstBrokenSeq: row.seq,
        reason,
      });
      if (row.seq !== expectedSeq) {
        return { ok: false, checked, firstBrokenSeq: expectedSeq, reason: `entry ${expectedSeq} is missing` };
      }
      if (row.prev_hash !== prevHash)
        return broken('prev_hash does not match the hash of the previous entry');
      if (entryHash(prevHash, row) !== row.hash)
        return broken('content does not match its hash (entry altered)');
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
  }
  return { ok: true, checked, firstBrokenSeq: null, reason: null };
}

/**
 * The org module's check of an `?orgId=` scope parameter (unknown: 400, outside: 403). Security sits
 * below org (org writes audit entries), so app.ts hands this in instead of security importing org.
 */
export type AssertScopeOrg = (
  db: Db,
  orgId: string | undefined,
  admits: (org: OrgRef) => boolean,
) => Promise<void>;

/**
 * What security reads of org, handed in by app.ts: the scope check and the SQL pieces for an
 * organisation's name and division.
 */
export interface OrgAccess extends repo.OrgSql {
  assertScopeOrg: AssertScopeOrg;
}

/** The audit trail within the auditor's scope; an `orgId` outside it is refused (403), not emptied. */
export async function listAudit(
  db: Db,
  org: OrgAccess,
  filter: repo.AuditFilter,
  page: number,
  pageSize: number,
) {
  await org.assertScopeOrg(db, filter.orgId, (ref) => scopeAdmits(filter.scope, ref));
  return repo.listEntries(db, filter, org, (page - 1) * pageSize, pageSize);
}

export type { Jurisdiction };
