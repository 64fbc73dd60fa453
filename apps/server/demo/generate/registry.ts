/**
 * The generators of the demo datasets (apps/server/demo/data/*.csv.gz), by catalog entry. Rows are
 * generated deterministically (seeded, no clock) as text aligned with the entry's data items, read
 * from the demo catalog, so the columns always match it; `generate.test.ts` checks that every row
 * passes the validator and that the files are what these generators make.
 *
 * Everything here is synthetic: names, identity numbers, credit codes and figures are made up
 * (valid in form). Only demo data may name Shenyang.
 */
import {
  DEMO_DATASETS,
  DEMO_FILES,
  demoDataset,
  demoEntryItems,
  type DemoDataset,
  type DemoFile,
} from '../../src/demo/datasets.ts';
import type { GeoJsonGeometry } from '../../src/modules/provision/versions/validation.ts';
import {
  ACCIDENT_ROWS_PER_MONTH,
  AIR_STATION_COUNT,
  CPI_ROWS_PER_MONTH,
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
} from './datasets.ts';
import { STATISTICAL_BULLETIN, renderPdf, renderRadarPng } from './files.ts';
import { DEMO_DATA_DATE } from './shenyang.ts';

export { DEMO_DATA_DATE };

export interface DemoFeature {
  values: (string | null)[];
  /** Where the row is (a point or a line), null when it has no place. */
  geometry: GeoJsonGeometry | null;
}

export interface GeneratedDataset extends DemoDataset {
  /** The rows, as text read from a file would be (null for an empty cell). */
  generate(): Generator<(string | null)[]>;
  /** The rows with their geometry (for a map). */
  features(): Generator<DemoFeature>;
}

/** Lines a record up with the items; the record must have exactly the items' fields. */
function align(entryName: string, items: readonly { name: string }[], record: DemoRecord): (string | null)[] {
  const fields = record.fields;
  const names = Object.keys(fields);
  if (names.length !== items.length || items.some((item) => !(item.name in fields)))
    throw new Error(
      `demo data for ${entryName}: fields ${names.join(',')} do not match items ${items.map((i) => i.name).join(',')}`,
    );
  return items.map((item) => fields[item.name] ?? null);
}

/** The 26 months from January 2024 to February 2026. */
const MONTHLY_FROM = '2024-01';
const MONTHS = 26;

/** Each dataset's generator and the number of rows it makes. */
const GENERATORS: Readonly<Record<string, { rows: number; records(rows: number): Generator<DemoRecord> }>> = {
  市场主体登记注册信息: { rows: MARKET_ENTITY_COUNT, records: marketEntities },
  企业年度报告公示信息: { rows: 10_000, records: annualReports },
  人口基础信息: { rows: 20_000, records: residents },
  住房公积金缴存信息: { rows: 8_000, records: housingFundAccounts },
  空气质量监测数据: { rows: AIR_STATION_COUNT * HOURLY_HOURS, records: airQualityReadings },
  自动气象站逐小时观测数据: { rows: WEATHER_STATION_COUNT * HOURLY_HOURS, records: weatherObservations },
  公交站点位置信息: { rows: 1_200, records: busStops },
  中小学校基本信息: { rows: 320, records: schools },
  养老机构信息: { rows: 150, records: elderlyCareHomes },
  公共停车场泊位信息: { rows: 400, records: parkingLots },
  燃气管网设施分布: { rows: 600, records: gasPipes },
  城市公共厕所位置信息: { rows: 800, records: publicToilets },
  居民消费价格指数: {
    rows: MONTHS * CPI_ROWS_PER_MONTH,
    records: () => consumerPrices(MONTHLY_FROM, MONTHS),
  },
  道路交通事故统计数据: {
    rows: MONTHS * ACCIDENT_ROWS_PER_MONTH,
    records: () => trafficAccidents(MONTHLY_FROM, MONTHS),
  },
};

function generated(dataset: DemoDataset): GeneratedDataset {
  const { entryName, items } = dataset;
  const generator = GENERATORS[entryName];
  if (generator === undefined) throw new Error(`demo data: no generator for ${entryName}`);
  if (generator.rows !== dataset.rows)
    throw new Error(
      `demo data: ${entryName} makes ${generator.rows} rows, datasets.json says ${dataset.rows}`,
    );
  return {
    ...dataset,
    *generate() {
      for (const record of generator.records(dataset.rows)) yield align(entryName, items, record);
    },
    *features() {
      for (const record of generator.records(dataset.rows))
        yield { values: align(entryName, items, record), geometry: record.geometry };
    },
  };
}

/** The demo datasets of datasets.json with their generators. */
export const GENERATED_DATASETS: readonly GeneratedDataset[] = DEMO_DATASETS.map(generated);

export function generatedDataset(entryName: string): GeneratedDataset {
  return generated(demoDataset(entryName));
}

/** The bytes of a demo file. */
export function generateFile(file: DemoFile): Promise<Buffer> {
  switch (file.mediaType) {
    case 'application/pdf':
      return renderPdf(STATISTICAL_BULLETIN);
    case 'image/png':
      return Promise.resolve(renderRadarPng());
  }
}

/** The row describing a demo file, built from its fields (checked against datasets.json). */
export function fileRow(entryName: string, fields: Record<string, string | null>): (string | null)[] {
  return align(entryName, demoEntryItems(entryName), { fields, geometry: null });
}

export const BULLETIN_ROW = {
  year: '2025',
  title: STATISTICAL_BULLETIN.title,
  document: '2025年沈阳市国民经济和社会发展统计公报.pdf',
  tables: null,
  publish_date: STATISTICAL_BULLETIN.created,
};

export { DEMO_FILES };
