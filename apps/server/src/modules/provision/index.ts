export { cleanUpInterrupted } from './data-store.ts';
export { provisionJobs } from './provision.jobs.ts';
