/**
 * gRPC load generator for tessera.v1.IntrospectionService/Introspect, straight to core as an
 * internal service would call it: `concurrency` calls always in flight over one channel, a
 * warm-up, then the measured window; one JSON line (load-result.ts) on stdout.
 *
 * @example node --import tsx test/bench/grpc-load.ts '{"address":"127.0.0.1:4446","token":"ory_at_…",…}'
 */
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { IntrospectionServiceClient, type IntrospectResponse } from '../../proto/gen/tessera/v1/introspection.js';
import { gatewayMetadata } from '../support/cluster.js';
import { report, specFromArgv, startMeasuring } from './load-result.js';

export interface GrpcLoadSpec {
  address: string;
  token: string;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

const spec = specFromArgv<GrpcLoadSpec>("usage: grpc-load.ts '<GrpcLoadSpec as JSON>'");
const client = new IntrospectionServiceClient(spec.address, credentials.createInsecure());

function introspect(): Promise<IntrospectResponse> {
  return new Promise((resolve, reject) => {
    client.introspect({ token: spec.token, scope: '' }, gatewayMetadata(), { deadline: Date.now() + 10_000 }, (err: ServiceError | null, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

interface Window {
  latenciesMs: number[];
  errors: number;
  firstError?: string;
}

/** Keeps `concurrency` calls in flight until `seconds` have passed; records only when asked. */
async function drive(seconds: number, record: boolean): Promise<Window & { seconds: number }> {
  const window: Window = { latenciesMs: [], errors: 0 };
  const start = performance.now();
  const until = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      let problem: string | undefined;
      try {
        // A valid token must stay active: an inactive answer is as wrong as an error.
        if (!(await introspect()).active) problem = 'token reported inactive';
      } catch (err) {
        problem = (err as Error).message;
      }
      if (!record) continue;
      window.latenciesMs.push(performance.now() - sent);
      if (problem !== undefined) {
        window.errors += 1;
        window.firstError ??= problem;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  return { ...window, seconds: (performance.now() - start) / 1000 };
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

await drive(spec.warmupSeconds, false);
const loadCpu = startMeasuring();
const measured = await drive(spec.seconds, true);
const loadCpuMs = loadCpu();
client.close();

const sorted = Float64Array.from(measured.latenciesMs).sort();
report({
  completed: sorted.length,
  seconds: measured.seconds,
  requestsPerSecond: sorted.length / measured.seconds,
  p50Ms: percentile(sorted, 50),
  p99Ms: percentile(sorted, 99),
  errors: measured.errors,
  loadCpuMs,
  ...(measured.firstError === undefined ? {} : { firstError: measured.firstError }),
});
