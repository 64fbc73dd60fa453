export { cleanUpInterrupted } from './data-store.ts';
export { loadDemoData } from './demo-loader.ts';
export { provisionJobs } from './provision.jobs.ts';
export { provisionRoutes } from './provision.routes.ts';
