export { catalogRoutes } from './catalog.routes.ts';
export { loadDemoCatalog } from './demo-loader.ts';
export { catalogXlsxRoutes } from './catalog.xlsx.routes.ts';
export { catalogUpkeepRoutes } from './catalog.upkeep.routes.ts';
export { catalogJobs } from './catalog.jobs.ts';
export { DATA_TYPES } from './catalog.model.ts';
export type { DataItem, DataType, EntryMetadata, UpdateCycle } from './catalog.model.ts';
export { DEMO_CATALOG } from './demo-catalog.ts';
