/**
 * No SSRF: a connector reaches only addresses the platform administrator listed. An entry of the
 * allow-list is a host name, an IP address or a CIDR block, with a port or port range (or any
 * port). A target is allowed when every address its name resolves to is allowed; the connection is
 * then made to one of those checked addresses (never resolved again), so a DNS answer that changes
 * between the check and the connection (rebinding) cannot redirect it.
 *
 * IPv6 forms that carry an IPv4 address are that IPv4 address everywhere: an IPv4-mapped
 * (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`) entry, target or resolved address is read,
 * stored, checked and connected to as `a.b.c.d` (so `::ffff:0:0/96` is `0.0.0.0/0`, too wide). Other
 * IPv6 forms that reach IPv4 through a translator (NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, SIIT
 * `::ffff:0:0:0/96`, 6to4 `2002::/16`, Teredo `2001::/32`) are never reached.
 *
 * Special addresses: unspecified, broadcast, multicast, reserved, link-local (every cloud's metadata
 * service: 169.254.169.254, and Alibaba Cloud's 100.100.100.200) are never reached, and an entry
 * that overlaps them is refused. Loopback is reached only through an IP or CIDR entry lying wholly
 * inside it (`127.0.0.1`, `127.0.0.0/8`, `::1`); an entry that straddles it is refused. A host-name
 * entry trusts what that name resolves to, except special addresses. A name that is not itself on
 * the list is never resolved, and a refusal names the host as given, never what it resolved to.
 */
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
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
  constructor(host: string, port: number) {
    super(
      'connector_address_not_allowed',
      422,
      {
        zh: `连接器地址 ${host}:${port} 不在平台管理员允许的地址清单中，不能连接；请联系平台管理员添加`,
        en: `The connector address ${host}:${port} is not on the platform administrator's allow-list, so it cannot be reached; ask the platform administrator to add it`,
      },
      [],
      { host, port },
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
/** A last label that URL parsers and resolvers read as a number (`127.1`, `0x7f.1`): not a name. */
const NUMERIC_LABEL = /(^|\.)(\d+|0x[0-9a-f]*)$/;

/** A host name in its canonical form (lower case, no trailing dot, no IPv6 brackets). */
export function canonicalHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
}

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

/** A block of addresses; a single address is a block of /32 (IPv4) or /128 (IPv6). */
interface Block {
  ip: Ip;
  prefix: number;
}

const block = (cidr: string): Block => {
  const [ip, prefix] = ipaddr.parseCIDR(cidr);
  return { ip, prefix };
};
const bits = (ip: Ip) => (ip.kind() === 'ipv4' ? 32 : 128);

/** `inner` lies wholly inside `outer`. */
const inside = (inner: Block, outer: Block) =>
  inner.ip.kind() === outer.ip.kind() &&
  inner.prefix >= outer.prefix &&
  inner.ip.match(outer.ip, outer.prefix);

/** The two blocks share an address. */
const overlap = (a: Block, b: Block) =>
  a.ip.kind() === b.ip.kind() && a.ip.match(b.ip, Math.min(a.prefix, b.prefix));

const MAPPED = block('::ffff:0:0/96');
const COMPATIBLE = block('::/96');

/**
 * An IPv4-mapped or IPv4-compatible IPv6 block as the IPv4 block it carries (`::ffff:10.0.0.0/104`
 * is `10.0.0.0/8`); `::` and `::1` stay IPv6's own unspecified and loopback addresses.
 */
function asIPv4(b: Block): Block {
  if (b.ip.kind() !== 'ipv6' || b.prefix < 96) return b;
  const v6 = b.ip as ipaddr.IPv6;
  if (!inside(b, MAPPED) && !inside(b, COMPATIBLE)) return b;
  if (inside(b, COMPATIBLE) && b.prefix === 128 && v6.parts[6] === 0 && (v6.parts[7] ?? 0) <= 1) return b;
  const [, , , , , , hi = 0, lo = 0] = v6.parts;
  const v4 = new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  return { ip: v4, prefix: b.prefix - 96 };
}

/** Parses an IP address or CIDR block in the strict forms (dotted quad, RFC 4291), as IPv4 when it carries one. */
function parseBlock(text: string): Block | null {
  const slash = text.indexOf('/');
  const base = slash >= 0 ? text.slice(0, slash) : text;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : null;
  const family = net.isIP(base);
  if (family === 0 || base.includes('%')) return null;
  const ip = ipaddr.parse(base);
  let prefix = bits(ip);
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > prefix) return null;
    prefix = Number(prefixText);
  }
  return asIPv4({ ip, prefix });
}

/** The network address of a block, as text (`10.1.2.3/16` → `10.1.0.0`). */
function networkText(b: Block): string {
  const bytes = b.ip.toByteArray();
  const out = bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, b.prefix - i * 8));
    return byte & (0xff << (8 - keep)) & 0xff;
  });
  return ipaddr.fromByteArray(out).toString();
}

type SpecialKind = 'never' | 'explicit';

/** Addresses a connector never reaches, and loopback, reached only through an entry naming it. */
const SPECIAL: readonly { block: Block; kind: SpecialKind; what: string }[] = [
  ['0.0.0.0/8', 'never', 'unspecified'],
  ['127.0.0.0/8', 'explicit', 'loopback'],
  ['169.254.0.0/16', 'never', 'link-local (cloud metadata)'],
  ['100.100.100.200/32', 'never', 'cloud metadata'],
  ['224.0.0.0/4', 'never', 'multicast'],
  ['240.0.0.0/4', 'never', 'reserved, broadcast'],
  ['::/128', 'never', 'unspecified'],
  ['::1/128', 'explicit', 'loopback'],
  ['fe80::/10', 'never', 'link-local'],
  ['fec0::/10', 'never', 'site-local'],
  ['ff00::/8', 'never', 'multicast'],
  ['::ffff:0:0:0/96', 'never', 'IPv4-translated (SIIT)'],
  ['64:ff9b::/96', 'never', 'NAT64'],
  ['64:ff9b:1::/48', 'never', 'NAT64'],
  ['2002::/16', 'never', '6to4'],
  ['2001::/32', 'never', 'Teredo'],
].map(([cidr = '', kind, what = '']) => ({ block: block(cidr), kind: kind as SpecialKind, what }));

/** The special block an address lies in, if any. */
function specialOf(b: Block) {
  return SPECIAL.find((s) => inside(b, s.block));
}

export type AllowHost =
  { kind: 'name' | 'ip'; value: string } | { kind: 'cidr'; value: string; prefix: number; base: string };

/**
 * Parses an allow-list host: a host name, an IP address or a CIDR block (refused when wider than /8,
 * IPv6 /16), IPv6 forms of IPv4 read as IPv4, refused when it is or overlaps a special address
 * that is never reached or straddles loopback.
 */
export function parseAllowHost(input: string, field = 'host'): AllowHost {
  const value = canonicalHost(input);
  const slash = value.includes('/');
  const b = parseBlock(value);
  if (slash && b === null)
    throw invalidField(
      field,
      '不是有效的 CIDR 网段（如 10.1.0.0/16）',
      'is not a valid CIDR block (e.g. 10.1.0.0/16)',
    );
  if (b === null) {
    if (!HOST_NAME.test(value) || NUMERIC_LABEL.test(value))
      throw invalidField(
        field,
        '须为主机名、IP 地址或 CIDR 网段',
        'must be a host name, an IP address or a CIDR block',
      );
    return { kind: 'name', value };
  }
  const v4 = b.ip.kind() === 'ipv4';
  if (b.prefix < (v4 ? 8 : 16))
    throw invalidField(
      field,
      '网段过大：IPv4 至少 /8，IPv6 至少 /16（IPv4 映射的 IPv6 网段按 IPv4 计）',
      'is too wide a block: at least /8 for IPv4 and /16 for IPv6 (IPv4-mapped IPv6 blocks count as IPv4)',
    );
  if (!v4 && b.prefix < 96 && (overlap(b, MAPPED) || overlap(b, COMPATIBLE)))
    throw invalidField(
      field,
      '网段包含 IPv4 映射或兼容的 IPv6 地址，请按 IPv4 地址填写',
      'holds IPv4-mapped or IPv4-compatible IPv6 addresses; list them as IPv4',
    );
  for (const s of SPECIAL) {
    if (!overlap(b, s.block)) continue;
    if (s.kind === 'never')
      throw invalidField(
        field,
        `包含连接器不能访问的特殊地址（${s.what}）`,
        `holds special addresses a connector never reaches (${s.what})`,
      );
    if (!inside(b, s.block))
      throw invalidField(
        field,
        `部分包含特殊地址（${s.what}），请缩小网段或单独列出`,
        `partly holds special addresses (${s.what}); narrow the block or list them on their own`,
      );
  }
  if (!slash || b.prefix === bits(b.ip)) return { kind: 'ip', value: b.ip.toString() };
  const base = networkText(b);
  return { kind: 'cidr', value: `${base}/${b.prefix}`, prefix: b.prefix, base };
}

/** A connector's host: a host name or an IP address (no block); IPv6 forms of IPv4 as IPv4. */
export function parseTargetHost(input: string, field = 'host'): string {
  const value = canonicalHost(input);
  const b = value.includes('/') ? null : parseBlock(value);
  if (b !== null) return b.ip.toString();
  if (!HOST_NAME.test(value) || NUMERIC_LABEL.test(value))
    throw invalidField(field, '须为主机名或 IP 地址', 'must be a host name or an IP address');
  return value;
}

/** An IP address as canonical text (IPv6 forms of IPv4 as IPv4) and its ipaddr.js range; null when not an address. */
export function canonicalAddress(text: string): { text: string; range: string } | null {
  const value = canonicalHost(text);
  const b = value.includes('/') ? null : parseBlock(value);
  return b === null ? null : { text: b.ip.toString(), range: b.ip.range() };
}

/** A resolved or literal address as the check sees it (IPv6 forms of IPv4 as IPv4); null when unreadable. */
function checkedAddress(a: ResolvedAddress): { block: Block; address: ResolvedAddress } | null {
  const b = parseBlock(a.address);
  if (b === null || b.prefix !== bits(b.ip)) return null;
  const v4 = b.ip.kind() === 'ipv4';
  return { block: b, address: { address: b.ip.toString(), family: v4 ? 4 : 6 } };
}

interface ParsedEntry {
  host: AllowHost;
  block: Block | null;
  portFrom: number | null;
  portTo: number | null;
}

/** The valid entries; an entry stored before a rule tightened and no longer valid is ignored. */
function parseEntries(entries: readonly AllowEntry[]): ParsedEntry[] {
  const out: ParsedEntry[] = [];
  for (const e of entries) {
    try {
      const host = parseAllowHost(e.host);
      out.push({
        host,
        block: host.kind === 'name' ? null : parseBlock(host.value),
        portFrom: e.portFrom,
        portTo: e.portTo,
      });
    } catch {
      // ignored: see above
    }
  }
  return out;
}

const portAllowed = (e: ParsedEntry, port: number) =>
  e.portFrom === null || (port >= e.portFrom && port <= (e.portTo ?? e.portFrom));

/**
 * Resolves `host` (only when a host-name entry names it) and answers its addresses when every one
 * of them is allowed on `port`; otherwise AddressNotAllowed names the host as given and the port.
 */
export async function checkTarget(
  entries: readonly AllowEntry[],
  rawHost: string,
  port: number,
  lookup: Lookup = systemLookup,
): Promise<CheckedTarget> {
  const host = canonicalHost(rawHost);
  const parsed = parseEntries(entries).filter((e) => portAllowed(e, port));
  const literal = parseBlock(host);
  let found: ResolvedAddress[];
  const named = parsed.some((e) => e.host.kind === 'name' && e.host.value === host);
  if (literal !== null) {
    if (literal.prefix !== bits(literal.ip)) throw new AddressNotAllowed(host, port);
    found = [{ address: host, family: literal.ip.kind() === 'ipv4' ? 4 : 6 }];
  } else {
    if (!named || NUMERIC_LABEL.test(host)) throw new AddressNotAllowed(host, port);
    try {
      found = await lookup(host);
    } catch {
      throw new HostUnresolved(host);
    }
    if (found.length === 0) throw new HostUnresolved(host);
  }
  const addresses: ResolvedAddress[] = [];
  for (const a of found) {
    const checked = checkedAddress(a);
    if (checked === null) throw new AddressNotAllowed(host, port);
    const special = specialOf(checked.block);
    const allowed =
      special?.kind !== 'never' &&
      parsed.some((e) =>
        e.block === null ? e.host.value === host && special === undefined : inside(checked.block, e.block),
      );
    if (!allowed) throw new AddressNotAllowed(host, port);
    addresses.push(checked.address);
  }
  return { host, port, addresses };
}
