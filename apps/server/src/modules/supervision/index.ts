import type { AppModule } from '../../shared/app-module.ts';
import { qualityJobs } from './quality.jobs.ts';
import { qualityRoutes } from './quality.routes.ts';

/** Supervision: the quality watch over resource data (Art. 34 compliance and rectification come next). */
export const supervisionModule: AppModule = {
  name: 'supervision',
  plugin: qualityRoutes,
  jobs: () => qualityJobs,
};
