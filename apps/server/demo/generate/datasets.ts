/**
 * Generators of demo records for particular catalog entries, keyed by data item name. The registry
 * in ../demo-data.ts lines them up with the entries' data items.
 *
 * Every generator is deterministic (seeded by the entry name) and lazy: rows are made as they are
 * read, so the 100,000 market entities never sit in memory together.
 */
import type { GeoJsonGeometry } from '../../src/modules/provision/versions/validation.ts';
import {
  enterpriseAt,
  isActive,
  makeCreditCode,
  legacyOrganisationBody,
  newOrganisationBody,
  NAME_SPACE,
} from './enterprises.ts';
import { population } from './people.ts';
import { Random } from './random.ts';
import {
  DEMO_DATA_DATE,
  addressIn,
  ageOn,
  dayNumber,
  decimal,
  fixed6,
  hourlyTime,
  isoDate,
  landline,
  mobileNumber,
  pickDistrict,
  pointIn,
  randomDate,
  round6,
  DEMO_DISTRICTS,
  type DemoDistrict,
} from './shenyang.ts';

export type DemoFields = Record<string, string | null>;

export interface DemoRecord {
  fields: DemoFields;
  /** The record's place, for a map or a GeoJSON export (null when it has none). */
  geometry: GeoJsonGeometry | null;
}

function point(lon: number, lat: number): GeoJsonGeometry {
  return { type: 'Point', coordinates: [lon, lat] };
}

function bool(value: boolean): string {
  return value ? '是' : '否';
}

/** Monitoring window of the hourly series: two weeks of the heating season. */
export const HOURLY_FIRST_DAY = '2026-01-05';
const HOURLY_DAYS = 14;

// ---------------------------------------------------------------------------------------------
// 市场主体登记注册信息 (市市场监管局)
// ---------------------------------------------------------------------------------------------

export const ENTITY_STATUSES = ['存续', '在业', '吊销', '注销', '迁出'];
/** Size of the demo register: employers and annual reports refer to entities within it. */
export const MARKET_ENTITY_COUNT = 100_000;

export function* marketEntities(count: number): Generator<DemoRecord> {
  if (count > NAME_SPACE) throw new RangeError(`at most ${NAME_SPACE} demo market entities`);
  for (let i = 0; i < count; i++) {
    const e = enterpriseAt(i);
    yield {
      fields: {
        credit_code: e.creditCode,
        enterprise_name: e.name,
        entity_type: e.entityType,
        legal_representative: e.legalRepresentative,
        registered_capital: e.registeredCapital,
        establish_date: e.establishDate,
        address: e.address,
        business_scope: e.businessScope,
        registration_authority: e.registrationAuthority,
        approval_date: e.approvalDate,
        status: e.status,
        district: e.district.name,
      },
      geometry: null,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// 企业年度报告公示信息: companies active and founded before the report year
// ---------------------------------------------------------------------------------------------

export function* annualReports(count: number): Generator<DemoRecord> {
  const random = new Random('demo:annual-reports');
  let produced = 0;
  for (let i = 0; produced < count; i++) {
    if (i >= MARKET_ENTITY_COUNT) throw new RangeError('not enough demo enterprises for the annual reports');
    const e = enterpriseAt(i);
    if (e.family !== 'company' || !isActive(e)) continue;
    for (const year of [2024, 2025]) {
      if (produced >= count || e.establishDate >= `${year}-01-01`) continue;
      // Reports are due by 30 June of the next year; the 2025 ones were still coming in.
      const submitted =
        year === 2025
          ? randomDate(random, '2026-01-01', DEMO_DATA_DATE)
          : randomDate(random, '2025-01-01', '2025-06-30');
      if (year === 2025 && random.chance(0.55)) continue;
      produced++;
      yield {
        fields: {
          credit_code: e.creditCode,
          enterprise_name: e.name,
          report_year: String(year),
          postal_address: random.chance(0.9) ? e.address : null,
          phone: random.chance(0.6) ? mobileNumber(random) : landline(random),
          operating_status: random.weighted([
            ['开业', 88],
            ['歇业', 7],
            ['清算', 2],
            ['停业', 3],
          ]),
          website: random.chance(0.12) ? `https://www.${e.creditCode.slice(8, 14).toLowerCase()}.cn` : null,
          submitted_date: submitted,
        },
        geometry: null,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 人口基础信息 and 住房公积金缴存信息 (the depositors are registered residents)
// ---------------------------------------------------------------------------------------------

const POPULATION_SEED = 'demo:population';

export function* residents(count: number): Generator<DemoRecord> {
  let n = 0;
  for (const p of population(POPULATION_SEED)) {
    if (n++ >= count) return;
    yield {
      fields: {
        id_number: p.idNumber,
        name: p.name,
        former_name: p.formerName,
        gender: p.sex === 'male' ? '男' : '女',
        ethnicity: p.ethnicity,
        birth_date: p.birthDate,
        birth_place: p.birthPlace,
        registered_address: p.address,
        household_number: p.householdNumber,
        relation_to_head: p.relation,
        education: p.education,
        marital_status: p.maritalStatus,
        police_station: p.policeStation,
        person_status: p.status,
      },
      geometry: null,
    };
  }
}

export function* housingFundAccounts(count: number): Generator<DemoRecord> {
  const random = new Random('demo:housing-fund');
  let produced = 0;
  let account = 0;
  for (const p of population(POPULATION_SEED)) {
    if (produced >= count) return;
    const age = ageOn(p.birthDate, DEMO_DATA_DATE);
    if (p.status !== '正常' || age < 20 || age > 59 || !random.chance(0.6)) continue;
    let employer = enterpriseAt(random.int(0, MARKET_ENTITY_COUNT - 1));
    while (employer.family !== 'company' || !isActive(employer) || employer.establishDate > '2025-06-30')
      employer = enterpriseAt(random.int(0, MARKET_ENTITY_COUNT - 1));
    // Bases between the 2025 lower and upper limits, most near the lower end.
    const base = Math.min(26_000, Math.max(2_100, Math.round(Math.exp(random.normal(8.6, 0.45)))));
    const rate = random.pick([0.05, 0.08, 0.1, 0.12]);
    const monthly = Math.round(base * rate) * 2;
    const months = random.int(6, Math.min(240, (age - 19) * 12));
    const withdrawn = random.chance(0.3) ? random.float(0.2, 0.8) : 0;
    const balance = monthly * months * (1 - withdrawn) * random.float(0.9, 1.05);
    const sealed = random.chance(0.12);
    account++;
    produced++;
    yield {
      fields: {
        id_number: p.idNumber,
        name: p.name,
        account_number: `2101${String(10_000_000 + ((account * 7_919) % 90_000_000)).padStart(8, '0')}`,
        employer_name: employer.name,
        employer_credit_code: employer.creditCode,
        deposit_base: decimal(base, 2),
        monthly_deposit: decimal(monthly, 2),
        balance: decimal(Math.round(balance * 100) / 100, 2),
        account_status: sealed ? '封存' : '正常',
      },
      geometry: null,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// 空气质量监测数据: hourly AQI after HJ 633-2012
// ---------------------------------------------------------------------------------------------

const IAQI = [0, 50, 100, 150, 200, 300, 400, 500];
/** Breakpoints of HJ 633-2012: 1-hour values for SO2, NO2, CO, O3; 24-hour for PM10 and PM2.5. */
const BREAKPOINTS: Readonly<Record<Pollutant, readonly number[]>> = {
  so2: [0, 150, 500, 650, 800],
  no2: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  co: [0, 5, 10, 35, 60, 90, 120, 150],
  o3: [0, 160, 200, 300, 400, 800, 1000, 1200],
  pm10: [0, 50, 150, 250, 350, 420, 500, 600],
  pm25: [0, 35, 75, 115, 150, 250, 350, 500],
};
export type Pollutant = 'so2' | 'no2' | 'co' | 'o3' | 'pm10' | 'pm25';
const POLLUTANT_NAMES: Readonly<Record<Pollutant, string>> = {
  pm25: 'PM2.5',
  pm10: 'PM10',
  o3: 'O3',
  no2: 'NO2',
  so2: 'SO2',
  co: 'CO',
};

/** Individual air quality index of a concentration (μg/m³, CO mg/m³), rounded up (HJ 633 §5). */
export function iaqi(pollutant: Pollutant, concentration: number): number {
  const bp = BREAKPOINTS[pollutant];
  for (let k = 1; k < bp.length; k++) {
    const hi = bp[k] ?? 0;
    if (concentration <= hi) {
      const lo = bp[k - 1] ?? 0;
      const iLo = IAQI[k - 1] ?? 0;
      const iHi = IAQI[k] ?? 0;
      return Math.ceil(((iHi - iLo) / (hi - lo)) * (concentration - lo) + iLo);
    }
  }
  return 500;
}

export function qualityLevel(aqi: number): string {
  if (aqi <= 50) return '优';
  if (aqi <= 100) return '良';
  if (aqi <= 150) return '轻度污染';
  if (aqi <= 200) return '中度污染';
  if (aqi <= 300) return '重度污染';
  return '严重污染';
}

/** AQI, and the primary pollutant(s) when AQI > 50, from the measured concentrations. */
export function airQuality(concentrations: Partial<Record<Pollutant, number>>): {
  aqi: number;
  primary: string | null;
} {
  let aqi = 0;
  let primary: Pollutant[] = [];
  for (const pollutant of ['pm25', 'pm10', 'o3', 'no2', 'so2', 'co'] as const) {
    const c = concentrations[pollutant];
    if (c === undefined) continue;
    const index = iaqi(pollutant, c);
    if (index > aqi) {
      aqi = index;
      primary = [pollutant];
    } else if (index === aqi) primary.push(pollutant);
  }
  return { aqi, primary: aqi > 50 ? primary.map((p) => POLLUTANT_NAMES[p]).join(',') : null };
}

interface Station {
  code: string;
  name: string;
  district: string;
  lon: number;
  lat: number;
  /** Local pollution relative to the city mean. */
  factor: number;
}

const AIR_STATIONS: readonly Station[] = [
  { code: 'SYAQ01', name: '太原街', district: '210102', lon: 123.4012, lat: 41.7961, factor: 1.05 },
  { code: 'SYAQ02', name: '小河沿', district: '210104', lon: 123.4853, lat: 41.8011, factor: 1.0 },
  { code: 'SYAQ03', name: '文艺路', district: '210103', lon: 123.4431, lat: 41.7852, factor: 0.98 },
  { code: 'SYAQ04', name: '陵东街', district: '210105', lon: 123.4302, lat: 41.8451, factor: 1.02 },
  { code: 'SYAQ05', name: '云峰街', district: '210106', lon: 123.3531, lat: 41.8023, factor: 1.12 },
  { code: 'SYAQ06', name: '新秀街', district: '210112', lon: 123.4689, lat: 41.7303, factor: 0.9 },
  { code: 'SYAQ07', name: '浑南东路', district: '210112', lon: 123.5232, lat: 41.7215, factor: 0.85 },
  { code: 'SYAQ08', name: '京沈街', district: '210114', lon: 123.3183, lat: 41.8206, factor: 1.08 },
  { code: 'SYAQ09', name: '裕农路', district: '210114', lon: 123.2956, lat: 41.7831, factor: 1.04 },
  { code: 'SYAQ10', name: '苏家屯', district: '210111', lon: 123.3455, lat: 41.6652, factor: 0.95 },
  { code: 'SYAQ11', name: '道义', district: '210113', lon: 123.4568, lat: 41.9204, factor: 0.88 },
];

function districtName(code: string): string {
  return DEMO_DISTRICTS.find((d) => d.code === code)?.name ?? '';
}

/** A smooth city-wide series (weather episodes), one value per hour. */
function episodes(random: Random, hours: number, mean: number, spread: number): number[] {
  const series: number[] = [];
  let level = 0;
  for (let h = 0; h < hours; h++) {
    level = level * 0.97 + random.normal(0, spread);
    series.push(Math.max(0.25, mean * Math.exp(level)));
  }
  return series;
}

export function* airQualityReadings(): Generator<DemoRecord> {
  const random = new Random('demo:air-quality');
  const hours = HOURLY_DAYS * 24;
  const pm = episodes(random, hours, 1, 0.09);
  for (let h = 0; h < hours; h++) {
    const hourOfDay = h % 24;
    // Heating-season PM: high at night and in the morning rush; O3 with the sun; NO2 with traffic.
    const pmDiurnal = 1 + 0.25 * Math.cos(((hourOfDay - 22) / 24) * 2 * Math.PI);
    const sun = Math.max(0, Math.sin(((hourOfDay - 7) / 10) * Math.PI));
    const rush =
      hourOfDay === 8 || hourOfDay === 18
        ? 1
        : hourOfDay === 7 || hourOfDay === 9 || hourOfDay === 17 || hourOfDay === 19
          ? 0.6
          : 0.1;
    for (const station of AIR_STATIONS) {
      const level = (pm[h] ?? 1) * station.factor;
      const pm25 = Math.max(3, Math.round(55 * level * pmDiurnal * random.float(0.85, 1.15)));
      const pm10 = Math.round(pm25 * random.float(1.3, 1.8));
      const so2 = Math.max(3, Math.round(random.float(14, 30) * Math.sqrt(level)));
      const no2 = Math.max(5, Math.round((28 + 30 * rush) * Math.sqrt(level) * random.float(0.85, 1.15)));
      const o3 = Math.max(2, Math.round(((12 + 58 * sun) / Math.sqrt(level)) * random.float(0.85, 1.15)));
      const co = Math.max(0.2, Math.round((0.4 + pm25 / 110) * random.float(0.9, 1.1) * 10) / 10);
      // A few gaps, as on a real network (instrument calibration).
      const missing = random.chance(0.004) ? random.pick(['so2', 'o3'] as const) : null;
      const measured: Partial<Record<Pollutant, number>> = { pm25, pm10, no2, co };
      if (missing !== 'so2') measured.so2 = so2;
      if (missing !== 'o3') measured.o3 = o3;
      const { aqi, primary } = airQuality(measured);
      yield {
        fields: {
          station_code: station.code,
          station_name: station.name,
          district: districtName(station.district),
          longitude: fixed6(station.lon),
          latitude: fixed6(station.lat),
          monitor_time: hourlyTime(HOURLY_FIRST_DAY, h),
          aqi: String(aqi),
          quality_level: qualityLevel(aqi),
          primary_pollutant: primary,
          pm25: String(pm25),
          pm10: String(pm10),
          so2: missing === 'so2' ? null : String(so2),
          no2: String(no2),
          o3: missing === 'o3' ? null : String(o3),
          co: co.toFixed(1),
        },
        geometry: point(station.lon, station.lat),
      };
    }
  }
}

export const AIR_STATION_COUNT = AIR_STATIONS.length;
export const HOURLY_HOURS = HOURLY_DAYS * 24;

// ---------------------------------------------------------------------------------------------
// 自动气象站逐小时观测数据
// ---------------------------------------------------------------------------------------------

const WEATHER_STATIONS: readonly Omit<Station, 'factor'>[] = [
  { code: '54342', name: '沈阳', district: '210112', lon: 123.5167, lat: 41.7333 },
  { code: 'A3101', name: '和平', district: '210102', lon: 123.3951, lat: 41.7802 },
  { code: 'A3102', name: '沈河', district: '210103', lon: 123.4612, lat: 41.7951 },
  { code: 'A3103', name: '大东', district: '210104', lon: 123.4901, lat: 41.8252 },
  { code: 'A3104', name: '皇姑', district: '210105', lon: 123.4203, lat: 41.8301 },
  { code: 'A3105', name: '铁西', district: '210106', lon: 123.3412, lat: 41.7998 },
  { code: 'A3106', name: '苏家屯', district: '210111', lon: 123.3401, lat: 41.6612 },
  { code: 'A3107', name: '沈北', district: '210113', lon: 123.5213, lat: 41.9301 },
  { code: 'A3108', name: '于洪', district: '210114', lon: 123.3052, lat: 41.8106 },
  { code: 'A3109', name: '辽中', district: '210115', lon: 122.7651, lat: 41.5152 },
  { code: 'A3110', name: '新民', district: '210181', lon: 122.8253, lat: 41.9901 },
  { code: 'A3111', name: '法库', district: '210124', lon: 123.4052, lat: 42.5003 },
];

const WIND_DIRECTIONS = [
  '北',
  '北东北',
  '东北',
  '东东北',
  '东',
  '东东南',
  '东南',
  '南东南',
  '南',
  '南西南',
  '西南',
  '西西南',
  '西',
  '西西北',
  '西北',
  '北西北',
];

export function* weatherObservations(): Generator<DemoRecord> {
  const random = new Random('demo:weather');
  const hours = HOURLY_DAYS * 24;
  // Synoptic anomalies shared by all stations: temperature (℃), pressure (hPa), humidity (%).
  const temperature: number[] = [];
  const pressure: number[] = [];
  const snow: boolean[] = [];
  let t = 0;
  let p = 0;
  for (let h = 0; h < hours; h++) {
    t = t * 0.985 + random.normal(0, 0.45);
    p = p * 0.99 + random.normal(0, 0.35);
    temperature.push(t);
    pressure.push(p);
    snow.push(false);
  }
  // Two snowfalls of 8–14 hours.
  for (const start of [random.int(30, 120), random.int(180, 300)])
    for (let h = start; h < Math.min(hours, start + random.int(8, 14)); h++) snow[h] = true;
  for (let h = 0; h < hours; h++) {
    const hourOfDay = h % 24;
    const diurnal = -5 * Math.cos(((hourOfDay - 3) / 24) * 2 * Math.PI);
    for (const station of WEATHER_STATIONS) {
      const north = (station.lat - 41.8) * 4;
      const temp = -12 + diurnal + (temperature[h] ?? 0) - north + random.normal(0, 0.4);
      const snowing = snow[h] === true;
      const calm = random.chance(0.04);
      const wind = calm ? random.float(0, 0.2) : Math.max(0.3, random.normal(snowing ? 4 : 2.6, 1));
      yield {
        fields: {
          station_id: station.code,
          station_name: station.name,
          longitude: fixed6(station.lon),
          latitude: fixed6(station.lat),
          observe_time: hourlyTime(HOURLY_FIRST_DAY, h),
          temperature: temp.toFixed(1),
          precipitation: snowing ? random.float(0.1, 1.2).toFixed(1) : '0.0',
          wind_speed: wind.toFixed(1),
          wind_direction: calm
            ? '静风'
            : random.weighted(
                WIND_DIRECTIONS.map((d) => [d, d.includes('北') ? 3 : d.includes('南') ? 0.7 : 1] as const),
              ),
          humidity: String(
            Math.min(100, Math.max(20, Math.round((snowing ? 88 : 58) - diurnal * 2 + random.normal(0, 5)))),
          ),
          pressure: (1028 + (pressure[h] ?? 0) * 3 - north * 2 + random.normal(0, 0.3)).toFixed(1),
        },
        geometry: point(station.lon, station.lat),
      };
    }
  }
}

export const WEATHER_STATION_COUNT = WEATHER_STATIONS.length;

// ---------------------------------------------------------------------------------------------
// 公交站点位置信息: stops in pairs on both sides of a road
// ---------------------------------------------------------------------------------------------

/** In Shenyang a 街 runs north–south and a 路 east–west. */
function runsNorthSouth(road: string): boolean {
  return road.endsWith('街');
}

export function* busStops(count: number): Generator<DemoRecord> {
  const random = new Random('demo:bus-stops');
  const names = new Set<string>();
  let n = 0;
  while (n < count) {
    const district = pickDistrict(random, 'urban');
    const road = random.pick(district.roads);
    const cross = random.pick(district.roads);
    if (cross === road || runsNorthSouth(cross) === runsNorthSouth(road)) continue;
    const name = `${road}${cross}`;
    if (names.has(name)) continue;
    names.add(name);
    const [lon, lat] = pointIn(random, district);
    const routes = Array.from({ length: random.int(1, 6) }, () => random.int(1, 400))
      .filter((r, k, all) => all.indexOf(r) === k)
      .sort((a, b) => a - b)
      .map((r) => `${r}路`)
      .join('、');
    const northSouth = runsNorthSouth(road);
    const directions = northSouth ? ['南向北', '北向南'] : ['西向东', '东向西'];
    for (let side = 0; side < 2 && n < count; side++) {
      // Opposite stops: about 25 m apart across the road, 40 m along it.
      const across = side === 0 ? -0.00015 : 0.00015;
      const along = side === 0 ? -0.0002 : 0.0002;
      const stopLon = round6(lon + (northSouth ? across : along));
      const stopLat = round6(lat + (northSouth ? along : across));
      n++;
      yield {
        fields: {
          stop_id: `SY${String(100_000 + n)}`,
          stop_name: name,
          longitude: fixed6(stopLon),
          latitude: fixed6(stopLat),
          road,
          direction: directions[side] ?? null,
          district: district.name,
          routes,
          has_shelter: bool(random.chance(0.72)),
        },
        geometry: point(stopLon, stopLat),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 中小学校基本信息
// ---------------------------------------------------------------------------------------------

const CHINESE_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–199 in Chinese numerals (第一百二十中学). */
export function chineseNumber(n: number): string {
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  let text = hundreds > 0 ? `${CHINESE_NUMERALS[hundreds] ?? ''}百` : '';
  if (tens > 0) text += `${tens === 1 && hundreds === 0 ? '' : (CHINESE_NUMERALS[tens] ?? '')}十`;
  else if (hundreds > 0 && ones > 0) text += '零';
  return text + (CHINESE_NUMERALS[ones] ?? '');
}

export function* schools(count: number): Generator<DemoRecord> {
  const random = new Random('demo:schools');
  const names = new Set<string>();
  let middle = 0;
  let n = 0;
  while (n < count) {
    const district = pickDistrict(random);
    const road = random.pick(district.roads);
    const type = random.weighted([
      ['小学', 55],
      ['初级中学', 18],
      ['九年一贯制学校', 14],
      ['完全中学', 6],
      ['高级中学', 7],
    ]);
    const privateSchool = random.chance(0.1);
    let name: string;
    if (type === '小学')
      name = `沈阳市${district.name}${road}${random.chance(0.3) ? `第${chineseNumber(random.int(1, 3))}` : ''}小学`;
    else if (type === '九年一贯制学校') name = `沈阳市${district.name}${road}学校`;
    else if (privateSchool)
      name = `沈阳市${district.name}${road}${type === '高级中学' ? '高级中学' : '实验中学'}`;
    else name = `沈阳市第${chineseNumber(++middle)}${type === '高级中学' ? '高级中学' : '中学'}`;
    if (names.has(name)) continue;
    names.add(name);
    n++;
    const [lon, lat] = pointIn(random, district);
    const code = privateSchool ? '52' : '12';
    const body = privateSchool
      ? newOrganisationBody(400_000 + n * 977)
      : legacyOrganisationBody(41_000_000 + n * 3_793);
    yield {
      fields: {
        school_code: `21${String(10_000_000 + n * 137).padStart(8, '0')}`,
        school_name: name,
        credit_code: makeCreditCode(code, district.code, body),
        school_type: type,
        ownership: privateSchool ? '民办' : '公办',
        address: addressIn(random, district),
        district: district.name,
        longitude: fixed6(lon),
        latitude: fixed6(lat),
        student_count: String(type === '小学' ? random.int(180, 2600) : random.int(400, 3200)),
        phone: random.chance(0.95) ? landline(random) : null,
      },
      geometry: point(lon, lat),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// 养老机构信息
// ---------------------------------------------------------------------------------------------

export function* elderlyCareHomes(count: number): Generator<DemoRecord> {
  const random = new Random('demo:elderly-care');
  const names = new Set<string>();
  let n = 0;
  while (n < count) {
    const district = pickDistrict(random);
    const ownership = random.weighted([
      ['公办', 20],
      ['民办', 65],
      ['公建民营', 15],
    ]);
    const brand = random.pick([
      '康乐',
      '福寿',
      '颐和',
      '松鹤',
      '夕阳红',
      '安康',
      '乐龄',
      '椿萱',
      '寿康',
      '温馨',
      '康馨',
      '幸福',
    ]);
    const name =
      ownership === '公办'
        ? `${district.urban ? `沈阳市${district.name}` : district.name}${random.pick(district.streets)}${random.pick(['敬老院', '社会福利中心', '中心敬老院'])}`
        : `${district.urban ? `沈阳市${district.name}` : district.name}${brand}${random.pick(['养老院', '老年公寓', '养护院', '颐养中心'])}`;
    if (names.has(name)) continue;
    names.add(name);
    n++;
    const [lon, lat] = pointIn(random, district);
    const kind = ownership === '民办' ? random.pick(['52', '91']) : '12';
    const beds = random.int(2, 60) * 10;
    const low = random.int(14, 30) * 100;
    yield {
      fields: {
        org_name: name,
        credit_code: makeCreditCode(kind, district.code, newOrganisationBody(600_000 + n * 1_013)),
        ownership,
        bed_count: String(beds),
        fee_standard: `自理${low}-${low + 800}元/月；半失能${low + 1000}-${low + 2000}元/月；失能${low + 2200}-${low + 3600}元/月`,
        address: addressIn(random, district),
        longitude: fixed6(lon),
        latitude: fixed6(lat),
        phone: random.chance(0.7) ? landline(random) : mobileNumber(random),
      },
      geometry: point(lon, lat),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// 公共停车场泊位信息: one snapshot
// ---------------------------------------------------------------------------------------------

export function* parkingLots(count: number): Generator<DemoRecord> {
  const random = new Random('demo:parking');
  const snapshot = dayNumber(DEMO_DATA_DATE);
  for (let n = 1; n <= count; n++) {
    const district = pickDistrict(random, 'urban');
    const road = random.pick(district.roads);
    const kind = random.weighted([
      ['公共停车场', 45],
      ['地下停车场', 25],
      ['立体停车库', 10],
      ['路侧停车泊位', 20],
    ]);
    const total = kind === '路侧停车泊位' ? random.int(10, 80) : random.int(60, 1500);
    const occupancy = Math.min(1, Math.max(0, random.normal(0.72, 0.18)));
    const [lon, lat] = pointIn(random, district);
    const minutesAgo = random.int(0, 9);
    yield {
      fields: {
        lot_id: `P${district.code}${String(n).padStart(4, '0')}`,
        lot_name: kind === '路侧停车泊位' ? `${road}${kind}` : `${road}${random.int(1, 3)}号${kind}`,
        address: addressIn(random, district),
        longitude: fixed6(lon),
        latitude: fixed6(lat),
        total_spaces: String(total),
        free_spaces: String(Math.round(total * (1 - occupancy))),
        fee_standard:
          kind === '路侧停车泊位'
            ? '首小时内2元/15分钟，超过1小时后3元/15分钟；夜间20:00至次日7:00免费'
            : `首小时${random.pick([3, 4, 5, 6])}元，之后每小时${random.pick([1, 2, 3])}元，24小时最高${random.pick([20, 25, 30, 40])}元`,
        updated_at: `${isoDate(snapshot)} 09:${String(55 - minutesAgo).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}`,
      },
      geometry: point(lon, lat),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// 燃气管网设施分布: pipe segments as GeoJSON lines following the street grid
// ---------------------------------------------------------------------------------------------

const PIPE_CLASSES: readonly {
  pressure: string;
  weight: number;
  materials: readonly string[];
  diameters: readonly number[];
}[] = [
  { pressure: '高压', weight: 3, materials: ['钢管'], diameters: [508, 610, 711] },
  { pressure: '次高压', weight: 8, materials: ['钢管'], diameters: [323, 406, 457] },
  {
    pressure: '中压',
    weight: 45,
    materials: ['PE管', '钢管', '球墨铸铁管'],
    diameters: [160, 200, 250, 315],
  },
  { pressure: '低压', weight: 44, materials: ['PE管', '钢管', '铸铁管'], diameters: [63, 90, 110, 160] },
];

export function* gasPipes(count: number): Generator<DemoRecord> {
  const random = new Random('demo:gas-pipes');
  for (let n = 1; n <= count; n++) {
    const district: DemoDistrict = pickDistrict(random, 'urban');
    const pipeClass = random.weighted(PIPE_CLASSES.map((c) => [c, c.weight] as const));
    const built = randomDate(random, '1985-01-01', '2025-10-31');
    // PE pipes came into use around 2000.
    const materials =
      built < '2000-01-01' ? pipeClass.materials.filter((m) => m !== 'PE管') : pipeClass.materials;
    const material = random.pick(materials.length > 0 ? materials : ['钢管']);
    let [lon, lat] = pointIn(random, district);
    const coordinates: number[][] = [[lon, lat]];
    let eastWest = random.chance(0.5);
    for (let v = 0; v < random.int(1, 5); v++) {
      const step = random.float(0.0008, 0.006) * (random.chance(0.5) ? 1 : -1);
      if (eastWest) lon = round6(lon + step);
      else lat = round6(lat + step);
      coordinates.push([lon, lat]);
      eastWest = !eastWest;
    }
    const geometry: GeoJsonGeometry = { type: 'LineString', coordinates };
    yield {
      fields: {
        segment_id: `RQ-${district.code}-${String(n).padStart(6, '0')}`,
        pressure_class: pipeClass.pressure,
        material,
        diameter: String(random.pick(pipeClass.diameters)),
        geometry: JSON.stringify(geometry),
        built_date: random.chance(0.92) ? built : null,
      },
      geometry,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// 城市公共厕所位置信息
// ---------------------------------------------------------------------------------------------

export function* publicToilets(count: number): Generator<DemoRecord> {
  const random = new Random('demo:toilets');
  const perDistrict = new Map<string, number>();
  for (let n = 1; n <= count; n++) {
    const district = pickDistrict(random, 'urban');
    const k = (perDistrict.get(district.code) ?? 0) + 1;
    perDistrict.set(district.code, k);
    const road = random.pick(district.roads);
    const grade = random.weighted([
      ['一类', 25],
      ['二类', 55],
      ['三类', 20],
    ]);
    const [lon, lat] = pointIn(random, district);
    yield {
      fields: {
        toilet_code: `GC${district.code}${String(k).padStart(4, '0')}`,
        toilet_name: `${road}${random.pick(['', '', '东', '西', '南', '北'])}公厕${k % 7 === 0 ? `${String((k % 3) + 1)}号` : ''}`,
        grade,
        address: addressIn(random, district),
        longitude: fixed6(lon),
        latitude: fixed6(lat),
        opening_hours: random.chance(0.35)
          ? '24小时'
          : random.pick(['05:00-22:00', '05:30-21:30', '06:00-22:00']),
        accessible:
          grade === '三类' && random.chance(0.7) ? null : bool(grade === '一类' || random.chance(0.6)),
      },
      geometry: point(lon, lat),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// 居民消费价格指数: monthly CPI by category, the total weighted from the categories
// ---------------------------------------------------------------------------------------------

const CPI_CATEGORIES: readonly (readonly [string, number])[] = [
  ['食品烟酒', 0.28],
  ['衣着', 0.06],
  ['居住', 0.23],
  ['生活用品及服务', 0.05],
  ['交通通信', 0.11],
  ['教育文化娱乐', 0.11],
  ['医疗保健', 0.1],
  ['其他用品及服务', 0.06],
];
export const CPI_TOTAL = '居民消费价格总指数';

export function* consumerPrices(fromMonth: string, months: number): Generator<DemoRecord> {
  const random = new Random('demo:cpi');
  const yoy = CPI_CATEGORIES.map(() => random.normal(0.4, 0.6));
  const ytd = CPI_CATEGORIES.map(() => [] as number[]);
  const totals: number[] = [];
  let year = Number(fromMonth.slice(0, 4));
  let month = Number(fromMonth.slice(5, 7));
  for (let m = 0; m < months; m++) {
    if (month === 1) {
      for (const list of ytd) list.length = 0;
      totals.length = 0;
    }
    const label = `${year}-${String(month).padStart(2, '0')}`;
    let total = 0;
    let totalMom = 0;
    const rows: DemoRecord[] = [];
    CPI_CATEGORIES.forEach(([category, weight], c) => {
      const swing = category === '食品烟酒' ? 0.9 : category === '交通通信' ? 0.7 : 0.25;
      const change = (yoy[c] ?? 0) * 0.85 + random.normal(0, swing);
      yoy[c] = Math.max(-4, Math.min(5, change));
      const index = Math.round((100 + (yoy[c] ?? 0)) * 10) / 10;
      const mom = Math.round((100 + random.normal(0.05, swing / 2.5)) * 10) / 10;
      ytd[c]?.push(index);
      total += index * weight;
      totalMom += mom * weight;
      const list = ytd[c] ?? [index];
      rows.push({
        fields: {
          stat_month: label,
          category,
          yoy_index: index.toFixed(1),
          mom_index: mom.toFixed(1),
          ytd_index: (list.reduce((a, b) => a + b, 0) / list.length).toFixed(1),
        },
        geometry: null,
      });
    });
    const totalIndex = Math.round(total * 10) / 10;
    totals.push(totalIndex);
    yield {
      fields: {
        stat_month: label,
        category: CPI_TOTAL,
        yoy_index: totalIndex.toFixed(1),
        mom_index: (Math.round(totalMom * 10) / 10).toFixed(1),
        ytd_index: (totals.reduce((a, b) => a + b, 0) / totals.length).toFixed(1),
      },
      geometry: null,
    };
    yield* rows;
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
}

export const CPI_ROWS_PER_MONTH = CPI_CATEGORIES.length + 1;

// ---------------------------------------------------------------------------------------------
// 道路交通事故统计数据: monthly by district and type
// ---------------------------------------------------------------------------------------------

const ACCIDENT_TYPES: readonly (readonly [string, number, number])[] = [
  // type, monthly accidents per 10 % of the population, deaths per accident
  ['机动车与机动车', 9, 0.12],
  ['机动车与非机动车', 6, 0.16],
  ['机动车与行人', 4, 0.22],
  ['单车事故', 2, 0.2],
];

export function* trafficAccidents(fromMonth: string, months: number): Generator<DemoRecord> {
  const random = new Random('demo:traffic-accidents');
  let year = Number(fromMonth.slice(0, 4));
  let month = Number(fromMonth.slice(5, 7));
  for (let m = 0; m < months; m++) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    // More accidents in winter (ice) and in the summer holidays.
    const season = month === 12 || month <= 2 ? 1.25 : month === 7 || month === 8 ? 1.1 : 1;
    for (const district of DEMO_DISTRICTS) {
      for (const [type, rate, lethality] of ACCIDENT_TYPES) {
        const expected = rate * district.weight * 10 * season;
        const accidents = Math.max(0, Math.round(random.normal(expected, Math.sqrt(expected))));
        let deaths = 0;
        for (let a = 0; a < accidents; a++) if (random.chance(lethality)) deaths++;
        const injuries = Math.round(accidents * random.float(0.8, 1.4));
        yield {
          fields: {
            stat_month: label,
            district: district.name,
            accident_type: type,
            accident_count: String(accidents),
            death_count: String(deaths),
            injury_count: String(injuries),
            property_loss:
              accidents === 0 ? '0.00' : decimal(Math.round(accidents * random.float(3_000, 18_000)), 2),
          },
          geometry: null,
        };
      }
    }
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
}

export const ACCIDENT_ROWS_PER_MONTH = DEMO_DISTRICTS.length * ACCIDENT_TYPES.length;
