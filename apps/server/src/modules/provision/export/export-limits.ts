/**
 * How many data exports stream at a time, and how long a download may wait for its client.
 *
 * Each export holds a slot (and on PostgreSQL a database connection) while it streams. The slots
 * are limited per server, per organisation and per user (an account, or an API credential), so that
 * one user or one department cannot take them all; a download whose client has stopped reading is
 * ended after the idle time, so that a client that never reads cannot hold a slot for ever.
 */
import type { ServerResponse } from 'node:http';
import { AppError } from '../../../shared/errors.ts';
import type { StaffPrincipal } from '../../../shared/principal.ts';

/** Which limit refused an export (also the `limit` member of the problem). */
export type ExportLimit = 'user' | 'organisation' | 'server';

export interface ExportLimits {
  /** Exports at a time in this process. */
  total: number;
  /** Per organisation. */
  perOrg: number;
  /** Per user: an account, or an API credential. */
  perUser: number;
}

export type SlotTaken = { ok: true; release: () => void } | { ok: false; limit: ExportLimit };

/** The user a principal counts as: a person's account, or a system's credential. */
export const userKeyOf = (p: StaffPrincipal) =>
  p.kind === 'staff' ? `account:${p.accountId}` : `credential:${p.credentialId}`;

/** The export slots of one process: counted per server, per organisation and per user. */
export class ExportLimiter {
  private used = 0;
  private readonly byOrg = new Map<string, number>();
  private readonly byUser = new Map<string, number>();

  constructor(readonly limits: ExportLimits) {}

  /**
   * Takes a slot for the principal, or answers the limit that refuses it (the user's first, then the
   * organisation's, then the server's). `release` gives the slot back; calling it again does nothing.
   */
  take(p: StaffPrincipal): SlotTaken {
    const user = userKeyOf(p);
    const org = p.org.id;
    if ((this.byUser.get(user) ?? 0) >= this.limits.perUser) return { ok: false, limit: 'user' };
    if ((this.byOrg.get(org) ?? 0) >= this.limits.perOrg) return { ok: false, limit: 'organisation' };
    if (this.used >= this.limits.total) return { ok: false, limit: 'server' };
    this.used++;
    bump(this.byUser, user, 1);
    bump(this.byOrg, org, 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.used--;
        bump(this.byUser, user, -1);
        bump(this.byOrg, org, -1);
      },
    };
  }

  /** Slots in use in the whole process. */
  get inUse(): number {
    return this.used;
  }
}

function bump(counts: Map<string, number>, key: string, by: number) {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** Seconds a refused client is asked to wait (`Retry-After`). */
export const EXPORT_RETRY_AFTER_SECONDS = 10;

/**
 * The refusal: 429 for the user's and the organisation's limit (the caller's own exports are what
 * stands in the way), 503 for the server's (everyone's are), naming the limit and its size.
 */
export class TooManyExportsError extends AppError {
  constructor(
    readonly limit: ExportLimit,
    messages: { zh: string; en: string },
  ) {
    super('too_many_exports', limit === 'server' ? 503 : 429, messages, [], { limit });
  }
}

export function tooManyExports(limit: ExportLimit, limits: ExportLimits): TooManyExportsError {
  const messages = {
    user: {
      zh: `您已有 ${limits.perUser} 个导出正在进行（每个用户最多同时 ${limits.perUser} 个），请等其中一个完成后再试`,
      en: `You already have ${limits.perUser} exports running (at most ${limits.perUser} at a time per user); retry when one has finished`,
    },
    organisation: {
      zh: `本单位已有 ${limits.perOrg} 个导出正在进行（每个单位最多同时 ${limits.perOrg} 个），请稍后再试`,
      en: `Your organisation already has ${limits.perOrg} exports running (at most ${limits.perOrg} at a time per organisation); please retry shortly`,
    },
    server: {
      zh: `服务器同时进行的导出已达上限（${limits.total} 个），请稍后再试`,
      en: `The server is running as many exports as it allows at a time (${limits.total}); please retry shortly`,
    },
  } satisfies Record<ExportLimit, { zh: string; en: string }>;
  return new TooManyExportsError(limit, messages[limit]);
}

/**
 * Ends a download whose client has not read for `idleMs`: the response's write buffer has stayed
 * full (no 'drain') all that time, so the export is paused on back-pressure and would hold its slot
 * and connection for as long as the client keeps the connection open. A slow client that reads
 * something within the idle time is never ended; nor is a download waiting for the database (its
 * buffer is not full). `onStall` runs once, before the response is destroyed (which destroys the
 * export stream, closing its cursor or COPY and releasing its connection).
 */
export function endWhenStalled(res: ServerResponse, idleMs: number, onStall: () => void): void {
  let fullSince: number | null = null;
  const onDrain = () => {
    fullSince = null;
  };
  const timer = setInterval(
    () => {
      if (!res.writableNeedDrain) {
        fullSince = null;
        return;
      }
      const now = Date.now();
      if (fullSince === null) fullSince = now;
      else if (now - fullSince >= idleMs) {
        stop();
        onStall();
        res.destroy();
      }
    },
    Math.max(20, Math.min(1000, Math.floor(idleMs / 10))),
  );
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    res.off('drain', onDrain);
  };
  res.on('drain', onDrain);
  res.once('close', stop);
}
