/**
 * No SSRF: a connector reaches only addresses the platform administrator listed. An entry of the
 * allow-list is a host name, an IP address or a CIDR block, with a port or port range (or any
 * port). A target is allowed when every address its name resolves to is allowed; the connection is
 * then made to one of those checked addresses (never resolved again), so a DNS answer that changes
 * between the check and the connection (rebinding) cannot redirect it.
 *
 * A host-name entry trusts what that name resolves to, except loopback, link-local (the cloud
 * metadata service at 169.254.169.254), unspecified and multicast addresses: those are reached only
 * when an IP or CIDR entry names them.
 */
import dns from 'node:dns';
import net from 'node:net';
import { AppError, invalidField } from '../../../shared/errors.ts';

export interface AllowEntry {
  host: string;
  portFrom: number | null;
  portTo: number | null;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface CheckedTarget {
  host: string;
  port: number;
  addresses: ResolvedAddress[];
}

export type Lookup = (host: string) => Promise<ResolvedAddress[]>;

export const systemLookup: Lookup = async (host) => {
  const found = await dns.promises.lookup(host, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export class AddressNotAllowed extends AppError {
  constructor(host: string, port: number, refused: string[]) {
    const shown =
      refused.length > 0 && !(refused.length === 1 && refused[0] === host)
        ? `（解析为 ${refused.join('、')}）`
        : '';
    const shownEn =
      refused.length > 0 && !(refused.length === 1 && refused[0] === host)
        ? ` (resolved to ${refused.join(', ')})`
        : '';
    super(
      'connector_address_not_allowed',
      422,
      {
        zh: `连接器地址 ${host}:${port}${shown}不在平台管理员允许的地址清单中，不能连接；请联系平台管理员添加`,
        en: `The connector address ${host}:${port}${shownEn} is not on the platform administrator's allow-list, so it cannot be reached; ask the platform administrator to add it`,
      },
      [],
      { host, port, addresses: refused },
    );
  }
}

export class HostUnresolved extends AppError {
  constructor(host: string) {
    super(
      'connector_host_unresolved',
      422,
      { zh: `无法解析主机名 ${host}`, en: `The host name ${host} cannot be resolved` },
      [],
      { host },
    );
  }
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A host name in its canonical form (lower case, no trailing dot, no IPv6 brackets). */
export function canonicalHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
}

export type AllowHost =
  { kind: 'name' | 'ip'; value: string } | { kind: 'cidr'; value: string; prefix: number; base: string };

/** Parses an allow-list host: a host name, an IP address or a CIDR block (refused when wider than /8, IPv6 /16). */
export function parseAllowHost(input: string, field = 'host'): AllowHost {
  const value = canonicalHost(input);
  const slash = value.indexOf('/');
  if (slash >= 0) {
    const base = value.slice(0, slash);
    const bits = value.slice(slash + 1);
    const family = net.isIP(base);
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    const max = family === 6 ? 128 : 32;
    if (family === 0 || prefix < 0 || prefix > max)
      throw invalidField(
        field,
        '不是有效的 CIDR 网段（如 10.1.0.0/16）',
        'is not a valid CIDR block (e.g. 10.1.0.0/16)',
      );
    if (prefix < (family === 6 ? 16 : 8))
      throw invalidField(
        field,
        '网段过大：IPv4 至少 /8，IPv6 至少 /16',
        'is too wide a block: at least /8 for IPv4 and /16 for IPv6',
      );
    return { kind: 'cidr', value: `${base}/${prefix}`, prefix, base };
  }
  if (net.isIP(value) !== 0) return { kind: 'ip', value };
  if (!HOST_NAME.test(value))
    throw invalidField(
      field,
      '须为主机名、IP 地址或 CIDR 网段',
      'must be a host name, an IP address or a CIDR block',
    );
  return { kind: 'name', value };
}

/** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked as the IPv4 address they carry. */
function normalise(a: ResolvedAddress): ResolvedAddress {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a.address);
  return m?.[1] ? { address: m[1], family: 4 } : a;
}

const SPECIAL = new net.BlockList();
SPECIAL.addSubnet('0.0.0.0', 8, 'ipv4');
SPECIAL.addSubnet('127.0.0.0', 8, 'ipv4');
SPECIAL.addSubnet('169.254.0.0', 16, 'ipv4');
SPECIAL.addSubnet('224.0.0.0', 3, 'ipv4');
SPECIAL.addAddress('::', 'ipv6');
SPECIAL.addAddress('::1', 'ipv6');
SPECIAL.addSubnet('fe80::', 10, 'ipv6');
SPECIAL.addSubnet('ff00::', 8, 'ipv6');

const family = (a: ResolvedAddress) => (a.family === 6 ? 'ipv6' : 'ipv4');

function entryAllows(entry: AllowEntry, host: string, port: number, a: ResolvedAddress): boolean {
  if (entry.portFrom !== null && (port < entry.portFrom || port > (entry.portTo ?? entry.portFrom)))
    return false;
  let parsed: AllowHost;
  try {
    parsed = parseAllowHost(entry.host);
  } catch {
    return false;
  }
  switch (parsed.kind) {
    case 'name':
      return parsed.value === host && !SPECIAL.check(a.address, family(a));
    case 'ip': {
      const list = new net.BlockList();
      const f = net.isIP(parsed.value) === 6 ? 'ipv6' : 'ipv4';
      list.addAddress(parsed.value, f);
      return list.check(a.address, family(a));
    }
    case 'cidr': {
      const list = new net.BlockList();
      list.addSubnet(parsed.base, parsed.prefix, net.isIP(parsed.base) === 6 ? 'ipv6' : 'ipv4');
      return list.check(a.address, family(a));
    }
  }
}

/**
 * Resolves `host` and answers its addresses when every one of them is allowed on `port`; otherwise
 * AddressNotAllowed names the host, the port and the addresses refused.
 */
export async function checkTarget(
  entries: readonly AllowEntry[],
  rawHost: string,
  port: number,
  lookup: Lookup = systemLookup,
): Promise<CheckedTarget> {
  const host = canonicalHost(rawHost);
  let addresses: ResolvedAddress[];
  const literal = net.isIP(host);
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(host);
    } catch {
      throw new HostUnresolved(host);
    }
    if (addresses.length === 0) throw new HostUnresolved(host);
  }
  addresses = addresses.map(normalise);
  const refused = addresses.filter((a) => !entries.some((e) => entryAllows(e, host, port, a)));
  if (entries.length === 0 || refused.length > 0)
    throw new AddressNotAllowed(
      host,
      port,
      (refused.length > 0 ? refused : addresses).map((a) => a.address),
    );
  return { host, port, addresses };
}
