import type { ErrorCode } from '@huitong/contract/errors';

export type { ErrorCode };

/** A localised message: Chinese first, English second. */
export interface Message {
  zh: string;
  en: string;
}

export interface FieldProblem {
  field: string;
  message: Message;
}

/**
 * A failure the client may see. Every module throws subclasses with a literal `code` (one of the
 * contract's ErrorCode, so a code the web cannot know does not compile) and an HTTP
 * status; the error handler turns them into `application/problem+json`. Anything that is not an
 * AppError becomes a generic 500 and is only logged.
 */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    public readonly messages: Message,
    public readonly fields: FieldProblem[] = [],
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(messages.en);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(fields: FieldProblem[], messages: Message = { zh: '请求参数不正确', en: 'Invalid request' }) {
    super('validation', 400, messages, fields);
  }
}

/** A single invalid field. */
export function invalidField(field: string, zh: string, en: string): ValidationError {
  return new ValidationError([{ field, message: { zh, en } }], {
    zh: `请求参数不正确：${field} ${zh}`,
    en: `Invalid request: ${field} ${en}`,
  });
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super('unauthenticated', 401, { zh: '请先登录', en: 'Sign-in required' });
  }
}

export class ForbiddenError extends AppError {
  constructor(messages: Message = { zh: '无权执行此操作', en: 'You are not allowed to do this' }) {
    super('forbidden', 403, messages);
  }
}

export class NotFoundError extends AppError {
  constructor(what: Message) {
    super('not_found', 404, { zh: `${what.zh}不存在`, en: `${what.en} not found` });
  }
}

export class ConflictError extends AppError {
  constructor(code: ErrorCode, messages: Message, fields: FieldProblem[] = []) {
    super(code, 409, messages, fields);
  }
}

/**
 * 403 for a field naming an organisation outside the caller's jurisdiction: a scope parameter
 * (`?orgId=`) or a parent organisation.
 */
export function outsideJurisdictionField(field: string): AppError {
  return new AppError(
    'forbidden',
    403,
    {
      zh: `${field} 所指的机构不在您的管辖范围内`,
      en: `${field}: the organisation is outside your jurisdiction`,
    },
    [{ field, message: { zh: '不在您的管辖范围内', en: 'is outside your jurisdiction' } }],
  );
}
