import type { Db, Trx } from '../../db/database.ts';
import type { Config } from '../../config/config.ts';
import type { DemoCity } from '../../demo/city.ts';
import { SYSTEM_ACTOR } from '../../shared/principal.ts';
import { appendAudit } from '../security/index.ts';
import { hashPassword } from './password.ts';
import * as repo from './org.repository.ts';

export type BootstrapResult =
  { kind: 'existing' } | { kind: 'demo' } | { kind: 'empty'; adminUsername: string };

export class BootstrapError extends Error {}

/**
 * First start on an empty database: loads the demo city, or (HUITONG_DEMO=0) only the city, its
 * authority and one administrator with the operator's password. Later starts change nothing.
 */
export async function bootstrap(db: Db, config: Config): Promise<BootstrapResult> {
  // Later starts change nothing: no password to hash, no demo file to read.
  if (await repo.hasOrganisations(db)) return { kind: 'existing' };
  if (!config.demo) {
    const missing = (['adminPassword', 'cityCode', 'cityName'] as const).find((k) => config[k] === undefined);
    const names = {
      adminPassword: 'HUITONG_ADMIN_PASSWORD',
      cityCode: 'HUITONG_CITY_CODE',
      cityName: 'HUITONG_CITY_NAME',
    };
    if (missing) {
      throw new BootstrapError(
        `HUITONG_DEMO=0 on an empty database needs ${names[missing]} to create the administrator`,
      );
    }
  }
  // The demo city's data file is read only to load the demo.
  const city = config.demo ? (await import('../../demo/city.ts')).DEMO_CITY : undefined;
  const passwordHash = await hashPassword(city ? city.password : (config.adminPassword ?? ''));
  return db.transaction().execute(async (trx) => {
    await repo.lockBootstrap(trx);
    if (await repo.hasOrganisations(trx)) return { kind: 'existing' };
    if (city) {
      await loadDemo(trx, city, passwordHash);
      await appendAudit(trx, SYSTEM_ACTOR, {
        action: 'platform.demo_loaded',
        detail: { organisations: city.organisations.length },
      });
      return { kind: 'demo' };
    }
    const cityCode = config.cityCode ?? '';
    const cityName = config.cityName ?? '';
    await repo.insertDivision(trx, { code: cityCode, name: cityName, kind: 'city', parent_code: null });
    const org = await repo.insertOrg(trx, {
      name: config.authorityName ?? `${cityName}大数据主管部门`,
      kind: 'authority',
      level: 'city',
      credit_code: null,
      division_code: cityCode,
    });
    const admin = await repo.insertAccount(trx, {
      kind: 'staff',
      username: 'admin',
      display_name: '平台管理员',
      org_id: org.id,
      public_type: null,
      password_hash: passwordHash,
    });
    await repo.addAccountRoles(trx, admin.id, ['admin']);
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'platform.initialised',
      detail: { cityCode, adminUsername: 'admin' },
    });
    return { kind: 'empty', adminUsername: 'admin' };
  });
}

async function loadDemo(trx: Trx, city: DemoCity, passwordHash: string): Promise<void> {
  await repo.insertDivisions(
    trx,
    city.divisions.map((d) => ({ ...d, parent_code: d.kind === 'city' ? null : '210100' })),
  );
  const ids = new Map<string, string>();
  for (const o of city.organisations) {
    const row = await repo.insertOrg(trx, {
      name: o.name,
      short_name: o.shortName,
      kind: o.kind,
      level: o.level,
      credit_code: o.creditCode,
      division_code: o.divisionCode,
      parent_id: o.parentKey ? (ids.get(o.parentKey) ?? null) : null,
      delegated: o.delegated ?? false,
      contact_name: o.contactName,
      contact_phone: o.contactPhone,
    });
    ids.set(o.key, row.id);
    for (const a of o.accounts) {
      const account = await repo.insertAccount(trx, {
        kind: 'staff',
        username: a.username,
        display_name: a.displayName,
        org_id: row.id,
        public_type: null,
        password_hash: passwordHash,
      });
      await repo.addAccountRoles(trx, account.id, a.roles);
    }
  }
  for (const p of city.publicAccounts) {
    await repo.insertAccount(trx, {
      kind: 'public',
      username: p.username,
      display_name: p.displayName,
      org_id: null,
      public_type: p.publicType,
      credit_code: p.creditCode,
      password_hash: passwordHash,
    });
  }
}
