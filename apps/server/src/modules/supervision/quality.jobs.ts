import { Type } from 'typebox';
import { defineJob, type JobDefinition } from '../../plugins/jobs.ts';
import { scan } from './quality.ts';

/** Every day at 02:30 Beijing time (after the catalog upkeep scan): each new quality problem is notified once. */
export const qualityScanJob = defineJob({
  name: 'provision-quality-scan',
  payload: Type.Object({}, { additionalProperties: false }),
  cron: '30 2 * * *',
  retryLimit: 3,
  handler: ({ db }) => scan(db),
});

export const qualityJobs: JobDefinition[] = [qualityScanJob];
