/**
 * Geography of the demo city for generated data: the districts of 沈阳市 with their GB/T 2260 codes
 * (REFERENCE.md), an approximate centre and extent of their built-up area, a few of their roads
 * and 街道 / 乡镇; and helpers for dates, addresses, coordinates and phone numbers.
 *
 * Centres and extents are rough (a few kilometres): enough for points to fall in the right part of
 * the city on a map, not surveyed positions.
 */
import { WeightedTable, type Random } from './random.ts';

/** The day the demo data was "extracted": every generated date is on or before it. */
export const DEMO_DATA_DATE = '2026-03-31';

export interface DemoDistrict {
  code: string;
  name: string;
  /** Short name for police sub-bureaus etc. (和平, 康平县). */
  short: string;
  urban: boolean;
  /** Approximate centre [longitude, latitude] and half-extent in degrees. */
  centre: readonly [number, number];
  extent: readonly [number, number];
  /** Share of the city's registered population (roughly). */
  weight: number;
  roads: readonly string[];
  /** 街道 or 乡镇. */
  streets: readonly string[];
}

const COUNTY_ROADS = [
  '人民路',
  '新华街',
  '建设路',
  '中心街',
  '文化路',
  '迎宾路',
  '兴业街',
  '和平街',
  '胜利路',
  '站前街',
];

export const DEMO_DISTRICTS: readonly DemoDistrict[] = [
  {
    code: '210102',
    name: '和平区',
    short: '和平',
    urban: true,
    centre: [123.395, 41.785],
    extent: [0.03, 0.025],
    weight: 0.09,
    roads: [
      '南京北街',
      '南京南街',
      '中华路',
      '中山路',
      '太原北街',
      '太原南街',
      '三好街',
      '青年大街',
      '北二马路',
      '南五马路',
      '十一纬路',
      '胜利南街',
      '民主路',
      '沙阳路',
    ],
    streets: ['太原街', '南湖', '长白', '北市场', '南市场', '集贤', '马路湾', '浑河湾', '新华'],
  },
  {
    code: '210103',
    name: '沈河区',
    short: '沈河',
    urban: true,
    centre: [123.455, 41.795],
    extent: [0.03, 0.02],
    weight: 0.08,
    roads: [
      '青年大街',
      '市府大路',
      '北站路',
      '小西路',
      '大西路',
      '正阳街',
      '中街路',
      '文艺路',
      '团结路',
      '五爱街',
      '朝阳街',
      '北京街',
      '奉天街',
      '小南街',
      '大南街',
      '热闹路',
    ],
    streets: ['五里河', '滨河', '大南', '山东庙', '朱剪炉', '新北站', '风雨坛', '皇城', '五爱', '泉园'],
  },
  {
    code: '210104',
    name: '大东区',
    short: '大东',
    urban: true,
    centre: [123.485, 41.82],
    extent: [0.03, 0.025],
    weight: 0.09,
    roads: [
      '东北大马路',
      '小河沿路',
      '大东路',
      '津桥路',
      '东望街',
      '长安路',
      '联合路',
      '北海街',
      '善邻路',
      '小北关街',
      '上园路',
      '东顺城街',
    ],
    streets: ['大什字街', '上园', '东站', '长安', '万泉', '二台子', '东塔', '小北', '津桥', '新东'],
  },
  {
    code: '210105',
    name: '皇姑区',
    short: '皇姑',
    urban: true,
    centre: [123.42, 41.825],
    extent: [0.025, 0.025],
    weight: 0.1,
    roads: [
      '黄河南大街',
      '黄河北大街',
      '北陵大街',
      '崇山中路',
      '崇山东路',
      '长江街',
      '泰山路',
      '华山路',
      '昆山中路',
      '岐山中路',
      '鸭绿江街',
      '宁山中路',
      '陵东街',
      '珠江街',
      '淮河街',
    ],
    streets: ['北塔', '三台子', '明廉', '华山', '塔湾', '陵东', '寿泉', '辽河', '黄河', '新乐'],
  },
  {
    code: '210106',
    name: '铁西区',
    short: '铁西',
    urban: true,
    centre: [123.345, 41.8],
    extent: [0.04, 0.02],
    weight: 0.13,
    roads: [
      '建设大路',
      '兴华北街',
      '兴华南街',
      '北二中路',
      '北一中路',
      '云峰北街',
      '卫工北街',
      '景星北街',
      '肇工北街',
      '重工北街',
      '沈辽路',
      '保工街',
      '勋望街',
    ],
    streets: ['兴顺', '兴华', '霁虹', '笃工', '昆明湖', '工人村', '七路', '凌空', '启工', '重工', '卫工'],
  },
  {
    code: '210111',
    name: '苏家屯区',
    short: '苏家屯',
    urban: true,
    centre: [123.345, 41.665],
    extent: [0.035, 0.025],
    weight: 0.05,
    roads: ['枫杨路', '海丰路', '雪松路', '香杨路', '迎春街', '银杏路', '中央大街', '红杉路'],
    streets: ['民主', '湖西', '临湖', '枫杨', '沙河', '陈相', '永乐'],
  },
  {
    code: '210112',
    name: '浑南区',
    short: '浑南',
    urban: true,
    centre: [123.45, 41.73],
    extent: [0.055, 0.025],
    weight: 0.07,
    roads: [
      '浑南中路',
      '浑南东路',
      '浑南西路',
      '全运路',
      '创新路',
      '文溯街',
      '新隆街',
      '营盘西街',
      '世纪路',
      '沈中大街',
      '天赐街',
      '金卡路',
    ],
    streets: ['五三', '李相', '白塔', '浑河站', '桃仙', '王滨', '祝家', '高坎'],
  },
  {
    code: '210113',
    name: '沈北新区',
    short: '沈北',
    urban: true,
    centre: [123.52, 41.925],
    extent: [0.04, 0.03],
    weight: 0.05,
    roads: ['道义南大街', '道义北大街', '蒲河路', '虎石台南大街', '沈北路', '辉山大街', '蒲南路', '蒲昌路'],
    streets: ['道义', '虎石台', '新城子', '辉山', '蒲河', '财落'],
  },
  {
    code: '210114',
    name: '于洪区',
    short: '于洪',
    urban: true,
    centre: [123.305, 41.81],
    extent: [0.03, 0.025],
    weight: 0.07,
    roads: ['怒江北街', '沈新路', '洪湖北街', '吉力湖街', '白山路', '旺山路', '细河路', '杨士街'],
    streets: ['迎宾路', '北陵', '南阳湖', '城东湖', '沙岭', '平罗', '马三家', '造化'],
  },
  {
    code: '210115',
    name: '辽中区',
    short: '辽中',
    urban: false,
    centre: [122.765, 41.515],
    extent: [0.025, 0.02],
    weight: 0.06,
    roads: COUNTY_ROADS,
    streets: ['蒲西', '蒲东', '茨榆坨', '城郊', '冷子堡', '刘二堡'],
  },
  {
    code: '210123',
    name: '康平县',
    short: '康平县',
    urban: false,
    centre: [123.355, 42.745],
    extent: [0.02, 0.015],
    weight: 0.04,
    roads: COUNTY_ROADS,
    streets: ['胜利', '东关', '张强', '郝官屯', '北四家子'],
  },
  {
    code: '210124',
    name: '法库县',
    short: '法库县',
    urban: false,
    centre: [123.405, 42.5],
    extent: [0.02, 0.015],
    weight: 0.05,
    roads: COUNTY_ROADS,
    streets: ['法库', '大孤家子', '秀水河子', '依牛堡子', '三面船'],
  },
  {
    code: '210181',
    name: '新民市',
    short: '新民市',
    urban: false,
    centre: [122.825, 41.99],
    extent: [0.025, 0.02],
    weight: 0.08,
    roads: COUNTY_ROADS,
    streets: ['新柳', '辽滨', '东城', '西城', '大民屯', '兴隆'],
  },
];

export const URBAN_DISTRICTS = DEMO_DISTRICTS.filter((d) => d.urban);

export function districtByCode(code: string): DemoDistrict {
  const district = DEMO_DISTRICTS.find((d) => d.code === code);
  if (district === undefined) throw new RangeError(`no demo district ${code}`);
  return district;
}

const DISTRICT_TABLE = new WeightedTable(DEMO_DISTRICTS.map((d) => [d, d.weight] as const));
const URBAN_TABLE = new WeightedTable(URBAN_DISTRICTS.map((d) => [d, d.weight] as const));

/** A district, by share of population, among all (default) or the urban ones. */
export function pickDistrict(random: Random, districts: 'all' | 'urban' = 'all'): DemoDistrict {
  return (districts === 'all' ? DISTRICT_TABLE : URBAN_TABLE).pick(random);
}

/** A position in the district's built-up area, 6 decimals as the catalog asks. */
export function pointIn(random: Random, district: DemoDistrict): [number, number] {
  const [lon, lat] = district.centre;
  const [dLon, dLat] = district.extent;
  // Denser towards the centre: the mean of two uniforms.
  const u = (random.next() + random.next()) / 2;
  const v = (random.next() + random.next()) / 2;
  return [round6(lon + (u * 2 - 1) * dLon), round6(lat + (v * 2 - 1) * dLat)];
}

export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function fixed6(n: number): string {
  return n.toFixed(6);
}

/** 辽宁省沈阳市和平区南京北街128号 (+ optional building/room). */
export function addressIn(random: Random, district: DemoDistrict, withRoom = false): string {
  const road = random.pick(district.roads);
  const number = random.int(1, random.chance(0.7) ? 200 : 999);
  const room = withRoom
    ? `${random.int(1, 8)}单元${random.int(1, 7)}${String(random.int(1, 4)).padStart(2, '0')}室`
    : '';
  return `辽宁省沈阳市${district.name}${road}${number}号${room}`;
}

// --- dates ------------------------------------------------------------------------------------

/** Days since 1970-01-01 of an ISO date (proleptic Gregorian, no clock; H. Hinnant's algorithm). */
export function dayNumber(iso: string): number {
  let y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The ISO date of a day number (inverse of `dayNumber`). */
export function isoDate(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

export function randomDate(random: Random, from: string, to: string): string {
  return isoDate(random.int(dayNumber(from), dayNumber(to)));
}

/** Whole years between a birth date and a day (both ISO). */
export function ageOn(birth: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
  return day.slice(5) < birth.slice(5) ? years - 1 : years;
}

/** `YYYY-MM-DD HH:mm:ss` for hour `hour` (may exceed 23) after the start of an ISO day. */
export function hourlyTime(startDay: string, hour: number): string {
  const day = isoDate(dayNumber(startDay) + Math.floor(hour / 24));
  return `${day} ${String(hour % 24).padStart(2, '0')}:00:00`;
}

// --- phones -----------------------------------------------------------------------------------

const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '177',
  '180',
  '181',
  '182',
  '185',
  '186',
  '187',
  '188',
  '189',
  '198',
  '199',
];
/** First two digits of 8-digit Shenyang landlines. */
const LANDLINE_PREFIXES = ['22', '23', '24', '25', '31', '62', '86', '88', '89'];

export function mobileNumber(random: Random): string {
  return `${random.pick(MOBILE_PREFIXES)}${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
}

export function landline(random: Random): string {
  return `024-${random.pick(LANDLINE_PREFIXES)}${String(random.int(0, 999_999)).padStart(6, '0')}`;
}

/** Formats a number with a fixed number of decimals. */
export function decimal(n: number, digits: number): string {
  return n.toFixed(digits);
}
