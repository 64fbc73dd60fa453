/**
 * Demo data of the demo city (沈阳市) for structured catalog entries of the demo catalog, and two
 * small files for non-structured ones. Rows are generated on demand, deterministically (seeded, no
 * clock), as text aligned with the entry's data items — read from the demo catalog, so the columns
 * always match it; `demo-data.test.ts` checks that every generated row passes the validator.
 *
 * Everything here is synthetic: names, identity numbers, credit codes and figures are made up
 * (valid in form). Only demo data may name Shenyang.
 */
import type { DataItem } from '../catalog/index.ts';
import { DEMO_CATALOG } from '../catalog/index.ts';
import {
  ACCIDENT_ROWS_PER_MONTH,
  AIR_STATION_COUNT,
  CPI_ROWS_PER_MONTH,
  CPI_TOTAL,
  ENTITY_STATUSES,
  HOURLY_HOURS,
  MARKET_ENTITY_COUNT,
  WEATHER_STATION_COUNT,
  airQualityReadings,
  annualReports,
  busStops,
  consumerPrices,
  elderlyCareHomes,
  gasPipes,
  housingFundAccounts,
  marketEntities,
  parkingLots,
  publicToilets,
  residents,
  schools,
  trafficAccidents,
  weatherObservations,
  type DemoRecord,
} from './demo-data/datasets.ts';
import { STATISTICAL_BULLETIN, renderPdf, renderRadarPng } from './demo-data/files.ts';
import { DEMO_DATA_DATE, DEMO_DISTRICTS, URBAN_DISTRICTS } from './demo-data/shenyang.ts';
import { STRUCTURED_FORMATS } from './files/files.ts';
import type { GeoJsonGeometry } from './versions/validation.ts';

export { DEMO_DATA_DATE };

export interface DemoFeature {
  values: (string | null)[];
  /** Where the row is (a point or a line), null when it has no place. */
  geometry: GeoJsonGeometry | null;
}

export interface DemoDataset {
  /** The catalog entry's name in the demo catalog. */
  entryName: string;
  /** How many rows `generate()` yields. */
  rows: number;
  /** The entry's data items: each row has one value per item, in this order. */
  items: readonly DataItem[];
  /** Code lists of the entry's coded fields (for the validator's enumeration rule). */
  enumerations: Readonly<Record<string, readonly string[]>>;
  /** The rows, as text read from a file would be (null for an empty cell). */
  generate(): Generator<(string | null)[]>;
  /** The rows with their geometry (for a map or a GeoJSON export). */
  features(): Generator<DemoFeature>;
}

/** The data items of a structured entry of the demo catalog. */
export function demoEntryItems(entryName: string): DataItem[] {
  const entry = DEMO_CATALOG.find((e) => e.metadata.name === entryName);
  if (entry === undefined) throw new Error(`demo data: no catalog entry named ${entryName}`);
  return entry.metadata.dataItems;
}

/** Lines a record up with the items; the record must have exactly the items' fields. */
function align(entryName: string, items: readonly DataItem[], record: DemoRecord): (string | null)[] {
  const fields = record.fields;
  const names = Object.keys(fields);
  if (names.length !== items.length || items.some((item) => !(item.name in fields)))
    throw new Error(
      `demo data for ${entryName}: fields ${names.join(',')} do not match items ${items.map((i) => i.name).join(',')}`,
    );
  return items.map((item) => fields[item.name] ?? null);
}

interface Definition {
  entryName: string;
  rows: number;
  enumerations?: Record<string, readonly string[]>;
  records(rows: number): Generator<DemoRecord>;
}

function dataset(definition: Definition): DemoDataset {
  const { entryName, rows } = definition;
  const entry = DEMO_CATALOG.find((e) => e.metadata.name === entryName);
  if (entry === undefined) throw new Error(`demo data: no catalog entry named ${entryName}`);
  if (!STRUCTURED_FORMATS.includes(entry.metadata.format))
    throw new Error(`demo data: ${entryName} is not a structured resource (${entry.metadata.format})`);
  const items = entry.metadata.dataItems;
  return {
    entryName,
    rows,
    items,
    enumerations: definition.enumerations ?? {},
    *generate() {
      for (const record of definition.records(rows)) yield align(entryName, items, record);
    },
    *features() {
      for (const record of definition.records(rows))
        yield { values: align(entryName, items, record), geometry: record.geometry };
    },
  };
}

const DISTRICT_NAMES = DEMO_DISTRICTS.map((d) => d.name);
const URBAN_DISTRICT_NAMES = URBAN_DISTRICTS.map((d) => d.name);

/** The 26 months from January 2024 to February 2026. */
const MONTHLY_FROM = '2024-01';
const MONTHS = 26;

/** The demo datasets, by catalog entry. */
export const DEMO_DATASETS: readonly DemoDataset[] = [
  dataset({
    entryName: '市场主体登记注册信息',
    rows: MARKET_ENTITY_COUNT,
    enumerations: {
      entity_type: [
        '有限责任公司（自然人投资或控股）',
        '有限责任公司（自然人独资）',
        '有限责任公司（法人独资）',
        '有限责任公司分公司（自然人投资或控股）',
        '股份有限公司（非上市、自然人投资或控股）',
        '有限责任公司（国有独资）',
        '个人独资企业',
        '有限合伙企业',
        '个体工商户',
        '农民专业合作社',
      ],
      status: ENTITY_STATUSES,
      district: DISTRICT_NAMES,
    },
    records: marketEntities,
  }),
  dataset({
    entryName: '企业年度报告公示信息',
    rows: 10_000,
    enumerations: { operating_status: ['开业', '歇业', '清算', '停业'] },
    records: annualReports,
  }),
  dataset({
    entryName: '人口基础信息',
    rows: 20_000,
    enumerations: {
      gender: ['男', '女'],
      ethnicity: ['汉族', '满族', '回族', '朝鲜族', '蒙古族', '锡伯族', '壮族'],
      relation_to_head: ['户主', '配偶', '子', '女', '父亲', '母亲'],
      education: ['小学', '初中', '高中', '中等专科', '大学专科', '大学本科', '硕士研究生', '博士研究生'],
      marital_status: ['未婚', '已婚', '离婚', '丧偶'],
      person_status: ['正常', '死亡', '迁出', '注销'],
    },
    records: residents,
  }),
  dataset({
    entryName: '住房公积金缴存信息',
    rows: 8_000,
    enumerations: { account_status: ['正常', '封存', '销户'] },
    records: housingFundAccounts,
  }),
  dataset({
    entryName: '空气质量监测数据',
    rows: AIR_STATION_COUNT * HOURLY_HOURS,
    enumerations: {
      quality_level: ['优', '良', '轻度污染', '中度污染', '重度污染', '严重污染'],
      district: DISTRICT_NAMES,
    },
    records: airQualityReadings,
  }),
  dataset({
    entryName: '自动气象站逐小时观测数据',
    rows: WEATHER_STATION_COUNT * HOURLY_HOURS,
    records: weatherObservations,
  }),
  dataset({
    entryName: '公交站点位置信息',
    rows: 1_200,
    enumerations: { direction: ['南向北', '北向南', '西向东', '东向西'], district: URBAN_DISTRICT_NAMES },
    records: busStops,
  }),
  dataset({
    entryName: '中小学校基本信息',
    rows: 320,
    enumerations: {
      school_type: ['小学', '初级中学', '九年一贯制学校', '完全中学', '高级中学'],
      ownership: ['公办', '民办'],
      district: DISTRICT_NAMES,
    },
    records: schools,
  }),
  dataset({
    entryName: '养老机构信息',
    rows: 150,
    enumerations: { ownership: ['公办', '民办', '公建民营'] },
    records: elderlyCareHomes,
  }),
  dataset({
    entryName: '公共停车场泊位信息',
    rows: 400,
    records: parkingLots,
  }),
  dataset({
    entryName: '燃气管网设施分布',
    rows: 600,
    enumerations: {
      pressure_class: ['高压', '次高压', '中压', '低压'],
      material: ['钢管', 'PE管', '球墨铸铁管', '铸铁管'],
    },
    records: gasPipes,
  }),
  dataset({
    entryName: '城市公共厕所位置信息',
    rows: 800,
    enumerations: { grade: ['一类', '二类', '三类'] },
    records: publicToilets,
  }),
  dataset({
    entryName: '居民消费价格指数',
    rows: MONTHS * CPI_ROWS_PER_MONTH,
    enumerations: {
      category: [
        CPI_TOTAL,
        '食品烟酒',
        '衣着',
        '居住',
        '生活用品及服务',
        '交通通信',
        '教育文化娱乐',
        '医疗保健',
        '其他用品及服务',
      ],
    },
    records: () => consumerPrices(MONTHLY_FROM, MONTHS),
  }),
  dataset({
    entryName: '道路交通事故统计数据',
    rows: MONTHS * ACCIDENT_ROWS_PER_MONTH,
    enumerations: {
      accident_type: ['机动车与机动车', '机动车与非机动车', '机动车与行人', '单车事故'],
      district: DISTRICT_NAMES,
    },
    records: () => trafficAccidents(MONTHLY_FROM, MONTHS),
  }),
];

export function demoDataset(entryName: string): DemoDataset {
  const found = DEMO_DATASETS.find((d) => d.entryName === entryName);
  if (found === undefined) throw new Error(`no demo dataset for ${entryName}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Files of non-structured entries
// ---------------------------------------------------------------------------------------------

export interface DemoFile {
  entryName: string;
  fileName: string;
  mediaType: 'application/pdf' | 'image/png';
  /** The entry's row describing the file (its binary item holds the file name). */
  values: (string | null)[];
  generate(): Promise<Buffer>;
}

function fileRow(entryName: string, fields: Record<string, string | null>): (string | null)[] {
  return align(entryName, demoEntryItems(entryName), { fields, geometry: null });
}

const BULLETIN_FILE = '2025年沈阳市国民经济和社会发展统计公报.pdf';
const RADAR_FILE = 'radar-cr-20260112-1406.png';

export const DEMO_FILES: readonly DemoFile[] = [
  {
    entryName: '国民经济和社会发展统计公报',
    fileName: BULLETIN_FILE,
    mediaType: 'application/pdf',
    values: fileRow('国民经济和社会发展统计公报', {
      year: '2025',
      title: STATISTICAL_BULLETIN.title,
      document: BULLETIN_FILE,
      tables: null,
      publish_date: STATISTICAL_BULLETIN.created,
    }),
    generate: () => renderPdf(STATISTICAL_BULLETIN),
  },
  {
    entryName: '天气雷达组合反射率拼图',
    fileName: RADAR_FILE,
    mediaType: 'image/png',
    values: fileRow('天气雷达组合反射率拼图', {
      scan_time: '2026-01-12 14:06:00',
      product_type: '组合反射率',
      image: RADAR_FILE,
      extent: '东经121.8°至124.6°，北纬40.6°至43.4°',
      resolution_km: '1.0',
    }),
    generate: () => Promise.resolve(renderRadarPng()),
  },
];
