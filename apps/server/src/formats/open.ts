import { invalidField } from '../shared/errors.ts';
import { openCsv } from './csv.ts';
import { openGeojson, openJson, openNdjson } from './json.ts';
import { toRowSource, type OpenedSource } from './row-source.ts';
import { SOURCE_FORMATS, type OpenOptions, type RowSource } from './types.ts';
import { openXlsx } from './xlsx.ts';

const ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030'];

/**
 * Opens an uploaded file as a stream of rows. Reads the header and the first data record at once,
 * so that an unreadable file (wrong format, encoding, header, no data) fails here with a
 * FormatError; later records are read as `rows` is iterated, in constant memory.
 * The caller closes the source (or reads it to the end, or breaks out of the loop).
 */
export async function openRowSource(file: string, options: OpenOptions): Promise<RowSource> {
  if (!SOURCE_FORMATS.includes(options.format))
    throw invalidField(
      'format',
      `须为 ${SOURCE_FORMATS.join('、')} 之一`,
      `must be one of ${SOURCE_FORMATS.join(', ')}`,
    );
  if (options.encoding !== undefined && !ENCODINGS.includes(options.encoding))
    throw invalidField(
      'encoding',
      `须为 ${ENCODINGS.join('、')} 之一`,
      `must be one of ${ENCODINGS.join(', ')}`,
    );
  let opened: OpenedSource;
  switch (options.format) {
    case 'csv':
      opened = await openCsv(file, options);
      return toRowSource('csv', opened, {
        zh: '文件只有表头，没有数据行',
        en: 'the file has a header but no data rows',
      });
    case 'xlsx':
      opened = await openXlsx(file, options);
      return toRowSource('xlsx', opened, {
        zh: `工作表「${opened.sheet ?? ''}」只有表头，没有数据行`,
        en: `the sheet “${opened.sheet ?? ''}” has a header but no data rows`,
      });
    case 'json':
      opened = await openJson(file, options);
      return toRowSource('json', opened, {
        zh: 'JSON 数组中没有记录（没有数据行）',
        en: 'the JSON array holds no records (no data rows)',
      });
    case 'ndjson':
      opened = await openNdjson(file, options);
      return toRowSource('ndjson', opened, {
        zh: '文件中没有记录（没有数据行）',
        en: 'the file holds no records (no data rows)',
      });
    case 'geojson':
      opened = await openGeojson(file, options);
      return toRowSource('geojson', opened, {
        zh: '要素集合中没有要素（没有数据行）',
        en: 'the FeatureCollection holds no features (no data rows)',
      });
  }
}
