import type { JobDefinition } from '../../plugins/jobs.ts';
import { upkeepScanJob } from './catalog.upkeep.ts';

/** The catalog's durable jobs. */
export const catalogJobs: JobDefinition[] = [upkeepScanJob];
