/**
 * The demo city (沈阳市, apps/server/demo/city.json): its 13 districts and counties, the city
 * authority, three district authorities, city and district departments, two public-service
 * enterprises (Art. 37), an evaluator (Art. 8) and staff accounts for every role. Only demo data
 * may name Shenyang. Read when this module is first imported, which the server does only with
 * HUITONG_DEMO=1.
 */
import type { DivisionKind, OrgKind, OrgLevel } from '../db/database.types.ts';
import type { Role } from '../shared/roles.ts';
import { readDemoJson } from './read.ts';

export interface DemoDivision {
  code: string;
  name: string;
  kind: DivisionKind;
}

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: Role[];
}

export interface DemoOrg {
  key: string;
  name: string;
  shortName: string;
  kind: OrgKind;
  level: OrgLevel;
  divisionCode: string;
  parentKey?: string;
  delegated?: boolean;
  contactName: string;
  contactPhone: string;
  /** A valid 统一社会信用代码: 机关 (11), 事业单位 (12) or enterprise (91). */
  creditCode: string;
  accounts: DemoAccount[];
}

export interface DemoPublicAccount {
  username: string;
  displayName: string;
  publicType: 'natural' | 'legal';
  creditCode: string | null;
}

export interface DemoCity {
  /** The password of every demo account. */
  password: string;
  divisions: DemoDivision[];
  /** Parents before their children. */
  organisations: DemoOrg[];
  publicAccounts: DemoPublicAccount[];
  /** The accounts printed at start-up and listed in the README. */
  headlineAccounts: string[];
}

export const DEMO_CITY: DemoCity = readDemoJson<DemoCity>('city.json');
export const DEMO_PASSWORD = DEMO_CITY.password;
export const DEMO_DIVISIONS = DEMO_CITY.divisions;
export const DEMO_ORGS = DEMO_CITY.organisations;
export const DEMO_PUBLIC_ACCOUNTS = DEMO_CITY.publicAccounts;
export const HEADLINE_ACCOUNTS = DEMO_CITY.headlineAccounts;

/** The start-up banner's table of demo accounts. */
export function demoAccountTable(): string {
  const staff = DEMO_ORGS.flatMap((o) => o.accounts.map((a) => ({ ...a, org: o.shortName })));
  const lines = HEADLINE_ACCOUNTS.map((username) => {
    const s = staff.find((a) => a.username === username);
    if (s) return `  ${username.padEnd(18)} ${s.org} · ${s.displayName}`;
    const p = DEMO_PUBLIC_ACCOUNTS.find((a) => a.username === username);
    return `  ${username.padEnd(18)} ${p ? `公众 · ${p.displayName}` : ''}`;
  });
  return [
    `Demo accounts (password for all: ${DEMO_PASSWORD}):`,
    ...lines,
    `  …and <dept>.cataloguer / .provider / .approver / .user / .security for every department`,
    `  (${staff.length} staff accounts in all; see README.md)`,
  ].join('\n');
}
