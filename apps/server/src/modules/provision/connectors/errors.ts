import { AppError } from '../../../shared/errors.ts';

/**
 * A connector's source could not be read. The message is for the department (Chinese and English);
 * `technical` is the technical cause (an HTTP status, the database server's own error), kept in the
 * run history for whoever fixes the source. It never holds the connector's secret.
 */
export class SourceError extends AppError {
  constructor(code: string, zh: string, en: string, detail?: string) {
    super(code, 422, { zh, en }, [], detail === undefined ? {} : { technical: detail });
  }
}

export const sourceTimeout = (seconds: number) =>
  new SourceError(
    'connector_timeout',
    `读取数据源超时（超过 ${seconds} 秒），本次运行已中止`,
    `Reading the source timed out (more than ${seconds} seconds); the run was stopped`,
  );

export const sourceTooLarge = (limit: number) =>
  new SourceError(
    'connector_too_large',
    `数据源返回的数据超过上限 ${Math.round(limit / 1024 / 1024)} MB，本次运行已中止`,
    `The source returned more than the limit of ${Math.round(limit / 1024 / 1024)} MB; the run was stopped`,
  );

export class ConnectorBusy extends AppError {
  constructor() {
    super('connector_busy', 409, {
      zh: '该连接器正在运行，请等本次运行结束',
      en: 'The connector is running; wait until this run ends',
    });
  }
}

export const connectorNotFound = () =>
  new AppError('not_found', 404, { zh: '连接器不存在', en: 'Connector not found' });

export const allowEntryNotFound = () =>
  new AppError('not_found', 404, { zh: '地址清单条目不存在', en: 'Allow-list entry not found' });

export class ConnectorExists extends AppError {
  constructor() {
    super('connector_exists', 409, {
      zh: '该目录已配置连接器（每个目录一个），请修改已有的连接器',
      en: 'The entry already has a connector (one per entry); change the existing one',
    });
  }
}

/** The technical text of any error (for the run history), without stack traces. */
export function technicalDetail(err: unknown): string {
  if (err instanceof AppError) {
    const d = err.extra.technical;
    return typeof d === 'string' ? d : err.message;
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${err.message}`.slice(0, 2000);
  }
  return String(err).slice(0, 2000);
}
