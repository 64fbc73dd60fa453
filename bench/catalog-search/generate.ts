/**
 * Deterministic catalog generator for the search benchmark: N published entries of the demo city's
 * departments, built from realistic Chinese name parts (subjects per department, regions, kinds of
 * record, periods), the department's domains (the Art. 28 priority domains among them), every
 * format, share type, open type and update cycle, and 3–10 data items drawn from the department's
 * own demo-catalog items. Same seed and count, same catalog, byte for byte.
 */
import {
  PRIORITY_DOMAINS,
  type BaseKind,
  type Classification,
  type DataItem,
  type EntryMetadata,
  type OpenType,
  type ResourceFormat,
  type ShareMethod,
  type ShareType,
  type UpdateCycle,
} from '../../apps/server/src/modules/catalog/catalog.model.ts';
import type { TOPICS } from '../../apps/server/src/modules/catalog/catalog.rules.ts';
import { DEMO_CATALOG, DEMO_LEGAL_BASES, DEMO_OPEN_LICENCE } from '../../apps/server/src/demo/catalog.ts';
import { DEMO_ORGS } from '../../apps/server/src/demo/city.ts';

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => {
  const v = list[Math.floor(r() * list.length)];
  if (v === undefined) throw new Error('pick from an empty list');
  return v;
};
function weighted<T>(r: Rand, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of choices) {
    x -= w;
    if (x < 0) return v;
  }
  const last = choices[choices.length - 1];
  if (!last) throw new Error('no choices');
  return last[0];
}
function sample<T>(r: Rand, list: readonly T[], n: number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

interface OrgProfile {
  /** Domains of the department; the first is its main one. */
  domains: string[];
  /** What its records are about (主体). */
  subjects: string[];
  /** Topic (主题) of its topic resources: one of TOPICS (Art. 19). */
  topic: (typeof TOPICS)[number];
  /** Its base resource, if it keeps one (Art. 19). */
  base?: BaseKind;
}

const MARKET: OrgProfile = {
  domains: ['企业登记监管', '信用', '食品药品'],
  subjects: [
    '市场主体登记',
    '营业执照',
    '企业行政处罚',
    '经营异常名录',
    '食品生产许可证',
    '食品经营许可证',
    '食品安全监督抽检',
    '药品零售企业',
    '特种设备使用登记',
    '个体工商户',
    '消费投诉举报',
    '企业年度报告',
    '计量器具强制检定',
    '广告监测',
    '网络交易平台经营者',
  ],
  topic: '食品药品安全',
  base: 'legal_entity',
};
const HEALTH: OrgProfile = {
  domains: ['医疗', '卫生健康'],
  subjects: [
    '医疗机构执业登记',
    '医师执业注册',
    '护士执业注册',
    '居民电子健康档案',
    '出生医学证明',
    '法定传染病疫情',
    '预防接种门诊',
    '卫生资源',
    '家庭医生签约服务',
    '献血点',
    '托育机构备案',
    '公共卫生监督',
  ],
  topic: '健康保障',
};
const CIVIL: OrgProfile = {
  domains: ['民政', '社会救助'],
  subjects: [
    '最低生活保障',
    '特困人员供养',
    '婚姻登记',
    '养老机构',
    '社会组织登记',
    '殡葬服务机构',
    '临时救助',
    '残疾人两项补贴',
    '标准地名',
    '社区服务设施',
  ],
  topic: '社区治理',
};
const EDUCATION: OrgProfile = {
  domains: ['教育'],
  subjects: [
    '中小学校',
    '义务教育学校施教区',
    '中小学生学籍',
    '民办学校办学许可',
    '校外培训机构',
    '幼儿园',
    '教师资格认定',
    '学生资助',
    '学校食堂食品安全检查',
    '中考招生计划',
    '高校毕业生就业',
  ],
  topic: '社区治理',
};

const PROFILES: Record<string, OrgProfile> = {
  gongan: {
    domains: ['公共安全', '人口', '交通'],
    subjects: [
      '户籍人口',
      '流动人口',
      '居住证',
      '机动车登记',
      '机动车驾驶人',
      '道路交通事故',
      '交通违法处理',
      '出入境证件受理',
      '犬只登记',
      '旅馆业治安管理',
      '重点路口交通监控',
      '治安案件',
    ],
    topic: '社会维稳',
    base: 'population',
  },
  scjg: MARKET,
  'heping.scjg': MARKET,
  'hunnan.scjg': MARKET,
  rs: {
    domains: ['就业', '社保'],
    subjects: [
      '职工基本养老保险参保',
      '失业保险金领取',
      '工伤认定',
      '社会保险经办服务',
      '招聘岗位',
      '职业技能培训机构',
      '人力资源服务许可',
      '就业困难人员认定',
      '创业担保贷款',
      '社会保障卡',
      '劳动保障监察',
      '专业技术人员职称',
    ],
    topic: '社会保障',
  },
  wj: HEALTH,
  'heping.wj': HEALTH,
  jy: EDUCATION,
  'hunnan.jy': EDUCATION,
  jt: {
    domains: ['交通'],
    subjects: [
      '公交站点',
      '公交线路',
      '公交车辆实时位置',
      '公共停车场泊位',
      '出租汽车经营企业',
      '道路运输经营许可证',
      '网约车驾驶员从业资格',
      '道路运输企业质量信誉考核',
      '机动车驾驶员培训机构',
      '地铁客流',
      '共享单车停放点',
      '公路桥梁养护',
    ],
    topic: '城乡建设',
  },
  sthj: {
    domains: ['环境'],
    subjects: [
      '空气质量',
      '地表水水质',
      '环境监管重点单位',
      '建设项目环境影响评价',
      '排污许可证',
      '生态环境行政处罚',
      '重点污染源自动监控',
      '城市声环境质量',
      '集中式饮用水水源地水质',
      '生态环境信访投诉',
      '机动车排放检验机构',
      '危险废物经营许可',
    ],
    topic: '生态环保',
  },
  qx: {
    domains: ['气象'],
    subjects: [
      '城镇天气预报',
      '气象灾害预警',
      '自动气象站观测',
      '逐日降水量',
      '逐时气温',
      '雷电防护装置检测',
      '农业气象',
      '空气污染气象条件',
      '人工影响天气作业',
      '历史气候',
    ],
    topic: '应急管理',
  },
  zrzy: {
    domains: ['自然资源', '城乡建设'],
    subjects: [
      '不动产登记',
      '国有建设用地供应',
      '土地利用现状',
      '基础测绘成果',
      '地质灾害隐患点',
      '矿业权',
      '国土空间规划',
      '林地保护',
      '耕地保护',
      '建设用地规划许可',
    ],
    topic: '城乡建设',
    base: 'natural_resources_geo',
  },
  mz: CIVIL,
  'shenhe.mz': CIVIL,
  yb: {
    domains: ['医疗', '社保'],
    subjects: [
      '医保定点医药机构',
      '基本医疗保险参保',
      '医保费用结算',
      '门诊慢特病待遇认定',
      '医保药品目录',
      '医疗服务价格',
      '异地就医备案',
      '医保基金监管',
    ],
    topic: '健康保障',
  },
  zj: {
    domains: ['城乡建设', '住房'],
    subjects: [
      '商品房预售许可',
      '建筑工程施工许可',
      '建筑业企业资质',
      '物业服务企业',
      '保障性住房',
      '房屋网签备案',
      '燃气经营许可',
      '城镇污水排入排水管网许可',
      '老旧小区改造',
      '施工图审查',
    ],
    topic: '城乡建设',
  },
  sw: {
    domains: ['商务', '营商环境'],
    subjects: [
      '外商投资企业',
      '对外贸易经营者备案',
      '单用途预付卡发卡企业',
      '再生资源回收经营者',
      '商贸流通企业',
      '成品油零售经营',
      '报废机动车回收拆解企业',
      '商业网点',
    ],
    topic: '营商环境',
  },
  wl: {
    domains: ['文化旅游'],
    subjects: [
      'A级旅游景区',
      '星级饭店',
      '旅行社',
      '文化市场经营许可',
      '公共图书馆',
      '文物保护单位',
      '非物质文化遗产',
      '营业性演出场所',
      '互联网上网服务营业场所',
      '广播电视传输覆盖',
    ],
    topic: '营商环境',
  },
  tj: {
    domains: ['统计', '经济'],
    subjects: [
      '地区生产总值',
      '规模以上工业',
      '居民消费价格',
      '城乡居民收入',
      '固定资产投资',
      '社会消费品零售总额',
      '人口抽样调查',
      '统计年鉴',
    ],
    topic: '价格监管',
  },
  sf: {
    domains: ['法治', '公共法律服务'],
    subjects: [
      '律师事务所',
      '执业律师',
      '公证机构',
      '司法鉴定机构',
      '人民调解组织',
      '法律援助',
      '社区矫正',
      '行政复议',
    ],
    topic: '社会维稳',
  },
  fg: {
    domains: ['信用', '价格'],
    subjects: [
      '公共信用信息',
      '信用承诺',
      '守信激励对象',
      '失信惩戒对象',
      '信用修复',
      '重点建设项目',
      '政府定价目录',
      '固定资产投资项目审批',
    ],
    topic: '信用体系',
    base: 'social_credit',
  },
  gx: {
    domains: ['工业', '企业登记监管'],
    subjects: [
      '专精特新中小企业',
      '工业企业技术改造',
      '5G基站',
      '工业互联网平台',
      '高新技术企业',
      '中小企业公共服务平台',
    ],
    topic: '营商环境',
  },
  cg: {
    domains: ['城市管理'],
    subjects: [
      '城市照明设施',
      '户外广告设置',
      '环卫设施',
      '生活垃圾分类',
      '城管执法案件',
      '数字城管',
      '公共厕所',
      '城市道路挖掘许可',
    ],
    topic: '城乡建设',
  },
  yj: {
    domains: ['应急', '安全生产'],
    subjects: [
      '危险化学品经营许可',
      '安全生产许可',
      '应急避难场所',
      '应急物资储备',
      '安全生产行政处罚',
      '自然灾害灾情',
      '森林防火',
      '应急救援队伍',
    ],
    topic: '应急管理',
  },
  gjj: {
    domains: ['住房', '社保'],
    subjects: ['住房公积金缴存', '住房公积金提取', '住房公积金贷款', '公积金缴存单位', '公积金业务网点'],
    topic: '社会保障',
  },
  water: {
    domains: ['公用事业'],
    subjects: ['供水管网', '居民用水户', '水费缴纳', '出厂水水质', '计划停水', '供水营业网点'],
    topic: '城乡建设',
  },
  gas: {
    domains: ['公用事业'],
    subjects: ['燃气用户', '燃气管网', '燃气费缴纳', '燃气安全入户检查', '计划停气', '燃气营业厅'],
    topic: '城乡建设',
  },
};

/** Kinds of record (the end of a resource name). */
const RECORD_KINDS = [
  '信息',
  '数据',
  '名录',
  '统计',
  '登记信息',
  '许可信息',
  '审批结果',
  '办理情况',
  '汇总表',
  '明细',
  '台账',
  '分布',
  '年度报告',
  '公示信息',
  '核查结果',
  '检查记录',
  '月报',
  '实时数据',
  '档案',
  '监测数据',
  '服务网点',
  '变更记录',
  '注销信息',
] as const;

const DISTRICTS = [
  '和平区',
  '沈河区',
  '大东区',
  '皇姑区',
  '铁西区',
  '苏家屯区',
  '浑南区',
  '沈北新区',
  '于洪区',
  '辽中区',
  '康平县',
  '法库县',
  '新民市',
];
const PERIODS = ['（2023年）', '（2024年）', '（2025年）', '（月度）', '（季度）', '（年度）'];
const PURPOSES = [
  '用于政务服务“一网通办”办理时核验相关信息，减少群众和企业提交的材料。',
  '供相关部门开展事中事后监管和联合执法使用。',
  '支撑营商环境优化和“放管服”改革评估。',
  '服务于城市运行监测、分析研判和应急指挥。',
  '面向社会公众提供查询，便于办事和监督。',
  '为统计分析、规划编制和政策评估提供数据支撑。',
];
const CYCLE_TEXT: Record<UpdateCycle, string> = {
  realtime: '实时更新',
  daily: '每日更新',
  weekly: '每周更新',
  monthly: '每月更新',
  quarterly: '每季度更新',
  half_yearly: '每半年更新',
  yearly: '每年更新',
};
const FORMAT_WEIGHTS: (readonly [ResourceFormat, number])[] = [
  ['database', 30],
  ['spreadsheet', 25],
  ['service', 20],
  ['file', 12],
  ['self_describing', 6],
  ['image', 4],
  ['stream', 3],
];
const CYCLE_WEIGHTS: (readonly [UpdateCycle, number])[] = [
  ['realtime', 8],
  ['daily', 22],
  ['weekly', 8],
  ['monthly', 25],
  ['quarterly', 12],
  ['half_yearly', 5],
  ['yearly', 20],
];
const SHARE_METHOD: Record<ResourceFormat, ShareMethod> = {
  database: 'platform_database',
  spreadsheet: 'platform_file',
  file: 'platform_file',
  image: 'platform_file',
  stream: 'other',
  self_describing: 'platform_file',
  service: 'platform_api',
};

/** Items every department may hold besides its own. */
const GENERIC_ITEMS: DataItem[] = [
  ['district', '所属区县', 'string', 20, 1],
  ['longitude', '经度', 'decimal', 12, 1],
  ['latitude', '纬度', 'decimal', 12, 1],
  ['phone', '联系电话', 'phone', 20, 1],
  ['address', '地址', 'string', 200, 1],
  ['updated_at', '更新时间', 'datetime', 19, 1],
  ['record_date', '登记日期', 'date', 10, 1],
  ['status', '状态', 'string', 10, 1],
  ['remark', '备注', 'string', 500, 1],
  ['credit_code', '统一社会信用代码', 'credit_code', 18, 1],
  ['enterprise_name', '企业名称', 'string', 200, 1],
  ['person_name', '姓名', 'string', 50, 3],
  ['id_number', '公民身份号码', 'id_number', 18, 4],
].map(([name, label, dataType, length, sensitivity]) => ({
  name: name as string,
  label: label as string,
  dataType: dataType as DataItem['dataType'],
  length: length as number,
  required: false,
  sensitivity: sensitivity as DataItem['sensitivity'],
  description: null,
}));

export interface GeneratedEntry {
  orgKey: string;
  metadata: Omit<EntryMetadata, 'shareBasisIds' | 'openBasisIds'> & {
    shareBasisKeys: string[];
    openBasisKeys: string[];
  };
  /** Publication time (also submission and review). */
  publishedAt: Date;
}

/** The organisations that publish resources, with their profile and item pool. */
function publishers() {
  const itemsOf = new Map<string, DataItem[]>();
  for (const d of DEMO_CATALOG) {
    const list = itemsOf.get(d.orgKey) ?? [];
    list.push(...d.metadata.dataItems);
    itemsOf.set(d.orgKey, list);
  }
  return DEMO_ORGS.filter((o) => PROFILES[o.key] !== undefined).map((o) => {
    const own = new Map<string, DataItem>();
    for (const item of [...(itemsOf.get(o.key) ?? []), ...GENERIC_ITEMS]) own.set(item.label, item);
    return {
      key: o.key,
      name: o.name,
      shortName: o.shortName,
      level: o.level,
      district: o.level === 'district' ? o.name.replace(/^沈阳市/, '').slice(0, 3) : null,
      contactName: o.contactName,
      contactPhone: o.contactPhone,
      profile: PROFILES[o.key] as OrgProfile,
      items: [...own.values()],
      publicItems: [...own.values()].filter((i) => i.sensitivity < 3),
    };
  });
}

const RESTRICTED_SHARE_BASES = ['pipl-13', 'pipl-28', 'dsl-38', 'secrets-2', 'stats-25', 'tax-8', 'si-81'];
const RESTRICTED_OPEN_BASES = ['pipl-25', 'pipl-28', 'ogi-14', 'ogi-15', 'ogi-16', 'idcard-13', 'ent-3'];

export function generateCatalog(count: number, seed: number): GeneratedEntry[] {
  const r = prng(seed);
  const orgs = publishers();
  const known = new Set(DEMO_LEGAL_BASES.map((b) => b.key));
  for (const k of [...RESTRICTED_SHARE_BASES, ...RESTRICTED_OPEN_BASES])
    if (!known.has(k)) throw new Error(`unknown legal basis ${k}`);
  // City departments publish more than district ones and enterprises.
  const orgWeights = orgs.map(
    (o) => [o, o.level === 'city' && o.key !== 'water' && o.key !== 'gas' ? 4 : 1] as const,
  );
  const start = Date.UTC(2023, 0, 2, 9);
  const out: GeneratedEntry[] = [];
  for (let n = 0; n < count; n++) {
    const org = weighted(r, orgWeights);
    const p = org.profile;
    const subject = pick(r, p.subjects);
    const kind = pick(r, RECORD_KINDS);
    const region = org.district ?? (r() < 0.3 ? pick(r, DISTRICTS) : r() < 0.15 ? '全市' : '');
    const period = r() < 0.15 ? pick(r, PERIODS) : '';
    const name = `${region}${subject}${kind}${period}`;

    const classification: Classification = weighted(r, [
      ['base', p.base ? 6 : 0],
      ['topic', 34],
      ['department', 60],
    ] as const);
    const baseKind: BaseKind | null =
      classification === 'base' ? (r() < 0.25 ? 'e_licence' : (p.base ?? 'e_licence')) : null;
    const l2 =
      classification === 'topic' ? p.topic : classification === 'base' ? subject.slice(0, 4) : p.domains[0];
    const format = weighted(r, FORMAT_WEIGHTS);
    const updateCycle = weighted(r, CYCLE_WEIGHTS);

    const shareType: ShareType =
      classification === 'base'
        ? 'unconditional'
        : weighted(r, [
            ['unconditional', 55],
            ['conditional', 35],
            ['none', 10],
          ] as const);
    const openType: OpenType = weighted(r, [
      ['open', 40],
      ['on_application', 35],
      ['closed', 25],
    ] as const);
    // An open resource holds no sensitive item (level 3+), as the submission rules require.
    const pool = openType === 'open' ? org.publicItems : org.items;
    const items = sample(r, pool, 3 + Math.floor(r() * 8));

    const domains = [p.domains[0] as string];
    if (p.domains.length > 1 && r() < 0.5) domains.push(pick(r, p.domains.slice(1)));
    if (r() < 0.1) domains.push(pick(r, PRIORITY_DOMAINS));
    const uniqueDomains = [...new Set(domains)];

    const keywords = [
      ...new Set([
        subject,
        ...sample(r, [kind, p.domains[0] ?? '', org.shortName, region], 1 + Math.floor(r() * 3)),
      ]),
    ].filter((k) => k !== '');

    const itemText = items
      .slice(0, 4)
      .map((i) => i.label)
      .join('、');
    const abstract =
      `${region || '全市'}${subject}${kind}，由${org.shortName}汇集，包括${itemText}等${items.length}个信息项，` +
      `${CYCLE_TEXT[updateCycle]}。${pick(r, PURPOSES)}`;

    const shareBasisKeys =
      shareType === 'unconditional' ? [] : sample(r, RESTRICTED_SHARE_BASES, 1 + Math.floor(r() * 2));
    const openBasisKeys =
      openType === 'open' ? [] : sample(r, RESTRICTED_OPEN_BASES, 1 + Math.floor(r() * 2));

    out.push({
      orgKey: org.key,
      publishedAt: new Date(start + Math.floor(r() * 1000) * 86_400_000 + Math.floor(r() * 8) * 3_600_000),
      metadata: {
        name,
        abstract,
        classification,
        baseKind,
        category: {
          l1: classification === 'base' ? '基础' : classification === 'topic' ? '主题' : '部门',
          l2: l2 ?? null,
          l3: subject,
          l4: null,
        },
        format,
        dataItems: items,
        shareType,
        shareCondition:
          shareType === 'conditional'
            ? '仅向依法承担相关职责的部门共享，用于履行法定职责，不得转授他人'
            : null,
        shareMethod: SHARE_METHOD[format],
        openType,
        openCondition: openType === 'on_application' ? '申请人应说明用途并承诺依法使用，经审核后提供' : null,
        updateCycle,
        relatedCodes: [],
        domains: uniqueDomains,
        keywords,
        spatialExtent: region && region !== '全市' ? `沈阳市${region}` : '沈阳市',
        licence: openType === 'open' ? DEMO_OPEN_LICENCE : null,
        contactName: org.contactName,
        contactPhone: org.contactPhone,
        contactEmail: `${org.key.replace('.', '-')}@data.shenyang.example`,
        shareBasisKeys,
        openBasisKeys,
      },
    });
  }
  return out;
}
