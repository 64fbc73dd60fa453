export { platformRoutes } from './platform.routes.ts';
export { CalendarService } from './calendar.service.ts';
export { bootstrap, BootstrapError } from './bootstrap.ts';
export type { BootstrapResult } from './bootstrap.ts';
export { DEMO_ORGS, DEMO_PASSWORD, DEMO_PUBLIC_ACCOUNTS, HEADLINE_ACCOUNTS } from './demo-city.ts';
export { notify, inbox, markRead } from './notifications.ts';
export type { NotificationInput } from './notifications.ts';
