import { AppError } from '../../../shared/errors.ts';

/**
 * A connector's source could not be read: one of a fixed set of codes, each with a message for the
 * department (Chinese and English) that never holds text from the source. A database driver's
 * message can carry data values (`invalid input syntax for type integer: "<a password hash>"`) and
 * an HTTP error answer is the source's own text, so neither is stored or answered: `detail` is only
 * the driver's error code (`SQLSTATE 22P02`, `MySQL 1064 ER_PARSE_ERROR`, `ECONNREFUSED`,
 * `HTTP 500`), kept in the run history; the raw error is `cause`, for the server log only.
 */
export type SourceErrorCode =
  | 'connector_timeout'
  | 'connector_too_large'
  | 'connector_source_unreachable'
  | 'connector_source_authentication'
  | 'connector_source_syntax'
  | 'connector_source_permission'
  | 'connector_source_read_only'
  | 'connector_source_type'
  | 'connector_source_failed'
  | 'connector_source_privileged'
  | 'connector_platform_database'
  | 'connector_http_unreachable'
  | 'connector_http_status'
  | 'connector_http_redirects'
  | 'connector_http_interrupted';

export class SourceError extends AppError {
  constructor(
    code: SourceErrorCode,
    zh: string,
    en: string,
    detail?: string | null,
    /** The raw error (driver message, HTTP client error): logged, never stored or answered. */
    public readonly raw?: unknown,
  ) {
    super(code, 422, { zh, en }, [], detail ? { technical: detail } : {});
  }
}

export const sourceTimeout = (seconds: number, raw?: unknown) =>
  new SourceError(
    'connector_timeout',
    `读取数据源超时（超过 ${seconds} 秒），本次运行已中止`,
    `Reading the source timed out (more than ${seconds} seconds); the run was stopped`,
    null,
    raw,
  );

export const sourceTooLarge = (limit: number) =>
  new SourceError(
    'connector_too_large',
    `数据源返回的数据超过上限 ${Math.round(limit / 1024 / 1024)} MB，本次运行已中止`,
    `The source returned more than the limit of ${Math.round(limit / 1024 / 1024)} MB; the run was stopped`,
  );

/** The classes a database error falls in (besides the timeout). */
export type DatabaseErrorClass =
  'unreachable' | 'authentication' | 'syntax' | 'permission' | 'read_only' | 'type' | 'failed';

/** A database source's failure, classified; `target` is `host:port/database` as configured. */
export function databaseError(
  kind: DatabaseErrorClass,
  target: string,
  detail: string | null,
  raw: unknown,
): SourceError {
  const m: Record<DatabaseErrorClass, [SourceErrorCode, string, string]> = {
    unreachable: [
      'connector_source_unreachable',
      `无法连接数据库 ${target}（网络不通、服务器未运行或连接数已满）`,
      `Cannot reach the database ${target} (no network path, the server is down or has no free connections)`,
    ],
    authentication: [
      'connector_source_authentication',
      `数据库 ${target} 拒绝登录：用户名、口令或数据库名不对，或该账号不允许从平台连接`,
      `The database ${target} refused the sign-in: the user name, password or database name is wrong, or the account may not connect from the platform`,
    ],
    syntax: [
      'connector_source_syntax',
      `数据库 ${target} 的查询语句有误（语法错误，或引用了不存在的表、列或函数）`,
      `The query on the database ${target} is wrong (a syntax error, or a table, column or function that does not exist)`,
    ],
    permission: [
      'connector_source_permission',
      `连接器的数据库账号没有读取查询所用表或列的权限（${target}）`,
      `The connector's database account may not read a table or column the query uses (${target})`,
    ],
    read_only: [
      'connector_source_read_only',
      `查询试图修改数据库 ${target} 中的数据；连接器只读，已拒绝`,
      `The query tried to change data in the database ${target}; connectors only read`,
    ],
    type: [
      'connector_source_type',
      `数据库 ${target} 执行查询时遇到数据类型或取值错误（如类型转换失败、除以零、数值越界）`,
      `The query on the database ${target} met a data type or value error (such as a failed conversion, a division by zero or a number out of range)`,
    ],
    failed: [
      'connector_source_failed',
      `数据库 ${target} 的查询失败（原因已记入平台日志，可请平台管理员查看）`,
      `The query on the database ${target} failed (the cause is in the platform's log; ask the platform administrator)`,
    ],
  };
  const [code, zh, en] = m[kind];
  return new SourceError(code, zh, en, detail, raw);
}

/** The source session's role is a superuser or may read every table, server files or the password table. */
export const sourcePrivileged = (target: string, user: string) =>
  new SourceError(
    'connector_source_privileged',
    `连接器的数据库账号 ${user} 权限过大（超级用户，或能读取全部数据、服务器文件或账号口令表），已拒绝运行（${target}）；请改用只对所需表有 SELECT 权限的专用账号`,
    `The connector's database account ${user} holds too much power (a superuser, or may read all data, server files or the password table), so the run was refused (${target}); use an account of its own with SELECT on the tables it needs only`,
  );

/** The source is the platform's own database (same server and database as DATABASE_URL). */
export class PlatformDatabaseRefused extends SourceError {
  constructor(target: string) {
    super(
      'connector_platform_database',
      `连接器不能读取平台自身的数据库（${target}）`,
      `A connector may not read the platform's own database (${target})`,
    );
  }
}

/** A driver's error code only (`SQLSTATE 22P02`, `MySQL 1064 ER_PARSE_ERROR`, `ECONNREFUSED`): no message text. */
export function errorCodeOf(err: unknown): string | null {
  const e = (err ?? {}) as { code?: unknown; errno?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z0-9_]{1,64}$/.test(e.code) ? e.code : null;
  if (typeof e.errno === 'number' && code?.startsWith('ER_')) return `MySQL ${e.errno} ${code}`;
  if (code !== null && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code)) return `SQLSTATE ${code}`;
  return code;
}

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
