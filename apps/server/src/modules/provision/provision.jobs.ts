import { Type } from 'typebox';
import { defineJob, type JobDefinition } from '../../plugins/jobs.ts';
import { retentionJob } from './versions/retention.ts';
import { cleanUpInterrupted } from './versions/versions.store.ts';

/**
 * Versions whose writer died while other servers kept running are cleaned every ten minutes (a
 * starting server also cleans them at once).
 */
export const cleanupJob = defineJob({
  name: 'provision-cleanup',
  payload: Type.Object({}, { additionalProperties: false }),
  cron: '*/10 * * * *',
  retryLimit: 1,
  handler: ({ database }) => cleanUpInterrupted(database),
});

export const provisionJobs: JobDefinition[] = [cleanupJob, retentionJob];
