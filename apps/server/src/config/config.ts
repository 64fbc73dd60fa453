import path from 'node:path';
import { REPO_ROOT } from '../shared/paths.ts';

/** Runtime configuration. `loadConfig()` is the only reader of `process.env` in the server. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** Directory of the embedded database (PGlite) and other local state. */
  dataDir: string;
  /** Load the demo city into an empty database. */
  demo: boolean;
  /** With the demo city, also load the demo catalog (default: same as `demo`). */
  demoCatalog: boolean;
  /** With the demo catalog, also load the demo datasets, in the background after start (default: same as `demoCatalog`). */
  demoData: boolean;
  /** Initial administrator password when the demo is off and the database is empty. */
  adminPassword: string | undefined;
  /** The city (GB/T 2260 code and name) and its authority, created when the demo is off. */
  cityCode: string | undefined;
  cityName: string | undefined;
  authorityName: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Mark session cookies `Secure` (browsers treat http://localhost as secure too). */
  cookieSecure: boolean;
  /** Maximum request body in bytes for JSON APIs. */
  bodyLimit: number;
  /** Idle lifetime of a session in minutes. */
  sessionTtlMinutes: number;
  /**
   * Failed sign-ins from one client address for one user name, within `lockoutMinutes`, before that
   * address is paused for that name (not for others), and for how long.
   */
  lockoutThreshold: number;
  lockoutMinutes: number;
  /**
   * Failed sign-ins for one user name from all addresses together, within `lockoutMinutes`, from which
   * on a distributed attack is assumed: each address then gets one attempt per period instead of
   * `lockoutThreshold`. The account itself is never locked.
   */
  lockoutAccountThreshold: number;
  /** Sign-in attempts allowed per client address per minute. */
  signInRatePerMinute: number;
  /** Directory of the built web app (served at `/`). */
  webDistDir: string;
  /** Work durable jobs and run the schedules (catalog upkeep, …) in this process. */
  jobs: boolean;
  /** Largest data file a department may upload, in bytes. */
  uploadLimit: number;
  /**
   * Master secret from which the SM4 key that encrypts connector secrets is derived. When absent
   * (development, tests) a random key is generated once and kept in `<dataDir>/secret.key`.
   */
  secretKey: string | undefined;
  /** Longest a connector run may read its source, in seconds (HTTP request or database query). */
  connectorTimeoutSeconds: number;
  /** Data exports streaming at a time in this process (each holds a database connection on PostgreSQL). */
  exportsMax: number;
  /** Of those, at most this many per user (an account or an API credential)… */
  exportsPerUser: number;
  /** …and this many per organisation. */
  exportsPerOrg: number;
  /** A download whose client has not read anything for this many seconds is ended and its slot freed. */
  exportIdleSeconds: number;
}

export class ConfigError extends Error {
  constructor(
    public readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1/0 or true/false, got "${raw}"`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError(
        'DATABASE_URL',
        'is not a valid URL (expected postgres://user@host:port/database)',
      );
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError(
        'DATABASE_URL',
        `must start with postgres:// or postgresql://, got "${url.protocol}"`,
      );
    }
  }
  const host = env.HOST ?? '0.0.0.0';
  if (host === '' || /\s/.test(host))
    throw new ConfigError('HOST', `is not a host name or address: "${host}"`);
  const logLevel = (env.HUITONG_LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('HUITONG_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const demo = boolVar(env, 'HUITONG_DEMO', true);
  const adminPassword = env.HUITONG_ADMIN_PASSWORD === '' ? undefined : env.HUITONG_ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword.length < 10) {
    throw new ConfigError('HUITONG_ADMIN_PASSWORD', 'must be at least 10 characters long');
  }
  const cityCode = env.HUITONG_CITY_CODE === '' ? undefined : env.HUITONG_CITY_CODE;
  if (cityCode !== undefined && !/^\d{6}$/.test(cityCode)) {
    throw new ConfigError(
      'HUITONG_CITY_CODE',
      `must be a 6-digit GB/T 2260 division code, got "${cityCode}"`,
    );
  }
  const secretKey = env.HUITONG_SECRET_KEY === '' ? undefined : env.HUITONG_SECRET_KEY;
  if (secretKey !== undefined && secretKey.length < 32) {
    throw new ConfigError('HUITONG_SECRET_KEY', 'must be at least 32 characters long');
  }
  const lockoutThreshold = intVar(env, 'HUITONG_LOCKOUT_THRESHOLD', 5, 1, 100);
  const lockoutAccountThreshold = intVar(env, 'HUITONG_LOCKOUT_ACCOUNT_THRESHOLD', 20, 1, 100_000);
  if (lockoutAccountThreshold < lockoutThreshold) {
    throw new ConfigError(
      'HUITONG_LOCKOUT_ACCOUNT_THRESHOLD',
      `must be at least HUITONG_LOCKOUT_THRESHOLD (${lockoutThreshold}), got ${lockoutAccountThreshold}`,
    );
  }
  return {
    port: intVar(env, 'PORT', 8080, 0, 65535),
    host,
    databaseUrl,
    dataDir: path.resolve(cwd, env.HUITONG_DATA_DIR || 'data'),
    demo,
    demoCatalog: demo && boolVar(env, 'HUITONG_DEMO_CATALOG', true),
    demoData: demo && boolVar(env, 'HUITONG_DEMO_CATALOG', true) && boolVar(env, 'HUITONG_DEMO_DATA', true),
    adminPassword,
    cityCode,
    cityName: env.HUITONG_CITY_NAME || undefined,
    authorityName: env.HUITONG_AUTHORITY_NAME || undefined,
    logLevel,
    cookieSecure: boolVar(env, 'HUITONG_COOKIE_SECURE', true),
    bodyLimit: intVar(env, 'HUITONG_BODY_LIMIT', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    sessionTtlMinutes: intVar(env, 'HUITONG_SESSION_TTL_MINUTES', 8 * 60, 5, 7 * 24 * 60),
    lockoutThreshold,
    lockoutMinutes: intVar(env, 'HUITONG_LOCKOUT_MINUTES', 15, 1, 24 * 60),
    lockoutAccountThreshold,
    signInRatePerMinute: intVar(env, 'HUITONG_SIGNIN_RATE', 20, 1, 10000),
    webDistDir: path.resolve(REPO_ROOT, env.HUITONG_WEB_DIST || 'apps/web/dist'),
    jobs: boolVar(env, 'HUITONG_JOBS', true),
    uploadLimit: intVar(env, 'HUITONG_UPLOAD_LIMIT', 2 * 1024 ** 3, 1024, 1024 ** 4),
    secretKey,
    connectorTimeoutSeconds: intVar(env, 'HUITONG_CONNECTOR_TIMEOUT_SECONDS', 300, 1, 24 * 60 * 60),
    // At most 16: the lease connections (20) must leave room for ingests.
    exportsMax: intVar(env, 'HUITONG_EXPORTS_MAX', 4, 1, 16),
    exportsPerUser: intVar(env, 'HUITONG_EXPORTS_PER_USER', 2, 1, 16),
    exportsPerOrg: intVar(env, 'HUITONG_EXPORTS_PER_ORG', 3, 1, 16),
    exportIdleSeconds: intVar(env, 'HUITONG_EXPORT_IDLE_SECONDS', 60, 1, 60 * 60),
  };
}
