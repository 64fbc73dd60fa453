import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    removeAdditional: false, // unknown fields are refused, not silently dropped
    useDefaults: true,
    ...options,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Strict validation: bodies are checked without type coercion (a string where a number belongs is a
 * 400 naming the field), query strings and path parameters with coercion (they are text on the wire).
 */
export function installValidators(app: FastifyInstance, sharedSchemas: object[]): void {
  const bodyAjv = makeAjv({ coerceTypes: false });
  const textAjv = makeAjv({ coerceTypes: 'array' });
  for (const s of sharedSchemas) {
    bodyAjv.addSchema(s);
    textAjv.addSchema(s);
  }
  app.setValidatorCompiler(({ schema, httpPart }: FastifyRouteSchemaDef<FastifySchema>) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv;
    return ajv.compile(schema as object);
  });
}
