// An open-loop HTTP load generator (the wrk2/vegeta model): request i is due at start + i/rate
// whatever happened to earlier requests, and its latency is measured from that due time, so a
// stalled server shows up in the percentiles instead of silently lowering the offered load
// (coordinated omission). Requests go over a pool of keep-alive TLS connections that trusts only
// the given CA, like the API server with the webhook's caBundle.
//
// autocannon's `overallRate` is not used: it splits the rate over its connections, and each
// connection sends its whole per-second budget back to back at the top of every second, so the
// server sees bursts of 16 concurrent requests rather than a steady rate.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface OpenLoopOptions {
  readonly url: string;
  readonly caPem: string;
  readonly body: string;
  /** The exact response body every request must get (anything else counts as an error). */
  readonly expectBody: string;
  readonly rate: number;
  readonly seconds: number;
  /** Keep-alive connections (the API server keeps several open to a webhook). */
  readonly connections?: number;
}

export interface OpenLoopResult {
  readonly requests: number;
  readonly errors: number;
  /** Requests per second actually completed. */
  readonly throughput: number;
  /** Latency in milliseconds from each request's due time. */
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}

const round = (n: number): number => Math.round(n * 100) / 100;

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 16,
    pipelining: 1,
    connect: { ca: options.caPem, servername: 'localhost' },
  });
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const send = async (due: number): Promise<void> => {
    try {
      const res = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: options.body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text !== options.expectBody) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - due);
  };
  const start = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(due));
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    throughput: round(latencies.length / elapsed),
    latencyMs: {
      p50: round(percentile(latencies, 0.5)),
      p90: round(percentile(latencies, 0.9)),
      p99: round(percentile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? 0),
    },
  };
}
