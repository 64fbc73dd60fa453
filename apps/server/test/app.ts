import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config/config.ts';
import { DEMO_PASSWORD } from '../src/demo/city.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ HUITONG_LOG_LEVEL: 'silent', HUITONG_DEMO: '1' }),
    // Generous limits: tests that exercise the limits set their own.
    signInRatePerMinute: 10_000,
    // The demo catalog only where a test asks for it (it takes a few seconds to load).
    demoCatalog: false,
    demoData: false,
    // Job handlers are run directly (`app.jobs.runNow`); the queue only where a test asks for it.
    jobs: false,
    ...overrides,
  };
}

/** The app on a fresh database of the suite's backend, with the demo city unless `demo: false`. */
export async function buildTestApp(
  overrides: Partial<Config> = {},
  database?: TestDatabase,
): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  // On PostgreSQL the app knows its database's URL as a server started with DATABASE_URL would.
  const config = testConfig({ ...(db.url !== undefined ? { databaseUrl: db.url } : {}), ...overrides });
  try {
    const { app } = await buildApp(config, { database: db.handle, logger: false });
    return {
      app,
      database: db,
      config,
      close: async () => {
        await app.close();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

export interface Session {
  username: string;
  cookie: string;
  csrf: string;
  /** Sends a request with the session cookie and CSRF header. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
}

export async function signIn(
  app: FastifyInstance,
  username: string,
  password = DEMO_PASSWORD,
): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'huitong_sid');
  if (!cookie) throw new Error('no session cookie');
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  const header = `huitong_sid=${cookie.value}`;
  return {
    username,
    cookie: header,
    csrf,
    request: (method, url, body) =>
      app.inject({
        method,
        url,
        headers: { cookie: header, 'x-csrf-token': csrf },
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
  };
}

export async function orgIdByName(app: FastifyInstance, name: string): Promise<string> {
  const row = await app.db
    .selectFrom('organisations')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function accountIdByUsername(app: FastifyInstance, username: string): Promise<string> {
  const row = await app.db
    .selectFrom('accounts')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return row.id;
}
