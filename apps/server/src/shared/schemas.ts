/**
 * The schema building blocks come from the contract (packages/contract, CONVENTIONS.md item 16);
 * what is left here is the server's side of problem+json: the registered `Problem` schema by
 * reference and the error answers every route declares.
 */
import { type Problem, type FieldProblem } from '@huitong/contract/common';
import { Type, type Static, type TSchema } from 'typebox';

export {
  DateString,
  DateTime,
  Delimiter,
  FileName,
  IdParams,
  LocalisedMessage,
  NoContent,
  Nullable,
  PageQuery,
  Paged,
  Problem,
  Prose,
  StringEnum,
  Uuid,
} from '@huitong/contract/common';
export type { FieldProblem };

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
