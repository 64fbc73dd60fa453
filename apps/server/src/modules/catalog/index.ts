import type { AppModule } from '../../shared/app-module.ts';
import { catalogJobs } from './catalog.jobs.ts';
import { catalogRoutes } from './catalog.routes.ts';
import { catalogUpkeepRoutes } from './catalog.upkeep.routes.ts';
import { catalogXlsxRoutes } from './catalog.xlsx.routes.ts';

/** Catalog entries, versions, review, legal bases, search, upkeep and the Excel template. */
export const catalogModule: AppModule = {
  name: 'catalog',
  plugin: async (app) => {
    await app.register(catalogRoutes);
    await app.register(catalogXlsxRoutes);
    await app.register(catalogUpkeepRoutes);
  },
  jobs: () => catalogJobs,
};

export { loadDemoCatalog } from './demo-loader.ts';
export { DATA_TYPES } from './catalog.model.ts';
export type { DataItem, DataType, EntryMetadata, UpdateCycle } from './catalog.model.ts';
export { DEMO_CATALOG } from './demo-catalog.ts';
// The open catalog, read by the opening module.
export { search as searchCatalog, openEntry, restrictedOpen } from './catalog.service.ts';
export { basisDto, iso, searchDto } from './catalog.dto.ts';
export { OpenEntrySchema, RestrictedList, SearchQuery, SearchResult } from './catalog.schemas.ts';
