import { DownloadOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import type { MenuProps } from 'antd';
import type { CsvVariant, ExportEncoding, ExportFormat } from '@huitong/contract/values';
import { urlOf } from '../../api/client';
import { useI18n } from '../../app/i18n';

/** The formats the export offers (the server streams them: GET …/export). */
export type ExportChoice = 'csv-utf8' | 'csv-gbk' | 'csv-machine' | 'xlsx' | 'json' | 'geojson';

const CHOICES: Record<
  ExportChoice,
  { format: ExportFormat; encoding?: ExportEncoding; variant?: CsvVariant }
> = {
  // For people: opened in a spreadsheet, so text that would run as a formula gets a ' before it.
  'csv-utf8': { format: 'csv', encoding: 'utf-8', variant: 'spreadsheet' },
  'csv-gbk': { format: 'csv', encoding: 'gbk', variant: 'spreadsheet' },
  // For programs: the data as stored.
  'csv-machine': { format: 'csv', encoding: 'utf-8', variant: 'machine' },
  xlsx: { format: 'xlsx' },
  json: { format: 'json' },
  geojson: { format: 'geojson' },
};

/** The URL that downloads a version in a format (same origin: the session cookie goes with it). */
export function exportUrl(entryId: string, versionNo: number, choice: ExportChoice): string {
  const { format, encoding, variant } = CHOICES[choice];
  return urlOf('GET /api/provision/entries/:id/export', {
    params: { id: entryId },
    query: {
      format,
      encoding,
      variant,
      version: String(versionNo),
      // People open spreadsheet CSV and Excel files: the Chinese labels head the columns (JSON and
      // the CSV for programs keep the names).
      header: variant === 'spreadsheet' || format === 'xlsx' ? 'label' : undefined,
    },
  });
}

/**
 * Starts a download through the browser (streamed to disk by the browser, whatever the size; the
 * file name comes from the server's Content-Disposition).
 */
function startDownload(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

type Props = {
  entryId: string;
  versionNo: number;
  /** The data have a geometry data item (GeoJSON is offered). */
  geometry: boolean;
};

/**
 * 下载: a ready version as CSV for spreadsheets (UTF-8 or GBK), CSV for programs, XLSX, JSON and, with
 * a geometry, GeoJSON.
 */
export function DownloadMenu({ entryId, versionNo, geometry }: Props) {
  const { t } = useI18n();
  const choices: ExportChoice[] = [
    'csv-utf8',
    'csv-gbk',
    'csv-machine',
    'xlsx',
    'json',
    ...(geometry ? (['geojson'] as const) : []),
  ];
  const items: MenuProps['items'] = choices.map((c) => ({
    key: c,
    label: <span data-testid={`data-version-download-${c}`}>{t(`provision.export.${c}`)}</span>,
  }));
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        onClick: ({ key }) => startDownload(exportUrl(entryId, versionNo, key as ExportChoice)),
      }}
    >
      <Button type="link" size="small" icon={<DownloadOutlined />} data-testid="data-version-download">
        {t('provision.export.download')}
      </Button>
    </Dropdown>
  );
}
