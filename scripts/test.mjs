// `npm test`: typecheck, lint, the unit and integration suite on PGlite and on PostgreSQL, and the
// end-to-end suite in Chromium. Stops at the first failure. In CI (CI=true) an unreachable
// PostgreSQL is a failure; on a developer machine it skips that suite with a warning.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { ensureDatabase } from './ensure-database.mjs';

const pgUrl = process.env.HUITONG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ci = process.env.CI === 'true' || process.env.CI === '1';

function run(title, command, args, env = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n✖ ${title} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Whether the PostgreSQL suite can run: the server answers (its `test` database is created when missing). */
async function postgresReachable() {
  try {
    if (await ensureDatabase(pgUrl, { connectionTimeoutMillis: 3000 }))
      console.log(`Created the database ${new URL(pgUrl).pathname.slice(1)} for the PostgreSQL suite.`);
  } catch {
    return false;
  }
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const only = process.argv[2];
const npx = 'npx';
const steps = {
  typecheck: () => run('typecheck', 'npm', ['run', 'typecheck']),
  lint: () => run('lint', 'npm', ['run', 'lint']),
  pglite: () =>
    run('unit + integration on PGlite', npx, ['vitest', 'run', '--config', 'apps/server/vitest.config.ts'], {
      HUITONG_TEST_BACKEND: 'pglite',
    }),
  postgres: async () => {
    if (!(await postgresReachable())) {
      if (ci) {
        console.error(`✖ PostgreSQL is not reachable at ${pgUrl}; in CI the PostgreSQL suite is mandatory.`);
        process.exit(1);
      }
      console.warn(
        `⚠ PostgreSQL is not reachable at ${pgUrl}: skipping the PostgreSQL suite (mandatory in CI).`,
      );
      return;
    }
    run('integration on PostgreSQL', npx, ['vitest', 'run', '--config', 'apps/server/vitest.config.ts'], {
      HUITONG_TEST_BACKEND: 'postgres',
      HUITONG_TEST_PG_URL: pgUrl,
    });
  },
  e2e: () =>
    run('end-to-end in Chromium', npx, ['vitest', 'run', '--config', 'apps/web/e2e/vitest.config.ts']),
};

for (const [name, step] of Object.entries(steps)) {
  if (only && only !== name) continue;
  await step();
}
console.log('\nAll tests passed.');
