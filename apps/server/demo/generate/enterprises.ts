/**
 * Synthetic market entities (市场主体) of the demo city: enterprises, individual businesses and
 * farmers' cooperatives with 统一社会信用代码 valid in every part (GB 32100 type and division,
 * GB 11714 organisation code, check character), names in the usual Chinese pattern
 * (行政区划 + 字号 + 行业 + 组织形式), and registration details that agree with each other.
 *
 * `enterpriseAt(i)` is a pure function of i, so other datasets (employers, annual reports) can
 * refer to the same entities; codes and names are unique by construction (bijections of i).
 */
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../../src/shared/identifiers.ts';
import { anyName } from './people.ts';
import { WeightedTable, randomFor, type Random } from './random.ts';
import {
  DEMO_DATA_DATE,
  addressIn,
  dayNumber,
  isoDate,
  pickDistrict,
  type DemoDistrict,
} from './shenyang.ts';

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * A credit code from its parts: registration authority and entity type (e.g. '91'), the division
 * code of the registering authority, and the 8 characters of the organisation code body; both check
 * characters (GB 11714, then GB 32100) are computed.
 */
export function makeCreditCode(kind: string, division: string, organisationBody: string): string {
  const orgCheck = organisationCodeCheckCharacter(organisationBody);
  if (orgCheck === null) throw new RangeError(`not an organisation code body: ${organisationBody}`);
  const first17 = `${kind}${division}${organisationBody}${orgCheck}`;
  const check = creditCodeCheckCharacter(first17);
  if (check === null) throw new RangeError(`not a credit code: ${first17}`);
  return first17 + check;
}

/** 'MA' and six characters of the credit alphabet for n in [0, 31^6): the codes issued since 2015. */
export function newOrganisationBody(n: number): string {
  let rest = n;
  let body = '';
  for (let i = 0; i < 6; i++) {
    body = CREDIT_ALPHABET.charAt(rest % 31) + body;
    rest = Math.floor(rest / 31);
  }
  return `MA${body}`;
}

/** Eight digits for n in [0, 10^8): an organisation code of the years before 2015. */
export function legacyOrganisationBody(n: number): string {
  return String(n).padStart(8, '0');
}

const SEED = 'demo:enterprises';
const NEW_CODES = 31 ** 6;

/** A bijection of [0, modulus): multiply by a unit, add an offset. */
function scramble(i: number, multiplier: number, offset: number, modulus: number): number {
  // Exact in doubles: i·multiplier stays below 2^53 for the sizes used here.
  return ((((i % modulus) * multiplier + offset) % modulus) + modulus) % modulus;
}

// 字号: one character from each list (disjoint, so every pair reads as one name).
const FIRST = [
  ...'华鑫恒宏金天博瑞嘉德中新宇昌亿万永佳诚信正明春海振辽奉龙凤英志远广益丰众鼎汇聚腾卓凯豪润康福荣祥国东北盛泰安和兴佰富吉联',
];
const SECOND = [
  ...'达源辉翔悦航晟铭锐峰川霖泽禾邦冠烨诺迪颐晖璟骏森睿翼创晨煜阳捷程楠煊琪枫涵淼然铎弘晋骐垚誉尚勋钰珑宸瀚轩澄岳麟耀彤逸策琨',
];

/** Industries: the word in the name and the business scope. */
interface Industry {
  term: string;
  scope: string;
}

const COMPANY_INDUSTRIES: readonly Industry[] = [
  {
    term: '科技',
    scope:
      '技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；信息系统集成服务；计算机软硬件及辅助设备零售',
  },
  {
    term: '信息技术',
    scope: '软件开发；信息技术咨询服务；数据处理和存储支持服务；信息系统运行维护服务；网络技术服务',
  },
  {
    term: '商贸',
    scope: '日用百货销售；五金产品零售；电子产品销售；服装服饰零售；食品销售（仅销售预包装食品）',
  },
  {
    term: '机械制造',
    scope: '通用设备制造（不含特种设备制造）；机械零件、零部件加工；金属切削加工服务；机械设备销售',
  },
  {
    term: '建筑工程',
    scope: '许可项目：建设工程施工。一般项目：土石方工程施工；园林绿化工程施工；建筑材料销售',
  },
  {
    term: '餐饮管理',
    scope: '许可项目：餐饮服务。一般项目：餐饮管理；食品销售（仅销售预包装食品）；外卖递送服务',
  },
  {
    term: '物流',
    scope:
      '普通货物仓储服务（不含危险化学品等需许可审批的项目）；国内货物运输代理；装卸搬运；道路货物运输（不含危险货物）',
  },
  { term: '房地产开发', scope: '许可项目：房地产开发经营。一般项目：物业管理；住房租赁；非居住房地产租赁' },
  {
    term: '医药',
    scope: '许可项目：药品零售。一般项目：第一类医疗器械销售；第二类医疗器械销售；保健食品（预包装）销售',
  },
  { term: '食品', scope: '许可项目：食品生产；食品销售。一般项目：食用农产品批发；食用农产品零售' },
  { term: '汽车服务', scope: '机动车修理和维护；汽车零配件零售；洗车服务；二手车经纪' },
  {
    term: '文化传媒',
    scope: '组织文化艺术交流活动；广告设计、代理；广告制作；会议及展览服务；摄像及视频制作服务',
  },
  {
    term: '企业管理咨询',
    scope: '企业管理咨询；信息咨询服务（不含许可类信息咨询服务）；市场营销策划；财务咨询',
  },
  { term: '装饰工程', scope: '住宅室内装饰装修；建筑装饰材料销售；家具安装和维修服务；门窗安装' },
  {
    term: '电力工程',
    scope: '许可项目：输电、供电、受电电力设施的安装、维修和试验。一般项目：电气设备销售；电力设施器材销售',
  },
  { term: '环保科技', scope: '环境保护专用设备制造；污水处理及其再生利用；固体废物治理；大气污染治理' },
  {
    term: '农业科技',
    scope: '农业科学研究和试验发展；谷物种植；蔬菜种植；农产品的生产、销售、加工、运输、贮藏及其他相关服务',
  },
  { term: '教育科技', scope: '教育咨询服务（不含涉许可审批的教育培训活动）；软件开发；组织文化艺术交流活动' },
  { term: '物业管理', scope: '物业管理；停车场服务；家政服务；园林绿化工程施工；专业保洁、清洗、消毒服务' },
  {
    term: '人力资源',
    scope: '许可项目：职业中介活动；劳务派遣服务。一般项目：人力资源服务（不含职业中介活动、劳务派遣服务）',
  },
  {
    term: '电子商务',
    scope: '互联网销售（除销售需要许可的商品）；供应链管理服务；食品互联网销售（仅销售预包装食品）',
  },
  { term: '汽车零部件', scope: '汽车零部件及配件制造；汽车零部件研发；金属表面处理及热处理加工' },
  { term: '钢结构', scope: '金属结构制造；金属结构销售；钢压延加工；金属材料销售' },
  { term: '酒店管理', scope: '许可项目：住宿服务；餐饮服务。一般项目：酒店管理；会议及展览服务' },
  { term: '智能装备', scope: '智能基础制造装备制造；工业机器人制造；工业自动控制系统装置制造；机械设备研发' },
  { term: '供应链管理', scope: '供应链管理服务；国内贸易代理；金属材料销售；煤炭及制品销售' },
  {
    term: '健康管理',
    scope: '健康咨询服务（不含诊疗服务）；养生保健服务（非医疗）；中医养生保健服务（非医疗）',
  },
  { term: '新能源', scope: '太阳能发电技术服务；储能技术服务；新能源汽车换电设施销售；充电桩销售' },
];

const SHOP_INDUSTRIES: readonly Industry[] = [
  ['便利店', '食品销售（仅销售预包装食品）；日用百货销售；烟草制品零售'],
  ['小吃部', '小餐饮；食品销售（仅销售预包装食品）'],
  ['超市', '食品销售；日用百货销售；食用农产品零售'],
  ['理发店', '理发服务；美容服务'],
  ['烧烤店', '餐饮服务；食品销售（仅销售预包装食品）'],
  ['五金商店', '五金产品零售；建筑材料销售；电线、电缆经营'],
  ['服装店', '服装服饰零售；鞋帽零售；箱包销售'],
  ['水果店', '食用农产品零售；新鲜水果零售'],
  ['汽车修理部', '机动车修理和维护；汽车零配件零售'],
  ['干洗店', '洗烫服务；日用杂品销售'],
  ['饭店', '餐饮服务'],
  ['面馆', '小餐饮；餐饮服务'],
  ['粮油店', '食用农产品零售；粮油零售；食品销售（仅销售预包装食品）'],
  ['蔬菜店', '新鲜蔬菜零售；食用农产品零售'],
  ['茶叶店', '茶叶零售；食品销售（仅销售预包装食品）'],
  ['手机店', '通讯设备销售；电子产品销售；通讯设备修理'],
  ['眼镜店', '眼镜销售（不含隐形眼镜）；验光配镜服务'],
  ['花店', '花卉零售；礼品花卉销售'],
  ['文具店', '文具用品零售；办公用品销售；体育用品零售'],
  ['家电维修部', '日用电器修理；家用电器销售'],
  ['熟食店', '食品销售；熟食制品零售'],
  ['烟酒店', '烟草制品零售；酒类经营；食品销售（仅销售预包装食品）'],
  ['洗车行', '洗车服务；汽车装饰用品销售'],
  ['复印社', '打字复印；图文设计制作'],
  ['足疗店', '足浴服务；养生保健服务（非医疗）'],
  ['宠物店', '宠物食品及用品零售；宠物服务（不含动物诊疗）'],
  ['药店', '药品零售；第一类医疗器械销售'],
  ['母婴用品店', '母婴用品销售；玩具销售；日用百货销售'],
].map(([term, scope]) => ({ term: term ?? '', scope: scope ?? '' }));

const COOPERATIVE_INDUSTRIES: readonly Industry[] = [
  '水稻种植',
  '玉米种植',
  '蔬菜种植',
  '食用菌种植',
  '果树种植',
  '花卉种植',
  '中药材种植',
  '肉牛养殖',
  '生猪养殖',
  '蛋鸡养殖',
  '肉羊养殖',
  '奶牛养殖',
  '水产养殖',
  '农机服务',
  '粮食种植',
  '花生种植',
  '大豆种植',
  '葡萄种植',
  '草莓种植',
  '西瓜种植',
  '香瓜种植',
  '辣椒种植',
  '蘑菇种植',
  '大鹅养殖',
  '肉鸡养殖',
  '蜜蜂养殖',
  '苗木种植',
  '土地股份',
].map((term) => ({
  term,
  scope: `组织采购、供应成员所需的生产资料；组织收购、销售成员生产的产品；开展成员所需的运输、贮藏、加工、包装等服务；${term}技术培训、技术交流和信息咨询服务`,
}));

const INDUSTRY_SLOTS = Math.min(
  COMPANY_INDUSTRIES.length,
  SHOP_INDUSTRIES.length,
  COOPERATIVE_INDUSTRIES.length,
);
/** How many distinct names (字号 × industry slot) there are; enough for the 100,000 of the demo. */
export const NAME_SPACE = FIRST.length * SECOND.length * INDUSTRY_SLOTS;

export type EntityFamily = 'company' | 'individual' | 'cooperative';

export interface DemoEnterprise {
  index: number;
  creditCode: string;
  name: string;
  family: EntityFamily;
  entityType: string;
  legalRepresentative: string;
  /** 万元, null for individual businesses without a declared amount and branches. */
  registeredCapital: string | null;
  establishDate: string;
  approvalDate: string;
  address: string;
  businessScope: string;
  registrationAuthority: string;
  status: string;
  district: DemoDistrict;
}

const COMPANY_TYPES: readonly (readonly [string, number])[] = [
  ['有限责任公司（自然人投资或控股）', 55],
  ['有限责任公司（自然人独资）', 20],
  ['有限责任公司（法人独资）', 6],
  ['有限责任公司分公司（自然人投资或控股）', 4],
  ['股份有限公司（非上市、自然人投资或控股）', 3],
  ['有限责任公司（国有独资）', 1],
  ['个人独资企业', 6],
  ['有限合伙企业', 5],
];

const CAPITALS = [3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 10000];

const RURAL_CODES = new Set(['210111', '210113', '210114', '210115', '210123', '210124', '210181']);

/** Registrations grew over the years: weight by year, 1992 to the extraction date. */
const YEARS = new WeightedTable(
  Array.from({ length: 2025 - 1992 + 1 }, (_, k) => {
    const y = 1992 + k;
    return [y, y < 2000 ? 0.6 : y < 2010 ? 1.5 : y < 2015 ? 3 : y < 2020 ? 6 : 8] as const;
  }),
);
const LAST_DAY = dayNumber(DEMO_DATA_DATE);

function establishDate(random: Random): string {
  const year = YEARS.pick(random);
  const first = dayNumber(`${year}-01-01`);
  return isoDate(random.int(first, Math.min(LAST_DAY, dayNumber(`${year}-12-31`))));
}

const URBAN_FAMILIES = new WeightedTable<EntityFamily>([
  ['company', 66],
  ['individual', 30],
]);
const RURAL_FAMILIES = new WeightedTable<EntityFamily>([
  ['company', 66],
  ['individual', 30],
  ['cooperative', 12],
]);
const COMPANY_TYPE_TABLE = new WeightedTable(COMPANY_TYPES);
/** Statuses of entities younger than 3 years, 3–5 years, older. */
const STATUS_TABLES = [
  [2, 0.5],
  [12, 0.5],
  [12, 4],
].map(
  ([cancelled = 0, revoked = 0]) =>
    new WeightedTable([
      ['存续', 78],
      ['在业', 8],
      ['注销', cancelled],
      ['吊销', revoked],
      ['迁出', 1],
    ]),
);

function authorityName(division: string, district: DemoDistrict): string {
  return division === '210100' ? '沈阳市市场监督管理局' : `沈阳市${district.name}市场监督管理局`;
}

/** The i-th market entity of the demo register (0 ≤ i < NAME_SPACE). */
export function enterpriseAt(index: number): DemoEnterprise {
  if (!Number.isInteger(index) || index < 0 || index >= NAME_SPACE)
    throw new RangeError(`no demo enterprise ${index}`);
  const random = randomFor(SEED, index);
  const district = pickDistrict(random);
  const rural = RURAL_CODES.has(district.code);
  const family = (rural ? RURAL_FAMILIES : URBAN_FAMILIES).pick(random);

  // Name: a bijection of the index onto (字号, industry slot).
  const q = scramble(index, 48_271, 12_345, NAME_SPACE);
  const first = FIRST[q % FIRST.length] ?? '';
  const second = SECOND[Math.floor(q / FIRST.length) % SECOND.length] ?? '';
  const slot = Math.floor(q / (FIRST.length * SECOND.length));
  const brand = first + second;

  const established = establishDate(random);
  const legalRepresentative = anyName(random);
  const address = addressIn(random, district, random.chance(0.4));
  let name: string;
  let entityType: string;
  let industry: Industry;
  let capital: string | null;
  let kind: string;
  if (family === 'company') {
    industry = COMPANY_INDUSTRIES[slot] ?? COMPANY_INDUSTRIES[0] ?? { term: '', scope: '' };
    entityType = COMPANY_TYPE_TABLE.pick(random);
    const prefix = random.chance(0.85) ? '沈阳' : '辽宁';
    name =
      entityType === '个人独资企业'
        ? `沈阳${brand}${industry.term}中心`
        : entityType === '有限合伙企业'
          ? `沈阳${brand}${industry.term}中心（有限合伙）`
          : entityType.startsWith('股份')
            ? `${prefix}${brand}${industry.term}股份有限公司`
            : entityType.includes('分公司')
              ? `${prefix}${brand}${industry.term}有限公司${district.short}分公司`
              : `${prefix}${brand}${industry.term}有限公司`;
    capital = entityType.includes('分公司') ? null : random.pick(CAPITALS).toFixed(2);
    kind = '91';
  } else if (family === 'individual') {
    industry = SHOP_INDUSTRIES[slot] ?? SHOP_INDUSTRIES[0] ?? { term: '', scope: '' };
    entityType = '个体工商户';
    name = `${district.urban ? `沈阳市${district.name}` : district.name}${brand}${industry.term}`;
    capital = random.chance(0.25) ? random.pick([1, 2, 3, 5, 10, 20, 50]).toFixed(2) : null;
    kind = '92';
  } else {
    industry = COOPERATIVE_INDUSTRIES[slot] ?? COOPERATIVE_INDUSTRIES[0] ?? { term: '', scope: '' };
    entityType = '农民专业合作社';
    name = `${district.name}${brand}${industry.term}专业合作社`;
    capital = random.pick([10, 50, 100, 200, 500]).toFixed(2);
    kind = '93';
  }

  // Entities registered before the reform of October 2015 keep their numeric organisation code.
  const body =
    family === 'company' && established < '2015-10-01'
      ? legacyOrganisationBody(scramble(index, 7_368_787, 61_803_398, 100_000_000))
      : newOrganisationBody(scramble(index, 15_485_863, 123_456_789, NEW_CODES));
  const division = family === 'company' && random.chance(0.12) ? '210100' : district.code;
  const creditCode = makeCreditCode(kind, division, body);

  const age = LAST_DAY - dayNumber(established);
  const status =
    (STATUS_TABLES[age > 5 * 365 ? 2 : age > 3 * 365 ? 1 : 0] ?? STATUS_TABLES[0])?.pick(random) ?? '存续';
  const approvalDate = random.chance(0.55)
    ? isoDate(random.int(dayNumber(established), dayNumber(DEMO_DATA_DATE)))
    : established;
  const clause =
    established >= '2021-01-01'
      ? '（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）'
      : '（依法须经批准的项目，经相关部门批准后方可开展经营活动。）';

  return {
    index,
    creditCode,
    name,
    family,
    entityType,
    legalRepresentative,
    registeredCapital: capital,
    establishDate: established,
    approvalDate,
    address,
    businessScope: `${industry.scope}。${clause}`,
    registrationAuthority: authorityName(division, district),
    status,
    district,
  };
}

/** Whether an entity is still in business (for employers, annual reports). */
export function isActive(enterprise: DemoEnterprise): boolean {
  return enterprise.status === '存续' || enterprise.status === '在业';
}
