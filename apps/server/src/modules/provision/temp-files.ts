/**
 * Temporary files of work in flight — an uploaded file or a pushed batch on its way into a version,
 * a connector's download — and what the next start does with those a dead server left behind.
 *
 * They live under `<dataDir>/tmp/<host>.<pid>.<boot>/`, one directory per server process (the data
 * directory, not the system's temporary directory, so that they are the installation's own and
 * several installations on one machine never touch each other's). A process removes its own files
 * when the work ends; a process killed in the middle (`kill -9`, a power cut) cannot. At start,
 * `removeAbandonedTempFiles` removes every process directory whose owner is gone: on this host, a
 * process that no longer runs (or a directory of this process id from an earlier boot); from another
 * host sharing the directory, one untouched for a day.
 *
 * The resumable uploads' store (`<dataDir>/uploads`, tus) is the uploads' own: an upload owns its
 * file while its `upload_sessions` row lives (it can be resumed after a restart). A file there that
 * no upload owns (its row gone) is removed too, once it is an hour old (an upload's row is written
 * before its file, so a younger one may still be in the making by another server).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../db/database.ts';
import { sessionIdsAmong } from './uploads/upload-sessions.ts';

/** This process's boot: tells its directory from one of an earlier process with the same id. */
const BOOT = randomBytes(4).toString('hex');
const HOST = os.hostname().replace(/[^\w-]/g, '_') || 'host';
const PROCESS_DIR = /^([\w-]+)\.(\d+)\.([0-9a-f]{8})$/;
const UPLOAD_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.json)?$/;

/** Another host's process directory is taken as abandoned once untouched this long. */
export const FOREIGN_TEMP_TTL_MS = 24 * 60 * 60 * 1000;
/** A file of the uploads' store without its upload is removed once this old. */
export const UNOWNED_UPLOAD_GRACE_MS = 60 * 60 * 1000;

/** The directory of this process's temporary files under `dataDir`. */
export function processTempDir(dataDir: string): string {
  return path.join(dataDir, 'tmp', `${HOST}.${process.pid}.${BOOT}`);
}

/** A fresh directory for one piece of work's temporary files (remove it when the work ends). */
export async function makeTempDir(dataDir: string, kind: string): Promise<string> {
  const root = processTempDir(dataDir);
  await fs.promises.mkdir(root, { recursive: true });
  return fs.promises.mkdtemp(path.join(root, `${kind}-`));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a process directory's owner is gone (see the module comment). */
function abandoned(name: string, mtimeMs: number, now: number): boolean {
  const m = PROCESS_DIR.exec(name);
  if (!m) return now - mtimeMs > FOREIGN_TEMP_TTL_MS;
  const [, host, pid, boot] = m;
  if (host !== HOST) return now - mtimeMs > FOREIGN_TEMP_TTL_MS;
  if (Number(pid) === process.pid) return boot !== BOOT;
  return !running(Number(pid));
}

export interface TempCleanUp {
  /** Process directories of temporary files removed. */
  directories: number;
  /** Files of the uploads' store removed (an upload's bytes and its sidecar count as one each). */
  uploadFiles: number;
}

/**
 * Removes the temporary files no live process owns and the uploads' files no upload owns; answers
 * what it removed. Run at start (and by the uploads' expiry job).
 */
export async function removeAbandonedTempFiles(
  db: Db,
  dataDir: string,
  now = Date.now(),
): Promise<TempCleanUp> {
  let directories = 0;
  const tmp = path.join(dataDir, 'tmp');
  for (const entry of await fs.promises.readdir(tmp, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(tmp, entry.name);
    const stat = await fs.promises.stat(full).catch(() => null);
    if (!stat || !abandoned(entry.name, stat.mtimeMs, now)) continue;
    await fs.promises.rm(full, { recursive: true, force: true });
    directories++;
  }

  let uploadFiles = 0;
  const uploads = path.join(dataDir, 'uploads');
  const names = await fs.promises.readdir(uploads).catch(() => [] as string[]);
  const ids = [...new Set(names.map((n) => UPLOAD_FILE.exec(n)?.[1]).filter((id) => id !== undefined))];
  const owned = await sessionIdsAmong(db, ids);
  for (const name of names) {
    const id = UPLOAD_FILE.exec(name)?.[1];
    if (id === undefined || owned.has(id)) continue;
    const full = path.join(uploads, name);
    const stat = await fs.promises.stat(full).catch(() => null);
    if (!stat?.isFile() || now - stat.mtimeMs < UNOWNED_UPLOAD_GRACE_MS) continue;
    await fs.promises.rm(full, { force: true });
    uploadFiles++;
  }
  return { directories, uploadFiles };
}
