import type { Db } from '../../db/database.ts';
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

export { DATA_TYPES } from './catalog.model.ts';
export type { DataItem, DataType, EntryMetadata, UpdateCycle } from './catalog.model.ts';
// What other modules read of the catalog.
export { lockEntry, publishedEntries, publishedEntry } from './catalog.read.ts';
export type { PublishedEntry, PublishedFilter } from './catalog.read.ts';
// The open catalog, read by the opening module.
export { search as searchCatalog, openEntry, restrictedOpen } from './catalog.service.ts';
export { basisDto, iso, searchDto } from './catalog.dto.ts';
// At start-up, before the server answers: stored search vectors made another way are made again.
export { reindexSearch as reindexCatalogSearch } from './catalog.reindex.ts';

/**
 * Loads the demo catalog once, after the demo city (see demo-loader.ts). The loader and the demo
 * catalog's data file are imported only when called, so a server without the demo never reads them.
 */
export async function loadDemoCatalog(db: Db): Promise<boolean> {
  const { loadDemoCatalog: load } = await import('./demo-loader.ts');
  return load(db);
}
