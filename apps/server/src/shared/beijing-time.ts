/** The time zone of the regulation's deadlines, the catalog's dates and the jobs' schedules. */
export const BEIJING_TIME_ZONE = 'Asia/Shanghai';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: BEIJING_TIME_ZONE });

/** The calendar day in Beijing of an instant, as `YYYY-MM-DD`. */
export function beijingDay(at: Date = new Date()): string {
  return dayFormat.format(at);
}
