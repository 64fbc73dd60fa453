import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldProblem, type Message } from '../shared/errors.ts';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  message: Message;
  fields?: FieldProblem[];
  requestId: string;
  [extra: string]: unknown;
}

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

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Names the field of each schema violation, in Chinese and English. */
function fieldProblems(errors: AjvError[], context: string): FieldProblem[] {
  return errors.map((e) => {
    const base = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const join = (name: unknown) => (base ? `${base}.${String(name)}` : String(name));
    switch (e.keyword) {
      case 'additionalProperties':
        return {
          field: join(e.params.additionalProperty),
          message: { zh: '是未知字段', en: 'is not an allowed field' },
        };
      case 'required':
        return { field: join(e.params.missingProperty), message: { zh: '为必填项', en: 'is required' } };
      case 'type':
        return {
          field: base || context,
          message: {
            zh: `类型应为 ${String(e.params.type)}`,
            en: `must be of type ${String(e.params.type)}`,
          },
        };
      case 'enum':
        return {
          field: base || context,
          message: {
            zh: `取值应为：${(e.params.allowedValues as unknown[]).join('、')}`,
            en: `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`,
          },
        };
      case 'format':
        return {
          field: base || context,
          message: {
            zh: `格式应为 ${String(e.params.format)}`,
            en: `must be a valid ${String(e.params.format)}`,
          },
        };
      case 'minLength':
      case 'maxLength':
      case 'minimum':
      case 'maximum':
      case 'minItems':
      case 'maxItems':
      case 'pattern':
        return {
          field: base || context,
          message: {
            zh: `不符合要求（${e.keyword} ${JSON.stringify(e.params)}）`,
            en: e.message ?? e.keyword,
          },
        };
      default:
        return {
          field: base || context,
          message: { zh: e.message ?? '不合法', en: e.message ?? 'is invalid' },
        };
    }
  });
}

const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: Message }> = {
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
