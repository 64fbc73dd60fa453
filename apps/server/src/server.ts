// First: V8's settings apply to everything loaded after them.
import './v8-settings.ts';
import path from 'node:path';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { BootstrapError } from './modules/org/index.ts';
import { loadDemoData } from './modules/provision/index.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  let built;
  try {
    built = await buildApp(config);
  } catch (err) {
    if (err instanceof BootstrapError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const { app, bootstrap } = built;

  let closing = false;
  // The demo datasets load in the background; a shutdown stops them at the next row first.
  const stopDemoData = new AbortController();
  let demoData: Promise<unknown> = Promise.resolve();
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown timed out after 30 s');
      process.exit(1);
    }, 30_000);
    force.unref();
    // Requests get 10 s to finish; then connections still open (a client that stopped reading a
    // response keeps it in flight) are closed, so the database closes and the process exits cleanly.
    const cut = setTimeout(() => {
      app.log.warn('closing the connections still open 10 s after the shutdown began');
      app.server.closeAllConnections();
    }, 10_000);
    cut.unref();
    stopDemoData.abort();
    // app.close() stops accepting connections, waits for in-flight requests, then closes the
    // database; the demo loader has stopped using it by then.
    demoData
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  const lines = [
    '',
    `汇通 Huitong is running at ${url}  (database: ${app.backend === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
    `  portal ${url}/   workspace ${url}/workspace   API docs ${url}/api/docs`,
  ];
  if (bootstrap.kind === 'demo') lines.push('Loaded the demo city 沈阳市.');
  if (bootstrap.kind === 'empty')
    lines.push(`Created the administrator "${bootstrap.adminUsername}" with HUITONG_ADMIN_PASSWORD.`);
  // The demo city's data file is read only when the demo is on.
  if (config.demo) lines.push((await import('./demo/city.ts')).demoAccountTable());
  if (config.demoData)
    lines.push('Loading the demo datasets in the background (HUITONG_DEMO_DATA=0 to skip).');
  console.log(lines.join('\n') + '\n');
  if (config.demoData && !closing) {
    // Entries already provided are skipped, so a restart only loads what is missing.
    demoData = loadDemoData(app.database, app.log, {
      filesDir: path.join(config.dataDir, 'files'),
      signal: stopDemoData.signal,
    }).then(
      (loaded) => {
        if (closing) app.log.info({ entries: loaded }, 'loading the demo datasets stopped for the shutdown');
        else if (loaded > 0) app.log.info({ entries: loaded }, 'demo datasets loaded');
      },
      (err: unknown) => {
        if (!closing) app.log.error({ err }, 'loading the demo datasets failed');
      },
    );
  }
}

main().catch((err: unknown) => {
  console.error('Huitong failed to start:', err);
  process.exit(1);
});
