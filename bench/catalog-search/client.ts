/**
 * The load client. It runs in a worker thread (client-worker.mjs) so that it does not share an event
 * loop with the server it measures.
 */
import { Worker } from 'node:worker_threads';

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
}

export interface LoadJob {
  port: number;
  requests: LoadRequest[];
  /** Request indices in sending order (cycled). */
  order: number[];
  total: number;
  concurrency: number;
  maxSeconds: number;
}

export interface LoadResult {
  /** Latency in ms of each completed request, in completion order. */
  latencies: Float64Array;
  /** The request index of each latency. */
  which: Int32Array;
  seconds: number;
  errors: number;
  firstError: string | null;
}

/** Runs a load job in a fresh worker thread. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./client-worker.mjs', import.meta.url), { workerData: job });
    worker.once('message', (msg: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
      void worker.terminate();
      if (msg.ok) resolve(msg.result);
      else reject(new Error(msg.error));
    });
    worker.once('error', reject);
  });
}
