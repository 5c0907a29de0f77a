/**
 * gRPC load generator for tessera.v1.IntrospectionService/Introspect (or IntrospectBatch, when
 * `batch` tokens are given), straight to core as an internal service would call it:
 * `concurrency` calls always in flight spread over `channels` channels, a warm-up, then the
 * measured window; one JSON line (load-result.ts) on stdout. Kept lean so it does not
 * understate core: the request is encoded once, the metadata built once, and a single
 * Introspect answer is checked by its first bytes (field 1, `active`, true) instead of decoded.
 *
 * @example node --import tsx test/bench/grpc-load.ts '{"address":"127.0.0.1:4446","token":"ory_at_…",…}'
 */
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { IntrospectBatchRequest, IntrospectBatchResponse, IntrospectRequest } from '../../proto/gen/tessera/v1/introspection.js';
import { gatewayMetadata } from '../support/cluster.js';
import { report, specFromArgv, startMeasuring } from './load-result.js';

export interface GrpcLoadSpec {
  address: string;
  token: string;
  /** Tokens for IntrospectBatch; when given, each call introspects all of them. */
  batch?: string[];
  concurrency: number;
  /** gRPC channels (HTTP/2 connections) the calls are spread over; 4 unless given. */
  channels?: number;
  warmupSeconds: number;
  seconds: number;
}

const spec = specFromArgv<GrpcLoadSpec>("usage: grpc-load.ts '<GrpcLoadSpec as JSON>'");
// Distinct channel options, or grpc-js shares one subchannel (one connection) among them.
const clients = Array.from({ length: spec.channels ?? 4 }, (_, i) => new Client(spec.address, credentials.createInsecure(), { 'grpc.channel_id': i }));
const metadata = gatewayMetadata();
const batch = spec.batch;
const path = batch ? '/tessera.v1.IntrospectionService/IntrospectBatch' : '/tessera.v1.IntrospectionService/Introspect';
const request = Buffer.from(
  batch ? IntrospectBatchRequest.encode({ requests: batch.map((token) => ({ token, scope: '' })) }).finish() : IntrospectRequest.encode({ token: spec.token, scope: '' }).finish(),
);
const identity = (b: Buffer) => b;
/** How many tokens of one answer are active (a single answer: 1 or 0, read off its first two bytes). */
const activeIn = (answer: Buffer): number => (batch ? IntrospectBatchResponse.decode(answer).results.filter((r) => r.active).length : answer[0] === 0x08 && answer[1] === 0x01 ? 1 : 0);
const expected = batch ? batch.length : 1;
let next = 0;

function introspect(): Promise<number> {
  const client = clients[next++ % clients.length] ?? clients[0];
  if (!client) throw new Error('no channel');
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, identity, identity, request, metadata, { deadline: Date.now() + 10_000 }, (err: ServiceError | null, res?: Buffer) =>
      err || !res ? reject(err ?? new Error('no answer')) : resolve(activeIn(res)),
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
        const active = await introspect();
        if (active !== expected) problem = `${expected - active} token(s) reported inactive`;
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
for (const client of clients) client.close();

const sorted = Float64Array.from(measured.latenciesMs).sort();
report({
  completed: sorted.length,
  seconds: measured.seconds,
  requestsPerSecond: sorted.length / measured.seconds,
  p50Ms: percentile(sorted, 50),
  p99Ms: percentile(sorted, 99),
  errors: measured.errors,
  loadCpuMs,
  itemsPerRequest: expected,
  ...(measured.firstError === undefined ? {} : { firstError: measured.firstError }),
});
