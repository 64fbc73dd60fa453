import { CalendarPanel } from '../features/platform/calendar-panel';

export function CalendarPage() {
  return <CalendarPanel />;
}
