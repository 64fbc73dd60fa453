import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config/config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { catalogModule, loadDemoCatalog, reindexCatalogSearch } from './modules/catalog/index.ts';
import { openingModule } from './modules/opening/index.ts';
import {
  RateLimitedError,
  assertScopeOrg,
  bootstrap,
  type BootstrapResult,
  orgDivisionOf,
  orgModule,
  orgNameOf,
  resolveCredential,
  resolveSession,
} from './modules/org/index.ts';
import { CalendarService, platformModule } from './modules/platform/index.ts';
import { cleanUpInterrupted, provisionModule } from './modules/provision/index.ts';
import { securityModule } from './modules/security/index.ts';
import { supervisionModule } from './modules/supervision/index.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorHandlerPlugin, frameworkError } from './plugins/error-handler.ts';
import { contractPlugin } from './plugins/contract.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { policyPlugin } from './plugins/policy.ts';
import { JobQueue } from './plugins/jobs.ts';
import { LazySchemas } from './plugins/lazy-schemas.ts';
import { installJsonParser, installValidators } from './plugins/validation.ts';
import { webPlugin } from './plugins/web.ts';
import type { AppModule } from './shared/app-module.ts';
import { Problem } from './shared/schemas.ts';

/** Every module, once: its routes are registered under /api in this order, and its jobs defined. */
const MODULES: readonly AppModule[] = [
  platformModule,
  orgModule,
  securityModule({ assertScopeOrg, orgNameOf, orgDivisionOf }),
  catalogModule,
  openingModule,
  provisionModule,
  supervisionModule,
];

export interface BuildOptions {
  /** An open database; when absent one is opened from the configuration and closed with the app. */
  database?: DatabaseHandle;
  logger?: FastifyServerOptions['logger'];
}

export interface BuiltApp {
  app: FastifyInstance;
  bootstrap: BootstrapResult;
}

/** Builds the whole application (migrated database, plugins, routes). Never listens. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<BuiltApp> {
  const database =
    options.database ??
    (await createDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` }));
  const ownsDatabase = options.database === undefined;

  const lazySchemas = new LazySchemas();
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    bodyLimit: config.bodyLimit,
    trustProxy: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors: frameworkError,
    schemaController: { compilersFactory: { buildSerializer: lazySchemas.serializerFactory() } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.decorate('db', database.db);
  app.decorate('backend', database.backend);
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate('lazySchemas', lazySchemas);
  app.decorate('calendar', new CalendarService(database.db));
  const jobs = new JobQueue({ db: database.db, database, log: app.log }, database.executeSql);
  for (const module of MODULES) for (const job of module.jobs({ config, queue: jobs })) jobs.define(job);
  app.decorate('jobs', jobs);
  app.addHook('onClose', async () => {
    await jobs.stop();
    if (ownsDatabase) await database.close();
  });

  try {
    await migrateToLatest(database.db);
    // Versions of resource data left half-written by a server that died are removed before anyone reads.
    const cleaned = await cleanUpInterrupted(database);
    if (cleaned > 0) app.log.warn({ cleaned }, 'removed data versions interrupted by a crash');
    const boot = await bootstrap(database.db, config);
    // Search vectors made by an earlier tokenisation are made again, once (catalog.reindex.ts).
    const reindexed = await reindexCatalogSearch(database.db);
    if (reindexed > 0) app.log.info({ versions: reindexed }, 're-indexed the catalog search');
    if (config.demoCatalog) await loadDemoCatalog(database.db);

    app.addSchema(Problem);
    installValidators(app, [Problem], lazySchemas);
    installJsonParser(app);
    await app.register(errorHandlerPlugin);
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
      crossOriginEmbedderPolicy: false,
    });
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: () => new RateLimitedError(),
    });
    await app.register(cookie);
    await app.register(authPlugin, {
      resolveCredential: (token) => resolveCredential(database.db, token),
      resolveSession: (token) => resolveSession(database.db, config, token),
    });
    await app.register(policyPlugin);
    await app.register(contractPlugin);
    await app.register(openapiPlugin);
    await app.register(
      async (api) => {
        for (const module of MODULES) await api.register(module.plugin);
      },
      { prefix: '/api' },
    );
    await app.register(webPlugin, { distDir: config.webDistDir });
    await app.ready();
    if (config.jobs) await jobs.start();
    return { app, bootstrap: boot };
  } catch (err) {
    await app.close().catch(() => undefined);
    if (ownsDatabase) await database.close().catch(() => undefined);
    throw err;
  }
}
