import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { VERSION } from '../shared/version.ts';
import { routeSchemaWithInputRules } from './validation.ts';

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
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
});
