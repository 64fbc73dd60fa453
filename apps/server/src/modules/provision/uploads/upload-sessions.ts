/**
 * Resumable uploads: the `upload_sessions` rows that say who started an upload, for which catalog
 * entry, and where its bytes are on disk (a tus file store under `<dataDir>/uploads`). Only the
 * creator may continue, inspect, ingest or delete an upload; an upload left alone for a day expires
 * and the expiry job removes it with its file.
 */
import type { Db } from '../../../db/database.ts';
import fs from 'node:fs';
import { AppError, ForbiddenError, NotFoundError } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/principal.ts';
import { assertProvider, type ProvisionEntry } from '../provision.service.ts';
import * as repo from './uploads.repository.ts';

/** An upload nobody touched for this long expires (incomplete, or complete and not ingested). */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export interface UploadSession {
  id: string;
  entryId: string;
  orgId: string;
  owner: string;
  fileName: string;
  byteCount: number;
  format: string | null;
  encoding: string | null;
  filePath: string;
  state: 'open' | 'ingesting';
  createdAt: Date;
  expiresAt: Date;
}

const toSession = (r: {
  id: string;
  entry_id: string;
  org_id: string;
  owner: string;
  file_name: string;
  byte_count: number;
  format: string | null;
  encoding: string | null;
  file_path: string;
  state: 'open' | 'ingesting';
  created_at: Date;
  expires_at: Date;
}): UploadSession => ({
  id: r.id,
  entryId: r.entry_id,
  orgId: r.org_id,
  owner: r.owner,
  fileName: r.file_name,
  byteCount: Number(r.byte_count),
  format: r.format,
  encoding: r.encoding,
  filePath: r.file_path,
  state: r.state,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** Who owns an upload: the person's account or the system's credential. */
export function ownerOf(actor: Actor): string {
  const p = actor.principal;
  if (p?.kind === 'staff') return `account:${p.accountId}`;
  if (p?.kind === 'credential') return `credential:${p.credentialId}`;
  throw new ForbiddenError();
}

export const uploadNotFound = () => new NotFoundError({ zh: '上传', en: 'Upload' });

export class UploadExpired extends AppError {
  constructor() {
    super('upload_expired', 410, {
      zh: '该上传已过期（超过 24 小时未继续），请重新上传文件',
      en: 'This upload has expired (left alone for more than 24 hours); upload the file again',
    });
  }
}

export class UploadNotYours extends ForbiddenError {
  constructor() {
    super({
      zh: '只有开始该上传的人（或系统）可以继续、查看或使用它',
      en: 'Only whoever started this upload may continue, inspect or use it',
    });
  }
}

export async function insertSession(
  db: Db,
  input: {
    id: string;
    entry: ProvisionEntry;
    owner: string;
    fileName: string;
    byteCount: number;
    format: string | null;
    encoding: string | null;
    filePath: string;
  },
): Promise<void> {
  const now = Date.now();
  await repo.insertUpload(db, {
    id: input.id,
    entry_id: input.entry.id,
    org_id: input.entry.orgId,
    owner: input.owner,
    file_name: input.fileName,
    byte_count: input.byteCount,
    format: input.format,
    encoding: input.encoding,
    file_path: input.filePath,
    created_at: new Date(now),
    expires_at: new Date(now + UPLOAD_TTL_MS),
  });
}

export async function findSession(db: Db, id: string): Promise<UploadSession | null> {
  const row = await repo.findUpload(db, id);
  return row ? toSession(row) : null;
}

/**
 * The upload, for its creator only, while its entry's department still lets them provide data and
 * it has not expired. When `entryId` is given, the upload must be for that entry.
 */
export async function ownedSession(
  db: Db,
  actor: Actor,
  id: string,
  load: (entryId: string) => Promise<ProvisionEntry>,
  entryId?: string,
): Promise<{ session: UploadSession; entry: ProvisionEntry }> {
  const session = await findSession(db, id);
  if (!session || (entryId !== undefined && session.entryId !== entryId)) throw uploadNotFound();
  const entry = await load(session.entryId);
  assertProvider(actor, entry);
  if (session.owner !== ownerOf(actor)) throw new UploadNotYours();
  if (session.expiresAt.getTime() < Date.now()) throw new UploadExpired();
  return { session, entry };
}

/** Which of these ids are uploads (have their row). */
export async function sessionIdsAmong(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  return new Set(await repo.uploadIdsAmong(db, ids));
}

/** The upload was used: it lives another day from now. */
export async function touchSession(db: Db, id: string): Promise<void> {
  await repo.setUploadExpiry(db, id, new Date(Date.now() + UPLOAD_TTL_MS));
}

/** Marks the upload as being ingested; false when another request already is. */
export async function claimSession(db: Db, id: string): Promise<boolean> {
  return repo.claimUpload(db, id, new Date(Date.now() + UPLOAD_TTL_MS));
}

export async function releaseSession(db: Db, id: string): Promise<void> {
  await repo.reopenUpload(db, id);
}

/** Removes the upload's bytes (and the tus store's sidecar) and its row. */
export async function removeSession(db: Db, session: Pick<UploadSession, 'id' | 'filePath'>): Promise<void> {
  await fs.promises.rm(session.filePath, { force: true });
  await fs.promises.rm(`${session.filePath}.json`, { force: true });
  await repo.deleteUpload(db, session.id);
}

/**
 * Removes every expired upload with its file; answers how many. (An ingest renews the expiry when it
 * starts, so only one whose server died while ingesting can be expired in the `ingesting` state.)
 */
export async function expireUploads(db: Db, now = new Date()): Promise<number> {
  const stale = await repo.expiredUploads(db, now);
  for (const s of stale) await removeSession(db, { id: s.id, filePath: s.file_path });
  return stale.length;
}
