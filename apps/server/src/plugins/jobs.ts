import type { FastifyBaseLogger } from 'fastify';
import PgBoss from 'pg-boss';
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import type { DatabaseHandle, ExecuteSql, Db } from '../db/database.ts';
import { BEIJING_TIME_ZONE } from '../shared/beijing-time.ts';

/** What a job handler may use. */
export interface JobContext {
  db: Db;
  /** The database handle, for leases. */
  database: DatabaseHandle;
  log: FastifyBaseLogger;
}

/**
 * A durable job: a name, a payload schema and an idempotent handler (the payload is checked before
 * the handler runs). With `cron`, the job is also started on that schedule (Beijing time).
 */
export interface JobDefinition<S extends TSchema = TSchema> {
  name: string;
  payload: S;
  handler: (ctx: JobContext, payload: Static<S>) => Promise<unknown>;
  cron?: string;
  retryLimit?: number;
}

export function defineJob<S extends TSchema>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

export const JOB_TIME_ZONE = BEIJING_TIME_ZONE;

/**
 * Jobs stored in the database by pg-boss (its own `pgboss` schema), on PostgreSQL and on PGlite
 * alike: they survive a restart, and a scheduled run happens once however many servers run.
 */
export class JobQueue {
  private readonly defs = new Map<string, JobDefinition>();
  private readonly completed = new Map<string, number>();
  private boss: PgBoss | null = null;

  constructor(
    private readonly ctx: JobContext,
    private readonly executeSql: ExecuteSql,
  ) {}

  define(def: JobDefinition): void {
    if (this.defs.has(def.name)) throw new Error(`job ${def.name} is defined twice`);
    this.defs.set(def.name, def);
  }

  get running(): boolean {
    return this.boss !== null;
  }

  /** Starts working and scheduling. Without it, `send` is refused and `runNow` still works. */
  async start(options: { pollingIntervalSeconds?: number } = {}): Promise<void> {
    const boss = new PgBoss({
      db: { executeSql: (text, values) => this.executeSql(text, values) },
      schema: 'pgboss',
      supervise: true,
      schedule: true,
    });
    boss.on('error', (err) => this.ctx.log.error({ err }, 'job queue error'));
    await boss.start();
    for (const def of this.defs.values()) {
      await boss.createQueue(def.name, {
        name: def.name,
        retryLimit: def.retryLimit ?? 5,
        retryDelay: 30,
        retryBackoff: true,
        expireInSeconds: 15 * 60,
      });
      await boss.work(
        def.name,
        { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 },
        async ([job]) => {
          if (job) await this.execute(def, job.data);
        },
      );
      if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: JOB_TIME_ZONE });
      else await boss.unschedule(def.name);
    }
    this.boss = boss;
  }

  /** Queues a job; with a singleton key, a second send while one is queued is ignored. */
  async send(
    name: string,
    payload: unknown,
    options: { singletonKey?: string; startAfterSeconds?: number } = {},
  ): Promise<string | null> {
    const def = this.definition(name);
    this.check(def, payload);
    if (!this.boss) throw new Error('the job queue is not running');
    return this.boss.send(name, payload as object, {
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
    });
  }

  /** How many runs of the job completed in this process. */
  runs(name: string): number {
    return this.completed.get(name) ?? 0;
  }

  /** Runs a job's handler at once in this process (an operator's "run now"; tests). */
  async runNow(name: string, payload: unknown): Promise<unknown> {
    return this.execute(this.definition(name), payload);
  }

  /** The state of a queued job: created, retry, active, completed, cancelled or failed. */
  async state(name: string, id: string): Promise<string | null> {
    if (!this.boss) return null;
    return (await this.boss.getJobById(name, id))?.state ?? null;
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    if (boss) await boss.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
  }

  private definition(name: string): JobDefinition {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown job ${name}`);
    return def;
  }

  private check(def: JobDefinition, payload: unknown): void {
    if (!Value.Check(def.payload, payload)) {
      const first = Value.Errors(def.payload, payload)[0];
      throw new Error(
        `invalid payload for job ${def.name}: ${first?.message ?? 'does not match its schema'}`,
      );
    }
  }

  private async execute(def: JobDefinition, payload: unknown): Promise<unknown> {
    this.check(def, payload);
    const started = Date.now();
    try {
      const result = await def.handler(this.ctx, payload);
      this.completed.set(def.name, this.runs(def.name) + 1);
      this.ctx.log.info({ job: def.name, ms: Date.now() - started }, 'job done');
      return result;
    } catch (err) {
      this.ctx.log.error({ job: def.name, err }, 'job failed');
      throw err;
    }
  }
}
