import type { Config } from './config/config.ts';
import type { Backend, DatabaseHandle, Db } from './db/database.ts';
import type { JobQueue } from './plugins/jobs.ts';
import type { LazySchemas } from './plugins/lazy-schemas.ts';
import type { RouteEntry } from './plugins/policy.ts';
import type { RoutePolicy } from './shared/policy.ts';
import type { Principal } from './shared/principal.ts';
import type { CalendarService } from './modules/platform/calendar.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    backend: Backend;
    /** The database handle (leases, raw SQL for libraries). */
    database: DatabaseHandle;
    config: Config;
    calendar: CalendarService;
    jobs: JobQueue;
    /** Route schemas compiled on first use (plugins/lazy-schemas.ts). */
    lazySchemas: LazySchemas;
    /** Every /api route with its authorization rule, as registered. */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The route-level authorization rule (shared/policy.ts). Required on every /api route. */
    policy?: RoutePolicy;
  }
}
