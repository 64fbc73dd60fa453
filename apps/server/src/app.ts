import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config/config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { authRoutes, orgJobs, orgRoutes } from './modules/org/index.ts';
import {
  CalendarService,
  bootstrap,
  platformRoutes,
  type BootstrapResult,
} from './modules/platform/index.ts';
import {
  cleanUpInterrupted,
  connectorJobs,
  connectorRoutes,
  exportRoutes,
  filesRoutes,
  provisionJobs,
  provisionRoutes,
  pushSessionJobs,
  pushSessionRoutes,
  uploadJobs,
  uploadsRoutes,
  qualityJobs,
  qualityRoutes,
} from './modules/provision/index.ts';
import { auditRoutes } from './modules/security/index.ts';
import {
  catalogJobs,
  catalogRoutes,
  catalogUpkeepRoutes,
  catalogXlsxRoutes,
  loadDemoCatalog,
} from './modules/catalog/index.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorHandlerPlugin, frameworkError } from './plugins/error-handler.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { policyPlugin } from './plugins/policy.ts';
import { JobQueue } from './plugins/jobs.ts';
import { installJsonParser, installValidators } from './plugins/validation.ts';
import { webPlugin } from './plugins/web.ts';
import { RateLimitedError } from './modules/org/org.errors.ts';
import { Problem } from './shared/schemas.ts';

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
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.decorate('db', database.db);
  app.decorate('backend', database.backend);
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate('calendar', new CalendarService(database.db));
  const jobs = new JobQueue({ db: database.db, database, log: app.log }, database.executeSql);
  for (const job of [...catalogJobs, ...provisionJobs, ...qualityJobs, ...uploadJobs(config.dataDir)])
    jobs.define(job);
  for (const job of [...orgJobs, ...pushSessionJobs]) jobs.define(job);
  for (const job of connectorJobs({ queue: jobs, config })) jobs.define(job);
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
    if (config.demoCatalog) await loadDemoCatalog(database.db);

    app.addSchema(Problem);
    installValidators(app, [Problem]);
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
    await app.register(authPlugin);
    await app.register(policyPlugin);
    await app.register(openapiPlugin);
    await app.register(
      async (api) => {
        await api.register(platformRoutes);
        await api.register(authRoutes);
        await api.register(orgRoutes);
        await api.register(auditRoutes);
        await api.register(catalogRoutes);
        await api.register(catalogXlsxRoutes);
        await api.register(catalogUpkeepRoutes);
        await api.register(provisionRoutes);
        await api.register(pushSessionRoutes);
        await api.register(connectorRoutes);
        await api.register(uploadsRoutes);
        await api.register(filesRoutes);
        await api.register(exportRoutes);
        await api.register(qualityRoutes);
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
