import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { VERSION } from '../shared/version.ts';
import { routeSchemaWithInputRules } from './validation.ts';

/**
 * The one inline style Swagger UI's bundle applies when it renders, allowed by its hash alone (the
 * API docs end-to-end test fails, naming the new hash, when an upgrade of @fastify/swagger-ui changes
 * it); no other inline style passes.
 */
export const SWAGGER_UI_INLINE_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/**
 * The content security policy of the API docs pages (`/api/docs/...`), in place of the app's: the
 * same sources (this server only, nothing from outside), plus that one style hash.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  `style-src 'self' ${SWAGGER_UI_INLINE_STYLE}`,
].join('; ');

/** The OpenAPI 3 document, generated from the route schemas, at /api/openapi.json and /api/docs. */
export const openapiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '汇通 Huitong API',
        version: VERSION,
        description:
          'Government data sharing and opening platform. People sign in with a session cookie (send `x-csrf-token` on changes); department systems use `Authorization: Bearer <keyId>.<secret>`. Errors are application/problem+json with Chinese and English messages.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'huitong_sid' },
          credential: { type: 'http', scheme: 'bearer', description: '<keyId>.<secret>' },
        },
      },
      security: [{ session: [] }, { credential: [] }],
    },
    // The document shows the input rules every request schema is validated with (plugins/validation.ts).
    transform: ({ schema, url }) => ({ schema: schema && routeSchemaWithInputRules(schema), url }),
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: DOCS_CSP,
    // Nothing leaves the installation: no badge from the public validator.
    uiConfig: { validatorUrl: null },
  });
});
