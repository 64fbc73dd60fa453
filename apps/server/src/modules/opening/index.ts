import type { AppModule } from '../../shared/app-module.ts';
import { openingRoutes } from './opening.routes.ts';

/** The open portal: the public `/open/...` routes (downloads, CKAN/DCAT and public requests come next). */
export const openingModule: AppModule = {
  name: 'opening',
  plugin: openingRoutes,
  jobs: () => [],
};
