/**
 * An HTTP(S) source: GET the URL into a temporary file (at most `maxBytes`, within the timeout),
 * connecting only to the address the allow-list check answered for the host name (the TLS server
 * name and the Host header stay the URL's own). Redirects are followed up to five times, each new
 * location checked against the allow-list again; the secret header is never sent to another origin.
 * An error answer's body is never read: it is the source's own text (it may hold data, or an
 * internal service's page), so a failure says only the status; client errors (which can name the
 * address connected to) keep only their code, the rest goes to the server log.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { invalidField } from '../../../shared/errors.ts';
import {
  checkTarget,
  type AllowEntry,
  type CheckedTarget,
  type Lookup,
  systemLookup,
} from './address-check.ts';
import { SourceError, errorCodeOf, sourceTimeout, sourceTooLarge } from './errors.ts';
import { makeTempDir } from '../temp-files.ts';

const MAX_REDIRECTS = 5;

export interface HttpFetchOptions {
  url: string;
  header?: { name: string; value: string } | null;
  allowList: readonly AllowEntry[];
  maxBytes: number;
  timeoutMs: number;
  lookup?: Lookup;
  /** The data directory, under which the download is kept (see temp-files.ts); else the system's temporary directory. */
  dataDir?: string;
}

export interface Downloaded {
  file: string;
  bytes: number;
  contentType: string | null;
  /** The last path segment of the final URL (decoded), for the version's file name. */
  fileName: string | null;
  cleanup(): Promise<void>;
}

/** Parses a connector URL: http or https, a host, no user name or password in it. */
export function parseSourceUrl(text: string, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidField(field, '不是有效的网址', 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidField(field, '须以 http:// 或 https:// 开头', 'must start with http:// or https://');
  if (url.username || url.password)
    throw invalidField(
      field,
      '不得包含用户名或密码，请填在“请求头”和“密钥”中',
      'must not hold a user name or password; use the header and secret fields',
    );
  if (!url.hostname) throw invalidField(field, '缺少主机名', 'has no host');
  return url;
}

export const portOf = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** A lookup that answers the checked address, whatever is asked: the connection goes where the check said. */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  const first = target.addresses[0];
  if (!first) throw new Error('no checked address');
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: first.address, family: first.family }]);
    else callback(null, first.address, first.family);
  }) as unknown as LookupFunction;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

function request(url: URL, target: CheckedTarget, headers: Record<string, string>, signal: AbortSignal) {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const req = mod.request(
      {
        protocol: url.protocol,
        // An IP literal is connected to as checked (an IPv6 form of IPv4 as the IPv4 address).
        hostname: net.isIP(target.host) !== 0 ? (target.addresses[0]?.address ?? '') : target.host,
        port: portOf(url),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { 'user-agent': 'Huitong-connector/1', accept: '*/*', ...headers },
        lookup: pinnedLookup(target),
        agent: false,
        signal,
        ...(url.protocol === 'https:' && net.isIP(target.host) === 0 ? { servername: target.host } : {}),
      },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Downloads the source into a temporary file; see the module comment. */
export async function fetchHttp(options: HttpFetchOptions): Promise<Downloaded> {
  const controller = new AbortController();
  const seconds = Math.round(options.timeoutMs / 1000);
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const dir = options.dataDir
    ? await makeTempDir(options.dataDir, 'connector')
    : await fs.promises.mkdtemp(path.join(os.tmpdir(), 'huitong-connector-'));
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  try {
    let url = parseSourceUrl(options.url);
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      const target = await checkTarget(
        options.allowList,
        url.hostname,
        portOf(url),
        options.lookup ?? systemLookup,
      );
      const headers: Record<string, string> = {};
      if (options.header && url.origin === origin) headers[options.header.name] = options.header.value;
      let answer: Answer;
      try {
        answer = await request(url, target, headers, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) throw sourceTimeout(seconds, err);
        throw new SourceError(
          'connector_http_unreachable',
          `无法连接数据源 ${url.host}`,
          `Cannot connect to the source ${url.host}`,
          errorCodeOf(err),
          err,
        );
      }
      if (answer.status >= 300 && answer.status < 400 && answer.headers.location) {
        answer.body.resume();
        if (hop >= MAX_REDIRECTS)
          throw new SourceError(
            'connector_http_redirects',
            `数据源重定向次数过多（超过 ${MAX_REDIRECTS} 次）`,
            `The source redirected too many times (more than ${MAX_REDIRECTS})`,
          );
        url = parseSourceUrl(new URL(answer.headers.location, url).toString(), 'location');
        continue;
      }
      if (answer.status < 200 || answer.status >= 300) {
        answer.body.destroy();
        throw new SourceError(
          'connector_http_status',
          `数据源返回 HTTP ${answer.status}，未取得数据`,
          `The source answered HTTP ${answer.status}; no data was read`,
          `HTTP ${answer.status}`,
        );
      }
      const declared = Number(answer.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        answer.body.destroy();
        throw sourceTooLarge(options.maxBytes);
      }
      const file = path.join(dir, 'source');
      let bytes = 0;
      try {
        await pipeline(
          answer.body,
          new Transform({
            transform(chunk: Buffer, _enc, cb) {
              bytes += chunk.length;
              if (bytes > options.maxBytes) cb(sourceTooLarge(options.maxBytes));
              else cb(null, chunk);
            },
          }),
          fs.createWriteStream(file),
        );
      } catch (err) {
        if (controller.signal.aborted) throw sourceTimeout(seconds, err);
        if (err instanceof SourceError) throw err;
        throw new SourceError(
          'connector_http_interrupted',
          '读取数据源时连接中断',
          'The connection broke while reading the source',
          errorCodeOf(err),
          err,
        );
      }
      const last = url.pathname.split('/').filter(Boolean).pop();
      let fileName: string | null = null;
      try {
        fileName = last ? decodeURIComponent(last) : null;
      } catch {
        fileName = last ?? null;
      }
      return {
        file,
        bytes,
        contentType: answer.headers['content-type'] ?? null,
        fileName,
        cleanup,
      };
    }
  } catch (err) {
    await cleanup();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
