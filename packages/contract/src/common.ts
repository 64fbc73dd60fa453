/**
 * The building blocks of every schema: enumerations, nullables, identifiers, dates, text rules,
 * paging, and the problem+json body of every error.
 */
import { Type, type Static, type TSchema } from 'typebox';
import type { ErrorCode } from './errors.ts';

/** A string restricted to the given values (a plain JSON-schema `enum`, typed as their union). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: Record<string, unknown> = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/**
 * The schema keyword naming a string's text rule (`line` when absent; shared/text-input.ts of the
 * server applies it to every string of every route schema).
 */
export const TEXT_KEYWORD = 'x-text';

/** The longest file name accepted (the server's file-name rule). */
export const FILE_NAME_MAX_LENGTH = 255;

export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** A calendar date, years 1900–2199 (wider years are never meaningful here and break date arithmetic). */
export const DateString = Type.String({
  format: 'date',
  pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$',
  description: 'YYYY-MM-DD',
});
/** A date and time with its offset, years 1900–2199 (PostgreSQL refuses year 0; see DateString). */
export const DateTime = Type.String({ format: 'date-time', pattern: '^(19|20|21)[0-9]{2}-' });

/**
 * Text a person may write over several lines (abstracts, conditions, comments, notes, queries): tab
 * and line breaks are allowed. Every other request string is a single line.
 */
export function Prose(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ ...options, [TEXT_KEYWORD]: 'multiline' });
}

/** A file name as a client gives it: the server's file-name rule. */
export const FileName = Type.String({
  maxLength: FILE_NAME_MAX_LENGTH,
  [TEXT_KEYWORD]: 'fileName',
  description: 'File name without path, shown and offered as the download name',
});

/** A CSV delimiter: one character, tab included (a line break or a quote cannot be one). */
export const Delimiter = Type.String({
  minLength: 1,
  maxLength: 1,
  pattern: '^[^\\r\\n"]$',
  [TEXT_KEYWORD]: 'multiline',
});

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
};

export function Paged<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}
/** A page of a server-paged list. */
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

/** A text in Chinese and English. */
export const LocalisedMessage = Type.Object({ zh: Type.String(), en: Type.String() });
export type LocalisedMessage = Static<typeof LocalisedMessage>;

export const FieldProblem = Type.Object({ field: Type.String(), message: LocalisedMessage });
/** What is wrong with one field of a request. */
export type FieldProblem = Static<typeof FieldProblem>;

/** `duplicates` of the `duplicate_justification_required` problem. */
export const SubmitDuplicate = Type.Object({
  label: Type.String(),
  name: Type.String(),
  orgName: Type.String(),
});
export type SubmitDuplicate = Static<typeof SubmitDuplicate>;

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.Unsafe<ErrorCode>(
      Type.String({ description: 'What went wrong, for programs (see ERROR_CODES of the contract)' }),
    ),
    message: LocalisedMessage,
    fields: Type.Optional(Type.Array(FieldProblem)),
    lockedUntil: Type.Optional(Type.String()),
    duplicates: Type.Optional(
      Type.Array(SubmitDuplicate, {
        description: 'Published resources of other departments holding the same data items (Art. 14)',
      }),
    ),
    limit: Type.Optional(
      Type.String({
        description: 'too_many_exports: the limit that refused the export (user, organisation or server)',
      }),
    ),
    requestId: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details with Chinese and English messages' },
);
/** An error answer (application/problem+json). */
export type Problem = Static<typeof Problem>;

export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No content' });
