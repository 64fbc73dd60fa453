import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config/config.ts';
import type { JobDefinition, JobQueue } from '../plugins/jobs.ts';

/** What a module's jobs may depend on. */
export interface ModuleContext {
  config: Config;
  queue: JobQueue;
}

/**
 * A module as `app.ts` sees it: one plugin holding its routes (registered under `/api`) and its
 * durable jobs. Other modules call it only through the typed functions its `index.ts` names.
 */
export interface AppModule {
  name: string;
  plugin: FastifyPluginAsyncTypebox;
  jobs: (ctx: ModuleContext) => readonly JobDefinition[];
}
