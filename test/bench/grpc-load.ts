/**
 * gRPC load generator for tessera.v1.IntrospectionService/Introspect (or IntrospectBatch, when
 * `batch` tokens are given), straight to core as an internal service would call it:
 * `concurrency` calls always in flight spread over `channels` channels, a warm-up, then the
 * measured window; one JSON line (load-result.ts) on stdout. Kept lean so it does not
 * understate core (it shares the machine's cores with it): it speaks gRPC's wire format over
 * node:http2 directly rather than through grpc-js, whose per-call machinery cost more CPU than
 * core's own handling; the framed request and the headers are built once, and a single
 * Introspect answer is checked by its first bytes (field 1, `active`, true) instead of decoded.
 *
 * @example node --import tsx test/bench/grpc-load.ts '{"address":"127.0.0.1:4446","token":"ory_at_…",…}'
 */
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { performance } from 'node:perf_hooks';
import { IntrospectBatchRequest, IntrospectBatchResponse, IntrospectRequest } from '../../proto/gen/tessera/v1/introspection.js';
import { TEST_CORE_API_KEY } from '../support/cluster.js';
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
const sessions: ClientHttp2Session[] = Array.from({ length: spec.channels ?? 4 }, () => connect(`http://${spec.address}`));
const batch = spec.batch;
const message = batch ? IntrospectBatchRequest.encode({ requests: batch.map((token) => ({ token, scope: '' })) }).finish() : IntrospectRequest.encode({ token: spec.token, scope: '' }).finish();
// gRPC's length-prefixed message: a compression flag byte (0) and the length, big-endian.
const framed = Buffer.alloc(5 + message.length);
framed.writeUInt32BE(message.length, 1);
framed.set(message, 5);
const headers = {
  [constants.HTTP2_HEADER_METHOD]: 'POST',
  [constants.HTTP2_HEADER_PATH]: batch ? '/tessera.v1.IntrospectionService/IntrospectBatch' : '/tessera.v1.IntrospectionService/Introspect',
  [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
  te: 'trailers',
  authorization: `Bearer ${TEST_CORE_API_KEY}`,
};
/** How many tokens of one answer (its message, unframed) are active (a single answer: read off its first two bytes). */
const activeIn = (answer: Buffer): number => (batch ? IntrospectBatchResponse.decode(answer).results.filter((r) => r.active).length : answer[0] === 0x08 && answer[1] === 0x01 ? 1 : 0);
const expected = batch ? batch.length : 1;
let next = 0;

function introspect(): Promise<number> {
  const session = sessions[next++ % sessions.length];
  if (!session) throw new Error('no session');
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: false });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A failed call may answer trailers-only: its status comes with the headers.
    stream.on('response', (head) => {
      if (head['grpc-status'] !== undefined) status = String(head['grpc-status']);
    });
    stream.on('trailers', (trailers) => {
      status = String(trailers['grpc-status'] ?? '');
    });
    stream.on('error', reject);
    stream.on('close', () => {
      const body = chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks);
      if (status !== '0' || body.length < 5) reject(new Error(`grpc-status ${status ?? 'missing'}`));
      else resolve(activeIn(body.subarray(5)));
    });
    stream.end(framed);
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
for (const session of sessions) session.close();

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
