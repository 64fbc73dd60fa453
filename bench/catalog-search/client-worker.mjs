// The load client's worker thread (plain JavaScript: worker threads do not inherit tsx's loader).
// See client.ts for the contract. `concurrency` clients, each on its own keep-alive connection,
// send the next request of a fixed sequence as soon as their previous answer has been read in full,
// until `total` requests are done (or `maxSeconds` have passed). Latency: request sent → last byte.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @param {import('./client.ts').LoadJob} job */
async function runJob(job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies = new Float64Array(job.total);
  const which = new Int32Array(job.total);
  let next = 0;
  let done = 0;
  let errors = 0;
  /** @type {string | null} */
  let firstError = null;
  const started = performance.now();
  const deadline = started + job.maxSeconds * 1000;

  /** @param {import('./client.ts').LoadRequest} req @returns {Promise<number>} */
  const one = (req) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const r = http.request(
        { host: '127.0.0.1', port: job.port, path: req.path, method: 'GET', headers: req.headers, agent },
        (res) => {
          let size = 0;
          res.on('data', (chunk) => (size += chunk.length));
          res.on('end', () => {
            const ms = performance.now() - t0;
            if (res.statusCode !== 200) reject(new Error(`${res.statusCode} for ${req.path}`));
            else if (size === 0) reject(new Error(`empty answer for ${req.path}`));
            else resolve(ms);
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end();
    });

  const client = async () => {
    for (;;) {
      if (performance.now() > deadline) return;
      const i = next++;
      if (i >= job.total) return;
      const index = job.order[i % job.order.length] ?? 0;
      try {
        const ms = await one(job.requests[index]);
        latencies[done] = ms;
        which[done] = index;
        done++;
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies: latencies.slice(0, done), which: which.slice(0, done), seconds, errors, firstError };
}

if (parentPort) {
  const port = parentPort;
  runJob(workerData).then(
    (result) => port.postMessage({ ok: true, result }),
    (err) => port.postMessage({ ok: false, error: err instanceof Error ? err.stack : String(err) }),
  );
}
