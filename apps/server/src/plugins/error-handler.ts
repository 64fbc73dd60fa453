import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Problem } from '@huitong/contract/common';
import { AppError, type ErrorCode, type FieldProblem, type Message } from '../shared/errors.ts';
import { TEXT_KEYWORD } from '../shared/text-input.ts';
import { reportedErrors, schemaErrorMessage, type SchemaError } from './validation-messages.ts';

/** The contract's Problem with the members an error adds (e.g. `duplicates`). */
type ProblemBody = Problem & { requestId: string; [extra: string]: unknown };

export function problem(err: AppError, requestId: string): ProblemBody {
  const detail =
    err.fields.length > 0 ? err.fields.map((f) => `${f.field}: ${f.message.en}`).join('; ') : err.messages.en;
  return {
    type: `urn:huitong:problem:${err.code}`,
    title: err.messages.en,
    status: err.status,
    detail,
    code: err.code,
    message: err.messages,
    ...(err.fields.length > 0 ? { fields: err.fields } : {}),
    ...err.extra,
    requestId,
  };
}

function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  return reply.code(err.status).type('application/problem+json').send(problem(err, reply.request.id));
}

type AjvError = SchemaError;

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;

/** A field path as it is echoed: unprintable characters of hostile keys escaped, at most 200 characters. */
function printableField(field: string): string {
  const shown = field.replace(
    UNPRINTABLE,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

/** Names the field of each schema violation, in Chinese and English. */
function fieldProblems(errors: AjvError[], context: string): FieldProblem[] {
  // A key refused by `propertyNames` comes as the key's own errors and then one for the object: one
  // problem is reported, naming the key, with the reason of its first error.
  const ofKey = (e: AjvError) => e.schemaPath?.includes('/propertyNames/') === true;
  return reportedErrors(errors)
    .filter((e) => !ofKey(e))
    .map((e) => {
      const reason =
        e.keyword === 'propertyNames'
          ? errors.find((k) => ofKey(k) && k.instancePath === e.instancePath)
          : undefined;
      const p = fieldProblem(e, context, reason);
      return { ...p, field: printableField(p.field) };
    });
}

function fieldProblem(e: AjvError, context: string, keyReason?: AjvError): FieldProblem {
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const join = (name: unknown) => (path ? `${path}.${String(name)}` : String(name));
  const message = schemaErrorMessage(e);
  switch (e.keyword) {
    case 'propertyNames': {
      const why = keyReason?.keyword === TEXT_KEYWORD ? keyReason.params : undefined;
      return {
        field: join(e.params.propertyName),
        message: {
          zh: `字段名不合法${why ? `：${String(why.zh)}` : ''}`,
          en: `is not an allowed field name${why ? `: ${String(why.en)}` : ''}`,
        },
      };
    }
    case 'additionalProperties':
      return { field: join(e.params.additionalProperty), message };
    case 'required':
    case 'dependencies':
      return { field: join(e.params.missingProperty), message };
    default:
      return { field: path || context, message };
  }
}

const FRAMEWORK_ERRORS: Record<string, { status: number; code: ErrorCode; message: Message }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'body_too_large',
    message: { zh: '请求体超过大小限制', en: 'Request body is larger than allowed' },
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: {
      zh: '不支持的内容类型，请使用 application/json',
      en: 'Unsupported content type; use application/json',
    },
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'empty_body',
    message: { zh: '请求体为空', en: 'Request body is empty' },
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    message: { zh: '请求体不是合法的 JSON', en: 'Request body is not valid JSON' },
  },
};

/**
 * Errors of Fastify's router, before any route or hook runs (Fastify's `frameworkErrors`): a path
 * with an invalid percent-encoding, or a path parameter over 100 characters. As problem+json too.
 */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const err =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('path_too_long', 414, {
          zh: '请求地址中的参数过长',
          en: 'A parameter of the request path is too long',
        })
      : new AppError('bad_url', 400, {
          zh: '请求地址的编码不正确',
          en: 'The request path is not validly encoded',
        });
  request.log.info({ err: error }, 'bad request path');
  // The app's hooks do not run for the router's errors: the request id is set here.
  void sendProblem(reply.header('x-request-id', request.id), err);
}

export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError & { validation?: AjvError[] }, request: FastifyRequest, reply) => {
    if (error instanceof AppError) return sendProblem(reply, error);
    if (error.validation) {
      const context = error.validationContext ?? 'body';
      const fields = fieldProblems(error.validation, context);
      return sendProblem(
        reply,
        new AppError(
          'validation',
          400,
          {
            zh: `请求参数不正确：${fields.map((f) => `${f.field} ${f.message.zh}`).join('；')}`,
            en: `Invalid request: ${fields.map((f) => `${f.field} ${f.message.en}`).join('; ')}`,
          },
          fields,
        ),
      );
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (known) return sendProblem(reply, new AppError(known.code, known.status, known.message));
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendProblem(
        reply,
        new AppError('malformed_json', 400, {
          zh: '请求体不是合法的 JSON',
          en: 'Request body is not valid JSON',
        }),
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ err: error }, 'client error');
      return sendProblem(
        reply,
        new AppError(`http_${status}`, status, { zh: '请求无法处理', en: error.message || 'Bad request' }),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      new AppError('internal', 500, { zh: '服务器内部错误', en: 'Internal server error' }),
    );
  });
});
