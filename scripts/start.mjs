// `npm start`: builds what is missing or stale — the web app (vite) and the server (esbuild, see
// server-build.mjs) — showing progress, then runs the built server (plain JavaScript, no tsx). Later
// starts reuse both builds while their sources are unchanged. `npm run dev` runs the TypeScript
// sources with tsx instead.
import { pathToFileURL } from 'node:url';
import { SERVER_ENTRY, buildServer, serverBuildNeeded } from './server-build.mjs';
import { buildWeb, webBuildNeeded } from './web-build.mjs';

/**
 * Runs one build step, telling the user what is happening: on a terminal a line whose elapsed time
 * counts up, elsewhere (a log) one line when it starts and one when it ends.
 */
async function step(label, work) {
  const started = Date.now();
  const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const tty = process.stdout.isTTY === true;
  let ticker;
  if (tty) {
    process.stdout.write(`${label} …`);
    ticker = setInterval(() => process.stdout.write(`\r${label} … ${seconds()}`), 1000);
  } else console.log(`${label} …`);
  try {
    await work();
  } catch (err) {
    if (tty) process.stdout.write('\n');
    console.error(`${label} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  } finally {
    clearInterval(ticker);
  }
  const done = `${label} … done (${seconds()})`;
  if (tty) process.stdout.write(`\r${done}\n`);
  else console.log(done);
}

const steps = [];
if (webBuildNeeded()) steps.push(['Building the web app (apps/web)', buildWeb]);
if (serverBuildNeeded()) steps.push(['Building the server (apps/server)', buildServer]);
if (steps.length > 0) {
  console.log(
    `Huitong: ${steps.length === 2 ? 'first start, ' : ''}building before it starts (later starts reuse the build).`,
  );
  for (const [i, [label, work]] of steps.entries()) await step(`[${i + 1}/${steps.length}] ${label}`, work);
}

// Source maps (dist/*.js.map) are not enabled: they cost ~12 MB of heap for the life of the process,
// and the bundle is not minified, so a stack trace names the function and the bundled source line.
// `node --enable-source-maps apps/server/dist/server.js` maps traces to the TypeScript files.
await import(pathToFileURL(SERVER_ENTRY).href);
