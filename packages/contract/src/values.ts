/**
 * The value lists of the API with their Chinese and English labels: codes are English on the wire,
 * labels are what people read (the web's screens, the server's Excel files and messages). Plain
 * data with no import, so the web bundles these and nothing else of the contract.
 *
 * Each list is a `const` array (its order is the order shown) and its labels a record keyed by
 * the list's union, so a value without a label does not compile.
 */

/** A text in both languages. */
export type Label = { zh: string; en: string };

/** The labels of every value of a list. */
export type Labels<T extends string | number> = Readonly<Record<T, Label>>;

// ---------- the catalog (after 《政务信息资源目录编制指南（试行）》 and Art. 12–28) ----------

export const CLASSIFICATIONS = ['base', 'topic', 'department'] as const;
/** 资源属性: 基础 / 主题 / 部门. */
export type Classification = (typeof CLASSIFICATIONS)[number];
/** The zh label is also the 类 written into the metadata of a resource of that classification. */
export const CLASSIFICATION_LABELS: Labels<Classification> = {
  base: { zh: '基础', en: 'Base' },
  topic: { zh: '主题', en: 'Topic' },
  department: { zh: '部门', en: 'Department' },
};

export const BASE_KINDS = [
  'population',
  'legal_entity',
  'natural_resources_geo',
  'social_credit',
  'e_licence',
] as const;
/** The five base resources (Art. 19): 人口, 法人单位, 自然资源和空间地理, 社会信用, 电子证照. */
export type BaseKind = (typeof BASE_KINDS)[number];
export const BASE_KIND_LABELS: Labels<BaseKind> = {
  population: { zh: '人口', en: 'Population' },
  legal_entity: { zh: '法人单位', en: 'Legal entities' },
  natural_resources_geo: { zh: '自然资源和空间地理', en: 'Natural resources and geospatial' },
  social_credit: { zh: '社会信用', en: 'Social credit' },
  e_licence: { zh: '电子证照', en: 'Electronic licences' },
};

export const FORMATS = [
  'file',
  'spreadsheet',
  'database',
  'image',
  'stream',
  'self_describing',
  'service',
] as const;
/** 资源格式. */
export type ResourceFormat = (typeof FORMATS)[number];
export const FORMAT_LABELS: Labels<ResourceFormat> = {
  file: { zh: '电子文件', en: 'Electronic files' },
  spreadsheet: { zh: '电子表格', en: 'Spreadsheet' },
  database: { zh: '数据库', en: 'Database' },
  image: { zh: '图形图像', en: 'Graphics and images' },
  stream: { zh: '流媒体', en: 'Streaming media' },
  self_describing: { zh: '自描述格式', en: 'Self-describing format' },
  service: { zh: '服务接口', en: 'Service interface' },
};

/** The structured resource formats (数据库, 电子表格, 自描述格式, 服务接口): their data are tables. */
export const STRUCTURED_FORMATS = ['database', 'spreadsheet', 'self_describing', 'service'] as const;

/** Whether the data of a resource of this format are files (documents, images, audio, video), not a table. */
export const isFileFormat = (format: string | null | undefined): boolean =>
  typeof format === 'string' && !(STRUCTURED_FORMATS as readonly string[]).includes(format);

export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
/** 共享类型 (Art. 18). */
export type ShareType = (typeof SHARE_TYPES)[number];
export const SHARE_TYPE_LABELS: Labels<ShareType> = {
  unconditional: { zh: '无条件共享', en: 'Shared unconditionally' },
  conditional: { zh: '有条件共享', en: 'Shared on conditions' },
  none: { zh: '不予共享', en: 'Not shared' },
};

export const SHARE_METHODS = ['platform_database', 'platform_file', 'platform_api', 'other'] as const;
/** 共享方式: through the sharing platform (database / files / API) or other means. */
export type ShareMethod = (typeof SHARE_METHODS)[number];
export const SHARE_METHOD_LABELS: Labels<ShareMethod> = {
  platform_database: { zh: '共享平台（数据库）', en: 'Platform (database)' },
  platform_file: { zh: '共享平台（文件）', en: 'Platform (files)' },
  platform_api: { zh: '共享平台（接口）', en: 'Platform (API)' },
  other: { zh: '其他方式', en: 'Other means' },
};

export const OPEN_TYPES = ['open', 'on_application', 'closed'] as const;
/** 开放类型 (Art. 24). */
export type OpenType = (typeof OPEN_TYPES)[number];
export const OPEN_TYPE_LABELS: Labels<OpenType> = {
  open: { zh: '无条件开放', en: 'Open' },
  on_application: { zh: '依申请开放', en: 'Open on application' },
  closed: { zh: '不予开放', en: 'Not open' },
};

export const UPDATE_CYCLES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'half_yearly',
  'yearly',
] as const;
/** 更新周期. */
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];
export const UPDATE_CYCLE_LABELS: Labels<UpdateCycle> = {
  realtime: { zh: '实时', en: 'Real time' },
  daily: { zh: '每日', en: 'Daily' },
  weekly: { zh: '每周', en: 'Weekly' },
  monthly: { zh: '每月', en: 'Monthly' },
  quarterly: { zh: '每季度', en: 'Quarterly' },
  half_yearly: { zh: '每半年', en: 'Half-yearly' },
  yearly: { zh: '每年', en: 'Yearly' },
};

export const DATA_TYPES = [
  'string',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'id_number',
  'credit_code',
  'phone',
  'geometry',
  'binary',
] as const;
/** The data type of a data item (信息项). */
export type DataType = (typeof DATA_TYPES)[number];
export const DATA_TYPE_LABELS: Labels<DataType> = {
  string: { zh: '字符串', en: 'Text' },
  integer: { zh: '整数', en: 'Integer' },
  decimal: { zh: '小数', en: 'Decimal' },
  date: { zh: '日期', en: 'Date' },
  datetime: { zh: '日期时间', en: 'Date and time' },
  boolean: { zh: '布尔', en: 'Boolean' },
  id_number: { zh: '公民身份号码', en: 'Citizen ID number' },
  credit_code: { zh: '统一社会信用代码', en: 'Unified social credit code' },
  phone: { zh: '电话号码', en: 'Phone number' },
  geometry: { zh: '空间几何', en: 'Geometry' },
  binary: { zh: '二进制', en: 'Binary' },
};

export const SENSITIVITIES = [1, 2, 3, 4] as const;
/** The sensitivity of a data item: 1 public … 4 most sensitive. */
export type Sensitivity = (typeof SENSITIVITIES)[number];
export const SENSITIVITY_LABELS: Labels<Sensitivity> = {
  1: { zh: '1 级（公开）', en: 'Level 1 (public)' },
  2: { zh: '2 级（内部）', en: 'Level 2 (internal)' },
  3: { zh: '3 级（敏感）', en: 'Level 3 (sensitive)' },
  4: { zh: '4 级（高度敏感）', en: 'Level 4 (highly sensitive)' },
};

export const VERSION_STATES = ['draft', 'submitted', 'returned', 'published', 'superseded'] as const;
/** The state of a version of a catalog entry. */
export type VersionState = (typeof VERSION_STATES)[number];
export const VERSION_STATE_LABELS: Labels<VersionState> = {
  draft: { zh: '草稿', en: 'Draft' },
  submitted: { zh: '已提交', en: 'Submitted' },
  returned: { zh: '已退回', en: 'Returned' },
  published: { zh: '已发布', en: 'Published' },
  superseded: { zh: '已替代', en: 'Superseded' },
};

export const LEGAL_BASIS_KINDS = [
  'law',
  'administrative_regulation',
  'local_regulation',
  'rule',
  'normative_document',
] as const;
/** The kind of a legal basis: 法律 · 行政法规 · 地方性法规 · 规章 · 规范性文件. */
export type LegalBasisKind = (typeof LEGAL_BASIS_KINDS)[number];
export const LEGAL_BASIS_KIND_LABELS: Labels<LegalBasisKind> = {
  law: { zh: '法律', en: 'Law' },
  administrative_regulation: { zh: '行政法规', en: 'Administrative regulation' },
  local_regulation: { zh: '地方性法规', en: 'Local regulation' },
  rule: { zh: '规章', en: 'Rule' },
  normative_document: { zh: '规范性文件', en: 'Normative document' },
};

/** Domains whose data opens first (Art. 28). Other domains are free text. */
export const PRIORITY_DOMAINS = [
  '信用',
  '交通',
  '医疗',
  '就业',
  '社保',
  '教育',
  '环境',
  '气象',
  '企业登记监管',
] as const;
export type PriorityDomain = (typeof PRIORITY_DOMAINS)[number];

export const isPriorityDomain = (domain: string): domain is PriorityDomain =>
  (PRIORITY_DOMAINS as readonly string[]).includes(domain);

/** Topic (主题) resources named in Art. 19, offered as 项 of a topic resource. */
export const TOPICS = [
  '健康保障',
  '社会保障',
  '食品药品安全',
  '应急管理',
  '价格监管',
  '信用体系',
  '城乡建设',
  '社区治理',
  '生态环保',
  '社会维稳',
  '营商环境',
] as const;

/** The facets of a catalog search. */
export const FACET_NAMES = [
  'org',
  'division',
  'classification',
  'domain',
  'shareType',
  'openType',
  'format',
  'updateCycle',
] as const;
export type FacetName = (typeof FACET_NAMES)[number];

/** current: confirmed within the schedule; due: within the notice period; overdue; outdated: cites a repealed basis. */
export const UPKEEP_STATUSES = ['current', 'due', 'overdue', 'outdated'] as const;
/** Where a catalog entry stands in its upkeep (Art. 12). */
export type UpkeepStatus = (typeof UPKEEP_STATUSES)[number];
export const UPKEEP_STATUS_LABELS: Labels<UpkeepStatus> = {
  current: { zh: '正常', en: 'Current' },
  due: { zh: '即将到期', en: 'Due soon' },
  overdue: { zh: '逾期未确认', en: 'Overdue' },
  outdated: { zh: '依据已废止', en: 'Basis repealed' },
};

/** The media type of an Excel workbook (.xlsx): the catalog's import template and exports. */
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ---------- organisations, accounts and roles ----------

export const ORG_KINDS = ['authority', 'department', 'enterprise', 'evaluator'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const ORG_KIND_LABELS: Labels<OrgKind> = {
  authority: { zh: '大数据主管部门', en: 'Big-data authority' },
  department: { zh: '政务部门', en: 'Government department' },
  enterprise: { zh: '公共服务企业', en: 'Public-service enterprise' },
  evaluator: { zh: '第三方评估机构', en: 'Third-party evaluator' },
};

export const ORG_LEVELS = ['city', 'district'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];
export const ORG_LEVEL_LABELS: Labels<OrgLevel> = {
  city: { zh: '市级', en: 'City' },
  district: { zh: '区县级', en: 'District/county' },
};

export const DIVISION_KINDS = ['province', 'city', 'district', 'county', 'county_city'] as const;
/** The kind of an administrative division (GB/T 2260). */
export type DivisionKind = (typeof DIVISION_KINDS)[number];
export const DIVISION_KIND_LABELS: Labels<DivisionKind> = {
  province: { zh: '省', en: 'Province' },
  city: { zh: '市', en: 'City' },
  district: { zh: '区', en: 'District' },
  county: { zh: '县', en: 'County' },
  county_city: { zh: '县级市', en: 'County-level city' },
};

export const ACCOUNT_STATUSES = ['active', 'disabled'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export const ACCOUNT_STATUS_LABELS: Labels<AccountStatus> = {
  active: { zh: '正常', en: 'Active' },
  disabled: { zh: '已停用', en: 'Disabled' },
};

/** Who a signed-in caller is: a department's staff, a member of the public, or a system's API credential. */
export const PRINCIPAL_KINDS = ['staff', 'public', 'credential'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export const PUBLIC_TYPES = ['natural', 'legal'] as const;
/** A public account: natural person (自然人) or legal person and other organisation (法人和其他组织). */
export type PublicType = (typeof PUBLIC_TYPES)[number];
export const PUBLIC_TYPE_LABELS: Labels<PublicType> = {
  natural: { zh: '自然人', en: 'Natural person' },
  legal: { zh: '法人和其他组织', en: 'Legal person or other organisation' },
};

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

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** A role: its names, its duties, to which kinds of organisation it is granted. */
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

export const ROLE_LABELS: Labels<Role> = Object.fromEntries(
  ROLE_INFO.map((r) => [r.role, { zh: r.zh, en: r.en }]),
) as Record<Role, Label>;

// ---------- the audit trail ----------

export const ACTOR_KINDS = ['staff', 'public', 'credential', 'anonymous', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
export const ACTOR_KIND_LABELS: Labels<ActorKind> = {
  staff: { zh: '部门用户', en: 'Staff' },
  public: { zh: '公众用户', en: 'Public' },
  credential: { zh: 'API 凭证', en: 'API credential' },
  anonymous: { zh: '匿名', en: 'Anonymous' },
  system: { zh: '系统', en: 'System' },
};

export const AUDIT_RESULTS = ['success', 'failure', 'denied'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];
export const AUDIT_RESULT_LABELS: Labels<AuditResult> = {
  success: { zh: '成功', en: 'Success' },
  failure: { zh: '失败', en: 'Failure' },
  denied: { zh: '拒绝', en: 'Denied' },
};

// ---------- the working-day calendar ----------

/** Where a day's status comes from: an administrator's override, the holiday package, or Monday–Friday. */
export const DAY_SOURCES = ['override', 'package', 'weekday'] as const;
export type DaySource = (typeof DAY_SOURCES)[number];
export const DAY_SOURCE_LABELS: Labels<DaySource> = {
  override: { zh: '管理员调整', en: 'Administrator' },
  package: { zh: '节假日数据包', en: 'Holiday data package' },
  weekday: { zh: '按周一至周五推算', en: 'Monday–Friday rule' },
};

/** Where a year's holiday data come from: the package, or an administrator's declaration. */
export const YEAR_SOURCES = ['package', 'declared'] as const;
export type YearSource = (typeof YEAR_SOURCES)[number];

// ---------- resource data (provision) ----------

export const SOURCE_FORMATS = ['csv', 'xlsx', 'json', 'ndjson', 'geojson'] as const;
/** The formats of the files and bodies a department sends. */
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const SOURCE_ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030'] as const;
/** The text encoding of a file sent (`auto`: detected). */
export type SourceEncoding = (typeof SOURCE_ENCODINGS)[number];
export const SOURCE_ENCODING_LABELS: Labels<SourceEncoding> = {
  auto: { zh: '自动识别', en: 'Detect' },
  utf8: { zh: 'UTF-8', en: 'UTF-8' },
  gbk: { zh: 'GBK', en: 'GBK' },
  gb18030: { zh: 'GB18030', en: 'GB18030' },
};

export const DATA_VERSION_STATES = [
  'receiving',
  'open',
  'ready',
  'failed',
  'cancelled',
  'unchanged',
  'retired',
] as const;
/**
 * The state of a version of resource data (`open`: a push session between requests; `unchanged`:
 * a run whose rows were the current version's, recorded without a version of its own; `retired`:
 * an old version whose rows retention removed, its record kept).
 */
export type DataVersionState = (typeof DATA_VERSION_STATES)[number];
export const DATA_VERSION_STATE_LABELS: Labels<DataVersionState> = {
  receiving: { zh: '接收中', en: 'Receiving' },
  open: { zh: '推送中', en: 'Push session open' },
  ready: { zh: '可用', en: 'Ready' },
  failed: { zh: '未通过', en: 'Failed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  unchanged: { zh: '数据未变化', en: 'Unchanged' },
  retired: { zh: '已清理', en: 'Retired' },
};

export const DATA_VERSION_SOURCES = ['upload', 'push', 'connector', 'restore', 'demo'] as const;
/** How a version of resource data arrived. */
export type DataVersionSource = (typeof DATA_VERSION_SOURCES)[number];
export const DATA_VERSION_SOURCE_LABELS: Labels<DataVersionSource> = {
  upload: { zh: '上传', en: 'Upload' },
  push: { zh: '推送', en: 'Push' },
  connector: { zh: '连接器', en: 'Connector' },
  restore: { zh: '恢复', en: 'Restore' },
  demo: { zh: '示例数据', en: 'Demo data' },
};

export const ERROR_POLICIES = ['reject', 'exclude'] as const;
/** What invalid rows do to a version: refuse it whole, or leave the rows out. */
export type ErrorPolicy = (typeof ERROR_POLICIES)[number];

export const VALIDATION_RULES = [
  'text',
  'required',
  'length',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'id_number',
  'credit_code',
  'phone',
  'coordinates',
  'geometry',
  'enumeration',
] as const;
/** Machine code of the rule a value broke. */
export type ValidationRule = (typeof VALIDATION_RULES)[number];
export const VALIDATION_RULE_LABELS: Labels<ValidationRule> = {
  text: { zh: '文本字符', en: 'Text characters' },
  required: { zh: '必填', en: 'Required' },
  length: { zh: '长度', en: 'Length' },
  integer: { zh: '整数', en: 'Integer' },
  decimal: { zh: '小数', en: 'Decimal' },
  date: { zh: '日期', en: 'Date' },
  datetime: { zh: '日期时间', en: 'Date and time' },
  boolean: { zh: '布尔值', en: 'Boolean' },
  id_number: { zh: '身份证号码', en: 'ID card number' },
  credit_code: { zh: '统一社会信用代码', en: 'Unified social credit code' },
  phone: { zh: '电话号码', en: 'Phone number' },
  coordinates: { zh: '坐标', en: 'Coordinates' },
  geometry: { zh: '几何图形', en: 'Geometry' },
  enumeration: { zh: '代码值', en: 'Code list' },
};

/** Something to check in the data though no rule was broken: values a spreadsheet may run as formulas. */
export const NOTICE_CODES = ['formula_like'] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json', 'geojson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_ENCODINGS = ['utf-8', 'gbk', 'gb18030'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];
/** The header of an exported table: the data items' names or their Chinese labels. */
export const HEADER_KINDS = ['name', 'label'] as const;
export type HeaderKind = (typeof HEADER_KINDS)[number];
/** A CSV for a spreadsheet (BOM, formula-like values quoted) or for a machine. */
export const CSV_VARIANTS = ['spreadsheet', 'machine'] as const;
export type CsvVariant = (typeof CSV_VARIANTS)[number];

// ---------- connectors ----------

export const CONNECTOR_KINDS = ['http', 'postgres', 'mysql'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];
export const CONNECTOR_KIND_LABELS: Labels<ConnectorKind> = {
  http: { zh: 'HTTP(S) 接口', en: 'HTTP(S) endpoint' },
  postgres: { zh: 'PostgreSQL 数据库', en: 'PostgreSQL database' },
  mysql: { zh: 'MySQL / MariaDB 数据库', en: 'MySQL / MariaDB database' },
};

export const CONNECTOR_SCHEDULES = ['cycle', 'cron', 'manual'] as const;
export type ConnectorSchedule = (typeof CONNECTOR_SCHEDULES)[number];
export const CONNECTOR_SCHEDULE_LABELS: Labels<ConnectorSchedule> = {
  cycle: { zh: '按目录的更新周期', en: "On the entry's update cycle" },
  cron: { zh: '自定义（cron 表达式）', en: 'Custom (cron expression)' },
  manual: { zh: '仅手动运行', en: 'Only when run by hand' },
};

export const HTTP_FORMATS = ['csv', 'json', 'ndjson', 'geojson'] as const;
/** The formats an HTTP connector reads. */
export type HttpFormat = (typeof HTTP_FORMATS)[number];

export const CONNECTOR_RUN_STATES = ['running', 'succeeded', 'failed'] as const;
export type ConnectorRunState = (typeof CONNECTOR_RUN_STATES)[number];
export const CONNECTOR_RUN_STATE_LABELS: Labels<ConnectorRunState> = {
  running: { zh: '运行中', en: 'Running' },
  succeeded: { zh: '成功', en: 'Succeeded' },
  failed: { zh: '失败', en: 'Failed' },
};

export const CONNECTOR_RUN_TRIGGERS = ['schedule', 'retry', 'manual'] as const;
export type ConnectorRunTrigger = (typeof CONNECTOR_RUN_TRIGGERS)[number];
export const CONNECTOR_RUN_TRIGGER_LABELS: Labels<ConnectorRunTrigger> = {
  schedule: { zh: '定时', en: 'Schedule' },
  retry: { zh: '重试', en: 'Retry' },
  manual: { zh: '手动', en: 'By hand' },
};

// ---------- data quality ----------

export const PROBLEM_KINDS = [
  'no_data',
  'overdue',
  'low_quality',
  'quality_drop',
  'rows_excluded',
  'declared_mismatch',
  'connector_failing',
] as const;
/** A kind of data-quality problem of a published entry. */
export type ProblemKind = (typeof PROBLEM_KINDS)[number];
export const PROBLEM_KIND_LABELS: Labels<ProblemKind> = {
  no_data: { zh: '未提供数据', en: 'No data' },
  overdue: { zh: '逾期未更新', en: 'Overdue' },
  low_quality: { zh: '质量偏低', en: 'Low quality' },
  quality_drop: { zh: '质量下降', en: 'Quality drop' },
  rows_excluded: { zh: '剔除无效行', en: 'Rows left out' },
  declared_mismatch: { zh: '与声明不一致', en: 'Declaration mismatch' },
  connector_failing: { zh: '采集失败', en: 'Connector failing' },
};

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_LABELS: Labels<Severity> = {
  high: { zh: '严重', en: 'Severe' },
  medium: { zh: '一般', en: 'Moderate' },
  low: { zh: '提示', en: 'Minor' },
};

/** Who must act on a quality problem: the department's providers or cataloguers, or the supervising authority's reviewers. */
export const ACTING_ROLES = ['provider', 'cataloguer', 'reviewer'] as const;
export type ActingRole = (typeof ACTING_ROLES)[number];

// ---------- what the policy module lets a caller do ----------

/**
 * The capabilities `/api/auth/me` lists: the route rules of the server's policy module the caller
 * passes (the web shows menus and buttons by them), and three that are not route rules —
 * `departmentStaff` (staff of a department or enterprise: its own catalog), `ownData` (a department's
 * providers, approvers and cataloguers: its own resource data) and `qualityViewer` (the quality
 * watch). The server checks that this list and its rules name the same things.
 */
export const CAPABILITIES = [
  'public',
  'signedIn',
  'person',
  'staff',
  'admin',
  'cityAdmin',
  'credentialManager',
  'auditor',
  'staffPerson',
  'cataloguer',
  'reviewer',
  'cityKeeper',
  'keeper',
  'upkeepViewer',
  'provider',
  'provisionViewer',
  'dataReader',
  'dataExporter',
  'departmentStaff',
  'ownData',
  'qualityViewer',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What a caller may do to one catalog entry (its `actions`): edit its drafts, review its submission. */
export const ENTRY_ACTIONS = ['edit', 'review'] as const;
export type EntryAction = (typeof ENTRY_ACTIONS)[number];

/** What a caller may do with one entry's data (its provision settings' `actions`). */
export const DATA_ACTIONS = ['provide', 'read', 'export'] as const;
export type DataAction = (typeof DATA_ACTIONS)[number];
