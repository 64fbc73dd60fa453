/**
 * Catalog entries in Excel: the import template, the import of a department's catalog as drafts
 * (all rows validated first, then all created in one transaction, or nothing), and the export of
 * published entries in the same layout, so that an export can be imported again.
 *
 * Layout: sheet 「目录」 has one row per entry, 「信息项」 one row per data item (linked to its entry
 * by 资源名称), 「填写说明」 explains every column and the rules, the hidden 「值列表」 feeds the
 * drop-down lists. Enumerated cells hold Chinese labels; the English codes of catalog.model.ts are
 * accepted on import too.
 *
 * Untrusted files are opened defensively (see `openXlsx`): sizes are checked in the zip's central
 * directory before anything is inflated, inflation is bounded, and only the parts needed to read
 * cell values reach exceljs, without the constructs that exceljs expands cell by cell (merged
 * ranges, data-validation ranges, defined names), which a tiny file could otherwise make huge.
 */
import type { ValidateFunction } from 'ajv';
import type ExcelJS from 'exceljs';
import type { Borders, CellValue, DataValidation, Row, Worksheet } from 'exceljs';
import type { Db } from '../../db/database.ts';
import { inputValidator } from '../../plugins/validation.ts';
import { reportedErrors, schemaErrorMessage } from '../../plugins/validation-messages.ts';
import { AppError, ForbiddenError, type Message } from '../../shared/errors.ts';
import { assertMayCreateEntries } from './catalog.service.ts';
import type { Actor, Principal } from '../../shared/principal.ts';
import {
  bufferSource,
  inflateEntry,
  readCentralDirectory,
  storedZip,
  ZipGuardError,
} from '../../shared/zip-guard.ts';
import { appendAudit } from '../security/index.ts';
import {
  BASE_KINDS,
  CLASSIFICATIONS,
  DATA_TYPES,
  FORMATS,
  OPEN_TYPES,
  PRIORITY_DOMAINS,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
  type DataItem,
  type EntryMetadata,
} from './catalog.model.ts';
import * as repo from './catalog.repository.ts';
import { conceptOf, submissionProblems, TOPICS } from './catalog.rules.ts';
import { EntryMetadata as MetadataSchema } from '@huitong/contract/catalog';
import * as values from '@huitong/contract/values';
import type { Label, Labels } from '@huitong/contract/values';
import { toTsQuery } from './search-text.ts';
import { beijingDay } from '../../shared/beijing-time.ts';

declare module 'exceljs' {
  interface Worksheet {
    /** Data validations keyed by cell or range address (in exceljs 4, missing from its typings). */
    dataValidations: { add(address: string, validation: DataValidation): DataValidation };
  }
}

/** exceljs is large: loaded on first use rather than at every start of the server. */
let exceljs: Promise<typeof ExcelJS> | undefined;
const loadExcel = () => (exceljs ??= import('exceljs').then((m) => m.default));

/** Limits of an import. The request body itself is limited by the route (10 MB). */
export const XLSX_LIMITS = {
  bodyBytes: 10 * 1024 * 1024,
  /** Entries of the zip's central directory. */
  zipEntries: 2000,
  /** Uncompressed bytes of the parts that are read (sheets, shared strings, styles, workbook). */
  uncompressedBytes: 48 * 1024 * 1024,
  /** Cells in all sheets together. */
  cells: 800_000,
  entryRows: 5000,
  itemRows: 60_000,
  /** Errors listed in one answer; the count says how many there were. */
  reportedIssues: 1000,
} as const;

/** Published entries in one export. */
export const EXPORT_CAP = 5000;

export const SHEETS = { entries: '目录', items: '信息项', guide: '填写说明', lists: '值列表' } as const;

// ---------- Chinese labels of the value lists (the contract's) ----------

const zhLabels = <T extends string>(labels: Labels<T>): Record<T, string> =>
  Object.fromEntries(Object.entries<Label>(labels).map(([code, label]) => [code, label.zh])) as Record<
    T,
    string
  >;

const CLASSIFICATION_LABELS = zhLabels(values.CLASSIFICATION_LABELS);
const BASE_KIND_LABELS = zhLabels(values.BASE_KIND_LABELS);
const FORMAT_LABELS = zhLabels(values.FORMAT_LABELS);
const SHARE_TYPE_LABELS = zhLabels(values.SHARE_TYPE_LABELS);
const SHARE_METHOD_LABELS = zhLabels(values.SHARE_METHOD_LABELS);
const OPEN_TYPE_LABELS = zhLabels(values.OPEN_TYPE_LABELS);
const UPDATE_CYCLE_LABELS = zhLabels(values.UPDATE_CYCLE_LABELS);
const DATA_TYPE_LABELS = zhLabels(values.DATA_TYPE_LABELS);

const YES = '是';
const NO = '否';

/** The lists of the hidden 「值列表」 sheet, one per column, in this order. */
const LISTS = {
  classification: { title: '资源属性', values: CLASSIFICATIONS.map((c) => CLASSIFICATION_LABELS[c]) },
  baseKind: { title: '基础资源类别', values: BASE_KINDS.map((c) => BASE_KIND_LABELS[c]) },
  format: { title: '资源格式', values: FORMATS.map((c) => FORMAT_LABELS[c]) },
  shareType: { title: '共享类型', values: SHARE_TYPES.map((c) => SHARE_TYPE_LABELS[c]) },
  shareMethod: { title: '共享方式', values: SHARE_METHODS.map((c) => SHARE_METHOD_LABELS[c]) },
  openType: { title: '开放类型', values: OPEN_TYPES.map((c) => OPEN_TYPE_LABELS[c]) },
  updateCycle: { title: '更新周期', values: UPDATE_CYCLES.map((c) => UPDATE_CYCLE_LABELS[c]) },
  dataType: { title: '数据类型', values: DATA_TYPES.map((c) => DATA_TYPE_LABELS[c]) },
  required: { title: '必填', values: [YES, NO] },
  sensitivity: { title: '敏感级别', values: [1, 2, 3, 4] },
  domain: { title: '重点开放领域', values: [...PRIORITY_DOMAINS] },
} satisfies Record<string, { title: string; values: (string | number)[] }>;
type ListKey = keyof typeof LISTS;
const LIST_KEYS = Object.keys(LISTS) as ListKey[];

function listRange(key: ListKey): string {
  const col = columnLetter(LIST_KEYS.indexOf(key) + 1);
  return `'${SHEETS.lists}'!$${col}$2:$${col}$${LISTS[key].values.length + 1}`;
}

const listText = (key: ListKey) => LISTS[key].values.join('、');

// ---------- the columns ----------

interface ColumnDef<K extends string> {
  key: K;
  header: string;
  width: number;
  required: boolean;
  /** Maximum number of characters of the cell (of each value, for lists of values). */
  max?: number;
  list?: ListKey;
  /** Format the column as text (keeps leading zeros of phone numbers). */
  text?: boolean;
  /** What the column means and how to fill it in (填写说明 and the cell's input prompt). */
  help: string;
}

const SEPARATOR_HELP = '多个用全角分号「；」分隔';
const BASIS_HELP =
  '格式为《法律法规名称》条款，如《中华人民共和国统计法》第三十九条；多项用「；」分隔。依据须已收录在平台法律依据库中。';

export const ENTRY_COLUMNS = [
  {
    key: 'name',
    header: '资源名称',
    width: 28,
    required: true,
    max: 200,
    help: '政务信息资源的名称。文件内不得重复，「信息项」工作表按资源名称归入本资源。',
  },
  {
    key: 'abstract',
    header: '资源摘要',
    width: 44,
    required: true,
    max: 4000,
    help: '资源内容的简要说明，如数据覆盖的范围、时间和主要内容。',
  },
  {
    key: 'classification',
    header: '资源属性',
    width: 10,
    required: true,
    list: 'classification',
    help: '基础：五类基础数据资源；主题：围绕特定主题汇聚的资源；部门：部门履职产生的其他资源。',
  },
  {
    key: 'baseKind',
    header: '基础资源类别',
    width: 18,
    required: false,
    list: 'baseKind',
    help: '资源属性为「基础」时填写（第十九条），其他资源不填。',
  },
  {
    key: 'l1',
    header: '类',
    width: 10,
    required: true,
    max: 50,
    help: '资源分类第一级，通常与资源属性相同（基础／主题／部门）。',
  },
  {
    key: 'l2',
    header: '项',
    width: 14,
    required: false,
    max: 50,
    help: `资源分类第二级。主题资源请填写主题名称（${TOPICS.join('、')}），资源代码据此编排。`,
  },
  { key: 'l3', header: '目', width: 14, required: false, max: 50, help: '资源分类第三级。' },
  { key: 'l4', header: '细目', width: 14, required: false, max: 50, help: '资源分类第四级。' },
  {
    key: 'format',
    header: '资源格式',
    width: 12,
    required: true,
    list: 'format',
    help: '资源的存储或提供格式。电子表格、数据库、自描述格式、服务接口等结构化资源须列出信息项。',
  },
  {
    key: 'shareType',
    header: '共享类型',
    width: 12,
    required: true,
    list: 'shareType',
    help: '第十八条：无条件共享、有条件共享或不予共享。基础数据资源应当无条件共享（第十九条）。',
  },
  {
    key: 'shareCondition',
    header: '共享条件',
    width: 24,
    required: false,
    max: 1000,
    help: '有条件共享时必须写明共享条件，如可使用的部门、用途和范围。',
  },
  {
    key: 'shareMethod',
    header: '共享方式',
    width: 18,
    required: true,
    list: 'shareMethod',
    help: '通过共享平台以数据库、文件或接口方式共享，或其他方式。',
  },
  {
    key: 'shareBases',
    header: '共享依据',
    width: 36,
    required: false,
    help: `有条件共享和不予共享时必须引用至少一项法律、法规或规章依据（第十八条）。${BASIS_HELP}`,
  },
  {
    key: 'openType',
    header: '开放类型',
    width: 12,
    required: true,
    list: 'openType',
    help: '第二十四条：无条件开放、依申请开放或不予开放。',
  },
  {
    key: 'openCondition',
    header: '开放条件',
    width: 24,
    required: false,
    max: 1000,
    help: '依申请开放时必须写明开放条件。',
  },
  {
    key: 'openBases',
    header: '开放依据',
    width: 36,
    required: false,
    help: `依申请开放和不予开放时必须引用至少一项依据，并向社会公开（第二十七条）。${BASIS_HELP}`,
  },
  {
    key: 'updateCycle',
    header: '更新周期',
    width: 10,
    required: true,
    list: 'updateCycle',
    help: '数据更新的频率。',
  },
  {
    key: 'domains',
    header: '领域',
    width: 18,
    required: false,
    max: 30,
    help: `资源所属领域，${SEPARATOR_HELP}，每个不超过 30 字，最多 20 个。重点开放领域（第二十八条）：${PRIORITY_DOMAINS.join('、')}。`,
  },
  {
    key: 'keywords',
    header: '关键字',
    width: 20,
    required: false,
    max: 30,
    text: true,
    help: `便于检索的关键字，${SEPARATOR_HELP}，每个不超过 30 字，最多 30 个。`,
  },
  {
    key: 'spatialExtent',
    header: '空间范围',
    width: 12,
    required: false,
    max: 100,
    help: '数据覆盖的地域，如 沈阳市、浑南区。',
  },
  {
    key: 'licence',
    header: '开放许可',
    width: 20,
    required: false,
    max: 200,
    help: '开放数据适用的许可协议名称。',
  },
  {
    key: 'contactName',
    header: '联系人',
    width: 12,
    required: false,
    max: 50,
    help: '资源的联系人或联系机构。',
  },
  {
    key: 'contactPhone',
    header: '联系电话',
    width: 16,
    required: false,
    max: 30,
    text: true,
    help: '联系电话，如 024-22222222。',
  },
  {
    key: 'contactEmail',
    header: '电子邮箱',
    width: 24,
    required: false,
    max: 100,
    help: '联系电子邮箱，如 data@example.gov.cn。',
  },
  {
    key: 'relatedCodes',
    header: '关联资源代码',
    width: 20,
    required: false,
    max: 40,
    text: true,
    help: `与本资源相关的其他资源的资源代码，${SEPARATOR_HELP}，最多 50 个。`,
  },
] as const satisfies readonly ColumnDef<string>[];
type EntryKey = (typeof ENTRY_COLUMNS)[number]['key'];

export const ITEM_COLUMNS = [
  {
    key: 'entry',
    header: '资源名称',
    width: 28,
    required: true,
    help: '本信息项所属资源的名称，须与「目录」工作表中某一行的资源名称完全一致。',
  },
  {
    key: 'name',
    header: '字段名',
    width: 20,
    required: true,
    max: 64,
    text: true,
    help: '英文字段名：小写字母开头，只含小写字母、数字和下划线（snake_case），如 id_number。同一资源内不得重复。',
  },
  {
    key: 'label',
    header: '中文名称',
    width: 20,
    required: true,
    max: 100,
    help: '信息项的中文名称，如 公民身份号码。',
  },
  {
    key: 'dataType',
    header: '数据类型',
    width: 16,
    required: true,
    list: 'dataType',
    help: '信息项的数据类型。',
  },
  {
    key: 'length',
    header: '长度',
    width: 8,
    required: false,
    help: '字段长度，1 至 100000 的整数；日期等没有长度的可不填。',
  },
  {
    key: 'required',
    header: '必填',
    width: 8,
    required: true,
    list: 'required',
    help: '该信息项是否必须有值。',
  },
  {
    key: 'sensitivity',
    header: '敏感级别',
    width: 10,
    required: true,
    list: 'sensitivity',
    help: '1 级可公开，4 级最敏感。含 3 级及以上信息项的资源不能无条件开放。',
  },
  { key: 'description', header: '说明', width: 36, required: false, max: 500, help: '信息项的补充说明。' },
] as const satisfies readonly ColumnDef<string>[];
type ItemKey = (typeof ITEM_COLUMNS)[number]['key'];

// ---------- problems ----------

/** One problem of an import, where Excel shows it. */
export interface XlsxIssue {
  sheet: string;
  /** Row number as Excel shows it (1 is the header row); null for the sheet as a whole. */
  row: number | null;
  /** Column letter, e.g. `J`; null for the row as a whole. */
  column: string | null;
  /** The column's header, e.g. 共享类型. */
  header: string | null;
  message: Message;
}

class XlsxFileError extends AppError {
  constructor(code: 'xlsx_unreadable' | 'xlsx_empty' | 'xlsx_too_large', zh: string, en: string) {
    super(code, 400, { zh, en });
  }
}

const notXlsx = (zh = '', en = '') =>
  new XlsxFileError(
    'xlsx_unreadable',
    `无法读取文件：不是有效的 Excel 工作簿（.xlsx）${zh}`,
    `The file cannot be read: it is not a valid Excel workbook (.xlsx)${en}`,
  );
const tooLarge = (zh: string, en: string) => new XlsxFileError('xlsx_too_large', zh, en);

export class XlsxInvalidError extends AppError {
  constructor(errors: XlsxIssue[], warnings: XlsxIssue[]) {
    const shown = errors.slice(0, XLSX_LIMITS.reportedIssues);
    const first = errors[0];
    const where = first ? `${first.sheet}!${first.column ?? ''}${first.row ?? ''}` : '';
    super(
      'xlsx_invalid',
      400,
      {
        zh: `文件中有 ${errors.length} 处错误，未导入任何目录。第一处：${where} ${first?.message.zh ?? ''}`,
        en: `The file has ${errors.length} error(s); nothing was imported. First: ${where} ${first?.message.en ?? ''}`,
      },
      [],
      {
        errorCount: errors.length,
        errors: shown,
        warnings: warnings.slice(0, XLSX_LIMITS.reportedIssues),
      },
    );
  }
}

// ---------- helpers ----------

export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Comparison form of a label or name: full-width to half-width, no white space, lower case. */
const fold = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** Reads a Chinese label (the web app's, see apps/web i18n) or an English code, or an alias. */
function enumReader<C extends string>(
  labels: Record<C, string>,
  aliases: Record<string, C> = {},
): (text: string) => C | undefined {
  const map = new Map<string, C>();
  for (const [code, label] of Object.entries(labels) as [C, string][]) {
    map.set(fold(code), code);
    map.set(fold(label), code);
  }
  for (const [alias, code] of Object.entries(aliases)) map.set(fold(alias), code);
  return (text) => map.get(fold(text));
}

const readClassification = enumReader(CLASSIFICATION_LABELS);
const readBaseKind = enumReader(BASE_KIND_LABELS);
const readFormat = enumReader(FORMAT_LABELS);
const readShareType = enumReader(SHARE_TYPE_LABELS);
const readShareMethod = enumReader(SHARE_METHOD_LABELS);
const readOpenType = enumReader(OPEN_TYPE_LABELS);
const readUpdateCycle = enumReader(UPDATE_CYCLE_LABELS);
const readDataType = enumReader(DATA_TYPE_LABELS, {
  身份证号码: 'id_number',
  身份证号: 'id_number',
  社会信用代码: 'credit_code',
});

const pad = (n: number) => String(n).padStart(2, '0');

/** The text of a cell as a person reads it; `{ error }` for an error value such as #N/A. */
function cellText(v: CellValue): string | { error: string } {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    const date = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    const time = v.getUTCHours() + v.getUTCMinutes() + v.getUTCSeconds();
    return time === 0
      ? date
      : `${date} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
  }
  if ('error' in v) return { error: v.error };
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('hyperlink' in v) return typeof v.text === 'string' ? v.text : '';
  if ('formula' in v || 'sharedFormula' in v) return v.result === undefined ? '' : cellText(v.result);
  return '';
}

/** Splits a cell holding several values (；; 、，, or line breaks). */
const splitList = (text: string, separators: RegExp) =>
  text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);
const LIST_SEPARATORS = /[；;、，,\n]+/;

// ---------- opening an untrusted .xlsx ----------

/** The catalog's message for each way the shared zip guard refuses an archive. */
function zipRefusal(err: unknown): Error {
  if (!(err instanceof ZipGuardError)) return err instanceof Error ? err : new Error(String(err));
  switch (err.problem) {
    case 'not_zip':
      return notXlsx('（文件不完整或不是 zip 格式）', ' (truncated, or not a zip archive)');
    case 'malformed':
      return notXlsx();
    case 'zip64':
      return tooLarge('工作簿过大（ZIP64），无法导入', 'The workbook is too large (ZIP64) to import');
    case 'too_many_entries':
      return tooLarge('工作簿包含的部件过多，无法导入', 'The workbook has too many parts to import');
    case 'duplicate_entry':
      return notXlsx('（部件重复）', ' (duplicate parts)');
    case 'encrypted':
      return new XlsxFileError(
        'xlsx_unreadable',
        '工作簿已加密，请取消密码保护后再导入',
        'The workbook is encrypted; remove the password and try again',
      );
    case 'unsupported_method':
      return notXlsx('（不支持的压缩方式）', ' (unsupported compression method)');
    case 'corrupt_data':
      return notXlsx('（压缩数据损坏）', ' (corrupt compressed data)');
  }
}

const KEEP = [
  /^\[Content_Types\]\.xml$/,
  /^_rels\/\.rels$/,
  /^xl\/workbook\.xml$/,
  /^xl\/_rels\/workbook\.xml\.rels$/,
  /^xl\/styles\.xml$/,
  /^xl\/sharedStrings\.xml$/,
  /^xl\/worksheets\/sheet\d+\.xml$/,
];

/** Elements that exceljs expands cell by cell, or that point at parts that are left out. */
const SHEET_STRIP = [
  'mergeCells',
  'dataValidations',
  'conditionalFormatting',
  'hyperlinks',
  'drawing',
  'legacyDrawing',
  'legacyDrawingHF',
  'picture',
  'oleObjects',
  'controls',
  'tableParts',
];
const WORKBOOK_STRIP = ['definedNames', 'externalReferences', 'pivotCaches'];

function stripElements(xml: string, names: string[]): string {
  let out = xml;
  for (const n of names) {
    out = out.replace(new RegExp(`<${n}\\b[^>]*/>|<${n}\\b[^>]*>[\\s\\S]*?</${n}>`, 'g'), '');
  }
  return out;
}

/**
 * Opens an uploaded workbook without trusting it: checks the zip's central directory (part count,
 * declared sizes) before inflating anything, inflates each needed part to at most its declared
 * size, counts the cells, and hands exceljs only the parts needed to read values.
 */
export async function openXlsx(bytes: Buffer): Promise<ExcelJS.Workbook> {
  if (bytes.length === 0)
    throw new XlsxFileError('xlsx_empty', '上传的文件为空', 'The uploaded file is empty');
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xd0cf11e0)
    throw notXlsx(
      '：这是旧版 Excel 97-2003（.xls）文件或加密的工作簿，请在 Excel 中另存为 .xlsx 后再导入',
      ': this is an old Excel 97-2003 (.xls) file or an encrypted workbook; save it as .xlsx first',
    );
  if (bytes.length < 22 || bytes.readUInt32LE(0) !== 0x04034b50) throw notXlsx();
  const src = bufferSource(bytes);
  const entries = await readCentralDirectory(src, XLSX_LIMITS.zipEntries).catch((err: unknown) => {
    throw zipRefusal(err);
  });
  const names = new Set(entries.map((e) => e.name));
  if (!names.has('xl/workbook.xml') || !names.has('[Content_Types].xml'))
    throw notXlsx('（压缩包中没有 Excel 工作簿）', ' (the zip archive holds no Excel workbook)');
  const kept = entries.filter((e) => KEEP.some((k) => k.test(e.name)));
  const declared = kept.reduce((n, e) => n + e.size, 0);
  if (declared > XLSX_LIMITS.uncompressedBytes)
    throw tooLarge(
      `工作簿解压后超过 ${XLSX_LIMITS.uncompressedBytes / 1024 / 1024} MB，请分批导入`,
      `The workbook is larger than ${XLSX_LIMITS.uncompressedBytes / 1024 / 1024} MB uncompressed; import it in parts`,
    );
  const parts: { name: string; data: Buffer }[] = [];
  let cells = 0;
  for (const e of kept) {
    let data = await inflateEntry(src, e).catch((err: unknown) => {
      throw zipRefusal(err);
    });
    if (e.name.startsWith('xl/worksheets/')) {
      const xml = data.toString('utf8');
      cells += (xml.match(/<c[\s>/]/g) ?? []).length;
      if (cells > XLSX_LIMITS.cells)
        throw tooLarge(
          `工作簿的单元格超过 ${XLSX_LIMITS.cells} 个，请分批导入`,
          `The workbook has more than ${XLSX_LIMITS.cells} cells; import it in parts`,
        );
      data = Buffer.from(stripElements(xml, SHEET_STRIP), 'utf8');
    } else if (e.name === 'xl/workbook.xml') {
      data = Buffer.from(stripElements(data.toString('utf8'), WORKBOOK_STRIP), 'utf8');
    }
    parts.push({ name: e.name, data });
  }
  const workbook = new (await loadExcel()).Workbook();
  try {
    await workbook.xlsx.load(storedZip(parts));
  } catch {
    throw notXlsx();
  }
  return workbook;
}

// ---------- writing ----------

const HEADER_FILL_REQUIRED = 'FF1F4E79';
const HEADER_FILL_OPTIONAL = 'FFDDEBF7';
const THIN: Partial<Borders> = {
  top: { style: 'thin', color: { argb: 'FF9BB7D4' } },
  bottom: { style: 'thin', color: { argb: 'FF9BB7D4' } },
  left: { style: 'thin', color: { argb: 'FF9BB7D4' } },
  right: { style: 'thin', color: { argb: 'FF9BB7D4' } },
};

function dataSheet<K extends string>(
  wb: ExcelJS.Workbook,
  name: string,
  columns: readonly ColumnDef<K>[],
  rows: Partial<Record<K, string | number | null>>[],
  validatedRows: number,
): Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1, topLeftCell: 'B2', activeCell: 'A2' }],
    properties: { defaultRowHeight: 18 },
  });
  ws.columns = columns.map((c) => ({
    key: c.key,
    width: c.width,
    style: {
      alignment: { vertical: 'top', wrapText: true },
      ...(c.text ? { numFmt: '@' } : {}),
    },
  }));
  const header = ws.getRow(1);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true, color: { argb: c.required ? 'FFFFFFFF' : 'FF1F3864' } };
    cell.fill = {
      type: 'pattern',
      pattern: 'solid',
      fgColor: { argb: c.required ? HEADER_FILL_REQUIRED : HEADER_FILL_OPTIONAL },
    };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.border = THIN;
  });
  header.height = 28;
  for (const r of rows) ws.addRow(columns.map((c) => r[c.key] ?? null));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const last = Math.max(validatedRows, rows.length + 500) + 1;
  columns.forEach((c, i) => {
    const col = columnLetter(i + 1);
    const range = `${col}2:${col}${last}`;
    const prompt = {
      showInputMessage: true,
      promptTitle: c.header.slice(0, 32),
      prompt: c.help.slice(0, 250),
    };
    if (c.list) {
      ws.dataValidations.add(range, {
        type: 'list',
        allowBlank: true,
        formulae: [listRange(c.list)],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: `${c.header}取值不正确`.slice(0, 32),
        error: `请从下拉列表中选择：${listText(c.list)}`.slice(0, 250),
        ...prompt,
      });
    } else if (c.max && c.key !== 'domains' && c.key !== 'keywords' && c.key !== 'relatedCodes') {
      ws.dataValidations.add(range, {
        type: 'textLength',
        operator: 'lessThanOrEqual',
        allowBlank: true,
        formulae: [c.max],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: `${c.header}过长`.slice(0, 32),
        error: `不超过 ${c.max} 个字符`,
        ...prompt,
      });
    } else if (c.key === 'length') {
      ws.dataValidations.add(range, {
        type: 'whole',
        operator: 'between',
        allowBlank: true,
        formulae: [1, 100000],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '长度不正确',
        error: '请填写 1 至 100000 的整数',
        ...prompt,
      });
    } else {
      // An input prompt only (Excel has no "any" type in exceljs' typings; a long text limit stands in).
      ws.dataValidations.add(range, {
        type: 'textLength',
        operator: 'lessThanOrEqual',
        allowBlank: true,
        formulae: [32767],
        ...prompt,
      });
    }
  });
  return ws;
}

function guideSheet(wb: ExcelJS.Workbook, notice: string | null, library: BasisRef[]) {
  const ws = wb.addWorksheet(SHEETS.guide, { properties: { defaultRowHeight: 18 } });
  ws.columns = [{ width: 10 }, { width: 16 }, { width: 8 }, { width: 70 }, { width: 48 }];
  const title = ws.addRow(['政务信息资源目录 导入模板 填写说明']);
  title.font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, 5);
  if (notice) {
    const n = ws.addRow([notice]);
    n.font = { bold: true, color: { argb: 'FFC00000' } };
    ws.mergeCells(n.number, 1, n.number, 5);
  }
  const section = (text: string) => {
    ws.addRow([]);
    const r = ws.addRow([text]);
    r.font = { bold: true, size: 12 };
    ws.mergeCells(r.number, 1, r.number, 5);
  };
  const para = (text: string) => {
    const r = ws.addRow([text]);
    r.alignment = { wrapText: true, vertical: 'top' };
    ws.mergeCells(r.number, 1, r.number, 5);
    r.height = Math.max(18, Math.ceil(text.length / 60) * 16);
  };

  section('一、工作表');
  para(
    `「${SHEETS.entries}」：每行一条目录（一项政务信息资源）。第 1 行是表头，请勿修改或删除表头；从第 2 行起填写。深蓝色表头的列为必填列。`,
  );
  para(
    `「${SHEETS.items}」：每行一个信息项（字段）。「资源名称」须与「${SHEETS.entries}」中某一行的资源名称完全一致，据此归入该资源；同一资源的信息项按填写顺序保存。`,
  );
  para(`「${SHEETS.lists}」（隐藏）：下拉列表的选项来源，请勿修改。`);

  section('二、各列说明');
  const head = ws.addRow(['工作表', '列名', '必填', '说明', '可填写的值']);
  head.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  head.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL_REQUIRED } };
    c.border = THIN;
  });
  const describe = (sheet: string, cols: readonly ColumnDef<string>[]) => {
    for (const c of cols) {
      const values = c.list
        ? listText(c.list)
        : c.max
          ? `文字，不超过 ${c.max} 个字符${['domains', 'keywords', 'relatedCodes'].includes(c.key) ? '（每项）' : ''}`
          : c.key === 'length'
            ? '1 至 100000 的整数'
            : c.key.endsWith('Bases')
              ? '《法律法规名称》条款；多项用「；」分隔'
              : '文字';
      const r = ws.addRow([sheet, c.header, c.required ? YES : NO, c.help, values]);
      r.alignment = { wrapText: true, vertical: 'top' };
      r.eachCell((cell) => (cell.border = THIN));
    }
  };
  describe(SHEETS.entries, ENTRY_COLUMNS);
  describe(SHEETS.items, ITEM_COLUMNS);

  section('三、编目规则（提交审核时检查；导入草稿时不满足的只作提示，提交审核前须补正）');
  para(
    '1. 第十八条：共享类型分为无条件共享、有条件共享和不予共享。有条件共享和不予共享的，须在「共享依据」中引用至少一项法律、法规或规章依据；有条件共享的，须在「共享条件」中写明条件。',
  );
  para(
    `2. 第十九条：人口、法人单位、自然资源和空间地理、社会信用、电子证照五类基础数据资源应当无条件共享；资源属性为「基础」的，须在「基础资源类别」中选择所属类别。主题资源（${TOPICS.join('、')}等）请在「项」中填写主题名称。`,
  );
  para(
    '3. 第二十四条：开放类型分为无条件开放、依申请开放和不予开放。依申请开放的，须在「开放条件」中写明条件。含敏感级别 3 级及以上信息项的资源不能无条件开放。',
  );
  para('4. 第二十七条：依申请开放和不予开放的，须在「开放依据」中引用至少一项依据，该依据向社会公开。');
  para(
    `5. 电子表格、数据库、自描述格式、服务接口等结构化资源须在「${SHEETS.items}」中列出信息项；同一资源内字段名不得重复。`,
  );
  para(`6. 第二十八条：${PRIORITY_DOMAINS.join('、')}为重点开放领域，填写「领域」时请优先使用这些名称。`);

  section('四、导入说明');
  para(
    '1. 导入时先检查全部行，只要有一处错误，就不导入任何目录，并列出每处错误所在的工作表、行号和列；请修改后重新导入。',
  );
  para(
    '2. 导入的目录均为本部门的草稿，须在平台上逐条提交审核。上述编目规则未满足的不影响导入，但会给出提示。',
  );
  para(
    `3. 法律依据须已收录在平台法律依据库中，格式为《法律法规名称》条款，例如：《中华人民共和国统计法》第三十九条；多项用「；」分隔。库中没有的依据请联系市大数据主管部门录入。`,
  );
  para('4. 领域、关键字、关联资源代码可填写多个，用「；」分隔。');
  para(
    `5. 文件不超过 ${XLSX_LIMITS.bodyBytes / 1024 / 1024} MB；「${SHEETS.entries}」不超过 ${XLSX_LIMITS.entryRows} 行，「${SHEETS.items}」不超过 ${XLSX_LIMITS.itemRows} 行，每项资源不超过 500 个信息项。`,
  );
  para('6. 从平台导出的目录文件与本模板格式相同，可修改后直接导入为本部门的草稿。');

  const usable = library.filter((b) => b.active);
  section(`五、法律依据库中可引用的依据（共 ${usable.length} 项，可复制到「共享依据」「开放依据」）`);
  for (const b of usable) ws.addRow(['', citation(b)]);
}

function listSheet(wb: ExcelJS.Workbook) {
  const ws = wb.addWorksheet(SHEETS.lists, { state: 'hidden' });
  LIST_KEYS.forEach((key, i) => {
    const col = ws.getColumn(i + 1);
    col.values = [LISTS[key].title, ...LISTS[key].values];
    col.width = 20;
  });
}

interface BasisRef {
  id: string;
  title: string;
  article: string;
  active: boolean;
}

/**
 * How a basis is cited in a cell: 《title》article. The library holds titles with and without their
 * book-title marks, some with a document number after them (《…办法》（…令第4号）), so a title that
 * starts with 《 is taken as written.
 */
const citedTitle = (title: string) => {
  const t = title.trim();
  return t.startsWith('《') ? t : `《${t}》`;
};
const citation = (b: Pick<BasisRef, 'title' | 'article'>) => `${citedTitle(b.title)}${b.article.trim()}`;

const basisText = (ids: string[], library: Map<string, BasisRef>) =>
  ids
    .map((id) => library.get(id))
    .filter((b): b is BasisRef => b !== undefined)
    .map(citation)
    .join('；');

/** A workbook in the template layout holding the given entries (none for the template). */
export async function buildWorkbook(
  entries: EntryMetadata[],
  library: BasisRef[],
  notice: string | null = null,
): Promise<Buffer> {
  const bases = new Map(library.map((b) => [b.id, b]));
  const wb = new (await loadExcel()).Workbook();
  wb.creator = '汇通 Huitong';
  wb.created = new Date();
  const entryRows = entries.map((m): Record<EntryKey, string | null> => ({
    name: m.name,
    abstract: m.abstract,
    classification: CLASSIFICATION_LABELS[m.classification],
    baseKind: m.baseKind ? BASE_KIND_LABELS[m.baseKind] : null,
    l1: m.category.l1,
    l2: m.category.l2,
    l3: m.category.l3,
    l4: m.category.l4,
    format: FORMAT_LABELS[m.format],
    shareType: SHARE_TYPE_LABELS[m.shareType],
    shareCondition: m.shareCondition,
    shareMethod: SHARE_METHOD_LABELS[m.shareMethod],
    shareBases: basisText(m.shareBasisIds, bases),
    openType: OPEN_TYPE_LABELS[m.openType],
    openCondition: m.openCondition,
    openBases: basisText(m.openBasisIds, bases),
    updateCycle: UPDATE_CYCLE_LABELS[m.updateCycle],
    domains: m.domains.join('；'),
    keywords: m.keywords.join('；'),
    spatialExtent: m.spatialExtent,
    licence: m.licence,
    contactName: m.contactName,
    contactPhone: m.contactPhone,
    contactEmail: m.contactEmail,
    relatedCodes: (m.relatedCodes ?? []).join('；'),
  }));
  const itemRows = entries.flatMap((m) =>
    (m.dataItems ?? []).map((d): Record<ItemKey, string | number | null> => ({
      entry: m.name,
      name: d.name,
      label: d.label,
      dataType: DATA_TYPE_LABELS[d.dataType],
      length: d.length,
      required: d.required ? YES : NO,
      sensitivity: d.sensitivity,
      description: d.description,
    })),
  );
  dataSheet(wb, SHEETS.entries, ENTRY_COLUMNS, entryRows, 1000);
  dataSheet(wb, SHEETS.items, ITEM_COLUMNS, itemRows, 5000);
  guideSheet(wb, notice, library);
  listSheet(wb);
  wb.views = [
    { x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 0, visibility: 'visible' },
  ];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------- reading ----------

interface SheetColumns<K extends string> {
  /** Column number of each known key present in the header. */
  at: Map<K, number>;
  errors: XlsxIssue[];
  warnings: XlsxIssue[];
}

const cleanHeader = (v: CellValue) => {
  const t = cellText(v);
  return typeof t === 'string' ? fold(t).replace(/^\*+|\*+$/g, '') : '';
};

function readHeader<K extends string>(ws: Worksheet, columns: readonly ColumnDef<K>[]): SheetColumns<K> {
  const at = new Map<K, number>();
  const errors: XlsxIssue[] = [];
  const warnings: XlsxIssue[] = [];
  const byHeader = new Map(columns.map((c) => [fold(c.header), c]));
  ws.getRow(1).eachCell((cell, col) => {
    const text = cleanHeader(cell.value);
    if (!text) return;
    const def = byHeader.get(text);
    const letter = columnLetter(col);
    if (!def) {
      warnings.push({
        sheet: ws.name,
        row: 1,
        column: letter,
        header: text,
        message: { zh: '不是模板中的列，已忽略', en: 'is not a column of the template and is ignored' },
      });
      return;
    }
    if (at.has(def.key)) {
      errors.push({
        sheet: ws.name,
        row: 1,
        column: letter,
        header: def.header,
        message: { zh: `「${def.header}」列重复`, en: `the column “${def.header}” appears twice` },
      });
      return;
    }
    at.set(def.key, col);
  });
  for (const c of columns) {
    if (c.required && !at.has(c.key)) {
      errors.push({
        sheet: ws.name,
        row: 1,
        column: null,
        header: c.header,
        message: {
          zh: `缺少必填列「${c.header}」，请使用平台提供的模板`,
          en: `the required column “${c.header}” is missing; use the platform's template`,
        },
      });
    }
  }
  return { at, errors, warnings };
}

/** Reads the cells of one row of a sheet, recording problems with their Excel coordinates. */
class RowReader<K extends string> {
  constructor(
    private readonly ws: Worksheet,
    private readonly row: Row,
    private readonly columns: readonly ColumnDef<K>[],
    private readonly head: SheetColumns<K>,
    private readonly errors: XlsxIssue[],
  ) {}

  get number(): number {
    return this.row.number;
  }

  where(key: K | null) {
    const col = key === null ? undefined : this.head.at.get(key);
    const def = key === null ? undefined : this.columns.find((c) => c.key === key);
    return {
      sheet: this.ws.name,
      row: this.row.number,
      column: col === undefined ? null : columnLetter(col),
      header: def?.header ?? null,
    };
  }

  fail(key: K | null, zh: string, en: string): void {
    this.errors.push({ ...this.where(key), message: { zh, en } });
  }

  /** Trimmed text of the cell, '' when empty or when the column is absent. */
  text(key: K): string {
    const col = this.head.at.get(key);
    if (col === undefined) return '';
    const t = cellText(this.row.getCell(col).value);
    if (typeof t !== 'string') {
      this.fail(key, `单元格是错误值 ${t.error}`, `the cell holds the error value ${t.error}`);
      return '';
    }
    return t.replace(/\r\n?/g, '\n').trim();
  }

  /** The raw value (for numbers and booleans). */
  raw(key: K): CellValue {
    const col = this.head.at.get(key);
    return col === undefined ? null : this.row.getCell(col).value;
  }

  isBlank(): boolean {
    return [...this.head.at.keys()].every((k) => {
      const col = this.head.at.get(k);
      if (col === undefined) return true;
      const t = cellText(this.row.getCell(col).value);
      return typeof t === 'string' && t.trim() === '';
    });
  }

  def(key: K): ColumnDef<K> {
    const d = this.columns.find((c) => c.key === key);
    if (!d) throw new Error(`unknown column ${key}`);
    return d;
  }

  /** Text, required or optional, at most `max` characters; null when empty. */
  string(key: K): string | null {
    const d = this.def(key);
    const t = this.text(key);
    if (!t) {
      if (d.required) this.fail(key, '为必填项', 'is required');
      return null;
    }
    if (d.max && [...t].length > d.max) {
      this.fail(
        key,
        `不能超过 ${d.max} 个字符（现有 ${[...t].length} 个）`,
        `must be at most ${d.max} characters (has ${[...t].length})`,
      );
    }
    return t;
  }

  choice<C extends string>(key: K, read: (t: string) => C | undefined): C | null {
    const d = this.def(key);
    const t = this.text(key);
    if (!t) {
      if (d.required) this.fail(key, '为必填项', 'is required');
      return null;
    }
    const c = read(t);
    if (c === undefined) {
      const allowed = d.list ? listText(d.list) : '';
      this.fail(key, `「${t}」不是可选值，应为：${allowed}`, `“${t}” is not allowed; use one of: ${allowed}`);
      return null;
    }
    return c;
  }

  /** Several values in one cell; each at most the column's `max` characters, at most `count` values. */
  list(key: K, count: number, separators = LIST_SEPARATORS): string[] {
    const d = this.def(key);
    const values = [...new Set(splitList(this.text(key), separators))];
    if (values.length > count)
      this.fail(
        key,
        `最多填写 ${count} 项（现有 ${values.length} 项）`,
        `at most ${count} values (has ${values.length})`,
      );
    const long = d.max ? values.find((v) => [...v].length > (d.max ?? 0)) : undefined;
    if (long && d.max)
      this.fail(key, `「${long}」超过 ${d.max} 个字符`, `“${long}” is longer than ${d.max} characters`);
    return values;
  }
}

interface ParsedEntry {
  row: number;
  metadata: EntryMetadata;
}

export interface ParseResult {
  entries: ParsedEntry[];
  errors: XlsxIssue[];
  warnings: XlsxIssue[];
}

let metadataValidator: ValidateFunction | undefined;
/** The schema check of POST /catalog/entries (its input rules too), as a last guard after the cell-by-cell checks. */
function validateMetadata(m: EntryMetadata) {
  metadataValidator ??= inputValidator(MetadataSchema);
  return metadataValidator(m) ? [] : reportedErrors(metadataValidator.errors ?? []);
}

/** Which column of 「目录」 holds a metadata field (as named by the schema and the submission rules). */
function entryColumnOf(field: string): EntryKey | null {
  const [first, second] = field.split(/[./]/).filter(Boolean);
  if (first === 'category')
    return second === 'l1' || second === 'l2' || second === 'l3' || second === 'l4' ? second : 'l1';
  if (first === 'shareBasisIds') return 'shareBases';
  if (first === 'openBasisIds') return 'openBases';
  return ENTRY_COLUMNS.find((c) => c.key === first)?.key ?? null;
}

interface Citation {
  /** Folded citation text (see `fold`). */
  key: string;
  basis: BasisRef;
  /** The title alone, standing for its only active article. */
  titleOnly: boolean;
}

/** Every way the library can be cited, longest first (so that the longest citation wins). */
function basisLibrary(library: BasisRef[]): Citation[] {
  const citations: Citation[] = library.map((b) => ({ key: fold(citation(b)), basis: b, titleOnly: false }));
  const byTitle = new Map<string, BasisRef[]>();
  for (const b of library.filter((x) => x.active)) {
    const t = fold(citedTitle(b.title));
    byTitle.set(t, [...(byTitle.get(t) ?? []), b]);
  }
  for (const [key, list] of byTitle) {
    const [only] = list;
    if (list.length === 1 && only) citations.push({ key, basis: only, titleOnly: true });
  }
  return citations.sort((a, b) => b.key.length - a.key.length);
}

/**
 * Reads the legal bases of a cell by matching the library's citations one after another, with
 * 「；」 (or line breaks) between them. Matching whole citations, not splitting at every 「；」, keeps
 * articles that contain one (第二十五条（2009年修订文本；…）).
 */
function readBases(r: RowReader<EntryKey>, key: 'shareBases' | 'openBases', lib: Citation[]): string[] {
  const ids: string[] = [];
  // fold() turns 「；」 into 「;」 and drops white space and line breaks.
  const text = fold(r.text(key));
  const at = (i: number) =>
    lib.find(
      (c) =>
        text.startsWith(c.key, i) &&
        (!c.titleOnly || i + c.key.length === text.length || text[i + c.key.length] === ';'),
    );
  let i = 0;
  while (i < text.length) {
    if (text[i] === ';') {
      i++;
      continue;
    }
    const hit = at(i);
    if (hit) {
      i += hit.key.length;
      if (!hit.basis.active) {
        r.fail(
          key,
          `${citation(hit.basis)}已停用，不能引用`,
          `${citation(hit.basis)} has been withdrawn from the library`,
        );
      } else if (!ids.includes(hit.basis.id)) ids.push(hit.basis.id);
      continue;
    }
    // Not in the library: report up to where the next citation starts.
    let end = i + 1;
    while (end < text.length && !(text[end] === '《' && (text[end - 1] === ';' || at(end)))) end++;
    const part = text.slice(i, end).replace(/;+$/, '');
    if (!part.startsWith('《')) {
      r.fail(
        key,
        `「${part}」格式不正确，应为《法律法规名称》条款，如《中华人民共和国统计法》第三十九条，多项用「；」分隔`,
        `“${part}” should read 《title》article, e.g. 《中华人民共和国统计法》第三十九条; separate several with 「；」`,
      );
    } else {
      r.fail(
        key,
        `法律依据库中没有「${part}」，请核对名称和条款（可复制「${SHEETS.guide}」中列出的依据），或请市大数据主管部门先录入`,
        `“${part}” is not in the legal-basis library; check title and article (the sheet ${SHEETS.guide} lists them), or ask the city authority to add it`,
      );
    }
    i = end;
  }
  if (ids.length > 20) r.fail(key, '最多引用 20 项依据', 'at most 20 legal bases');
  return ids;
}

function readInteger(r: RowReader<ItemKey>, key: 'length' | 'sensitivity', min: number, max: number) {
  const raw = r.raw(key);
  const text = r.text(key).replace(/级$/, '');
  if (!text) {
    if (r.def(key).required) r.fail(key, '为必填项', 'is required');
    return null;
  }
  const n = typeof raw === 'number' ? raw : /^[+]?\d+(\.0+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    r.fail(key, `应为 ${min} 至 ${max} 的整数`, `must be a whole number from ${min} to ${max}`);
    return null;
  }
  return n;
}

function readYesNo(r: RowReader<ItemKey>, key: 'required'): boolean | null {
  const raw = r.raw(key);
  if (typeof raw === 'boolean') return raw;
  const t = fold(r.text(key));
  if (!t) {
    r.fail(key, '为必填项', 'is required');
    return null;
  }
  if (['是', 'y', 'yes', 'true', '1', '必填'].includes(t)) return true;
  if (['否', 'n', 'no', 'false', '0', '非必填'].includes(t)) return false;
  r.fail(key, `应为「${YES}」或「${NO}」`, `must be “${YES}” (yes) or “${NO}” (no)`);
  return null;
}

function eachDataRow(ws: Worksheet, fn: (row: Row) => void) {
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    if (n > 1) fn(row);
  });
}

/**
 * Reads and checks every row of the workbook against the library of legal bases. Returns the
 * entries (only meaningful when there are no errors), the errors and the warnings (the submission
 * rules, which drafts need not meet yet).
 */
export function parseWorkbook(wb: ExcelJS.Workbook, library: BasisRef[]): ParseResult {
  const errors: XlsxIssue[] = [];
  const warnings: XlsxIssue[] = [];
  const entriesWs = wb.getWorksheet(SHEETS.entries);
  if (!entriesWs) {
    const issue: XlsxIssue = {
      sheet: SHEETS.entries,
      row: null,
      column: null,
      header: null,
      message: {
        zh: `工作簿中没有「${SHEETS.entries}」工作表，请使用平台提供的模板`,
        en: `the workbook has no sheet “${SHEETS.entries}”; use the platform's template`,
      },
    };
    return { entries: [], errors: [issue], warnings };
  }
  const itemsWs = wb.getWorksheet(SHEETS.items);
  const lib = basisLibrary(library);

  const entryHead = readHeader(entriesWs, ENTRY_COLUMNS);
  const itemHead = itemsWs ? readHeader(itemsWs, ITEM_COLUMNS) : undefined;
  errors.push(...entryHead.errors, ...(itemHead?.errors ?? []));
  warnings.push(...entryHead.warnings, ...(itemHead?.warnings ?? []));
  if (errors.length > 0) return { entries: [], errors, warnings };

  // ----- 目录 -----
  const parsed: (ParsedEntry & { reader: RowReader<EntryKey>; itemRows: number[] })[] = [];
  const byName = new Map<string, (typeof parsed)[number]>();
  let rows = 0;
  let tooMany = false;
  eachDataRow(entriesWs, (row) => {
    const r = new RowReader(entriesWs, row, ENTRY_COLUMNS, entryHead, errors);
    if (tooMany || r.isBlank()) return;
    if (++rows > XLSX_LIMITS.entryRows) {
      tooMany = true;
      r.fail(
        null,
        `「${SHEETS.entries}」超过 ${XLSX_LIMITS.entryRows} 行，请分批导入`,
        `more than ${XLSX_LIMITS.entryRows} rows; import them in parts`,
      );
      return;
    }
    const name = r.string('name');
    const classification = r.choice('classification', readClassification);
    const baseKind = r.choice('baseKind', readBaseKind);
    const m: EntryMetadata = {
      name: name ?? '',
      abstract: r.string('abstract') ?? '',
      classification: classification ?? 'department',
      baseKind: classification === 'base' ? baseKind : null,
      category: { l1: r.string('l1') ?? '', l2: r.string('l2'), l3: r.string('l3'), l4: r.string('l4') },
      format: r.choice('format', readFormat) ?? 'file',
      dataItems: [],
      shareType: r.choice('shareType', readShareType) ?? 'unconditional',
      shareCondition: r.string('shareCondition'),
      shareMethod: r.choice('shareMethod', readShareMethod) ?? 'other',
      openType: r.choice('openType', readOpenType) ?? 'open',
      openCondition: r.string('openCondition'),
      updateCycle: r.choice('updateCycle', readUpdateCycle) ?? 'yearly',
      relatedCodes: r.list('relatedCodes', 50, /[；;、，,\s]+/),
      domains: r.list('domains', 20),
      keywords: r.list('keywords', 30),
      spatialExtent: r.string('spatialExtent'),
      licence: r.string('licence'),
      contactName: r.string('contactName'),
      contactPhone: r.string('contactPhone'),
      contactEmail: r.string('contactEmail'),
      shareBasisIds: readBases(r, 'shareBases', lib),
      openBasisIds: readBases(r, 'openBases', lib),
    };
    if (baseKind && classification && classification !== 'base') {
      warnings.push({
        ...r.where('baseKind'),
        message: {
          zh: '只有资源属性为「基础」的资源填写基础资源类别，已忽略',
          en: 'only base resources have a base kind; ignored',
        },
      });
    }
    const entry = { row: row.number, metadata: m, reader: r, itemRows: [] };
    if (name) {
      const other = byName.get(fold(name));
      if (other) {
        r.fail(
          'name',
          `与第 ${other.row} 行的资源名称重复（文件内资源名称须唯一，信息项按资源名称归入资源）`,
          `the same name as row ${other.row} (names must be unique in the file: data items are linked by name)`,
        );
      } else byName.set(fold(name), entry);
    }
    parsed.push(entry);
  });
  if (rows === 0) {
    throw new XlsxFileError(
      'xlsx_empty',
      `「${SHEETS.entries}」工作表中没有填写目录`,
      `The sheet “${SHEETS.entries}” holds no entries`,
    );
  }

  // ----- 信息项 -----
  if (itemsWs && itemHead) {
    let itemCount = 0;
    let tooManyItems = false;
    eachDataRow(itemsWs, (row) => {
      const r = new RowReader(itemsWs, row, ITEM_COLUMNS, itemHead, errors);
      if (tooManyItems || r.isBlank()) return;
      if (++itemCount > XLSX_LIMITS.itemRows) {
        tooManyItems = true;
        r.fail(
          null,
          `「${SHEETS.items}」超过 ${XLSX_LIMITS.itemRows} 行，请分批导入`,
          `more than ${XLSX_LIMITS.itemRows} rows; import them in parts`,
        );
        return;
      }
      const entryName = r.text('entry');
      const owner = entryName ? byName.get(fold(entryName)) : undefined;
      if (!entryName) r.fail('entry', '为必填项', 'is required');
      else if (!owner)
        r.fail(
          'entry',
          `「${SHEETS.entries}」中没有名为「${entryName}」的资源`,
          `no entry named “${entryName}” in the sheet “${SHEETS.entries}”`,
        );
      const name = r.string('name');
      if (name && !/^[a-z][a-z0-9_]*$/.test(name)) {
        r.fail(
          'name',
          `「${name}」不是 snake_case 字段名：须以小写字母开头，只含小写字母、数字和下划线，如 id_number`,
          `“${name}” is not a snake_case name: a lower-case letter, then lower-case letters, digits and underscores`,
        );
      }
      const item: DataItem = {
        name: name ?? '',
        label: r.string('label') ?? '',
        dataType: r.choice('dataType', readDataType) ?? 'string',
        length: readInteger(r, 'length', 1, 100000),
        required: readYesNo(r, 'required') ?? false,
        sensitivity: (readInteger(r, 'sensitivity', 1, 4) ?? 1) as DataItem['sensitivity'],
        description: r.string('description'),
      };
      if (!owner) return;
      if (owner.metadata.dataItems.length >= 500) {
        r.fail(null, '每项资源最多 500 个信息项', 'an entry has at most 500 data items');
        return;
      }
      owner.metadata.dataItems.push(item);
      owner.itemRows.push(row.number);
    });
  }

  // ----- the schema as the API checks it, and the submission rules as warnings -----
  const itemWhere = (e: (typeof parsed)[number], path: string[]): Omit<XlsxIssue, 'message'> | null => {
    const [, index, field] = path;
    const itemRow = index === undefined ? undefined : e.itemRows[Number(index)];
    if (itemRow === undefined || !itemsWs || !itemHead) return null;
    const key = ITEM_COLUMNS.find((c) => c.key === field)?.key;
    const col = key === undefined ? undefined : itemHead.at.get(key);
    return {
      sheet: itemsWs.name,
      row: itemRow,
      column: col === undefined ? null : columnLetter(col),
      header: key === undefined ? null : (ITEM_COLUMNS.find((c) => c.key === key)?.header ?? null),
    };
  };
  const placeOf = (e: (typeof parsed)[number], field: string): Omit<XlsxIssue, 'message'> => {
    const path = field.split(/[./]/).filter(Boolean);
    if (path[0] === 'dataItems') return itemWhere(e, path) ?? e.reader.where(null);
    return e.reader.where(entryColumnOf(field));
  };
  const flagged = new Set(errors.map((x) => `${x.sheet}|${x.row}|${x.column}`));
  const badRows = new Set(errors.filter((x) => x.sheet === entriesWs.name).map((x) => x.row));
  for (const e of parsed) {
    for (const err of validateMetadata(e.metadata)) {
      const place = placeOf(e, err.instancePath);
      const key = `${place.sheet}|${place.row}|${place.column}`;
      if (flagged.has(key)) continue;
      flagged.add(key);
      errors.push({ ...place, message: schemaErrorMessage(err) });
    }
    // Rules are only meaningful on rows that could be read.
    if (badRows.has(e.row)) continue;
    for (const p of submissionProblems(e.metadata)) {
      warnings.push({
        ...placeOf(e, p.field),
        message: { zh: `提交审核前须补正：${p.message.zh}`, en: `to fix before submission: ${p.message.en}` },
      });
    }
  }
  const order = (x: XlsxIssue) => `${x.sheet === SHEETS.entries ? 0 : 1}`;
  const byPlace = (a: XlsxIssue, b: XlsxIssue) =>
    order(a).localeCompare(order(b)) ||
    (a.row ?? 0) - (b.row ?? 0) ||
    (a.column ?? '').length - (b.column ?? '').length ||
    (a.column ?? '').localeCompare(b.column ?? '');
  return {
    entries: parsed.map(({ row, metadata }) => ({ row, metadata })),
    errors: errors.sort(byPlace),
    warnings: warnings.sort(byPlace),
  };
}

// ---------- services ----------

type Cataloguer = Extract<Principal, { kind: 'staff' | 'credential' }>;

function cataloguerOf(actor: Actor): Cataloguer {
  const p = actor.principal;
  if (!p || p.kind === 'public') throw new ForbiddenError();
  assertMayCreateEntries(p);
  return p;
}

/** The empty import template. */
export async function templateXlsx(db: Db): Promise<Buffer> {
  return buildWorkbook([], await repo.listLegalBases(db, true));
}

export interface ImportResult {
  items: { id: string; name: string; row: number }[];
  warnings: XlsxIssue[];
}

/**
 * Imports a workbook as drafts of the caller's organisation: every row is checked first; with any
 * error nothing is written (XlsxInvalidError); otherwise all entries are created in one transaction.
 */
export async function importXlsx(db: Db, actor: Actor, bytes: Buffer): Promise<ImportResult> {
  const p = cataloguerOf(actor);
  const workbook = await openXlsx(bytes);
  const createdBy = p.kind === 'staff' ? p.accountId : null;
  return db.transaction().execute(async (trx) => {
    // Read the library inside the transaction and keep it: a basis withdrawn meanwhile cannot slip in.
    await repo.shareLockLegalBases(trx);
    const library = await repo.listLegalBases(trx, true);
    const { entries, errors, warnings } = parseWorkbook(workbook, library);
    if (errors.length > 0) throw new XlsxInvalidError(errors, warnings);
    const items: ImportResult['items'] = [];
    for (const { row, metadata: m } of entries) {
      const { id } = await repo.insertEntry(trx, { org_id: p.org.id, created_by: createdBy });
      const version = await repo.insertVersion(trx, {
        entry_id: id,
        version_no: 1,
        state: 'draft',
        metadata: m,
        created_by: createdBy,
      });
      await repo.replaceItems(
        trx,
        version.id,
        m.dataItems.map((d) => ({ name: d.name, label: d.label, concept: conceptOf(d) })),
      );
      await repo.replaceBases(trx, version.id, m.shareBasisIds, m.openBasisIds);
      await repo.updateEntry(trx, id, { working_version_id: version.id });
      items.push({ id, name: m.name, row });
    }
    // Audited last: appending takes the audit chain's lock until commit, which every audited
    // change of the platform waits for, so it is held for the shortest time.
    for (const { id, name, row } of items) {
      await appendAudit(trx, actor, {
        action: 'catalog.create',
        targetType: 'catalog_entry',
        targetId: id,
        detail: { name, source: 'xlsx', row },
      });
    }
    return { items, warnings: warnings.slice(0, XLSX_LIMITS.reportedIssues) };
  });
}

export type ExportFilter = Omit<repo.CatalogFilter, 'tsQuery' | 'openCatalogOnly'> & {
  q?: string | undefined;
};

export interface ExportResult {
  buffer: Buffer;
  total: number;
  exported: number;
}

/** The published entries matching the filter (at most EXPORT_CAP), in the template layout. */
export async function exportXlsx(db: Db, filter: ExportFilter): Promise<ExportResult> {
  const { q, ...rest } = filter;
  const tsQuery = q?.trim() ? toTsQuery(q) : null;
  const { rows, total } =
    q?.trim() && !tsQuery
      ? { rows: [], total: 0 }
      : await repo.searchPublished(db, { ...rest, tsQuery }, 0, EXPORT_CAP);
  const sorted = [...rows].sort(
    (a, b) => a.org_name.localeCompare(b.org_name, 'zh') || (a.code ?? '').localeCompare(b.code ?? ''),
  );
  const notice =
    total > rows.length
      ? `注意：符合条件的目录共 ${total} 条，本文件只包含前 ${rows.length} 条，请缩小筛选范围分批导出。`
      : null;
  const buffer = await buildWorkbook(
    sorted.map((r) => r.metadata as EntryMetadata),
    await repo.listLegalBases(db, true),
    notice,
  );
  return { buffer, total, exported: rows.length };
}

/** Today's date in Beijing time, as YYYYMMDD. */
export function beijingDate(now = new Date()): string {
  return beijingDay(now).replaceAll('-', '');
}
