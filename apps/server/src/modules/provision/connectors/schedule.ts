/**
 * When a connector runs: on its entry's update cycle (更新周期), on a cron expression of its own
 * (five fields, Beijing time), or only when someone presses "run now". Cycles run at 01:xx Beijing
 * time, the minute taken from the connector's id so that a city's connectors do not all start at
 * once; 实时 (realtime) entries are read every five minutes.
 */
import { CronExpressionParser } from 'cron-parser';
import { invalidField } from '../../../shared/errors.ts';
import type { ConnectorSchedule } from '../../../db/database.types.ts';
import { BEIJING_TIME_ZONE } from '../../../shared/beijing-time.ts';

export const SCHEDULE_TIME_ZONE = BEIJING_TIME_ZONE;
/** The shortest time between two runs a cron expression may ask for. */
export const MIN_CRON_GAP_MINUTES = 5;
/** Retries after a failed run, in minutes; after the last one the connector waits for its next scheduled time. */
export const RETRY_BACKOFF_MINUTES = [1, 5, 25] as const;
/** Consecutive failed runs after which the connector counts as failing (quality watch). */
export const FAILING_AFTER = 3;

function spreadMinute(connectorId: string): number {
  return Number.parseInt(connectorId.replace(/-/g, '').slice(0, 8), 16) % 60;
}

/** The cron expression equivalent to an update cycle, for one connector. */
export function cycleCron(cycle: string, connectorId: string): string | null {
  const m = spreadMinute(connectorId);
  switch (cycle) {
    case 'realtime':
      return `*/${MIN_CRON_GAP_MINUTES} * * * *`;
    case 'daily':
      return `${m} 1 * * *`;
    case 'weekly':
      return `${m} 1 * * 1`;
    case 'monthly':
      return `${m} 1 1 * *`;
    case 'quarterly':
      return `${m} 1 1 1,4,7,10 *`;
    case 'half_yearly':
      return `${m} 1 1 1,7 *`;
    case 'yearly':
      return `${m} 1 1 1 *`;
    default:
      return null;
  }
}

function parse(expression: string, from: Date) {
  return CronExpressionParser.parse(expression, { currentDate: from, tz: SCHEDULE_TIME_ZONE, strict: false });
}

/** Checks a department's cron expression: five fields, valid, no two runs closer than five minutes. */
export function validateCron(expression: string): string {
  const text = expression.trim().replace(/\s+/g, ' ');
  if (text.split(' ').length !== 5 || text.startsWith('@'))
    throw invalidField(
      'cron',
      '须为五段式 cron 表达式（分 时 日 月 周，北京时间），如 30 2 * * *',
      'must be a five-field cron expression (minute hour day month weekday, Beijing time), e.g. 30 2 * * *',
    );
  let times: number[];
  try {
    times = parse(text, new Date())
      .take(25)
      .map((d) => d.getTime());
  } catch (err) {
    throw invalidField(
      'cron',
      `不是有效的 cron 表达式：${(err as Error).message}`,
      `is not a valid cron expression: ${(err as Error).message}`,
    );
  }
  for (let i = 1; i < times.length; i++) {
    if ((times[i] ?? 0) - (times[i - 1] ?? 0) < MIN_CRON_GAP_MINUTES * 60_000)
      throw invalidField(
        'cron',
        `两次运行的间隔不得少于 ${MIN_CRON_GAP_MINUTES} 分钟`,
        `must not run more often than every ${MIN_CRON_GAP_MINUTES} minutes`,
      );
  }
  return text;
}

export interface ScheduleOf {
  id: string;
  schedule: ConnectorSchedule;
  cron: string | null;
}

/** The cron expression a connector follows (null: manual only, or an entry without a cycle). */
export function effectiveCron(c: ScheduleOf, updateCycle: string | null): string | null {
  switch (c.schedule) {
    case 'manual':
      return null;
    case 'cron':
      return c.cron;
    case 'cycle':
      return updateCycle ? cycleCron(updateCycle, c.id) : null;
  }
}

/** The next scheduled time after `from`, or null when the connector has no schedule. */
export function nextScheduledRun(c: ScheduleOf, updateCycle: string | null, from: Date): Date | null {
  const expression = effectiveCron(c, updateCycle);
  if (!expression) return null;
  return parse(expression, from).next().toDate();
}
