/**
 * The demo city: 沈阳市 with its 13 districts and counties, the city authority, three district
 * authorities, city and district departments, two public-service enterprises (Art. 37), an
 * evaluator (Art. 8) and staff accounts for every role. Only demo data may name Shenyang.
 */
import type { DivisionKind, OrgKind, OrgLevel } from '../../db/database.types.ts';
import { creditCodeCheckCharacter } from '../../shared/identifiers.ts';
import type { Role } from '../../shared/roles.ts';

export const DEMO_PASSWORD = 'Huitong@2026';

export interface DemoDivision {
  code: string;
  name: string;
  kind: DivisionKind;
}

export const DEMO_DIVISIONS: DemoDivision[] = [
  { code: '210100', name: '沈阳市', kind: 'city' },
  { code: '210102', name: '和平区', kind: 'district' },
  { code: '210103', name: '沈河区', kind: 'district' },
  { code: '210104', name: '大东区', kind: 'district' },
  { code: '210105', name: '皇姑区', kind: 'district' },
  { code: '210106', name: '铁西区', kind: 'district' },
  { code: '210111', name: '苏家屯区', kind: 'district' },
  { code: '210112', name: '浑南区', kind: 'district' },
  { code: '210113', name: '沈北新区', kind: 'district' },
  { code: '210114', name: '于洪区', kind: 'district' },
  { code: '210115', name: '辽中区', kind: 'district' },
  { code: '210123', name: '康平县', kind: 'county' },
  { code: '210124', name: '法库县', kind: 'county' },
  { code: '210181', name: '新民市', kind: 'county_city' },
];

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
  accounts: DemoAccount[];
}

/** A valid 统一社会信用代码 for demo organisation number `n`: 机关 (11), 事业单位 (12) or enterprise (91). */
export function demoCreditCode(prefix: '11' | '12' | '91', divisionCode: string, n: number): string {
  const body = `${prefix}${divisionCode}${String(71000000 + n * 7919).padStart(8, '0')}M`;
  return body + (creditCodeCheckCharacter(body) ?? '0');
}

const dept = (
  key: string,
  name: string,
  shortName: string,
  contactName: string,
  extra: Partial<DemoOrg> = {},
): DemoOrg => ({
  key,
  name,
  shortName,
  kind: 'department',
  level: 'city',
  divisionCode: '210100',
  parentKey: 'authority',
  contactName,
  contactPhone: '024-2' + String(2000000 + key.length * 1117 + name.length * 31).slice(0, 7),
  accounts: departmentStaff(key, shortName),
  ...extra,
});

/** Every department gets a cataloguer, a data provider, an approver, a data user and a security officer. */
function departmentStaff(key: string, shortName: string): DemoAccount[] {
  return [
    { username: `${key}.cataloguer`, displayName: `${shortName}编目员`, roles: ['cataloguer'] },
    { username: `${key}.provider`, displayName: `${shortName}数据员`, roles: ['provider'] },
    { username: `${key}.approver`, displayName: `${shortName}审批人`, roles: ['approver'] },
    { username: `${key}.user`, displayName: `${shortName}使用人`, roles: ['user'] },
    { username: `${key}.security`, displayName: `${shortName}安全管理负责人`, roles: ['security_officer'] },
  ];
}

const districtAuthority = (key: string, divisionCode: string, district: string): DemoOrg => ({
  key,
  name: `沈阳市${district}大数据管理局`,
  shortName: `${district}大数据局`,
  kind: 'authority',
  level: 'district',
  divisionCode,
  parentKey: 'authority',
  contactName: `${district}数据科`,
  contactPhone: '024-2' + divisionCode.slice(2),
  accounts: [
    { username: `${key}.admin`, displayName: `${district}平台管理员`, roles: ['admin'] },
    { username: `${key}.reviewer`, displayName: `${district}审核员`, roles: ['reviewer'] },
    { username: `${key}.auditor`, displayName: `${district}审计员`, roles: ['auditor'] },
  ],
});

const districtDept = (
  key: string,
  authorityKey: string,
  divisionCode: string,
  name: string,
  shortName: string,
): DemoOrg => ({
  key,
  name,
  shortName,
  kind: 'department',
  level: 'district',
  divisionCode,
  parentKey: authorityKey,
  contactName: `${shortName}办公室`,
  contactPhone: '024-8' + divisionCode.slice(2),
  accounts: departmentStaff(key, shortName),
});

export const DEMO_ORGS: DemoOrg[] = [
  {
    key: 'authority',
    name: '沈阳市大数据管理局',
    shortName: '市大数据局',
    kind: 'authority',
    level: 'city',
    divisionCode: '210100',
    contactName: '数据资源处',
    contactPhone: '024-22720000',
    accounts: [
      { username: 'admin', displayName: '市平台管理员', roles: ['admin'] },
      { username: 'reviewer', displayName: '市目录审核员', roles: ['reviewer'] },
      { username: 'auditor', displayName: '市审计员', roles: ['auditor'] },
      {
        username: 'authority.security',
        displayName: '市大数据局安全管理负责人',
        roles: ['security_officer'],
      },
      { username: 'authority.user', displayName: '市大数据局使用人', roles: ['user'] },
    ],
  },
  districtAuthority('heping', '210102', '和平区'),
  districtAuthority('shenhe', '210103', '沈河区'),
  districtAuthority('hunnan', '210112', '浑南区'),
  dept('gongan', '沈阳市公安局', '市公安局', '科技信息化处'),
  dept('scjg', '沈阳市市场监督管理局', '市市场监管局', '信息中心', {
    accounts: [
      ...departmentStaff('scjg', '市市场监管局'),
      { username: 'scjg.auditor', displayName: '市市场监管局审计员', roles: ['auditor'] },
    ],
  }),
  dept('rs', '沈阳市人力资源和社会保障局', '市人社局', '信息中心'),
  dept('wj', '沈阳市卫生健康委员会', '市卫健委', '规划信息处'),
  dept('jy', '沈阳市教育局', '市教育局', '信息中心'),
  dept('jt', '沈阳市交通运输局', '市交通局', '科技信息处'),
  dept('sthj', '沈阳市生态环境局', '市生态环境局', '监测处'),
  dept('qx', '沈阳市气象局', '市气象局', '气象台', { delegated: true }),
  dept('zrzy', '沈阳市自然资源局', '市自然资源局', '信息中心'),
  dept('mz', '沈阳市民政局', '市民政局', '办公室'),
  dept('yb', '沈阳市医疗保障局', '市医保局', '信息中心'),
  dept('zj', '沈阳市住房和城乡建设局', '市住建局', '信息中心'),
  dept('sw', '沈阳市商务局', '市商务局', '办公室'),
  dept('wl', '沈阳市文化旅游和广播电视局', '市文旅局', '信息中心'),
  dept('tj', '沈阳市统计局', '市统计局', '数据管理处'),
  dept('sf', '沈阳市司法局', '市司法局', '办公室'),
  dept('fg', '沈阳市发展和改革委员会', '市发改委', '信用处'),
  dept('gx', '沈阳市工业和信息化局', '市工信局', '信息化处'),
  dept('cg', '沈阳市城市管理综合行政执法局', '市城管执法局', '信息中心'),
  dept('yj', '沈阳市应急管理局', '市应急局', '指挥中心'),
  dept('gjj', '沈阳住房公积金管理中心', '市公积金中心', '信息科', { delegated: true }),
  districtDept('heping.scjg', 'heping', '210102', '沈阳市和平区市场监督管理局', '和平区市场监管局'),
  districtDept('heping.wj', 'heping', '210102', '沈阳市和平区卫生健康局', '和平区卫健局'),
  districtDept('shenhe.mz', 'shenhe', '210103', '沈阳市沈河区民政局', '沈河区民政局'),
  // Has not compiled its catalog yet: the authority's upkeep page shows it (Art. 12).
  districtDept('shenhe.wl', 'shenhe', '210103', '沈阳市沈河区文化旅游和广播电视局', '沈河区文旅局'),
  districtDept('hunnan.jy', 'hunnan', '210112', '沈阳市浑南区教育局', '浑南区教育局'),
  districtDept('hunnan.scjg', 'hunnan', '210112', '沈阳市浑南区市场监督管理局', '浑南区市场监管局'),
  {
    key: 'water',
    name: '沈阳水务集团有限公司',
    shortName: '沈阳水务',
    kind: 'enterprise',
    level: 'city',
    divisionCode: '210100',
    parentKey: 'authority',
    contactName: '信息中心',
    contactPhone: '024-96789',
    accounts: departmentStaff('water', '沈阳水务'),
  },
  {
    key: 'gas',
    name: '沈阳燃气有限公司',
    shortName: '沈阳燃气',
    kind: 'enterprise',
    level: 'city',
    divisionCode: '210100',
    parentKey: 'authority',
    contactName: '客户服务中心',
    contactPhone: '024-96177',
    accounts: departmentStaff('gas', '沈阳燃气'),
  },
  {
    key: 'evaluator',
    name: '沈阳数治评估咨询有限公司',
    shortName: '数治评估',
    kind: 'evaluator',
    level: 'city',
    divisionCode: '210100',
    contactName: '评估项目组',
    contactPhone: '024-23456789',
    accounts: [{ username: 'evaluator', displayName: '第三方评估员', roles: ['evaluator'] }],
  },
];

export const DEMO_PUBLIC_ACCOUNTS = [
  { username: 'citizen', displayName: '张三', publicType: 'natural' as const, creditCode: null },
  {
    username: 'company',
    displayName: '沈阳数联科技有限公司',
    publicType: 'legal' as const,
    creditCode: demoCreditCode('91', '210112', 999),
  },
];

/** The accounts printed at start-up and listed in the README. */
export const HEADLINE_ACCOUNTS = [
  'admin',
  'reviewer',
  'auditor',
  'heping.admin',
  'scjg.cataloguer',
  'scjg.provider',
  'scjg.approver',
  'scjg.user',
  'scjg.security',
  'water.cataloguer',
  'evaluator',
  'citizen',
  'company',
];
