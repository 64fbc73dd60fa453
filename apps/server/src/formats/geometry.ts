/**
 * GeoJSON geometries (RFC 7946), checked: a known type, positions of two or three numbers with the
 * longitude within −180..180 and the latitude within −90..90, a line of at least two positions, a
 * polygon's rings closed and of at least four positions. The winding order is not checked (RFC 7946
 * § 3.1.6 asks parsers not to reject polygons for it).
 */
import type { Message } from '../shared/errors.ts';
import { JsonNumber, kindOf, type JsonValue } from './json-values.ts';

export type Position = number[];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

export const GEOMETRY_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
] as const;

/** Why a geometry is invalid, with the path of the offending member (e.g. `geometry.coordinates[0][3]`). */
export class GeometryProblem extends Error {
  constructor(
    readonly path: string,
    readonly problem: Message,
  ) {
    super(`${path}: ${problem.en}`);
    this.name = 'GeometryProblem';
  }
}

const fail = (path: string, zh: string, en: string): never => {
  throw new GeometryProblem(path, { zh, en });
};

function arrayAt(v: JsonValue | undefined, path: string): JsonValue[] {
  if (!Array.isArray(v)) {
    const kind = v === undefined ? { zh: '缺失', en: 'missing' } : kindOf(v);
    return fail(path, `应为数组，实为${kind.zh}`, `should be an array, not ${kind.en}`);
  }
  return v;
}

function position(v: JsonValue, path: string): Position {
  const a = arrayAt(v, path);
  if (a.length < 2 || a.length > 3)
    fail(
      path,
      `坐标应为 [经度, 纬度] 或 [经度, 纬度, 高程]，实有 ${a.length} 个数`,
      `a position is [longitude, latitude] or [longitude, latitude, elevation], not ${a.length} values`,
    );
  const numbers = a.map((x, i) => {
    if (!(x instanceof JsonNumber)) {
      const kind = kindOf(x);
      return fail(
        `${path}[${i}]`,
        `坐标应为数字，实为${kind.zh}`,
        `a coordinate must be a number, not ${kind.en}`,
      );
    }
    return Number(x.text);
  });
  const [lon = 0, lat = 0] = numbers;
  if (!(lon >= -180 && lon <= 180))
    fail(`${path}[0]`, `经度 ${lon} 超出 -180 到 180 的范围`, `longitude ${lon} is outside -180..180`);
  if (!(lat >= -90 && lat <= 90))
    fail(`${path}[1]`, `纬度 ${lat} 超出 -90 到 90 的范围`, `latitude ${lat} is outside -90..90`);
  return numbers;
}

const positions = (v: JsonValue | undefined, path: string, min: number, what: Message): Position[] => {
  const a = arrayAt(v, path);
  if (a.length < min)
    fail(
      path,
      `${what.zh}至少需要 ${min} 个坐标点，实有 ${a.length} 个`,
      `${what.en} needs at least ${min} positions, not ${a.length}`,
    );
  return a.map((p, i) => position(p, `${path}[${i}]`));
};

const LINE = { zh: '线', en: 'a line' };
const RING = { zh: '面的环', en: 'a polygon ring' };

function ring(v: JsonValue, path: string): Position[] {
  const r = positions(v, path, 4, RING);
  const first = r[0] ?? [];
  const last = r[r.length - 1] ?? [];
  if (first.length !== last.length || first.some((c, i) => c !== last[i]))
    fail(
      path,
      `面的环没有闭合：首点 [${first.join(', ')}] 与末点 [${last.join(', ')}] 不同`,
      `the polygon ring is not closed: its first position [${first.join(', ')}] differs from its last [${last.join(', ')}]`,
    );
  return r;
}

const polygon = (v: JsonValue | undefined, path: string): Position[][] => {
  const rings = arrayAt(v, path);
  if (rings.length === 0) fail(path, '面至少需要一个环', 'a polygon needs at least one ring');
  return rings.map((r, i) => ring(r, `${path}[${i}]`));
};

/** Checks a geometry and returns it as plain data; throws GeometryProblem. */
export function checkGeometry(v: JsonValue, path = 'geometry', depth = 0): Geometry {
  if (!(v instanceof Map)) {
    const kind = kindOf(v);
    return fail(
      path,
      `几何对象应为 JSON 对象，实为${kind.zh}`,
      `a geometry must be a JSON object, not ${kind.en}`,
    );
  }
  const type = v.get('type');
  const coordinates = v.get('coordinates');
  const at = `${path}.coordinates`;
  const name = typeof type === 'string' ? type : '';
  switch (name) {
    case 'Point':
      if (coordinates === undefined) fail(at, '缺少坐标', 'is missing');
      return { type: name, coordinates: position(coordinates ?? null, at) };
    case 'MultiPoint':
      return { type: name, coordinates: arrayAt(coordinates, at).map((p, i) => position(p, `${at}[${i}]`)) };
    case 'LineString':
      return { type: name, coordinates: positions(coordinates, at, 2, LINE) };
    case 'MultiLineString':
      return {
        type: name,
        coordinates: arrayAt(coordinates, at).map((l, i) => positions(l, `${at}[${i}]`, 2, LINE)),
      };
    case 'Polygon':
      return { type: name, coordinates: polygon(coordinates, at) };
    case 'MultiPolygon':
      return { type: name, coordinates: arrayAt(coordinates, at).map((p, i) => polygon(p, `${at}[${i}]`)) };
    case 'GeometryCollection': {
      if (depth > 0)
        fail(path, '几何集合不应嵌套', 'a geometry collection should not nest another (RFC 7946 § 3.1.8)');
      const members = arrayAt(v.get('geometries'), `${path}.geometries`);
      return {
        type: name,
        geometries: members.map((g, i) => checkGeometry(g, `${path}.geometries[${i}]`, depth + 1)),
      };
    }
    default: {
      const shown = typeof type === 'string' ? `“${type}”` : kindOf(type ?? null).en;
      return fail(
        `${path}.type`,
        `未知的几何类型${typeof type === 'string' ? `「${type}」` : kindOf(type ?? null).zh}（应为 ${GEOMETRY_TYPES.join('、')} 之一）`,
        `unknown geometry type ${shown} (one of ${GEOMETRY_TYPES.join(', ')} is expected)`,
      );
    }
  }
}
