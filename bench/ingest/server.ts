/**
 * The real Huitong server as a child process, as `npm start` runs it (the esbuild bundle in
 * apps/server/dist, rebuilt first when its sources changed), and an HTTP upload to it; the peak
 * resident memory of the child from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

import { SERVER_ENTRY, buildServer, serverBuildNeeded } from '../../scripts/server-build.mjs';

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  /** Stops the server with SIGTERM (graceful: a CPU profile, if asked for, is written). */
  stop(): Promise<void>;
}

export async function startServer(
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<RunningServer> {
  if (serverBuildNeeded()) await buildServer();
  const child = spawn(process.execPath, [...nodeFlags, SERVER_ENTRY], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: '0',
      HOST: '127.0.0.1',
      HUITONG_LOG_LEVEL: 'warn',
      HUITONG_COOKIE_SECURE: '0',
      HUITONG_JOBS: '0',
      // The demo datasets would load in the background while the upload is measured.
      HUITONG_DEMO_DATA: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise<RunningServer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 180_000);
    const poll = setInterval(() => {
      const m = /running at (http:\/\/localhost:\d+)/.exec(out);
      if (m?.[1] && child.pid) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({
          child,
          pid: child.pid,
          url: m[1].replace('localhost', '127.0.0.1'),
          output: () => out,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${out}`));
    });
  });
}

/** VmHWM (peak resident set) and VmRSS of a process, in MB. */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

export interface Session {
  cookie: string;
  csrf: string;
}

export async function signIn(url: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: body.csrfToken };
}

export async function api<T>(
  url: string,
  session: Session,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Streams a file as the body of `POST route`; answers the status, the parsed body and the seconds until the answer. */
export function uploadFile(
  url: string,
  session: Session,
  route: string,
  file: string,
): Promise<{ status: number; body: unknown; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${route}`, {
      method: 'POST',
      agent: false,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        'content-type': 'text/csv',
        'content-length': fs.statSync(file).size,
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const seconds = (performance.now() - started) / 1000;
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: kept as text for the error message
        }
        resolve({ status: res.statusCode ?? 0, body, seconds });
      });
    });
    req.on('error', reject);
    fs.createReadStream(file).on('error', reject).pipe(req);
  });
}
