/**
 * The record-level table: every kind of caller × records of its own and of other organisations,
 * of its own and of other districts, drafts and published entries, against `can()`. The expected
 * answers are written by hand from the issue and the regulation, independently of policy.ts: every
 * pair not listed as allowed must be refused, so loosening a rule fails here.
 */
import { describe, expect, it } from 'vitest';
import type { Principal, PrincipalOrg } from './principal.ts';
import {
  can,
  capabilitiesOf,
  credentialScope,
  oversightScope,
  supervisorOf,
  type ActionOn,
  type EntryRef,
  type OrgRef,
  type PolicyResources,
  type ResourceKind,
} from './policy.ts';
import type { Role } from './roles.ts';

const org = (id: string, kind: PrincipalOrg['kind'], level: PrincipalOrg['level'], divisionCode: string) =>
  ({ id, name: id, kind, level, divisionCode }) satisfies PrincipalOrg;

const ORGS = {
  cityAuthority: org('city-authority', 'authority', 'city', '210200'),
  hepingAuthority: org('heping-authority', 'authority', 'district', '210202'),
  shaheAuthority: org('shahe-authority', 'authority', 'district', '210204'),
  cityDept: org('city-dept', 'department', 'city', '210200'),
  otherCityDept: org('other-city-dept', 'department', 'city', '210200'),
  hepingDept: org('heping-dept', 'department', 'district', '210202'),
  shaheDept: org('shahe-dept', 'department', 'district', '210204'),
  // A district with no authority of its own: the city authority is responsible for it.
  orphanDept: org('orphan-dept', 'department', 'district', '210211'),
};

const AUTHORITIES = [ORGS.cityAuthority, ORGS.hepingAuthority, ORGS.shaheAuthority].map((o) => ({
  id: o.id,
  level: o.level,
  division_code: o.divisionCode,
}));

const staff = (o: PrincipalOrg, roles: Role[]): Principal => ({
  kind: 'staff',
  accountId: `${o.id}-${roles.join('-')}`,
  username: 'u',
  displayName: 'u',
  org: o,
  roles,
  sessionId: 's',
  csrfToken: 't',
  mustChangePassword: false,
});

const CALLERS = {
  anonymous: null,
  citizen: {
    kind: 'public',
    accountId: 'c',
    username: 'c',
    displayName: 'c',
    publicType: 'natural',
    sessionId: 's',
    csrfToken: 't',
    mustChangePassword: false,
  },
  cityAdmin: staff(ORGS.cityAuthority, ['admin']),
  cityReviewer: staff(ORGS.cityAuthority, ['reviewer']),
  cityAuditor: staff(ORGS.cityAuthority, ['auditor']),
  hepingAdmin: staff(ORGS.hepingAuthority, ['admin']),
  hepingReviewer: staff(ORGS.hepingAuthority, ['reviewer']),
  cityCataloguer: staff(ORGS.cityDept, ['cataloguer']),
  cityProvider: staff(ORGS.cityDept, ['provider']),
  cityApprover: staff(ORGS.cityDept, ['approver']),
  cityUser: staff(ORGS.cityDept, ['user']),
  citySecurity: staff(ORGS.cityDept, ['security_officer']),
  citySystem: {
    kind: 'credential',
    credentialId: 'k',
    keyId: 'k',
    displayName: 'k',
    org: ORGS.cityDept,
    roles: ['provider', 'cataloguer'],
  },
  hepingCataloguer: staff(ORGS.hepingDept, ['cataloguer']),
  hepingProvider: staff(ORGS.hepingDept, ['provider']),
} satisfies Record<string, Principal | null>;
type Caller = keyof typeof CALLERS;

const ref = (o: PrincipalOrg): OrgRef => ({
  id: o.id,
  kind: o.kind,
  level: o.level,
  divisionCode: o.divisionCode,
});
const entry = (o: PrincipalOrg, published: boolean): EntryRef => ({
  holder: ref(o),
  supervisorId: supervisorOf({ level: o.level, division_code: o.divisionCode }, AUTHORITIES)?.id,
  published,
});

interface Row<K extends ResourceKind> {
  kind: K;
  record: string;
  ref: PolicyResources[K]['ref'];
  /** The callers allowed each action; every other caller is refused. */
  allowed: Partial<Record<ActionOn<K>, Caller[]>>;
  actions: ActionOn<K>[];
}

const ENTRY_ACTIONS: ActionOn<'catalogEntry'>[] = ['view', 'create', 'edit', 'viewDrafts', 'review'];
const DATA_ACTIONS: ActionOn<'entryData'>[] = ['provide', 'viewState', 'read', 'export'];
const STAFF_OF_ALL: Caller[] = [
  'cityAdmin',
  'cityReviewer',
  'cityAuditor',
  'hepingAdmin',
  'hepingReviewer',
  'cityCataloguer',
  'cityProvider',
  'cityApprover',
  'cityUser',
  'citySecurity',
  'citySystem',
  'hepingCataloguer',
  'hepingProvider',
];
const CITY_DEPT_STAFF: Caller[] = [
  'cityCataloguer',
  'cityProvider',
  'cityApprover',
  'cityUser',
  'citySecurity',
  'citySystem',
];

const TABLE: Row<ResourceKind>[] = [
  // ----- catalog entries -----
  {
    kind: 'catalogEntry',
    record: 'own department, city level, draft',
    ref: entry(ORGS.cityDept, false),
    actions: ENTRY_ACTIONS,
    allowed: {
      view: [...CITY_DEPT_STAFF, 'cityAdmin', 'cityReviewer', 'cityAuditor'],
      viewDrafts: [...CITY_DEPT_STAFF, 'cityAdmin', 'cityReviewer', 'cityAuditor'],
      create: ['cityCataloguer', 'citySystem'],
      edit: ['cityCataloguer', 'citySystem'],
      review: ['cityReviewer'],
    },
  },
  {
    kind: 'catalogEntry',
    record: 'own department, city level, published',
    ref: entry(ORGS.cityDept, true),
    actions: ENTRY_ACTIONS,
    allowed: {
      view: STAFF_OF_ALL,
      viewDrafts: [...CITY_DEPT_STAFF, 'cityAdmin', 'cityReviewer', 'cityAuditor'],
      create: ['cityCataloguer', 'citySystem'],
      edit: ['cityCataloguer', 'citySystem'],
      review: ['cityReviewer'],
    },
  },
  {
    kind: 'catalogEntry',
    record: 'another city department, draft',
    ref: entry(ORGS.otherCityDept, false),
    actions: ENTRY_ACTIONS,
    allowed: {
      view: ['cityAdmin', 'cityReviewer', 'cityAuditor'],
      viewDrafts: ['cityAdmin', 'cityReviewer', 'cityAuditor'],
      review: ['cityReviewer'],
    },
  },
  {
    kind: 'catalogEntry',
    record: 'a department of Heping district (own district authority), draft',
    ref: entry(ORGS.hepingDept, false),
    actions: ENTRY_ACTIONS,
    allowed: {
      view: ['hepingAdmin', 'hepingReviewer', 'hepingCataloguer', 'hepingProvider'],
      viewDrafts: ['hepingAdmin', 'hepingReviewer', 'hepingCataloguer', 'hepingProvider'],
      create: ['hepingCataloguer'],
      edit: ['hepingCataloguer'],
      review: ['hepingReviewer'],
    },
  },
  {
    kind: 'catalogEntry',
    record: 'a department of another district (Shahe), published',
    ref: entry(ORGS.shaheDept, true),
    actions: ENTRY_ACTIONS,
    allowed: { view: STAFF_OF_ALL },
  },
  {
    kind: 'catalogEntry',
    record: 'a department of a district without an authority, draft (the city is responsible)',
    ref: entry(ORGS.orphanDept, false),
    actions: ENTRY_ACTIONS,
    allowed: {
      view: ['cityAdmin', 'cityReviewer', 'cityAuditor'],
      viewDrafts: ['cityAdmin', 'cityReviewer', 'cityAuditor'],
      review: ['cityReviewer'],
    },
  },
  {
    kind: 'catalogEntry',
    record: "the city authority's own entry, draft",
    ref: entry(ORGS.cityAuthority, false),
    actions: ENTRY_ACTIONS,
    allowed: {
      view: ['cityAdmin', 'cityReviewer', 'cityAuditor'],
      viewDrafts: ['cityAdmin', 'cityReviewer', 'cityAuditor'],
    },
  },
  // ----- provided data -----
  {
    kind: 'entryData',
    record: 'own department, city level',
    ref: ref(ORGS.cityDept),
    actions: DATA_ACTIONS,
    allowed: {
      provide: ['cityProvider', 'citySystem'],
      viewState: [
        'cityProvider',
        'cityApprover',
        'cityCataloguer',
        'citySystem',
        'cityAdmin',
        'cityReviewer',
      ],
      read: ['cityProvider', 'cityApprover', 'citySystem', 'cityReviewer'],
      export: ['cityProvider', 'cityApprover', 'citySystem'],
    },
  },
  {
    kind: 'entryData',
    record: 'a department of Heping district',
    ref: ref(ORGS.hepingDept),
    actions: DATA_ACTIONS,
    allowed: {
      provide: ['hepingProvider'],
      viewState: [
        'hepingProvider',
        'hepingCataloguer',
        'hepingAdmin',
        'hepingReviewer',
        'cityAdmin',
        'cityReviewer',
      ],
      read: ['hepingProvider', 'hepingReviewer', 'cityReviewer'],
      export: ['hepingProvider'],
    },
  },
  {
    kind: 'entryData',
    record: 'a department of another district (Shahe)',
    ref: ref(ORGS.shaheDept),
    actions: DATA_ACTIONS,
    allowed: { viewState: ['cityAdmin', 'cityReviewer'], read: ['cityReviewer'] },
  },
  // ----- oversight (quality watch, upkeep) -----
  {
    kind: 'oversight',
    record: 'own department, city level',
    ref: ref(ORGS.cityDept),
    actions: ['quality', 'upkeep'],
    allowed: {
      quality: ['cityAdmin', 'cityReviewer', 'cityProvider', 'cityCataloguer', 'citySystem'],
      upkeep: ['cityAdmin', 'cityReviewer', 'cityCataloguer', 'citySystem'],
    },
  },
  {
    kind: 'oversight',
    record: 'a department of Heping district',
    ref: ref(ORGS.hepingDept),
    actions: ['quality', 'upkeep'],
    allowed: {
      quality: [
        'cityAdmin',
        'cityReviewer',
        'hepingAdmin',
        'hepingReviewer',
        'hepingProvider',
        'hepingCataloguer',
      ],
      upkeep: ['cityAdmin', 'cityReviewer', 'hepingAdmin', 'hepingReviewer', 'hepingCataloguer'],
    },
  },
  {
    kind: 'oversight',
    record: 'a department of another district (Shahe)',
    ref: ref(ORGS.shaheDept),
    actions: ['quality', 'upkeep'],
    allowed: { quality: ['cityAdmin', 'cityReviewer'], upkeep: ['cityAdmin', 'cityReviewer'] },
  },
  // ----- organisations and credentials -----
  {
    kind: 'organisation',
    record: 'a city department',
    ref: ref(ORGS.cityDept),
    actions: ['manage', 'deactivate'],
    allowed: { manage: ['cityAdmin'], deactivate: ['cityAdmin'] },
  },
  {
    kind: 'organisation',
    record: 'a department of Heping district',
    ref: ref(ORGS.hepingDept),
    actions: ['manage', 'deactivate'],
    allowed: { manage: ['cityAdmin', 'hepingAdmin'], deactivate: ['cityAdmin', 'hepingAdmin'] },
  },
  {
    kind: 'organisation',
    record: 'the Heping authority itself',
    ref: ref(ORGS.hepingAuthority),
    actions: ['manage', 'deactivate'],
    allowed: { manage: ['cityAdmin', 'hepingAdmin'], deactivate: ['cityAdmin'] },
  },
  {
    kind: 'organisation',
    record: 'a department of another district (Shahe)',
    ref: ref(ORGS.shaheDept),
    actions: ['manage', 'deactivate'],
    allowed: { manage: ['cityAdmin'], deactivate: ['cityAdmin'] },
  },
  {
    kind: 'credential',
    record: "a city department's credentials",
    ref: ref(ORGS.cityDept),
    actions: ['manage'],
    allowed: { manage: ['cityAdmin', 'citySecurity'] },
  },
  {
    kind: 'credential',
    record: "a Heping department's credentials",
    ref: ref(ORGS.hepingDept),
    actions: ['manage'],
    allowed: { manage: ['cityAdmin', 'hepingAdmin'] },
  },
] as Row<ResourceKind>[];

describe('can(): the record-level table', () => {
  for (const row of TABLE) {
    for (const action of row.actions) {
      it(`${row.kind} · ${row.record} · ${action}`, () => {
        const allowed = new Set<Caller>(row.allowed[action] ?? []);
        const answers = Object.fromEntries(
          (Object.keys(CALLERS) as Caller[]).map((c) => [
            c,
            can(CALLERS[c], action, { kind: row.kind, ref: row.ref } as never),
          ]),
        );
        const expected = Object.fromEntries(
          (Object.keys(CALLERS) as Caller[]).map((c) => [c, allowed.has(c)]),
        );
        expect(answers).toEqual(expected);
      });
    }
  }
});

describe('the scopes of the lists: which organisations a caller sees', () => {
  const CITY = { scope: 'all' };
  const HEPING = { scope: 'division', divisionCode: '210202' };
  const own = (o: PrincipalOrg) => ({ scope: 'org', orgId: o.id });
  it('quality and upkeep: an authority its jurisdiction, a department its own, by role', () => {
    const expected: Partial<Record<Caller, [unknown, unknown]>> = {
      cityAdmin: [CITY, CITY],
      cityReviewer: [CITY, CITY],
      hepingAdmin: [HEPING, HEPING],
      hepingReviewer: [HEPING, HEPING],
      cityCataloguer: [own(ORGS.cityDept), own(ORGS.cityDept)],
      cityProvider: [own(ORGS.cityDept), null],
      citySystem: [own(ORGS.cityDept), own(ORGS.cityDept)],
      hepingCataloguer: [own(ORGS.hepingDept), own(ORGS.hepingDept)],
      hepingProvider: [own(ORGS.hepingDept), null],
    };
    for (const c of Object.keys(CALLERS) as Caller[]) {
      const p = CALLERS[c];
      expect([oversightScope(p, 'quality'), oversightScope(p, 'upkeep')], c).toEqual(
        expected[c] ?? [null, null],
      );
    }
  });
  it('credentials: an authority administrator its jurisdiction, anyone else their own organisation', () => {
    expect(credentialScope(CALLERS.cityAdmin)).toEqual(CITY);
    expect(credentialScope(CALLERS.hepingAdmin)).toEqual(HEPING);
    expect(credentialScope(CALLERS.citySecurity)).toEqual(own(ORGS.cityDept));
    expect(credentialScope(CALLERS.hepingReviewer)).toEqual(own(ORGS.hepingAuthority));
    expect(credentialScope(CALLERS.citizen)).toBeNull();
  });
});

describe('supervisorOf: one authority responsible for each organisation', () => {
  it('a district organisation has its district authority, a city organisation the city authority', () => {
    const of = (o: PrincipalOrg) =>
      supervisorOf({ level: o.level, division_code: o.divisionCode }, AUTHORITIES)?.id;
    expect(of(ORGS.hepingDept)).toBe('heping-authority');
    expect(of(ORGS.shaheDept)).toBe('shahe-authority');
    expect(of(ORGS.cityDept)).toBe('city-authority');
    expect(of(ORGS.hepingAuthority)).toBe('heping-authority');
  });

  it('falls back to the city authority when the district has none, and to nothing when there is none at all', () => {
    expect(supervisorOf({ level: 'district', division_code: '210211' }, AUTHORITIES)?.id).toBe(
      'city-authority',
    );
    expect(supervisorOf({ level: 'district', division_code: '210202' }, [])).toBeUndefined();
  });
});

describe('capabilitiesOf: what /api/auth/me tells the web', () => {
  it('names the route rules the caller passes, and nothing for anonymous callers and citizens', () => {
    expect(capabilitiesOf(null)).toEqual(['public']);
    expect(capabilitiesOf(CALLERS.citizen)).toEqual(['public', 'signedIn', 'person']);
    expect(capabilitiesOf(CALLERS.cityCataloguer)).toEqual(
      expect.arrayContaining(['cataloguer', 'upkeepViewer', 'provisionViewer', 'ownData']),
    );
    expect(capabilitiesOf(CALLERS.cityCataloguer)).not.toContain('provider');
    expect(capabilitiesOf(CALLERS.cityReviewer)).toEqual(
      expect.arrayContaining(['reviewer', 'keeper', 'cityKeeper', 'dataReader']),
    );
    expect(capabilitiesOf(CALLERS.hepingReviewer)).not.toContain('cityKeeper');
    expect(capabilitiesOf(CALLERS.cityUser)).not.toContain('ownData');
    expect(capabilitiesOf(CALLERS.cityUser)).toContain('departmentStaff');
    expect(capabilitiesOf(CALLERS.cityReviewer)).not.toContain('departmentStaff');
    expect(capabilitiesOf(CALLERS.cityReviewer)).toContain('qualityViewer');
    expect(capabilitiesOf(CALLERS.cityApprover)).not.toContain('qualityViewer');
    expect(capabilitiesOf(CALLERS.hepingProvider)).toContain('qualityViewer');
  });
});
