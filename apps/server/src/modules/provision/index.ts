import type { loadDemoData as DemoLoader } from './demo-loader.ts';
import type { AppModule } from '../../shared/app-module.ts';
import { connectorJobs, connectorRoutes } from './connectors/index.ts';
import { exportRoutes } from './export/export.routes.ts';
import { filesRoutes } from './files/files.routes.ts';
import { provisionJobs } from './provision.jobs.ts';
import { provisionRoutes } from './provision.routes.ts';
import { pushSessionJobs } from './push/push-sessions.ts';
import { pushSessionRoutes } from './push/push-sessions.routes.ts';
import { uploadJobs } from './uploads/uploads.jobs.ts';
import { uploadsRoutes } from './uploads/uploads.routes.ts';
import { removeAbandonedTempFiles } from './temp-files.ts';

/** Resource data: versions, ingest and validation, uploads, push sessions, connectors, files, export. */
export const provisionModule: AppModule = {
  name: 'provision',
  plugin: async (app) => {
    // Temporary files of a server that died in the middle of an upload, a push or a connector run.
    const removed = await removeAbandonedTempFiles(app.db, app.config.dataDir);
    if (removed.directories + removed.uploadFiles > 0)
      app.log.warn(
        removed,
        'removed temporary files left by a server that stopped in the middle of its work',
      );
    await app.register(provisionRoutes);
    await app.register(pushSessionRoutes);
    await app.register(connectorRoutes);
    await app.register(uploadsRoutes);
    await app.register(filesRoutes);
    await app.register(exportRoutes);
  },
  jobs: ({ config, queue }) => [
    ...provisionJobs,
    ...uploadJobs(config.dataDir),
    ...pushSessionJobs,
    ...connectorJobs({ queue, config }),
  ],
};

export { cleanUpInterrupted } from './versions/versions.store.ts';
export { connectorFailures } from './connectors/index.ts';
// Read by the supervision module's quality watch.
export { assertProvider, entryNotFound, loadEntry } from './provision.service.ts';
export type { FieldSummary } from './versions/validation.ts';
// What the quality watch reads of the entries' versions, and the declaration it records.
export {
  currentFacts,
  declarations,
  fileDigests,
  previousFacts,
  upsertSettings,
  versionTrend,
} from './versions/versions.repository.ts';
export type { VersionFactsRow } from './versions/versions.repository.ts';

/**
 * Loads the demo datasets still missing (see demo-loader.ts). The loader and the demo's data files
 * are imported only when called, so a server without the demo never reads them.
 */
export async function loadDemoData(...args: Parameters<typeof DemoLoader>): ReturnType<typeof DemoLoader> {
  const { loadDemoData: load } = await import('./demo-loader.ts');
  return load(...args);
}
