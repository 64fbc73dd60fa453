/**
 * The platform's own database is never a connector's source. Two checks:
 *
 * - before connecting (and when the connector is saved): a PostgreSQL source whose port and database
 *   name (case-sensitive, as PostgreSQL compares them) are DATABASE_URL's, and whose checked address
 *   is DATABASE_URL's host — after resolving it, with loopback, unspecified and this server's own
 *   interface addresses all counting as "this machine" (so `localhost`, `127.0.0.1`, `::1` and the
 *   server's LAN address are one host) — is refused;
 * - after connecting: the source session's server start time and database oid are compared with the
 *   platform's own, which catches the same database reached under another address or through a
 *   proxy on another port.
 *
 * With the embedded PGlite there is no platform PostgreSQL server, and only the first check runs
 * when DATABASE_URL is set anyway.
 */
import os from 'node:os';
import { canonicalAddress, canonicalHost, type CheckedTarget, type Lookup } from './address-check.ts';

export interface PlatformDatabase {
  /** DATABASE_URL's host (canonical), or null for a Unix socket (this machine). */
  host: string | null;
  port: number;
  database: string;
}

/** The server, port and database DATABASE_URL names (as node-postgres reads it); null without it. */
export function platformDatabaseOf(databaseUrl: string | undefined): PlatformDatabase | null {
  if (databaseUrl === undefined) return null;
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return null;
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const hostParam = url.searchParams.get('host');
  const rawHost = hostParam ?? decode(url.hostname);
  const host = rawHost === '' || rawHost.startsWith('/') ? null : canonicalHost(rawHost);
  const portParam = url.searchParams.get('port');
  const port = Number(url.port || portParam || 5432);
  let osUser = '';
  try {
    osUser = os.userInfo().username;
  } catch {
    // no user name for this process (a container without a passwd entry)
  }
  const user = decode(url.username) || url.searchParams.get('user') || osUser;
  const database = decode(url.pathname.replace(/^\//, '')) || url.searchParams.get('dbname') || user;
  return { host, port, database };
}

const LOCAL = 'this-machine';

/** Loopback, unspecified and this server's own interface addresses are one key: this machine. */
function addressKey(address: string, own: ReadonlySet<string>): string {
  const a = canonicalAddress(address);
  if (a === null) return address;
  if (a.range === 'loopback' || a.range === 'unspecified' || own.has(a.text)) return LOCAL;
  return a.text;
}

function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(os.networkInterfaces()))
    for (const i of list ?? []) {
      const a = canonicalAddress(i.address.replace(/%.*$/, ''));
      if (a) own.add(a.text);
    }
  return own;
}

/**
 * Is the checked target (port, database) the platform's own database? Compares resolved addresses;
 * a platform host that does not resolve is compared by name only.
 */
export async function isPlatformDatabase(
  platform: PlatformDatabase | null,
  target: CheckedTarget,
  database: string,
  lookup: Lookup,
): Promise<boolean> {
  if (platform === null || target.port !== platform.port || database !== platform.database) return false;
  if (platform.host !== null && platform.host === target.host) return true;
  const own = ownAddresses();
  let platformKeys: string[];
  if (platform.host === null || platform.host === 'localhost' || platform.host.endsWith('.localhost'))
    platformKeys = [LOCAL];
  else if (canonicalAddress(platform.host) !== null) platformKeys = [addressKey(platform.host, own)];
  else {
    try {
      platformKeys = (await lookup(platform.host)).map((a) => addressKey(a.address, own));
    } catch {
      platformKeys = [];
    }
  }
  return target.addresses.some((a) => platformKeys.includes(addressKey(a.address, own)));
}

/**
 * The query that tells one PostgreSQL database from every other: its server's start time (to the
 * microsecond) and its oid. Run on the platform's database and on each source session.
 */
export const DATABASE_FINGERPRINT_SQL =
  "select extract(epoch from pg_postmaster_start_time())::text || '/' || d.oid::text as fingerprint from pg_database d where d.datname = current_database()";
