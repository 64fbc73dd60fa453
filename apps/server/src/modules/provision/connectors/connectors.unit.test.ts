import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config/config.ts';
import { AppError } from '../../../shared/errors.ts';
import { AddressNotAllowed, checkTarget, parseAllowHost, type AllowEntry } from './address-check.ts';
import { checkQuery } from './database-source.ts';
import { isPlatformDatabase, platformDatabaseOf } from './platform-database.ts';
import { cycleCron, nextScheduledRun, validateCron } from './schedule.ts';
import { SecretUnreadable, installationBox, secretBox } from './secrets.ts';

const ID = '3f2a9c1e-0000-4000-8000-000000000001';
const OTHER = '3f2a9c1e-0000-4000-8000-000000000002';

describe('connector secrets (SM4-CBC, HMAC-SM3)', () => {
  const box = secretBox('a master secret of at least thirty-two characters');

  it('seals to text without the secret and opens it back', () => {
    const sealed = box.seal('口令 p@ss-word', ID);
    expect(sealed.startsWith('sm4cbc-hmacsm3.v1:')).toBe(true);
    expect(sealed).not.toContain('p@ss');
    expect(Buffer.from(sealed.split(':')[1] ?? '', 'base64').toString('utf8')).not.toContain('p@ss');
    expect(box.open(sealed, ID)).toBe('口令 p@ss-word');
    // A fresh IV each time: the same secret never seals to the same text.
    expect(box.seal('口令 p@ss-word', ID)).not.toBe(sealed);
  });

  it('refuses a tampered ciphertext, another connector’s ciphertext and another master key', () => {
    const sealed = box.seal('secret', ID);
    const raw = Buffer.from(sealed.split(':')[1] ?? '', 'base64');
    raw[20] = (raw[20] ?? 0) ^ 1;
    expect(() => box.open(`sm4cbc-hmacsm3.v1:${raw.toString('base64')}`, ID)).toThrow(SecretUnreadable);
    expect(() => box.open(sealed, OTHER)).toThrow(SecretUnreadable);
    expect(() => secretBox('another master secret of thirty-two characters').open(sealed, ID)).toThrow(
      SecretUnreadable,
    );
    expect(() => box.open('plain text', ID)).toThrow(SecretUnreadable);
  });
});

describe('the master key', () => {
  it('comes from HUITONG_SECRET_KEY (at least 32 characters)', () => {
    expect(() => loadConfig({ HUITONG_SECRET_KEY: 'too short' })).toThrow(ConfigError);
    const config = loadConfig({ HUITONG_SECRET_KEY: 'k'.repeat(32) });
    expect(config.secretKey).toBe('k'.repeat(32));
    const sealed = installationBox(config).seal('x', ID);
    expect(secretBox('k'.repeat(32)).open(sealed, ID)).toBe('x');
  });

  it('without it, is generated once into <dataDir>/secret.key (0600) and read back by the next start', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-key-'));
    try {
      const sealed = installationBox({ secretKey: undefined, dataDir }).seal('口令', ID);
      const file = path.join(dataDir, 'secret.key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
      expect(key).toHaveLength(32);
      // Another process (no cache) with the same data directory opens it.
      expect(secretBox(key).open(sealed, ID)).toBe('口令');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('allow-list address check', () => {
  const list = (...entries: [string, number | null, number | null][]): AllowEntry[] =>
    entries.map(([host, portFrom, portTo]) => ({ host, portFrom, portTo }));
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AddressNotAllowed);
    return err as AddressNotAllowed;
  };

  it('refuses everything while the list is empty', async () => {
    const err = await refusal(checkTarget([], '10.1.2.3', 5432));
    expect(err.status).toBe(422);
    expect(err.messages.zh).toContain('10.1.2.3:5432');
    expect(err.messages.zh).toContain('不在平台管理员允许的地址清单中');
    expect(err.messages.en).toContain('not on the platform administrator');
  });

  it('matches IP addresses, CIDR blocks and port ranges', async () => {
    const entries = list(['127.0.0.1', 8000, 8100], ['10.20.0.0/16', 5432, 5432], ['fd00::/16', null, null]);
    await expect(checkTarget(entries, '127.0.0.1', 8080)).resolves.toMatchObject({
      addresses: [{ address: '127.0.0.1', family: 4 }],
    });
    await refusal(checkTarget(entries, '127.0.0.1', 22));
    await expect(checkTarget(entries, '10.20.3.4', 5432)).resolves.toBeTruthy();
    await refusal(checkTarget(entries, '10.21.3.4', 5432));
    await expect(checkTarget(entries, '[fd00::5]', 1)).resolves.toBeTruthy();
    // The metadata service is not on the list.
    const err = await refusal(checkTarget(entries, '169.254.169.254', 80));
    expect(err.messages.en).toContain('169.254.169.254:80');
  });

  it('a host name entry allows what the name resolves to, but never loopback or link-local', async () => {
    const entries = list(['data.example.gov.cn', 443, 443]);
    const lookup = (answer: string[]) => async () =>
      answer.map((address) => ({ address, family: 4 as const }));
    await expect(
      checkTarget(entries, 'DATA.example.gov.cn.', 443, lookup(['10.8.1.2'])),
    ).resolves.toMatchObject({ host: 'data.example.gov.cn', addresses: [{ address: '10.8.1.2' }] });
    // Every resolved address must be allowed: one bad answer (rebinding to the metadata service) refuses,
    // and the refusal names the host as given, never what it resolved to.
    const err = await refusal(
      checkTarget(entries, 'data.example.gov.cn', 443, lookup(['10.8.1.2', '169.254.169.254'])),
    );
    const told = JSON.stringify({ messages: err.messages, extra: err.extra, fields: err.fields });
    expect(told).toContain('data.example.gov.cn:443');
    expect(told).not.toContain('169.254');
    expect(told).not.toContain('10.8.1.2');
    await refusal(checkTarget(entries, 'data.example.gov.cn', 443, lookup(['127.0.0.1'])));
    await refusal(checkTarget(entries, 'other.example.gov.cn', 443, lookup(['10.8.1.2'])));
    // IPv4-mapped IPv6 is checked as IPv4.
    await refusal(
      checkTarget(list(['10.0.0.0/8', null, null]), 'x.example', 80, async () => [
        { address: '::ffff:169.254.169.254', family: 6 },
      ]),
    );
  });

  it('resolves only names on the list: localhost is loopback, allowed only when also listed by address', async () => {
    await refusal(checkTarget(list(['localhost', null, null]), 'localhost', 80));
    const loopback = list(['localhost', null, null], ['127.0.0.0/8', null, null], ['::1', null, null]);
    await expect(checkTarget(loopback, 'localhost', 80)).resolves.toBeTruthy();
    await expect(
      checkTarget(list(['no-such-host.invalid', null, null]), 'no-such-host.invalid', 80),
    ).rejects.toMatchObject({ code: 'connector_host_unresolved' });
    // A name that is not on the list is refused without being resolved (an IP block does not admit names).
    let asked = 0;
    const spy = async () => {
      asked++;
      return [{ address: '10.1.2.3', family: 4 as const }];
    };
    const err = await refusal(checkTarget(list(['10.0.0.0/8', null, null]), 'db.internal', 5432, spy));
    expect(asked).toBe(0);
    expect(err.messages.en).toContain('db.internal:5432');
    await refusal(checkTarget(list(['db.internal', 80, 80]), 'db.internal', 5432, spy));
    expect(asked).toBe(0);
  });

  it('parses allow-list hosts and refuses nonsense and too-wide blocks', () => {
    expect(parseAllowHost(' Data.Example.GOV.cn. ')).toEqual({ kind: 'name', value: 'data.example.gov.cn' });
    expect(parseAllowHost('10.0.0.0/8')).toMatchObject({ kind: 'cidr', prefix: 8 });
    expect(parseAllowHost('::1')).toEqual({ kind: 'ip', value: '::1' });
    for (const bad of [
      '0.0.0.0/0',
      '10.0.0.0/7',
      'fd00::/8',
      'not a host',
      '10.0.0.0/33',
      'http://x',
      '127.1',
      '0x7f.1',
      '2130706433',
    ])
      expect(() => parseAllowHost(bad), bad).toThrow(AppError);
  });
});

describe('IPv6 forms of IPv4 addresses and special addresses (issue 10, defect 3)', () => {
  const list = (...hosts: string[]): AllowEntry[] =>
    hosts.map((host) => ({ host, portFrom: null, portTo: null }));
  const refused = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AddressNotAllowed);
  };

  it('reads IPv4-mapped and IPv4-compatible entries as IPv4 (so ::ffff:0:0/96 is 0.0.0.0/0)', () => {
    for (const wide of [
      '::ffff:0:0/96',
      '::ffff:0.0.0.0/96',
      '::/96',
      '::ffff:0:0/100',
      '::ffff:0:0/95',
      '::/64',
      '::/16',
    ])
      expect(() => parseAllowHost(wide), wide).toThrow(AppError);
    expect(parseAllowHost('::ffff:10.20.0.0/112')).toEqual({
      kind: 'cidr',
      value: '10.20.0.0/16',
      prefix: 16,
      base: '10.20.0.0',
    });
    expect(parseAllowHost('::ffff:a00:1')).toEqual({ kind: 'ip', value: '10.0.0.1' });
    expect(parseAllowHost('::10.0.0.1')).toEqual({ kind: 'ip', value: '10.0.0.1' });
    expect(parseAllowHost('[::ffff:127.0.0.1]')).toEqual({ kind: 'ip', value: '127.0.0.1' });
    expect(parseAllowHost('::127.0.0.1')).toEqual({ kind: 'ip', value: '127.0.0.1' });
  });

  it('refuses entries that are or overlap addresses a connector never reaches', () => {
    for (const bad of [
      '::ffff:a9fe:a9fe',
      '::169.254.169.254',
      '169.254.169.254',
      '169.254.0.0/16',
      '169.0.0.0/8',
      '100.100.100.200',
      '100.64.0.0/10',
      '0.0.0.0',
      '0.0.0.0/8',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      'fe80::1',
      'ff02::1',
      '64:ff9b::/96',
      '64:ff9b::a00:1',
      '64:ff9b:1::/48',
      '2002::/16',
      '2002:a00:1::1',
      '2001::/32',
      '::ffff:0:a00:1',
    ])
      expect(() => parseAllowHost(bad), bad).toThrow(AppError);
  });

  it('lets an entry name loopback only explicitly', () => {
    expect(parseAllowHost('127.0.0.1')).toEqual({ kind: 'ip', value: '127.0.0.1' });
    expect(parseAllowHost('127.0.0.0/8')).toMatchObject({ kind: 'cidr', value: '127.0.0.0/8' });
    expect(parseAllowHost('::1')).toEqual({ kind: 'ip', value: '::1' });
    expect(parseAllowHost('10.0.0.0/8')).toMatchObject({ kind: 'cidr', value: '10.0.0.0/8' });
    expect(parseAllowHost('fd00::/16')).toMatchObject({ kind: 'cidr', value: 'fd00::/16' });
  });

  it('an entry stored before the fix (::ffff:0:0/96) admits neither loopback, the metadata service nor private addresses', async () => {
    const old = list('::ffff:0:0/96', '::/96', '169.254.169.254');
    for (const target of [
      '127.0.0.1',
      '169.254.169.254',
      '10.0.0.1',
      '::ffff:127.0.0.1',
      '[::ffff:a9fe:a9fe]',
      '::10.0.0.1',
    ])
      await refused(checkTarget(old, target, 80));
  });

  it('checks IPv6 forms of a target as the IPv4 address they carry, and connects to that', async () => {
    const entries = list('127.0.0.1', '10.0.0.0/8');
    for (const target of ['::ffff:127.0.0.1', '[::ffff:7f00:1]', '::127.0.0.1'])
      await expect(checkTarget(entries, target, 80), target).resolves.toMatchObject({
        addresses: [{ address: '127.0.0.1', family: 4 }],
      });
    await refused(checkTarget(entries, '::ffff:127.0.0.2', 80));
    await refused(checkTarget(entries, '::ffff:a9fe:a9fe', 80));
    await refused(checkTarget(entries, '64:ff9b::a00:1', 80));
    await refused(checkTarget(entries, '::', 80));
    await refused(checkTarget(entries, '0.0.0.0', 80));
  });

  it('checks resolved addresses the same way', async () => {
    const entries = list('data.example.gov.cn', '10.0.0.0/8', '127.0.0.1');
    const answer = (address: string) => async () => [{ address, family: 6 as const }];
    await expect(
      checkTarget(entries, 'data.example.gov.cn', 80, answer('::ffff:a00:1')),
    ).resolves.toMatchObject({ addresses: [{ address: '10.0.0.1', family: 4 }] });
    await expect(checkTarget(entries, 'data.example.gov.cn', 80, answer('::a00:1'))).resolves.toMatchObject({
      addresses: [{ address: '10.0.0.1', family: 4 }],
    });
    // Loopback is explicitly listed, so the name may reach it in any form.
    await expect(
      checkTarget(entries, 'data.example.gov.cn', 80, answer('::127.0.0.1')),
    ).resolves.toMatchObject({ addresses: [{ address: '127.0.0.1', family: 4 }] });
    for (const bad of [
      '::ffff:a9fe:a9fe',
      '::ffff:127.0.0.2',
      '64:ff9b::a00:1',
      '2002:a00:1::1',
      '::',
      'fe80::1',
    ])
      await refused(checkTarget(entries, 'data.example.gov.cn', 80, answer(bad)));
    // Without the loopback entry, a name never reaches loopback.
    await refused(
      checkTarget(list('data.example.gov.cn'), 'data.example.gov.cn', 80, answer('::ffff:127.0.0.1')),
    );
  });
});

describe('the platform database (DATABASE_URL)', () => {
  it('reads the server, port and database as node-postgres does', () => {
    expect(platformDatabaseOf(undefined)).toBeNull();
    expect(platformDatabaseOf('postgres://u:p@DB.Example:6543/Huitong')).toEqual({
      host: 'db.example',
      port: 6543,
      database: 'Huitong',
    });
    expect(platformDatabaseOf('postgres://huitong@[::1]')).toEqual({
      host: '::1',
      port: 5432,
      database: 'huitong',
    });
    expect(platformDatabaseOf('postgresql:///huitong?host=/var/run/postgresql')).toEqual({
      host: null,
      port: 5432,
      database: 'huitong',
    });
  });

  it('matches resolved addresses, port and database (case-sensitive); this machine under any name', async () => {
    const lookup = async (host: string) =>
      host === 'db.internal'
        ? [{ address: '10.1.2.3', family: 4 as const }]
        : Promise.reject(new Error('nx'));
    const remote = platformDatabaseOf('postgres://huitong@db.internal:5432/huitong');
    const target = (address: string, port = 5432, host = address) => ({
      host,
      port,
      addresses: [{ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }],
    });
    expect(await isPlatformDatabase(remote, target('10.1.2.3'), 'huitong', lookup)).toBe(true);
    expect(await isPlatformDatabase(remote, target('10.1.2.3', 5432, 'db.internal'), 'huitong', lookup)).toBe(
      true,
    );
    expect(await isPlatformDatabase(remote, target('10.1.2.3'), 'Huitong', lookup)).toBe(false);
    expect(await isPlatformDatabase(remote, target('10.1.2.3', 5433), 'huitong', lookup)).toBe(false);
    expect(await isPlatformDatabase(remote, target('10.1.2.4'), 'huitong', lookup)).toBe(false);
    const local = platformDatabaseOf('postgres://huitong@localhost/huitong');
    for (const address of ['127.0.0.1', '::1', '127.0.0.2'])
      expect(await isPlatformDatabase(local, target(address), 'huitong', lookup), address).toBe(true);
    const socket = platformDatabaseOf('postgresql:///huitong?host=/run/postgresql');
    expect(await isPlatformDatabase(socket, target('127.0.0.1'), 'huitong', lookup)).toBe(true);
    expect(await isPlatformDatabase(null, target('127.0.0.1'), 'huitong', lookup)).toBe(false);
  });
});

describe('schedules', () => {
  it('follows the update cycle at 01:xx Beijing time, realtime every five minutes', () => {
    const from = new Date('2026-11-27T10:00:00+08:00');
    const c = { id: ID, schedule: 'cycle' as const, cron: null };
    const minute = Number.parseInt(ID.replace(/-/g, '').slice(0, 8), 16) % 60;
    const pad = String(minute).padStart(2, '0');
    expect(cycleCron('daily', ID)).toBe(`${minute} 1 * * *`);
    expect(nextScheduledRun(c, 'daily', from)?.toISOString()).toBe(
      new Date(`2026-11-28T01:${pad}:00+08:00`).toISOString(),
    );
    // 2026-11-27 is a Friday: the next Monday is 11-30.
    expect(nextScheduledRun(c, 'weekly', from)?.toISOString()).toBe(
      new Date(`2026-11-30T01:${pad}:00+08:00`).toISOString(),
    );
    expect(nextScheduledRun(c, 'monthly', from)?.toISOString()).toBe(
      new Date(`2026-12-01T01:${pad}:00+08:00`).toISOString(),
    );
    expect(nextScheduledRun(c, 'quarterly', from)?.toISOString()).toBe(
      new Date(`2027-01-01T01:${pad}:00+08:00`).toISOString(),
    );
    expect(nextScheduledRun(c, 'half_yearly', from)?.toISOString()).toBe(
      new Date(`2027-01-01T01:${pad}:00+08:00`).toISOString(),
    );
    expect(nextScheduledRun(c, 'yearly', new Date('2027-03-01T00:00:00+08:00'))?.toISOString()).toBe(
      new Date(`2028-01-01T01:${pad}:00+08:00`).toISOString(),
    );
    expect(nextScheduledRun(c, 'realtime', new Date('2026-11-27T10:02:30+08:00'))?.toISOString()).toBe(
      new Date('2026-11-27T10:05:00+08:00').toISOString(),
    );
    expect(nextScheduledRun({ ...c, schedule: 'manual' }, 'daily', from)).toBeNull();
  });

  it('runs a cron expression in Beijing time', () => {
    const c = { id: ID, schedule: 'cron' as const, cron: '30 2 * * 1-5' };
    expect(nextScheduledRun(c, 'daily', new Date('2026-11-27T03:00:00+08:00'))?.toISOString()).toBe(
      new Date('2026-11-30T02:30:00+08:00').toISOString(),
    );
  });

  it('refuses invalid cron expressions and ones more often than every five minutes', () => {
    expect(validateCron(' 30  2 * * * ')).toBe('30 2 * * *');
    for (const bad of [
      '* * * * *',
      '*/2 * * * *',
      '0,1 * * * *',
      '61 * * * *',
      '0 0 * *',
      '@daily',
      '0 0 0 * * *',
    ])
      expect(() => validateCron(bad), bad).toThrow(AppError);
    expect(validateCron('*/5 * * * *')).toBe('*/5 * * * *');
  });
});

describe('connector queries', () => {
  it('takes one SELECT (or WITH) and drops trailing semicolons', () => {
    expect(checkQuery('  select * from t;; ')).toBe('select * from t');
    expect(checkQuery('WITH a AS (select 1) select * from a')).toMatch(/^WITH/);
    for (const bad of ['delete from t', 'update t set a = 1', 'drop table t', ''])
      expect(() => checkQuery(bad), bad).toThrow(AppError);
  });
});
