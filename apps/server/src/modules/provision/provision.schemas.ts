/**
 * Typebox schemas shared by the provision routes (uploads, pushes, push sessions, resumable
 * uploads): route parameters, the validation report, the outcome of an ingest and the options
 * of a file upload.
 */
import { Type, type Static } from 'typebox';
import { AppError, invalidField } from '../../shared/errors.ts';
import { textProblem } from '../../shared/text-input.ts';
import { Delimiter, FileName, Nullable, StringEnum, Uuid } from '../../shared/schemas.ts';
import { SOURCE_FORMATS } from '../../formats/index.ts';

export const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const VersionParams = Type.Object({ id: Uuid, versionId: Uuid }, { additionalProperties: false });

export const Message = Type.Object({ zh: Type.String(), en: Type.String() });

/** One problem of a row, as the validation report lists it. */
export const ProblemItem = Type.Object({
  row: Type.Integer(),
  column: Type.String(),
  field: Type.String(),
  value: Nullable(Type.String()),
  rule: Type.String(),
  message: Message,
});

/** Something the providing department should check, though no rule was broken. */
export const NoticeItem = Type.Object({
  code: StringEnum(['formula_like'] as const),
  field: Type.String(),
  column: Type.String(),
  count: Type.Integer(),
  firstRow: Type.Integer(),
  firstValue: Type.String(),
  message: Message,
});

/** The validation report (null before there is one), with what it reports in `description`. */
export const validationReport = (description: string) =>
  Nullable(
    Type.Object(
      {
        totalRows: Type.Integer(),
        validRows: Type.Integer(),
        invalidRows: Type.Integer(),
        problemCount: Type.Integer(),
        problemsTruncated: Type.Boolean(),
        problemsByRule: Type.Record(Type.String(), Type.Integer()),
        fields: Type.Array(
          Type.Object({
            field: Type.String(),
            column: Type.String(),
            dataType: Type.String(),
            required: Type.Boolean(),
            filled: Type.Integer(),
            valid: Type.Integer(),
            problems: Type.Integer(),
            completeness: Nullable(Type.Number()),
            validShare: Nullable(Type.Number()),
          }),
        ),
        problems: Type.Array(ProblemItem),
        notices: Type.Optional(
          Type.Array(NoticeItem, {
            description:
              'Not errors (the rows are accepted), one per field: formula_like — values of a text item beginning with = + - or @, which a spreadsheet may run as formulas',
          }),
        ),
      },
      { description },
    ),
  );

export const IngestOutcome = Type.Object(
  {
    versionId: Uuid,
    versionNo: Type.Integer(),
    state: StringEnum(['ready', 'failed', 'cancelled'] as const),
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

/** The options of a file sent as the body (an upload, or the whole file of a push session). */
export const FileUploadQuery = Type.Object(
  {
    format: StringEnum(SOURCE_FORMATS),
    encoding: Type.Optional(StringEnum(['auto', 'utf8', 'gbk', 'gb18030'] as const)),
    delimiter: Type.Optional(Delimiter),
    sheet: Type.Optional(Type.String({ maxLength: 100 })),
    fileName: Type.Optional(FileName),
    mapping: Type.Optional(
      Type.String({ maxLength: 10_000, description: 'JSON object: file column → data item name' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The reading options a FileUploadQuery gives: a numeric `sheet` as the sheet's number, `mapping`
 * parsed (400 unless it is a JSON object of strings).
 */
export function fileOptionsOf(q: Static<typeof FileUploadQuery>) {
  let mapping: Record<string, string> | undefined;
  if (q.mapping) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(q.mapping);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== 'string')
    )
      throw new AppError(
        'validation',
        400,
        {
          zh: 'mapping 须为 JSON 对象（文件列名 → 信息项名）',
          en: 'mapping must be a JSON object (file column → data item name)',
        },
        [{ field: 'mapping', message: { zh: '不是 JSON 对象', en: 'is not a JSON object' } }],
      );
    mapping = parsed as Record<string, string>;
    // Its names follow the text rule of every request string (shared/text-input.ts).
    for (const name of Object.entries(mapping).flat()) {
      const problem = textProblem(name, 'line');
      if (problem) throw invalidField('mapping', problem.zh, problem.en);
    }
  }
  return {
    format: q.format,
    ...(q.encoding ? { encoding: q.encoding } : {}),
    ...(q.delimiter ? { delimiter: q.delimiter } : {}),
    ...(q.sheet ? { sheet: /^\d+$/.test(q.sheet) ? Number(q.sheet) : q.sheet } : {}),
    ...(q.fileName ? { fileName: q.fileName.normalize('NFC') } : {}),
    ...(mapping ? { mapping } : {}),
  };
}
