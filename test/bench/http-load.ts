/**
 * HTTP load generator, run by run.ts as its own process so its CPU is not counted against the
 * servers' event loops: autocannon for a warm-up, then for the measured window, then one JSON
 * line (load-result.ts) on stdout.
 *
 * @example node --import tsx test/bench/http-load.ts '{"url":"http://127.0.0.1:4444/oauth2/token",…}'
 */
import autocannon from 'autocannon';
import { report, specFromArgv, startMeasuring } from './load-result.js';

export interface HttpLoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

const spec = specFromArgv<HttpLoadSpec>("usage: http-load.ts '<HttpLoadSpec as JSON>'");
const request = { url: spec.url, method: 'POST' as const, headers: spec.headers, body: spec.body, connections: spec.connections, timeout: 10 };

// The warm-up lets V8 optimise the hot paths and the pools fill before anything is counted.
await autocannon({ ...request, duration: spec.warmupSeconds });

let firstError: string | undefined;
const loadCpu = startMeasuring();
const run = autocannon({ ...request, duration: spec.seconds });
run.on('response', (_client, statusCode) => {
  if (firstError === undefined && (statusCode < 200 || statusCode > 299)) firstError = `HTTP ${statusCode}`;
});
run.on('reqError', (err) => {
  firstError ??= err.message;
});
const result = await run;

const completed = result.requests.total;
report({
  completed,
  seconds: result.duration,
  requestsPerSecond: completed / result.duration,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors: result.non2xx + result.errors + result.timeouts,
  loadCpuMs: loadCpu(),
  ...(firstError === undefined ? {} : { firstError }),
});
