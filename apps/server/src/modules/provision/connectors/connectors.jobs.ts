import { Type } from 'typebox';
import type { Config } from '../../../config/config.ts';
import { defineJob, type JobDefinition, type JobQueue } from '../../../plugins/jobs.ts';
import { SYSTEM_ACTOR } from '../../../shared/principal.ts';
import { Nullable, StringEnum, Uuid } from '../../../shared/schemas.ts';
import {
  dispatchDue,
  runConnector,
  runtimeOf,
  type ConnectorLog,
  type ConnectorRuntime,
} from './connectors.service.ts';

export const CONNECTOR_RUN_JOB = 'provision-connector-run';
export const CONNECTOR_DISPATCH_JOB = 'provision-connector-dispatch';

const RunPayload = Type.Object(
  {
    connectorId: Uuid,
    trigger: StringEnum(['schedule', 'retry', 'manual'] as const),
    startedBy: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);

/**
 * The connectors' durable jobs: a dispatcher every minute that claims the connectors due and
 * queues one run job each (keyed by the connector, so a connector is queued once), and the run
 * job. Retries are the connector's own (1, 5, 25 minutes, recorded in its run history), so the
 * queue never retries a run.
 */
export function connectorJobs(deps: {
  queue: JobQueue;
  config: Config;
  runtime?: ConnectorRuntime;
}): JobDefinition[] {
  const runtime = (log: ConnectorLog) => deps.runtime ?? runtimeOf(deps.config, log);
  const run = defineJob({
    name: CONNECTOR_RUN_JOB,
    payload: RunPayload,
    retryLimit: 0,
    handler: ({ database, log }, p) =>
      runConnector(database, runtime(log), p.connectorId, p.trigger, SYSTEM_ACTOR, p.startedBy ?? null),
  });
  const dispatch = defineJob({
    name: CONNECTOR_DISPATCH_JOB,
    payload: Type.Object({}, { additionalProperties: false }),
    cron: '* * * * *',
    retryLimit: 0,
    handler: ({ database, log }) =>
      dispatchDue(database, async (connectorId, trigger) => {
        if (deps.queue.running)
          await deps.queue.send(CONNECTOR_RUN_JOB, { connectorId, trigger }, { singletonKey: connectorId });
        else await runConnector(database, runtime(log), connectorId, trigger);
      }),
  });
  return [dispatch, run];
}
