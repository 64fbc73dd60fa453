import type { OrgKind } from '../db/database.types.ts';

export const ROLES = [
  'admin',
  'reviewer',
  'cataloguer',
  'provider',
  'approver',
  'user',
  'security_officer',
  'auditor',
  'evaluator',
] as const;
export type Role = (typeof ROLES)[number];

export interface RoleInfo {
  role: Role;
  zh: string;
  en: string;
  descriptionZh: string;
  descriptionEn: string;
  orgKinds: OrgKind[];
  /** May a system (API credential) hold this role? Administration and audit are for people only. */
  forSystems: boolean;
}

export const ROLE_INFO: readonly RoleInfo[] = [
  {
    role: 'admin',
    zh: '平台管理员',
    en: 'Platform administrator',
    descriptionZh: '管理本级及下辖的机构、账号、API 凭证和工作日历',
    descriptionEn:
      'Manages organisations, accounts, API credentials and the calendar within its jurisdiction',
    orgKinds: ['authority'],
    forSystems: false,
  },
  {
    role: 'reviewer',
    zh: '审核员',
    en: 'Reviewer',
    descriptionZh: '审核各部门提交的目录、处理争议（第十二条、第二十一条）',
    descriptionEn: 'Reviews catalogs submitted by departments and settles disputes (Art. 12, 21)',
    orgKinds: ['authority'],
    forSystems: true,
  },
  {
    role: 'cataloguer',
    zh: '编目员',
    en: 'Cataloguer',
    descriptionZh: '编制和维护本部门政务数据资源目录（第十二条）',
    descriptionEn: "Compiles and maintains the department's data resource catalog (Art. 12)",
    orgKinds: ['department', 'enterprise'],
    forSystems: true,
  },
  {
    role: 'provider',
    zh: '数据员',
    en: 'Data provider',
    descriptionZh: '向共享平台和开放平台提供、更新数据（第十三条、第十六条）',
    descriptionEn: 'Provides and updates data on the sharing and open platforms (Art. 13, 16)',
    orgKinds: ['department', 'enterprise'],
    forSystems: true,
  },
  {
    role: 'approver',
    zh: '审批人',
    en: 'Approver',
    descriptionZh: '答复共享申请和开放申请（第二十条、第二十六条）',
    descriptionEn: 'Answers sharing and open-data applications (Art. 20, 26)',
    orgKinds: ['department', 'enterprise'],
    forSystems: true,
  },
  {
    role: 'user',
    zh: '使用人',
    en: 'Data user',
    descriptionZh: '为履行本部门职责获取和使用共享数据（第二十三条）',
    descriptionEn: "Obtains and uses shared data for the department's own duties (Art. 23)",
    orgKinds: ['authority', 'department', 'enterprise'],
    forSystems: true,
  },
  {
    role: 'security_officer',
    zh: '安全管理负责人',
    en: 'Security officer',
    descriptionZh: '负责本部门数据安全、API 凭证与安全预警（第三十一条、第三十二条）',
    descriptionEn:
      "Responsible for the organisation's data security, API credentials and warnings (Art. 31, 32)",
    orgKinds: ['authority', 'department', 'enterprise'],
    forSystems: false,
  },
  {
    role: 'auditor',
    zh: '审计员',
    en: 'Auditor',
    descriptionZh: '只读查阅审计日志并校验其完整性；不得兼任平台管理员',
    descriptionEn: 'Reads the audit trail and verifies its integrity; may not also be an administrator',
    orgKinds: ['authority', 'department', 'enterprise'],
    forSystems: false,
  },
  {
    role: 'evaluator',
    zh: '评估员',
    en: 'Evaluator',
    descriptionZh: '第三方评估机构人员，查阅评估指标，不接触受限原始数据（第八条）',
    descriptionEn:
      'Staff of a third-party evaluator; reads evaluation indicators, never restricted raw data (Art. 8)',
    orgKinds: ['evaluator'],
    forSystems: false,
  },
];

export function roleInfo(role: Role): RoleInfo {
  const info = ROLE_INFO.find((r) => r.role === role);
  if (!info) throw new Error(`unknown role ${role}`);
  return info;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
