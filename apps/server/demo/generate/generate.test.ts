import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_CATALOG } from '../../src/demo/catalog.ts';
import { demoEntryItems, demoRows } from '../../src/demo/datasets.ts';
import { demoPath } from '../../src/demo/read.ts';
import {
  checkGeometry,
  createValidator,
  ValidationReport,
  type GeoJsonGeometry,
  type Position,
} from '../../src/modules/provision/versions/validation.ts';
import { creditCodeStructureProblem } from '../../src/shared/identifiers.ts';
import { airQuality, chineseNumber, iaqi, qualityLevel, residents } from './datasets.ts';
import { NAME_SPACE, enterpriseAt } from './enterprises.ts';
import { crc32, REFLECTIVITY_COLOURS } from './files.ts';
import { csvLines } from './generate.ts';
import { makeIdNumber } from './people.ts';
import { Random, WeightedTable } from './random.ts';
import {
  BULLETIN_ROW,
  DEMO_DATA_DATE,
  DEMO_FILES,
  GENERATED_DATASETS as DEMO_DATASETS,
  fileRow,
  generateFile,
  generatedDataset as demoDataset,
  type GeneratedDataset as DemoDataset,
} from './registry.ts';
import { DEMO_DISTRICTS, dayNumber, isoDate } from './shenyang.ts';

const SHENYANG_CODES = new Set(DEMO_DISTRICTS.map((d) => d.code));
const DISTRICT_BY_NAME = new Map(DEMO_DISTRICTS.map((d) => [d.name, d]));

/** Reads a row as a record by item name. */
function recordOf(dataset: DemoDataset, row: readonly (string | null)[]): Record<string, string | null> {
  return Object.fromEntries(dataset.items.map((item, i) => [item.name, row[i] ?? null]));
}

function text(value: string | null | undefined): string {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

function validatorFor(dataset: DemoDataset): ReturnType<typeof createValidator> {
  return createValidator(dataset.items, {
    enumerations: dataset.enumerations,
    latestBirthDate: DEMO_DATA_DATE,
  });
}

/** All positions of a geometry. */
function positionsOf(geometry: GeoJsonGeometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positionsOf);
  }
}

/** The whole of 沈阳市, with a margin. */
function inShenyang([lon = 0, lat = 0]: Position): boolean {
  return lon > 122.4 && lon < 123.9 && lat > 41.2 && lat < 43.1;
}

describe('the registry', () => {
  it('covers at least 12 structured entries of the demo catalog, each once', () => {
    expect(DEMO_DATASETS.length).toBeGreaterThanOrEqual(12);
    const names = DEMO_DATASETS.map((d) => d.entryName);
    expect(new Set(names).size).toBe(names.length);
    for (const dataset of DEMO_DATASETS) {
      const entry = DEMO_CATALOG.find((e) => e.metadata.name === dataset.entryName);
      expect(entry, dataset.entryName).toBeDefined();
      expect(['database', 'spreadsheet', 'self_describing', 'service']).toContain(entry?.metadata.format);
      expect(dataset.items).toEqual(entry?.metadata.dataItems);
    }
  });

  it('has the required kinds of data', () => {
    const names = DEMO_DATASETS.map((d) => d.entryName);
    expect(names).toEqual(
      expect.arrayContaining(['市场主体登记注册信息', '空气质量监测数据', '公交站点位置信息']),
    );
    expect(demoDataset('市场主体登记注册信息').rows).toBe(100_000);
    // A table of personal identifiers with sensitive items.
    const people = demoDataset('人口基础信息');
    expect(people.items.some((i) => i.dataType === 'id_number' && i.sensitivity >= 3)).toBe(true);
    // A geometry item.
    expect(DEMO_DATASETS.some((d) => d.items.some((i) => i.dataType === 'geometry'))).toBe(true);
  });

  it('are the files the server loads, row for row and byte for byte', async () => {
    for (const dataset of DEMO_DATASETS) {
      // The CSV text the generator writes, and the file's text.
      const expected = createHash('sha256');
      for (const line of csvLines(dataset)) expected.update(line);
      const actual = createHash('sha256');
      for await (const chunk of fs.createReadStream(demoPath(dataset.file)).pipe(createGunzip()))
        actual.update(chunk as Buffer);
      expect(actual.digest('hex'), `${dataset.file}: run demo/generate/generate.ts`).toBe(
        expected.digest('hex'),
      );
    }
    // Read back as the loader reads them: the generated values, null for an empty cell.
    const dataset = demoDataset('养老机构信息');
    const read: (string | null)[][] = [];
    for await (const row of demoRows(dataset)) read.push(row);
    expect(read).toEqual([...dataset.generate()]);
    for (const file of DEMO_FILES)
      expect((await generateFile(file)).equals(fs.readFileSync(demoPath(file.file))), file.file).toBe(true);
    // Regenerating the 100,000-row register takes tens of seconds on a quiet machine and more than two
    // minutes on a loaded one: a generous bound, not a speed check.
  }, 600_000);

  it('refuses unknown entries', () => {
    expect(() => demoDataset('不存在的目录')).toThrow();
    expect(() => demoEntryItems('不存在的目录')).toThrow();
  });
});

describe('every dataset', () => {
  const smaller = DEMO_DATASETS.filter((d) => d.rows <= 20_000);

  it.each(smaller.map((d) => [d.entryName, d] as const))(
    '%s: yields its row count, one value per item, and every value passes the validator',
    (_name, dataset) => {
      const validator = validatorFor(dataset);
      const report = new ValidationReport(dataset.items);
      let rows = 0;
      let misaligned = 0;
      for (const row of dataset.generate()) {
        rows++;
        if (row.length !== dataset.items.length) misaligned++;
        report.add(validator.validate(row));
      }
      expect(misaligned).toBe(0);
      const summary = report.summary();
      expect(summary.problems).toEqual([]);
      expect(rows).toBe(dataset.rows);
      expect(summary.validRows).toBe(dataset.rows);
      // Required items are always filled.
      for (const field of summary.fields) if (field.required) expect(field.completeness, field.field).toBe(1);
    },
  );

  it.each(smaller.map((d) => [d.entryName, d] as const))(
    '%s: geometries are valid and in Shenyang',
    (_name, dataset) => {
      for (const feature of dataset.features()) {
        if (feature.geometry === null) continue;
        const checked = checkGeometry(feature.geometry);
        expect(checked.ok).toBe(true);
        for (const position of positionsOf(feature.geometry))
          expect(inShenyang(position), JSON.stringify(position)).toBe(true);
        const lon = dataset.items.findIndex((i) => i.name === 'longitude');
        const lat = dataset.items.findIndex((i) => i.name === 'latitude');
        if (lon >= 0 && lat >= 0 && feature.geometry.type === 'Point')
          expect(feature.geometry.coordinates).toEqual([
            Number(feature.values[lon]),
            Number(feature.values[lat]),
          ]);
      }
    },
  );

  describe('determinism', () => {
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    it('does not depend on the clock or on Math.random', () => {
      const random = vi.spyOn(Math, 'random');
      const first = (d: DemoDataset): (string | null)[][] => {
        const rows: (string | null)[][] = [];
        for (const row of d.generate()) {
          rows.push(row);
          if (rows.length === 200) break;
        }
        return rows;
      };
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2020-02-02T02:02:02Z'));
      const before = DEMO_DATASETS.map(first);
      vi.setSystemTime(new Date('2031-11-11T11:11:11Z'));
      const after = DEMO_DATASETS.map(first);
      expect(after).toEqual(before);
      expect(random).not.toHaveBeenCalled();
    });
  });
});

describe('市场主体登记注册信息 (100,000 rows)', () => {
  it('streams valid, unique, consistent registrations', () => {
    const dataset = demoDataset('市场主体登记注册信息');
    const validator = validatorFor(dataset);
    const codes = new Set<string>();
    const names = new Set<string>();
    const kinds = new Map<string, number>();
    const statuses = new Map<string, number>();
    // Checked with plain conditions and asserted once: 100,000 rows × a dozen expect() calls is slow.
    const failures: string[] = [];
    const check = (ok: boolean, row: number, what: string): void => {
      if (!ok && failures.length < 20) failures.push(`row ${row}: ${what}`);
    };
    let legacy = 0;
    let rows = 0;
    for (const row of dataset.generate()) {
      rows++;
      const result = validator.validate(row);
      check(result.valid, rows, JSON.stringify(result.problems));
      const r = recordOf(dataset, row);
      const code = text(r.credit_code);
      const type = text(r.entity_type);
      codes.add(code);
      names.add(text(r.enterprise_name));
      kinds.set(code.slice(0, 2), (kinds.get(code.slice(0, 2)) ?? 0) + 1);
      statuses.set(text(r.status), (statuses.get(text(r.status)) ?? 0) + 1);
      check(creditCodeStructureProblem(code) === null, rows, `structure of ${code}`);
      // Type code and entity type agree.
      const kind = type === '个体工商户' ? '92' : type === '农民专业合作社' ? '93' : '91';
      check(code.startsWith(kind), rows, `${code} is not a ${type}`);
      // The registering authority's division is a Shenyang code and matches the authority.
      const division = code.slice(2, 8);
      const district = DISTRICT_BY_NAME.get(text(r.district));
      if (district === undefined) check(false, rows, `district ${String(r.district)}`);
      else if (division === '210100')
        check(r.registration_authority === '沈阳市市场监督管理局', rows, String(r.registration_authority));
      else {
        check(
          SHENYANG_CODES.has(division) && division === district.code,
          rows,
          `division ${division} of ${district.name}`,
        );
        check(
          r.registration_authority === `沈阳市${district.name}市场监督管理局`,
          rows,
          String(r.registration_authority),
        );
      }
      check(text(r.address).startsWith(`辽宁省沈阳市${district?.name ?? '?'}`), rows, text(r.address));
      // Dates in order and not after the extraction date.
      check(text(r.establish_date) <= text(r.approval_date), rows, 'approval before establishment');
      check(text(r.approval_date) <= DEMO_DATA_DATE, rows, 'approval after the extraction date');
      // Numeric organisation codes only for companies registered before the 2015 reform.
      if (/^\d{8}$/.test(code.slice(8, 16))) {
        legacy++;
        check(text(r.establish_date) < '2015-10-01' && kind === '91', rows, `legacy code ${code}`);
      } else check(code.slice(8, 10) === 'MA', rows, `new code ${code}`);
      check(/。（.+）$/.test(text(r.business_scope)), rows, 'business scope clause');
    }
    expect(failures).toEqual([]);
    expect(rows).toBe(100_000);
    expect(codes.size).toBe(100_000);
    expect(names.size).toBe(100_000);
    // A realistic mix.
    expect(kinds.get('91') ?? 0).toBeGreaterThan(55_000);
    expect(kinds.get('92') ?? 0).toBeGreaterThan(20_000);
    expect(kinds.get('93') ?? 0).toBeGreaterThan(1_000);
    expect(legacy).toBeGreaterThan(5_000);
    expect((statuses.get('存续') ?? 0) / rows).toBeGreaterThan(0.6);
    expect(statuses.get('注销') ?? 0).toBeGreaterThan(1_000);
  });

  it('gives the same entity for an index wherever it is asked', () => {
    expect(enterpriseAt(12_345)).toEqual(enterpriseAt(12_345));
    expect(enterpriseAt(0).creditCode).not.toBe(enterpriseAt(1).creditCode);
    expect(NAME_SPACE).toBeGreaterThanOrEqual(100_000);
    expect(() => enterpriseAt(NAME_SPACE)).toThrow(RangeError);
  });
});

describe('人口基础信息 and 住房公积金缴存信息', () => {
  it('encodes each birth date, sex and district in the identity number', () => {
    const dataset = demoDataset('人口基础信息');
    const ids = new Set<string>();
    const failures: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (!ok && failures.length < 20) failures.push(what);
    };
    const households = new Map<string, Record<string, string | null>[]>();
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      const id = text(r.id_number);
      ids.add(id);
      const district = DEMO_DISTRICTS.find((d) => d.code === id.slice(0, 6));
      check(district !== undefined, `${id}: not a Shenyang division`);
      check(
        r.birth_place === `辽宁省沈阳市${district?.name ?? '?'}`,
        `${id}: born in ${String(r.birth_place)}`,
      );
      check(
        id.slice(6, 14) === text(r.birth_date).replaceAll('-', ''),
        `${id}: born ${String(r.birth_date)}`,
      );
      check((Number(id.charAt(16)) % 2 === 1 ? '男' : '女') === r.gender, `${id}: ${String(r.gender)}`);
      const key = text(r.household_number);
      households.set(key, [...(households.get(key) ?? []), r]);
    }
    expect(ids.size).toBe(dataset.rows);
    for (const [key, members] of households) {
      const heads = members.filter((m) => m.relation_to_head === '户主');
      check(heads.length === 1, `household ${key} has ${heads.length} heads`);
      const head = heads[0];
      for (const member of members) {
        check(member.registered_address === head?.registered_address, `household ${key}: two addresses`);
        const relation = member.relation_to_head;
        if (relation === '配偶')
          check(member.gender !== head?.gender, `household ${key}: spouse of the same sex`);
        if (relation === '子') check(member.gender === '男', `household ${key}: 子 is not male`);
        if (relation === '女') check(member.gender === '女', `household ${key}: 女 is not female`);
        if (relation === '子' || relation === '女')
          check(
            dayNumber(text(member.birth_date)) - dayNumber(text(head?.birth_date)) > 18 * 365,
            `household ${key}: child born before the parent was 18`,
          );
      }
    }
    expect(failures).toEqual([]);
  });

  it('has depositors who are registered residents, employed by registered companies', () => {
    const people = new Map<string, string>();
    for (const record of residents(40_000))
      people.set(text(record.fields.id_number), text(record.fields.name));
    const companies = new Map<string, string>();
    for (let i = 0; i < 100_000; i += 1) {
      const e = enterpriseAt(i);
      if (e.family === 'company') companies.set(e.creditCode, e.name);
    }
    const dataset = demoDataset('住房公积金缴存信息');
    const failures: string[] = [];
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      if (people.get(text(r.id_number)) !== r.name) failures.push(`${text(r.id_number)} is not a resident`);
      if (companies.get(text(r.employer_credit_code)) !== r.employer_name)
        failures.push(`${text(r.employer_credit_code)} is not a registered company`);
      const ratio = Number(r.monthly_deposit) / Number(r.deposit_base) / 2;
      if (![0.05, 0.08, 0.1, 0.12].some((rate) => Math.abs(ratio - rate) < 0.002))
        failures.push(`deposit rate ${ratio}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('builds identity numbers by GB 11643', () => {
    // 210102199003071233 was worked out by hand (shared/identifiers.test.ts): sequence 123 is odd (male) = 61·2 + 1.
    expect(makeIdNumber('210102', '1990-03-07', 'male', 61)).toBe('210102199003071233');
    expect(makeIdNumber('210102', '1990-03-07', 'female', 62)).toBe('210102199003071241');
  });
});

describe('空气质量监测数据', () => {
  it('computes individual indices after HJ 633-2012', () => {
    // PM2.5 80 μg/m³: (150 − 100) / (115 − 75) · (80 − 75) + 100 = 106.25 → 107 (rounded up)
    expect(iaqi('pm25', 80)).toBe(107);
    expect(iaqi('pm25', 35)).toBe(50);
    // PM10 200: (150 − 100) / (250 − 150) · (200 − 150) + 100 = 125
    expect(iaqi('pm10', 200)).toBe(125);
    // O3 (1 h) 180: (100 − 50) / (200 − 160) · (180 − 160) + 50 = 75
    expect(iaqi('o3', 180)).toBe(75);
    // CO 1.2 mg/m³: 50 / 5 · 1.2 = 12
    expect(iaqi('co', 1.2)).toBe(12);
    expect(airQuality({ pm25: 80, pm10: 200, o3: 20 })).toEqual({ aqi: 125, primary: 'PM10' });
    expect(airQuality({ pm25: 20, pm10: 30 })).toEqual({ aqi: 30, primary: null });
    expect(airQuality({ pm25: 75, pm10: 150 })).toEqual({ aqi: 100, primary: 'PM2.5,PM10' });
    expect([50, 51, 100, 101, 150, 151, 200, 201, 300, 301].map(qualityLevel)).toEqual([
      '优',
      '良',
      '良',
      '轻度污染',
      '轻度污染',
      '中度污染',
      '中度污染',
      '重度污染',
      '重度污染',
      '严重污染',
    ]);
  });

  it('publishes every station every hour with an AQI that follows from its concentrations', () => {
    const dataset = demoDataset('空气质量监测数据');
    const hours = new Map<string, Set<string>>();
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      const measured: Record<string, number> = {};
      for (const p of ['pm25', 'pm10', 'so2', 'no2', 'o3', 'co'])
        if (r[p] !== null) measured[p] = Number(r[p]);
      const { aqi, primary } = airQuality(measured);
      expect(Number(r.aqi)).toBe(aqi);
      expect(r.primary_pollutant).toBe(primary);
      expect(r.quality_level).toBe(qualityLevel(aqi));
      expect(text(r.monitor_time)).toMatch(/^2026-01-\d{2} \d{2}:00:00$/);
      expect(Number(r.pm10)).toBeGreaterThan(Number(r.pm25));
      const station = text(r.station_code);
      const set = hours.get(station) ?? new Set<string>();
      set.add(text(r.monitor_time));
      hours.set(station, set);
    }
    expect(hours.size).toBe(11);
    for (const set of hours.values()) expect(set.size).toBe(14 * 24);
  });
});

describe('公交站点位置信息', () => {
  it('places stops in pairs on both sides of Shenyang roads', () => {
    const dataset = demoDataset('公交站点位置信息');
    const ids = new Set<string>();
    const byName = new Map<string, string[]>();
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      ids.add(text(r.stop_id));
      const lon = Number(r.longitude);
      const lat = Number(r.latitude);
      expect(lon).toBeGreaterThan(123.2);
      expect(lon).toBeLessThan(123.7);
      expect(lat).toBeGreaterThan(41.6);
      expect(lat).toBeLessThan(42.0);
      expect(text(r.stop_name).startsWith(text(r.road))).toBe(true);
      // A 街 runs north–south, a 路 east–west.
      expect(['南向北', '北向南'].includes(text(r.direction))).toBe(text(r.road).endsWith('街'));
      expect(text(r.routes)).toMatch(/^\d+路(、\d+路)*$/);
      byName.set(text(r.stop_name), [...(byName.get(text(r.stop_name)) ?? []), text(r.direction)]);
    }
    expect(ids.size).toBe(dataset.rows);
    for (const directions of byName.values()) {
      expect(directions).toHaveLength(2);
      expect(new Set(directions).size).toBe(2);
    }
  });
});

describe('other datasets', () => {
  it('燃气管网设施分布: lines as GeoJSON text in the geometry item', () => {
    const dataset = demoDataset('燃气管网设施分布');
    const index = dataset.items.findIndex((i) => i.dataType === 'geometry');
    for (const feature of dataset.features()) {
      const parsed: unknown = JSON.parse(text(feature.values[index]));
      expect(parsed).toEqual(feature.geometry);
      expect(feature.geometry?.type).toBe('LineString');
    }
  });

  it('中小学校基本信息: public schools are 事业单位 (12), private ones 民办非企业单位 (52), in their district', () => {
    const dataset = demoDataset('中小学校基本信息');
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      const code = text(r.credit_code);
      expect(code.slice(0, 2)).toBe(r.ownership === '公办' ? '12' : '52');
      expect(code.slice(2, 8)).toBe(DISTRICT_BY_NAME.get(text(r.district))?.code);
    }
  });

  it('居民消费价格指数: the total lies within its categories', () => {
    const dataset = demoDataset('居民消费价格指数');
    const months = new Map<string, { total: number; categories: number[] }>();
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      const month = months.get(text(r.stat_month)) ?? { total: 0, categories: [] };
      if (r.category === '居民消费价格总指数') month.total = Number(r.yoy_index);
      else month.categories.push(Number(r.yoy_index));
      months.set(text(r.stat_month), month);
    }
    expect(months.size).toBe(26);
    for (const { total, categories } of months.values()) {
      expect(categories).toHaveLength(8);
      expect(total).toBeGreaterThanOrEqual(Math.min(...categories) - 0.05);
      expect(total).toBeLessThanOrEqual(Math.max(...categories) + 0.05);
    }
  });

  it('道路交通事故统计数据: deaths never exceed accidents; every district every month', () => {
    const dataset = demoDataset('道路交通事故统计数据');
    const cells = new Set<string>();
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      expect(Number(r.death_count)).toBeLessThanOrEqual(Number(r.accident_count));
      cells.add(`${text(r.stat_month)}|${text(r.district)}|${text(r.accident_type)}`);
    }
    expect(cells.size).toBe(26 * 13 * 4);
  });

  it('自动气象站逐小时观测数据: a January in Shenyang', () => {
    const dataset = demoDataset('自动气象站逐小时观测数据');
    const temperatures: number[] = [];
    for (const row of dataset.generate()) {
      const r = recordOf(dataset, row);
      temperatures.push(Number(r.temperature));
      expect(Number(r.humidity)).toBeLessThanOrEqual(100);
      expect(Number(r.precipitation)).toBeGreaterThanOrEqual(0);
      expect(Number(r.pressure)).toBeGreaterThan(1000);
    }
    const mean = temperatures.reduce((a, b) => a + b, 0) / temperatures.length;
    expect(mean).toBeGreaterThan(-20);
    expect(mean).toBeLessThan(-5);
    expect(Math.max(...temperatures)).toBeLessThan(10);
  });
});

describe('files of non-structured entries', () => {
  it('describes each file with a valid row of its entry', () => {
    for (const file of DEMO_FILES) {
      const items = demoEntryItems(file.entryName);
      const result = createValidator(items).validate(file.values);
      expect(result.problems).toEqual([]);
      expect(file.values).toContain(file.fileName);
    }
    const bulletin = DEMO_FILES.find((f) => f.mediaType === 'application/pdf');
    expect(bulletin?.values).toEqual(fileRow('国民经济和社会发展统计公报', BULLETIN_ROW));
  });

  it('makes a PDF with the Chinese title in an embedded CJK font, the same bytes every time', async () => {
    const file = DEMO_FILES.find((f) => f.mediaType === 'application/pdf');
    if (file === undefined) throw new Error('no PDF');
    const pdf = await generateFile(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    const raw = pdf.toString('latin1');
    expect(raw).toContain('/FontFile3');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    // The ToUnicode maps of the embedded subset hold every character of the title.
    const mapped = new Set<string>();
    for (const match of raw.matchAll(/stream\r?\n/g)) {
      const start = (match.index ?? 0) + match[0].length;
      const end = raw.indexOf('endstream', start);
      let content: string;
      try {
        content = inflateSync(pdf.subarray(start, end)).toString('latin1');
      } catch {
        continue;
      }
      for (const m of content.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]{4,})>/g))
        mapped.add(String.fromCodePoint(parseInt(m[2] ?? '0', 16)));
      for (const m of content.matchAll(/\[((?:<[0-9a-fA-F]{4,}>\s*)+)\]/g))
        for (const u of (m[1] ?? '').matchAll(/<([0-9a-fA-F]{4,})>/g))
          mapped.add(String.fromCodePoint(parseInt(u[1] ?? '0', 16)));
    }
    const title = String(file.values[1]);
    expect(title).toContain('沈阳市');
    for (const ch of title) expect(mapped.has(ch), ch).toBe(true);
    const again = await generateFile(file);
    expect(createHash('sha256').update(again).digest('hex')).toBe(
      createHash('sha256').update(pdf).digest('hex'),
    );
  });

  it('makes a valid PNG radar mosaic with its colour scale', async () => {
    const file = DEMO_FILES.find((f) => f.mediaType === 'image/png');
    if (file === undefined) throw new Error('no PNG');
    const png = await generateFile(file);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let offset = 8;
    const chunks: { type: string; data: Buffer }[] = [];
    while (offset < png.length) {
      const length = png.readUInt32BE(offset);
      const type = png.subarray(offset + 4, offset + 8).toString('latin1');
      const data = png.subarray(offset + 8, offset + 8 + length);
      expect(png.readUInt32BE(offset + 8 + length)).toBe(
        crc32(png.subarray(offset + 4, offset + 8 + length)),
      );
      chunks.push({ type, data });
      offset += 12 + length;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0]?.data ?? Buffer.alloc(13);
    const width = header.readUInt32BE(0);
    const height = header.readUInt32BE(4);
    expect([width, height, header[8], header[9]]).toEqual([256, 272, 8, 2]);
    const pixels = inflateSync(chunks[1]?.data ?? Buffer.alloc(0));
    expect(pixels.length).toBe(height * (width * 3 + 1));
    // The bottom row is the colour scale: every colour of it appears.
    const bottom = pixels.subarray((height - 1) * (width * 3 + 1) + 1, height * (width * 3 + 1));
    const colours = new Set<string>();
    for (let x = 0; x < width; x++) colours.add([...bottom.subarray(x * 3, x * 3 + 3)].join(','));
    expect(colours).toEqual(new Set(REFLECTIVITY_COLOURS.map((c) => c.join(','))));
    // Some echoes inside the radar range.
    const middle = pixels.subarray((height / 2) * (width * 3 + 1) + 1, (height / 2 + 1) * (width * 3 + 1));
    expect(middle.some((_, i) => i % 3 === 0 && middle[i] !== 0xf4)).toBe(true);
  });

  it('computes CRC-32 as PNG needs it', () => {
    // CRC-32 of "IEND" is AE426082 (the end of every PNG file).
    expect(crc32(Buffer.from('IEND', 'latin1')).toString(16)).toBe('ae426082');
    expect(crc32(Buffer.from('123456789', 'latin1')).toString(16)).toBe('cbf43926');
  });
});

describe('helpers', () => {
  it('repeats a sequence for a seed and differs between seeds', () => {
    const a = new Random('seed');
    const b = new Random('seed');
    const c = new Random('other');
    const xs = Array.from({ length: 20 }, () => a.uint32());
    expect(Array.from({ length: 20 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.uint32())).not.toEqual(xs);
    const r = new Random('bounds');
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
    }
  });

  it('picks by weight', () => {
    const table = new WeightedTable([
      ['a', 1],
      ['b', 3],
      ['c', 0],
    ] as const);
    const random = new Random('weights');
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) counts[table.pick(random)]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it('counts days like the calendar', () => {
    for (const iso of ['1970-01-01', '1900-03-01', '2000-02-29', '2024-12-31', '2026-03-31', '2199-12-31'])
      expect(dayNumber(iso)).toBe(
        Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000,
      );
    for (let day = -30_000; day < 60_000; day += 97) expect(dayNumber(isoDate(day))).toBe(day);
  });

  it('writes numbers in Chinese', () => {
    expect([1, 10, 11, 20, 21, 100, 101, 110, 120, 199].map(chineseNumber)).toEqual([
      '一',
      '十',
      '十一',
      '二十',
      '二十一',
      '一百',
      '一百零一',
      '一百一十',
      '一百二十',
      '一百九十九',
    ]);
  });
});
