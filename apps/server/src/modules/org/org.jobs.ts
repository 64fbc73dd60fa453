import { Type } from 'typebox';
import { defineJob, type JobDefinition } from '../../plugins/jobs.ts';
import * as repo from './org.repository.ts';

// Longer than the longest lock-out period (HUITONG_LOCKOUT_MINUTES is at most a day).
const KEEP_MS = 25 * 60 * 60_000;

/**
 * Hourly: forgets sign-in failure counters untouched for over a day whose pause is over (every
 * name tried, known or not, leaves one), and removes expired sessions.
 */
export const signInCleanupJob = defineJob({
  name: 'sign-in-cleanup',
  payload: Type.Object({}, { additionalProperties: false }),
  cron: '17 * * * *',
  retryLimit: 3,
  handler: async ({ db }) => {
    const now = new Date();
    await repo.deleteStaleThrottle(db, new Date(now.getTime() - KEEP_MS), now);
    await repo.deleteExpiredSessions(db);
  },
});

/** The organisation module's durable jobs. */
export const orgJobs: JobDefinition[] = [signInCleanupJob];
