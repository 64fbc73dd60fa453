import { Type, type Static, type TSchema } from 'typebox';
import { FILE_NAME_MAX_LENGTH } from './file-name.ts';
import { TEXT_KEYWORD } from './text-input.ts';

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
 * and line breaks are allowed. Every other request string is a single line (shared/text-input.ts).
 */
export function Prose(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ ...options, [TEXT_KEYWORD]: 'multiline' });
}

/** A file name as a client gives it: the file-name rule of shared/file-name.ts. */
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

export const LocalisedMessage = Type.Object({ zh: Type.String(), en: Type.String() });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    message: LocalisedMessage,
    fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: LocalisedMessage }))),
    lockedUntil: Type.Optional(Type.String()),
    duplicates: Type.Optional(
      Type.Array(Type.Object({ label: Type.String(), name: Type.String(), orgName: Type.String() }), {
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

export const problemRef = Type.Unsafe<Static<typeof Problem>>(Type.Ref('Problem'));

/** Response schemas for a route: the given success schemas plus problem+json for client errors. */
export function responses<T extends Record<number, TSchema>>(ok: T) {
  return {
    ...ok,
    400: problemRef,
    401: problemRef,
    403: problemRef,
    404: problemRef,
    409: problemRef,
    429: problemRef,
  } as T & Record<400 | 401 | 403 | 404 | 409 | 429, typeof problemRef>;
}

export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No content' });
