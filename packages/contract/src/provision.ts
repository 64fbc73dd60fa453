/**
 * Resource data: settings, versions, reading and comparing data, uploads (one-shot and resumable),
 * file resources, pushes and push sessions, exports, connectors.
 */
import { Type, type Static } from 'typebox';
import {
  Delimiter,
  FileName,
  LocalisedMessage,
  Nullable,
  Problem,
  Prose,
  StringEnum,
  Uuid,
} from './common.ts';
import {
  DATA_ACTIONS,
  CONNECTOR_KINDS,
  CONNECTOR_RUN_STATES,
  CONNECTOR_RUN_TRIGGERS,
  CONNECTOR_SCHEDULES,
  CSV_VARIANTS,
  DATA_VERSION_STATES,
  ERROR_POLICIES,
  EXPORT_ENCODINGS,
  EXPORT_FORMATS,
  HEADER_KINDS,
  HTTP_FORMATS,
  NOTICE_CODES,
  SOURCE_ENCODINGS,
  SOURCE_FORMATS,
} from './values.ts';

export const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const VersionParams = Type.Object({ id: Uuid, versionId: Uuid }, { additionalProperties: false });

/** The most files a files version holds. */
export const MAX_FILES_PER_VERSION = 100;

// ---------- the validation report and the outcome of an ingest ----------

/** One value that broke a rule: row as the file numbers it, column as the file names it. */
export const ValidationProblem = Type.Object({
  row: Type.Integer(),
  column: Type.String(),
  field: Type.String(),
  value: Nullable(Type.String()),
  rule: Type.String(),
  message: LocalisedMessage,
});
export type ValidationProblem = Static<typeof ValidationProblem>;

/** Something the providing department should check, though no rule was broken. */
export const ValidationNotice = Type.Object({
  code: StringEnum(NOTICE_CODES),
  field: Type.String(),
  column: Type.String(),
  count: Type.Integer(),
  firstRow: Type.Integer(),
  firstValue: Type.String(),
  message: LocalisedMessage,
});
export type ValidationNotice = Static<typeof ValidationNotice>;

export const FieldQuality = Type.Object({
  field: Type.String(),
  column: Type.String(),
  dataType: Type.String(),
  required: Type.Boolean(),
  filled: Type.Integer(),
  valid: Type.Integer(),
  problems: Type.Integer(),
  completeness: Nullable(Type.Number()),
  validShare: Nullable(Type.Number()),
});
/** Per data item: how filled and how valid. Shares are 0–1, null when there is nothing to divide. */
export type FieldQuality = Static<typeof FieldQuality>;

const validationReportObject = (description: string) =>
  Type.Object(
    {
      totalRows: Type.Integer(),
      validRows: Type.Integer(),
      invalidRows: Type.Integer(),
      problemCount: Type.Integer(),
      problemsTruncated: Type.Boolean(),
      problemsByRule: Type.Record(Type.String(), Type.Integer()),
      fields: Type.Array(FieldQuality),
      problems: Type.Array(ValidationProblem),
      notices: Type.Optional(
        Type.Array(ValidationNotice, {
          description:
            'Not errors (the rows are accepted), one per field: formula_like — values of a text item beginning with = + - or @, which a spreadsheet may run as formulas',
        }),
      ),
    },
    { description },
  );

/** The validation report (null before there is one), with what it reports in `description`. */
export const validationReport = (description: string) => Nullable(validationReportObject(description));
export type ValidationReport = Static<ReturnType<typeof validationReportObject>>;

export const IngestOutcome = Type.Object(
  {
    versionId: Uuid,
    versionNo: Type.Integer(),
    state: StringEnum(['ready', 'failed', 'cancelled', 'unchanged', 'retired'] as const, {
      description:
        'ready: a new current version; unchanged: the rows were exactly the current version’s (in any order), so no version was made and the current one counts as confirmed now (see sameAs); failed / cancelled: nothing changed; retired (an old version read back): retention has removed its rows, its record is kept',
    }),
    sameAs: Type.Optional(
      Type.Object(
        { versionId: Uuid, versionNo: Type.Integer() },
        { description: 'unchanged: the current version the rows matched' },
      ),
    ),
    rowCount: Type.Integer({ description: 'Rows in the version' }),
    excludedRowCount: Type.Integer({
      description: 'Invalid rows (left out, or the reason the version failed)',
    }),
    replayed: Type.Optional(
      Type.Boolean({ description: 'The same idempotency key was used before: nothing new was created' }),
    ),
    report: validationReport(
      'Validation report: the first 1,000 problems listed, all counted; per-field completeness and valid share',
    ),
  },
  { $id: 'IngestOutcome' },
);
/** What became of data sent: a version published (ready) or refused (failed) with its report. */
export type IngestOutcome = Static<typeof IngestOutcome>;

/** The options of a file sent as the body (an upload, or the whole file of a push session). */
export const FileUploadQuery = Type.Object(
  {
    format: StringEnum(SOURCE_FORMATS),
    encoding: Type.Optional(StringEnum(SOURCE_ENCODINGS)),
    delimiter: Type.Optional(Delimiter),
    sheet: Type.Optional(Type.String({ maxLength: 100 })),
    fileName: Type.Optional(FileName),
    mapping: Type.Optional(
      Type.String({ maxLength: 10_000, description: 'JSON object: file column → data item name' }),
    ),
  },
  { additionalProperties: false },
);
export type FileUploadQuery = Static<typeof FileUploadQuery>;

// ---------- settings and versions ----------

export const ErrorPolicySchema = StringEnum(ERROR_POLICIES, {
  description:
    'reject: a version with any invalid row is not published; exclude: invalid rows are left out and listed',
});

export const ProvisionSettings = Type.Object(
  {
    errorPolicy: ErrorPolicySchema,
    enumerations: Type.Record(Type.String(), Type.Array(Type.String())),
    keyFields: Type.Array(Type.String(), {
      description: 'Data items that identify a row (for comparing versions)',
    }),
    declaredRowCount: Nullable(Type.Integer()),
    declaredChecksum: Nullable(Type.String()),
    keepVersions: Nullable(
      Type.Integer({
        description:
          'Retention of this entry: versions kept besides the current one; null = the city’s default',
      }),
    ),
    keepDays: Nullable(
      Type.Integer({
        description:
          'Retention of this entry: every version younger than this many days is kept; null = the city’s default',
      }),
    ),
    retention: Type.Object(
      { keepVersions: Type.Integer(), keepDays: Type.Integer() },
      { description: 'The retention that applies: the entry’s own, else the city’s default' },
    ),
    actions: Type.Array(StringEnum(DATA_ACTIONS), {
      description:
        "What the caller may do with the entry's data (the policy module decides): provide (upload, push, settings), read (rows, comparisons), export (exports and file downloads)",
    }),
  },
  { $id: 'ProvisionSettings' },
);
export type ProvisionSettings = Static<typeof ProvisionSettings>;

export const ProvisionSettingsBody = Type.Object(
  {
    errorPolicy: Type.Optional(StringEnum(ERROR_POLICIES)),
    enumerations: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500 }),
      ),
    ),
    keyFields: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10, uniqueItems: true })),
    keepVersions: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1000 }))),
    keepDays: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 3650 }))),
  },
  { additionalProperties: false },
);
export type ProvisionSettingsBody = Static<typeof ProvisionSettingsBody>;

/**
 * The city's default retention of data versions: besides the current version, the last
 * `keepVersions` versions and every version younger than `keepDays` days are kept; older ones are
 * retired by a daily job (their rows removed, their record kept).
 */
export const RetentionSettings = Type.Object(
  {
    keepVersions: Type.Integer({ minimum: 1, maximum: 1000 }),
    keepDays: Type.Integer({ minimum: 0, maximum: 3650 }),
  },
  { additionalProperties: false },
);
export type RetentionSettings = Static<typeof RetentionSettings>;

export const DataVersion = Type.Object({
  id: Uuid,
  versionNo: Type.Integer(),
  state: StringEnum(DATA_VERSION_STATES),
  current: Type.Boolean(),
  kind: StringEnum(['table', 'files'] as const, {
    description: 'table: rows of data items; files: documents, images, audio, video (file resources)',
  }),
  source: Type.String(),
  format: Nullable(Type.String()),
  encoding: Nullable(Type.String()),
  fileName: Nullable(Type.String()),
  rowCount: Nullable(Type.Integer()),
  excludedRowCount: Nullable(Type.Integer()),
  byteCount: Nullable(Type.Integer()),
  sm3: Nullable(Type.String()),
  basedOn: Nullable(Uuid),
  retiredAt: Nullable(
    Type.String({ format: 'date-time', description: 'retired: when retention removed its rows' }),
  ),
  sameAsVersionNo: Nullable(
    Type.Integer({ description: 'unchanged: the version whose rows this run had (no version was made)' }),
  ),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
  error: Nullable(LocalisedMessage),
});
/** One version of an entry's data, as the version list shows it. */
export type DataVersion = Static<typeof DataVersion>;
export const DataVersionList = Type.Object({ items: Type.Array(DataVersion) });

export const RowsQuery = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    fields: Type.Optional(Type.String({ maxLength: 2000 })),
    sort: Type.Optional(Type.String({ maxLength: 100 })),
    filter: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 500 }),
        Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 }),
      ]),
    ),
    after: Type.Optional(
      Type.String({
        maxLength: 2000,
        description:
          'The nextPageToken of the previous page: the next page, as fast at any depth as the first (keyset paging), of the same version even if another has become current since; `page` is then ignored. The sort and filters must be the previous page’s.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RowsQuery = Static<typeof RowsQuery>;

export const DataRows = Type.Object({
  version: Type.Object({ id: Uuid, versionNo: Type.Integer() }),
  access: Type.Union([Type.Literal('full'), Type.Literal('masked')], {
    description: 'full: the department itself; masked: its supervising authority (sensitive items masked)',
  }),
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      label: Type.String(),
      dataType: Type.String(),
      masked: Type.Boolean({ description: 'The values of this item are masked for the caller' }),
    }),
  ),
  rows: Type.Array(
    Type.Object({
      row: Type.Integer(),
      values: Type.Record(Type.String(), Nullable(Type.String())),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  nextPageToken: Nullable(
    Type.String({ description: 'Pass as `after` for the next page; null on the last page' }),
  ),
});
/** A page of an entry's data. */
export type DataRows = Static<typeof DataRows>;

export const CompareQuery = Type.Object(
  { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const VersionComparison = Type.Object({
  from: Type.Object({ versionNo: Type.Integer(), rowCount: Type.Integer() }),
  to: Type.Object({ versionNo: Type.Integer(), rowCount: Type.Integer() }),
  keyFields: Type.Array(Type.String()),
  fields: Type.Object({
    added: Type.Array(Type.String()),
    removed: Type.Array(Type.String()),
    common: Type.Array(Type.String()),
  }),
  rows: Nullable(
    Type.Object({
      added: Type.Integer(),
      removed: Type.Integer(),
      changed: Type.Integer(),
      unchanged: Type.Integer(),
      examples: Type.Object({
        added: Type.Array(Type.String()),
        removed: Type.Array(Type.String()),
        changed: Type.Array(Type.String()),
      }),
    }),
  ),
});
/** Two versions compared: row counts, fields, rows added/removed/changed by key. */
export type VersionComparison = Static<typeof VersionComparison>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({ minLength: 1, maxLength: 200 }),
});

/** An upload may name an idempotency key: a retry with it answers the first outcome. */
export const OptionalIdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
});

export const PushRowsBody = Type.Object(
  { rows: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 10_000 }) },
  { additionalProperties: false },
);

// ---------- resumable uploads (tus) and file resources ----------

export const UploadParams = Type.Object({ uploadId: Uuid }, { additionalProperties: false });
export const EntryUploadParams = Type.Object({ id: Uuid, uploadId: Uuid }, { additionalProperties: false });

const readOptions = {
  format: Type.Optional(StringEnum(SOURCE_FORMATS)),
  encoding: Type.Optional(StringEnum(SOURCE_ENCODINGS)),
  delimiter: Type.Optional(Delimiter),
  sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
};
/** How to read an uploaded file (each detected when absent). */
export const ReadQuery = Type.Object(readOptions, { additionalProperties: false });
export type ReadQuery = Static<typeof ReadQuery>;

export const ColumnMatch = Type.Object({
  item: Type.String(),
  label: Type.String(),
  dataType: Type.String(),
  required: Type.Boolean(),
  header: Nullable(Type.String({ description: 'The header matched by name or Chinese label' })),
});
/** A data item and the file's column matched to it. */
export type ColumnMatch = Static<typeof ColumnMatch>;

export const UploadPreview = Type.Object({
  uploadId: Uuid,
  fileName: Type.String(),
  byteCount: Type.Integer(),
  format: StringEnum(SOURCE_FORMATS),
  encoding: Nullable(Type.String()),
  delimiter: Nullable(Type.String()),
  sheet: Nullable(Type.String()),
  sheets: Type.Array(Type.String(), { description: 'XLSX: the sheets of the workbook, in tab order' }),
  headers: Type.Array(Type.String()),
  rows: Type.Array(Type.Object({ record: Type.Integer(), values: Type.Array(Nullable(Type.String())) })),
  mapping: Type.Object({
    matches: Type.Array(ColumnMatch),
    unmatchedHeaders: Type.Array(Type.String()),
    missingRequired: Type.Array(Type.String()),
  }),
});
/** A completed upload's format, sheets, header, first rows and column mapping. */
export type UploadPreview = Static<typeof UploadPreview>;

export const IngestUploadBody = Type.Object(
  {
    ...readOptions,
    errorPolicy: Type.Optional(StringEnum(ERROR_POLICIES)),
    mapping: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 64 }), {
        description: 'File header → data item name, for headers that do not match by name or label',
      }),
    ),
  },
  { additionalProperties: false },
);
export type IngestUploadBody = Static<typeof IngestUploadBody>;

/** The lines of an ingest answered as NDJSON (`Accept: application/x-ndjson`). */
export type IngestProgressLine =
  | { type: 'progress'; rows: number; bytes: number; totalBytes: number }
  | { type: 'result'; status: number; outcome: IngestOutcome }
  | { type: 'error'; status: number; problem: Problem };

export const StoredFile = Type.Object({
  position: Type.Integer({ minimum: 1 }),
  fileName: Type.String(),
  mediaType: Type.String({ description: 'Recognised from the content, else from the extension' }),
  byteCount: Type.Integer(),
  sm3: Type.String({ description: 'SM3 digest, hex' }),
});
/** One file of a files version. */
export type StoredFile = Static<typeof StoredFile>;

export const CreateFilesVersionBody = Type.Object(
  {
    uploads: Type.Array(Uuid, { minItems: 1, maxItems: MAX_FILES_PER_VERSION, uniqueItems: true }),
    note: Type.Optional(Prose({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const CreatedFilesVersion = Type.Object({
  versionId: Uuid,
  versionNo: Type.Integer(),
  state: Type.Literal('ready'),
  files: Type.Array(StoredFile),
});
export const FilesOfVersion = Type.Object({
  versionId: Uuid,
  versionNo: Type.Integer(),
  files: Type.Array(StoredFile),
});
export type FilesOfVersion = Static<typeof FilesOfVersion>;
export const FileParams = Type.Object(
  {
    id: Uuid,
    versionId: Uuid,
    position: Type.Integer({ minimum: 1, maximum: MAX_FILES_PER_VERSION }),
  },
  { additionalProperties: false },
);

// ---------- exports ----------

export const ExportQuery = Type.Object(
  {
    format: StringEnum(EXPORT_FORMATS),
    encoding: Type.Optional(
      StringEnum(EXPORT_ENCODINGS, {
        description: 'CSV only: utf-8 (default, with BOM so that Excel reads Chinese), gbk or gb18030',
      }),
    ),
    version: Type.Optional(
      Type.String({
        pattern: '^([0-9]{1,9}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
        description: 'A ready version, by number or id; default the current version',
      }),
    ),
    fields: Type.Optional(
      Type.String({ maxLength: 2000, description: 'Data items by name, comma-separated; default all' }),
    ),
    header: Type.Optional(
      StringEnum(HEADER_KINDS, {
        description: 'CSV and XLSX header row: data item names (default) or their Chinese labels',
      }),
    ),
    variant: Type.Optional(
      StringEnum(CSV_VARIANTS, {
        description:
          "CSV only: spreadsheet (default: text values beginning with = + - @, a tab or a carriage return get a ' before them, and UTF-8 has a BOM) or machine (the data as stored, no BOM: in UTF-8 the header and exactly what PostgreSQL's COPY writes)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

// ---------- push sessions ----------

export const PushSessionBody = Type.Object(
  {
    errorPolicy: Type.Optional(
      StringEnum(ERROR_POLICIES, { description: 'This session only; the entry’s setting by default' }),
    ),
    mapping: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 64 }), {
        description: 'Field of the pushed rows (or file column) → data item name',
      }),
    ),
    note: Type.Optional(Prose({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const PUSH_SESSION_STATES = [
  'open',
  'busy',
  'committed',
  'unchanged',
  'failed',
  'cancelled',
  'expired',
] as const;
export type PushSessionState = (typeof PUSH_SESSION_STATES)[number];

export const PushSession = Type.Object({
  versionId: Uuid,
  versionNo: Type.Integer({ description: 'The version number, reserved when the session was opened' }),
  entryId: Uuid,
  state: StringEnum(PUSH_SESSION_STATES),
  errorPolicy: StringEnum(ERROR_POLICIES),
  mapping: Type.Record(Type.String(), Type.String()),
  note: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Nullable(
    Type.String({ format: 'date-time', description: 'While open: expiry unless a request comes' }),
  ),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  rowsReceived: Type.Integer(),
  rowsAppended: Type.Integer(),
  invalidRows: Type.Integer(),
  batches: Type.Integer(),
  committable: Type.Boolean({ description: 'Whether a commit now would publish the version' }),
  file: Nullable(
    Type.Object({
      fileName: Nullable(Type.String()),
      format: Nullable(Type.String()),
      encoding: Nullable(Type.String()),
      byteCount: Nullable(Type.Integer()),
      sm3: Nullable(Type.String()),
    }),
  ),
  error: Nullable(Type.Object({ code: Type.String(), message: LocalisedMessage })),
  report: validationReport(
    'The running validation report of all rows received: the first 1,000 problems listed, all counted; per-field completeness and valid share',
  ),
});
export type PushSession = Static<typeof PushSession>;

export const PushBatchHeaders = Type.Object({
  'batch-sequence': Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
});

export const PushBatchAnswer = Type.Object({
  session: PushSession,
  batch: Type.Object({
    sequence: Type.Integer(),
    firstRow: Type.Integer({ description: 'The batch’s first row, numbered over the whole session' }),
    rows: Type.Integer(),
    invalidRows: Type.Integer(),
    appended: Type.Integer(),
    replayed: Type.Boolean({ description: 'A retry of a batch already taken: nothing was appended' }),
    problemCount: Type.Integer(),
    problems: Type.Array(ValidationProblem),
  }),
});

export const PushFileAnswer = Type.Object({
  session: PushSession,
  replayed: Type.Boolean(),
  problems: Type.Array(ValidationProblem, { description: 'The file’s problems (the first 1,000)' }),
});

export const PushCommitBody = Type.Object(
  { expectedRows: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

/** The outcome of a commit (no `replayed`: a second commit is a conflict). */
export const PushCommitOutcome = Type.Omit(IngestOutcome, ['replayed']);

/** problem+json with what push-session conflicts name (the version, when it was committed, its state…). */
export const PushProblem = Type.Object(
  {
    ...Problem.properties,
    versionId: Type.Optional(Uuid),
    versionNo: Type.Optional(Type.Integer()),
    committedAt: Type.Optional(Type.String()),
    expiresAt: Type.Optional(Nullable(Type.String())),
    state: Type.Optional(Type.String()),
    sequence: Type.Optional(Type.Integer()),
    sm3: Type.Optional(Nullable(Type.String())),
    received: Type.Optional(Type.Integer()),
    expected: Type.Optional(Type.Integer()),
  },
  { description: 'problem+json; push-session conflicts also name the version and its state' },
);

// ---------- connectors ----------

export const ConnectorParams = Type.Object({ id: Uuid, connectorId: Uuid }, { additionalProperties: false });
export const AllowParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const Connector = Type.Object(
  {
    id: Uuid,
    entryId: Uuid,
    kind: StringEnum(CONNECTOR_KINDS),
    url: Nullable(Type.String()),
    format: Nullable(StringEnum(HTTP_FORMATS)),
    encoding: Nullable(StringEnum(SOURCE_ENCODINGS)),
    delimiter: Nullable(Type.String()),
    headerName: Nullable(Type.String()),
    host: Nullable(Type.String()),
    port: Nullable(Type.Integer()),
    database: Nullable(Type.String()),
    user: Nullable(Type.String()),
    query: Nullable(Type.String()),
    mapping: Type.Record(Type.String(), Type.String()),
    hasSecret: Type.Boolean({ description: 'A secret is stored (SM4-encrypted); it is never answered' }),
    secretUpdatedAt: Nullable(Type.String({ format: 'date-time' })),
    schedule: StringEnum(CONNECTOR_SCHEDULES),
    cron: Nullable(Type.String()),
    effectiveCron: Nullable(
      Type.String({ description: 'The cron expression followed (Beijing time); null: manual only' }),
    ),
    updateCycle: Nullable(Type.String()),
    enabled: Type.Boolean(),
    nextRunAt: Nullable(Type.String({ format: 'date-time' })),
    lastRunAt: Nullable(Type.String({ format: 'date-time' })),
    lastState: Nullable(StringEnum(CONNECTOR_RUN_STATES)),
    consecutiveFailures: Type.Integer(),
    failing: Type.Boolean({ description: 'Three or more failed runs in a row' }),
    failingSince: Nullable(Type.String({ format: 'date-time' })),
    lastError: Nullable(LocalisedMessage),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Connector' },
);
/** A pull connector of an entry (HTTP or a database). */
export type Connector = Static<typeof Connector>;
export const ConnectorList = Type.Object({ items: Type.Array(Connector) });

export const ConnectorBody = Type.Object(
  {
    kind: StringEnum(CONNECTOR_KINDS),
    enabled: Type.Boolean(),
    schedule: StringEnum(CONNECTOR_SCHEDULES, {
      description: "cycle: the entry's update cycle; cron: `cron` (Beijing time); manual: only “run now”",
    }),
    cron: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    format: Type.Optional(Nullable(StringEnum(HTTP_FORMATS))),
    encoding: Type.Optional(Nullable(StringEnum(SOURCE_ENCODINGS))),
    delimiter: Type.Optional(Nullable(Delimiter)),
    headerName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    host: Type.Optional(Nullable(Type.String({ maxLength: 253 }))),
    port: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 65535 }))),
    database: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    user: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    query: Type.Optional(Nullable(Prose({ maxLength: 20_000 }))),
    mapping: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 64 }), {
        description: 'Source column → data item name',
      }),
    ),
    secret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4000,
        description:
          'Password (databases) or header value (HTTP); write-only, stored SM4-encrypted. Absent keeps the stored one',
      }),
    ),
    clearSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
/** A connector as created or replaced. */
export type ConnectorBody = Static<typeof ConnectorBody>;

export const ConnectorRun = Type.Object(
  {
    id: Uuid,
    connectorId: Uuid,
    trigger: StringEnum(CONNECTOR_RUN_TRIGGERS),
    attempt: Type.Integer(),
    state: StringEnum(CONNECTOR_RUN_STATES),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
    durationMs: Nullable(Type.Integer()),
    rowCount: Nullable(Type.Integer()),
    excludedRowCount: Nullable(Type.Integer()),
    byteCount: Nullable(Type.Integer()),
    versionId: Nullable(Uuid),
    error: Nullable(
      Type.Object({ code: Type.String(), message: LocalisedMessage, detail: Nullable(Type.String()) }),
    ),
  },
  { $id: 'ConnectorRun' },
);
/** One run of a connector. */
export type ConnectorRun = Static<typeof ConnectorRun>;
export const ConnectorRunList = Type.Object({ items: Type.Array(ConnectorRun) });
export const ConnectorRunsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);
export const RunFinished = Type.Object({ queued: Type.Literal(false), run: ConnectorRun });
export const RunQueued = Type.Object({ queued: Type.Literal(true) });

export const AllowEntry = Type.Object(
  {
    id: Uuid,
    host: Type.String({ description: 'Host name, IP address or CIDR block' }),
    portFrom: Nullable(Type.Integer()),
    portTo: Nullable(Type.Integer()),
    note: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ConnectorAllowEntry' },
);
/** A host (or block) connectors may reach though it is internal. */
export type AllowEntry = Static<typeof AllowEntry>;
export const AllowList = Type.Object({ items: Type.Array(AllowEntry) });

export const AllowBody = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    portFrom: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 65535 }))),
    portTo: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 65535 }))),
    note: Type.Optional(Nullable(Prose({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type AllowBody = Static<typeof AllowBody>;
