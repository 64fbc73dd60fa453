import type { AppModule } from '../../shared/app-module.ts';
import { notificationRoutes } from './notifications.routes.ts';
import { platformRoutes } from './platform.routes.ts';

/** Health, the working-day calendar, notifications and the demo city. */
export const platformModule: AppModule = {
  name: 'platform',
  plugin: async (app) => {
    await app.register(platformRoutes);
    await app.register(notificationRoutes);
  },
  jobs: () => [],
};

export { CalendarService } from './calendar.service.ts';
export {
  DEMO_DIVISIONS,
  DEMO_ORGS,
  DEMO_PASSWORD,
  DEMO_PUBLIC_ACCOUNTS,
  HEADLINE_ACCOUNTS,
  demoCreditCode,
} from './demo-city.ts';
export { notify, inbox, markRead } from './notifications.ts';
export type { NotificationInput } from './notifications.ts';
