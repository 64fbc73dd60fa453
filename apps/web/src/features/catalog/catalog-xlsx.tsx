/**
 * Catalog entries in Excel: the import template, the all-or-nothing import as drafts (with every
 * error of a refused file listed by sheet, row and column), and the export of a search.
 */
import { DownloadOutlined, FileExcelOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Table, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { ApiError, type Download } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import { saveBlob } from '../../components/save-blob';
import type { XlsxIssue } from '@huitong/contract/catalog';
import type { SearchQuery } from '@huitong/contract/catalog';
import { XLSX_MIME, catalogApi } from './catalog-api';

/** The server refuses larger bodies (413); checked here first so that nothing is sent in vain. */
const MAX_BYTES = 10 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIssue(value: unknown): value is XlsxIssue {
  if (!isRecord(value) || typeof value['sheet'] !== 'string' || !isRecord(value['message'])) return false;
  const { zh, en } = value['message'];
  return typeof zh === 'string' && typeof en === 'string';
}

const issuesOf = (value: unknown): XlsxIssue[] => (Array.isArray(value) ? value.filter(isIssue) : []);

/** The errors of an `xlsx_invalid` answer, or null for any other failure. */
function invalidFile(err: unknown): { errors: XlsxIssue[]; count: number } | null {
  if (!(err instanceof ApiError) || err.problem.code !== 'xlsx_invalid') return null;
  const errors = issuesOf(err.problem.extra?.['errors']);
  const count = err.problem.extra?.['errorCount'];
  return { errors, count: typeof count === 'number' ? Math.max(count, errors.length) : errors.length };
}

function saveDownload(file: Download, fallback: string): void {
  saveBlob(file.blob, file.fileName ?? fallback);
}

/** The table of import problems: 工作表 / 行 / 列 / 问题. */
export function XlsxIssuesTable({ issues, testId }: { issues: XlsxIssue[]; testId: string }) {
  const { t, pick, locale } = useI18n();
  const inParentheses = (text: string) => (locale === 'zh-CN' ? `（${text}）` : ` (${text})`);
  const columns: TableColumnsType<XlsxIssue & { key: number }> = [
    { title: t('catalog.xlsx.sheet'), dataIndex: 'sheet', width: 90 },
    {
      title: t('catalog.xlsx.row'),
      dataIndex: 'row',
      width: 70,
      render: (row: number | null) => row ?? <span className="ht-muted">{t('catalog.xlsx.wholeSheet')}</span>,
    },
    {
      title: t('catalog.xlsx.column'),
      key: 'column',
      width: 150,
      render: (_, issue) =>
        issue.column ? (
          <span>
            <Typography.Text strong>{issue.column}</Typography.Text>
            {issue.header ? <span className="ht-muted">{inParentheses(issue.header)}</span> : null}
          </span>
        ) : issue.row === null ? (
          '—'
        ) : (
          <span className="ht-muted">{t('catalog.xlsx.wholeRow')}</span>
        ),
    },
    {
      title: t('catalog.xlsx.problem'),
      key: 'message',
      render: (_, issue) => pick(issue.message),
    },
  ];
  return (
    <div data-testid={testId}>
      <Table<XlsxIssue & { key: number }>
        size="small"
        columns={columns}
        dataSource={issues.map((issue, key) => ({ ...issue, key }))}
        pagination={issues.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
        onRow={(issue) => {
          const attrs: HTMLAttributes<HTMLElement> & Record<`data-${string}`, string> = {
            'data-testid': `${testId}-row`,
            'data-sheet': issue.sheet,
            'data-row': issue.row === null ? '' : String(issue.row),
            'data-column': issue.column ?? '',
          };
          return attrs;
        }}
      />
    </div>
  );
}

/** 下载导入模板 */
export function XlsxTemplateButton() {
  const { t } = useI18n();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const fetchTemplate = async () => {
    setBusy(true);
    try {
      saveDownload(await catalogApi.xlsxTemplate(), 'catalog-template.xlsx');
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      onClick={() => void fetchTemplate()}
      data-testid="xlsx-template-download"
    >
      {t('catalog.xlsx.template')}
    </Button>
  );
}

type Report =
  | { kind: 'errors'; file: string; errors: XlsxIssue[]; count: number }
  | { kind: 'warnings'; created: number; warnings: XlsxIssue[] };

/** 从 Excel 导入: sends the chosen .xlsx as the request body; every error of a refused file is listed. */
export function XlsxImportButton({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<Report | null>(null);

  const importFile = async (file: File) => {
    if (!/\.xlsx$/i.test(file.name) && file.type !== XLSX_MIME) {
      void message.error(t('catalog.xlsx.notXlsx'));
      return;
    }
    if (file.size > MAX_BYTES) {
      void message.error(t('catalog.xlsx.tooLarge', { mb: MAX_BYTES / 1024 / 1024 }));
      return;
    }
    setBusy(true);
    try {
      const result = await catalogApi.xlsxImport(file);
      onImported();
      void message.success(t('catalog.xlsx.imported', { count: result.items.length }));
      if (result.warnings.length > 0) {
        setReport({ kind: 'warnings', created: result.items.length, warnings: result.warnings });
      }
    } catch (err) {
      const invalid = invalidFile(err);
      if (invalid) setReport({ kind: 'errors', file: file.name, ...invalid });
      else showError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Upload
        accept={`.xlsx,${XLSX_MIME}`}
        multiple={false}
        showUploadList={false}
        disabled={busy}
        beforeUpload={(file) => {
          void importFile(file);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />} loading={busy} data-testid="xlsx-import">
          {busy ? t('catalog.xlsx.importing') : t('catalog.xlsx.import')}
        </Button>
      </Upload>
      <Modal
        open={report !== null}
        title={
          report?.kind === 'errors'
            ? t('catalog.xlsx.errors.title')
            : t('catalog.xlsx.warnings.title', { count: report?.created ?? 0 })
        }
        width={860}
        onCancel={() => setReport(null)}
        footer={
          <Button type="primary" onClick={() => setReport(null)} data-testid="xlsx-report-close">
            {t('catalog.xlsx.close')}
          </Button>
        }
        destroyOnHidden
      >
        {report?.kind === 'errors' ? (
          <div data-testid="xlsx-import-errors" data-count={report.count}>
            <Alert
              type="error"
              showIcon
              title={
                <>
                  {t('catalog.xlsx.errors.lead', { file: report.file, count: report.count })}
                  {report.count > report.errors.length
                    ? ` ${t('catalog.xlsx.errors.truncated', { shown: report.errors.length })}`
                    : null}
                </>
              }
              style={{ marginBottom: 12 }}
            />
            <XlsxIssuesTable issues={report.errors} testId="xlsx-import-error" />
          </div>
        ) : report?.kind === 'warnings' ? (
          <div data-testid="xlsx-import-warnings">
            <Alert
              type="warning"
              showIcon
              title={t('catalog.xlsx.warnings.lead')}
              style={{ marginBottom: 12 }}
            />
            <XlsxIssuesTable issues={report.warnings} testId="xlsx-import-warning" />
          </div>
        ) : null}
      </Modal>
    </>
  );
}

/** 导出 Excel: the published entries of the current search, in the layout of the import template. */
export function XlsxExportButton({ query }: { query: SearchQuery }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const exportFile = async () => {
    setBusy(true);
    try {
      const file = await catalogApi.xlsxExport(query);
      saveDownload(file, 'catalog-export.xlsx');
      const total = Number(file.headers.get('x-total-count'));
      const exported = Number(file.headers.get('x-exported-count'));
      if (Number.isFinite(total) && Number.isFinite(exported) && total > exported) {
        void message.warning(t('catalog.xlsx.exportTruncated', { total, count: exported }));
      } else if (Number.isFinite(exported) && file.headers.has('x-exported-count')) {
        void message.success(t('catalog.xlsx.exported', { count: exported }));
      }
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      icon={<FileExcelOutlined />}
      loading={busy}
      onClick={() => void exportFile()}
      data-testid="xlsx-export"
    >
      {t('catalog.xlsx.export')}
    </Button>
  );
}
