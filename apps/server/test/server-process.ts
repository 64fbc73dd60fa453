/**
 * The real server (src/server.ts with tsx) as a child process, as an operator starts it: on a free
 * port of 127.0.0.1, resolved once it prints the URL it runs at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const SERVER_SCRIPT = path.resolve(import.meta.dirname, '../src/server.ts');

export interface RunningServer {
  child: ChildProcess;
  /** The base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts the server with `env` over the test defaults (port 0, 127.0.0.1, log level warn, cookies
 * without `Secure`). Rejects with the output if it exits first or does not start within 90 s
 * (`startTimeoutMs`).
 * With `traceImports`, the URL of every module the process loads is appended to that file. With
 * `built`, runs that built server (JavaScript, as `npm start` does) instead of the sources with tsx.
 */
export function startServer(
  env: Record<string, string>,
  options: { traceImports?: string; built?: string; startTimeoutMs?: number } = {},
): Promise<RunningServer> {
  const trace = options.traceImports
    ? ['--import', path.resolve(import.meta.dirname, 'trace-imports.mjs')]
    : [];
  const args = options.built ? [...trace, options.built] : ['--import', 'tsx', ...trace, SERVER_SCRIPT];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...(options.traceImports ? { HUITONG_TEST_IMPORT_LOG: options.traceImports } : {}),
      PORT: '0',
      HOST: '127.0.0.1',
      HUITONG_LOG_LEVEL: 'warn',
      HUITONG_COOKIE_SECURE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${out}`)),
      options.startTimeoutMs ?? 90_000,
    );
    const poll = setInterval(() => {
      const m = /running at (http:\/\/localhost:\d+)/.exec(out);
      if (m?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, url: m[1].replace('localhost', '127.0.0.1'), output: () => out, exited });
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}
