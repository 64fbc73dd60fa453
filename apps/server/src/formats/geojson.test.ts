import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failsToOpen, failure, read, tempDir, type TempDir } from './test-files.ts';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.remove();
});

const feature = (geometry: unknown, properties: Record<string, unknown> | null = { 名称: '要素' }) => ({
  type: 'Feature',
  geometry,
  properties,
});
const collection = (features: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'FeatureCollection', ...extra, features });

const HEPING = [
  [
    [123.38, 41.78],
    [123.45, 41.78],
    [123.45, 41.82],
    [123.38, 41.82],
    [123.38, 41.78],
  ],
];

describe('GeoJSON', () => {
  it('reads features: properties as fields, geometry kept, null geometry allowed, foreign members ignored', async () => {
    const file = await tmp.write(
      'places.geojson',
      collection(
        [
          feature(
            { type: 'Point', coordinates: [123.4537, 41.7966] },
            { 名称: '沈阳故宫', 区: '沈河区', 始建: 1625 },
          ),
          feature({ type: 'Polygon', coordinates: HEPING }, { 名称: '和平区', 区: '和平区', 人口: 64.5 }),
          feature(null, { 名称: '无位置的要素', 区: null }),
          feature(
            {
              type: 'GeometryCollection',
              geometries: [
                {
                  type: 'LineString',
                  coordinates: [
                    [123.4, 41.8],
                    [123.5, 41.9, 50],
                  ],
                },
                { type: 'MultiPoint', coordinates: [[123.4, 41.8]] },
              ],
            },
            { 名称: '浑河', 区: '浑南区' },
          ),
        ],
        {
          name: '沈阳市地名',
          crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
          bbox: [123, 41, 124, 42],
        },
      ),
    );
    const { source, headers, rows } = await read(file, { format: 'geojson' });
    expect(source.format).toBe('geojson');
    expect(headers).toEqual(['名称', '区', '始建', '人口']);
    expect(rows).toEqual([
      {
        record: 1,
        values: ['沈阳故宫', '沈河区', '1625', null],
        geometry: { type: 'Point', coordinates: [123.4537, 41.7966] },
      },
      {
        record: 2,
        values: ['和平区', '和平区', null, '64.5'],
        geometry: { type: 'Polygon', coordinates: HEPING },
      },
      { record: 3, values: ['无位置的要素', null, null, null], geometry: null },
      {
        record: 4,
        values: ['浑河', '浑南区', null, null],
        geometry: {
          type: 'GeometryCollection',
          geometries: [
            {
              type: 'LineString',
              coordinates: [
                [123.4, 41.8],
                [123.5, 41.9, 50],
              ],
            },
            { type: 'MultiPoint', coordinates: [[123.4, 41.8]] },
          ],
        },
      },
    ]);
  });

  it('accepts "type" after "features", and features without properties', async () => {
    const text = `{"features": [${JSON.stringify(feature({ type: 'Point', coordinates: [123.4, 41.8] }, null))}], "type": "FeatureCollection"}`;
    const { headers, rows } = await read(await tmp.write('late-type.geojson', text), { format: 'geojson' });
    expect(headers).toEqual([]);
    expect(rows).toEqual([
      { record: 1, values: [], geometry: { type: 'Point', coordinates: [123.4, 41.8] } },
    ]);
  });
});

describe('bad GeoJSON files', () => {
  it.each([
    ['an array', '[]', '顶层是数组'],
    [
      'a single Feature',
      JSON.stringify(feature({ type: 'Point', coordinates: [123.4, 41.8] })),
      '"type" 为「Feature」',
    ],
    ['a bare geometry', JSON.stringify({ type: 'Point', coordinates: [1, 2] }), '"type" 为「Point」'],
    [
      'features that are not an array',
      '{"type": "FeatureCollection", "features": {}}',
      '"features" 是对象，不是数组',
    ],
    ['no type', `{"features": [${JSON.stringify(feature(null))}]}`, '缺少 "type": "FeatureCollection"'],
    ['no features', '{"type": "FeatureCollection"}', '缺少 "features" 数组'],
  ])('refuses %s: not a FeatureCollection', async (name, text, says) => {
    const err = await failure(await tmp.write(`not-fc-${name}.geojson`, text), { format: 'geojson' });
    expect(err.code).toBe('geojson_not_feature_collection');
    expect(err.messages.zh).toContain(says);
  });

  it('refuses a FeatureCollection whose type comes after its features and is wrong', async () => {
    const text = `{"features": [${JSON.stringify(feature(null))}], "type": "Topology"}`;
    const err = await failure(await tmp.write('late-wrong-type.geojson', text), { format: 'geojson' });
    expect(err.code).toBe('geojson_not_feature_collection');
  });

  it('refuses an empty FeatureCollection (no data rows) and an item that is not a Feature', async () => {
    const empty = await failsToOpen(await tmp.write('empty-fc.geojson', collection([])), {
      format: 'geojson',
    });
    expect(empty.code).toBe('no_data_rows');
    const notFeature = await failure(
      await tmp.write(
        'not-feature.geojson',
        collection([feature(null), { type: 'Point', coordinates: [1, 2] }]),
      ),
      { format: 'geojson' },
    );
    expect(notFeature.code).toBe('geojson_not_feature');
    expect(notFeature.row).toBe(2);
    expect(notFeature.messages.zh).toBe(
      '第 2 个要素（features[1]）：features 的元素应为要素（{"type": "Feature", …}），实为类型为「Point」的对象',
    );
  });

  const point = { type: 'Point', coordinates: [123.4, 41.8] };
  it.each([
    [
      'an unknown type',
      { type: 'Circle', coordinates: [123.4, 41.8] },
      'geometry.type：未知的几何类型「Circle」',
    ],
    [
      'a coordinate that is not a number',
      { type: 'Point', coordinates: ['123.4', 41.8] },
      'geometry.coordinates[0]：坐标应为数字，实为字符串',
    ],
    [
      'a longitude out of range',
      {
        type: 'LineString',
        coordinates: [
          [123.4, 41.8],
          [200, 41.8],
        ],
      },
      'geometry.coordinates[1][0]：经度 200 超出 -180 到 180 的范围',
    ],
    [
      'a latitude out of range',
      { type: 'MultiPoint', coordinates: [[123.4, -91]] },
      'geometry.coordinates[0][1]：纬度 -91 超出 -90 到 90 的范围',
    ],
    [
      'a ring not closed',
      {
        type: 'Polygon',
        coordinates: [
          [
            [123.38, 41.78],
            [123.45, 41.78],
            [123.45, 41.82],
            [123.38, 41.82],
          ],
        ],
      },
      'geometry.coordinates[0]：面的环没有闭合：首点 [123.38, 41.78] 与末点 [123.38, 41.82] 不同',
    ],
    [
      'a line of one position',
      { type: 'LineString', coordinates: [[123.4, 41.8]] },
      '线至少需要 2 个坐标点，实有 1 个',
    ],
    ['coordinates missing', { type: 'Polygon' }, 'geometry.coordinates：应为数组，实为缺失'],
    ['a geometry member missing', undefined, '缺少 geometry 成员'],
  ])('names the feature with %s', async (name, geometry, says) => {
    const bad =
      geometry === undefined ? { type: 'Feature', properties: { 名称: '坏要素' } } : feature(geometry);
    const file = await tmp.write(
      `geometry-${name}.geojson`,
      collection([feature(point), feature(point), bad]),
    );
    const err = await failure(file, { format: 'geojson' });
    expect(err.code).toBe('geojson_invalid_geometry');
    expect(err.row).toBe(3);
    expect(err.messages.zh).toContain('第 3 个要素（features[2]）：几何无效，');
    expect(err.messages.zh).toContain(says);
  });
});
