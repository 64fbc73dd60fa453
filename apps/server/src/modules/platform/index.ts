import type { AppModule } from '../../shared/app-module.ts';
import { notificationRoutes } from './notifications.routes.ts';
import { platformRoutes } from './platform.routes.ts';

/** Health, the working-day calendar and notifications. */
export const platformModule: AppModule = {
  name: 'platform',
  plugin: async (app) => {
    await app.register(platformRoutes);
    await app.register(notificationRoutes);
  },
  jobs: () => [],
};

export { CalendarService } from './calendar.service.ts';
export { notify, inbox, markRead } from './notifications.ts';
export type { NotificationInput } from './notifications.ts';
