/**
 * Adapts an async domain call to a grpc-js unary handler: one place that catches, logs and
 * maps errors, so each service file is only parse → call → map. `instrumentService` wraps
 * every method of a service once, where it is registered: the request id the gateway sent
 * (`x-request-id` metadata) is bound to every log line of the call, and the call is counted
 * and timed for Prometheus.
 */
import { randomUUID } from 'node:crypto';
import {
  status,
  type handleUnaryCall,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Counter, Histogram } from 'prom-client';
import { withRequestId, type Logger } from '../shared/logger.js';
import { OAuthError } from '../shared/errors.js';
import { toServiceError } from './errors.js';

/** What a request that could not be decoded becomes, so the handler wrapper can refuse it. */
class UndecodableRequest {
  constructor(readonly reason: string) {}
}

/**
 * The service definition with a deserializer that never throws. grpc-js answers a request whose
 * bytes do not decode with INTERNAL; the caller sent them, so it is INVALID_ARGUMENT here
 * (instrumentService refuses the marker before any handler sees it).
 */
export function tolerantDefinition(definition: ServiceDefinition): ServiceDefinition {
  return Object.fromEntries(
    Object.entries(definition).map(([name, method]) => {
      const decode = method.requestDeserialize;
      const requestDeserialize = (bytes: Buffer): unknown => {
        try {
          return decode(bytes);
        } catch (err) {
          return new UndecodableRequest(err instanceof Error ? err.message : String(err));
        }
      };
      return [name, { ...method, requestDeserialize }];
    }),
  );
}

/**
 * True when any string in the decoded message holds U+0000. No stored identifier or value can
 * contain one, and databases refuse or mangle it (PostgreSQL text rejects it, SQLite ends the
 * literal there), so it is refused at the edge as the caller's error rather than failing deep
 * in storage as a 500.
 */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (depth > 64 || value === null || typeof value !== 'object' || value instanceof Uint8Array) return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (holdsNul(item, depth + 1)) return true;
  }
  return false;
}

export function unary<Req, Res>(
  logger: Logger,
  method: string,
  handler: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err, logger, method)),
    );
  };
}

type GrpcLabels = 'grpc_service' | 'grpc_method' | 'grpc_code';

/** The two gRPC metrics of core-metrics.ts. */
export interface GrpcMetrics {
  grpcHandled: Counter<GrpcLabels>;
  grpcHandlingSeconds: Histogram<GrpcLabels>;
}

/** A request id from a caller is kept when it is safe to log; otherwise one is made up. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type AnyUnary = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void;

/**
 * Wraps each unary method of `implementation`: binds the request id to the call's log lines,
 * logs the outcome at debug, and records `grpc_server_handled_total` and
 * `grpc_server_handling_seconds` (go-grpc-prometheus names) by method and status code.
 */
export function instrumentService(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  logger: Logger,
  metrics: GrpcMetrics | undefined,
): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = { ...implementation };
  for (const [name, method] of Object.entries(definition)) {
    const original = implementation[name];
    if (method.requestStream || method.responseStream || typeof original !== 'function') continue;
    // `/tessera.v1.OAuth2Service/Token` → service and method labels.
    const [, service = '', rpc = name] = method.path.split('/');
    const handler = original as AnyUnary;
    // The labelled series of this method, one per status code: prom-client hashes a label
    // object on every inc/observe, which the bound children skip (issue 11 profile).
    const series = new Map<number, { handled: { inc(): void }; seconds: { observe(value: number): void }; code: string }>();
    const seriesOf = (code: number) => {
      let found = series.get(code);
      if (found === undefined && metrics !== undefined) {
        const labels = { grpc_service: service, grpc_method: rpc, grpc_code: status[code] ?? String(code) };
        found = { handled: metrics.grpcHandled.labels(labels), seconds: metrics.grpcHandlingSeconds.labels(labels), code: labels.grpc_code };
        series.set(code, found);
      }
      return found;
    };
    const instrumented: AnyUnary = (call, callback) => {
      const sent = call.metadata.get('x-request-id')[0];
      const requestId = typeof sent === 'string' && SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
      const started = process.hrtime.bigint();
      const refusal =
        call.request instanceof UndecodableRequest
          ? new OAuthError('invalid_request', { hint: `The request message is not a valid ${method.path} request: it could not be decoded.` })
          : holdsNul(call.request)
            ? new OAuthError('invalid_request', { hint: 'The request contains a NUL character, which no identifier or value may hold.' })
            : undefined;
      const finish: sendUnaryData<unknown> = (err, value, trailer, flags) => {
        const code = err ? (err.code ?? status.UNKNOWN) : status.OK;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const bound = seriesOf(code);
        bound?.handled.inc();
        bound?.seconds.observe(seconds);
        if (logger.isLevelEnabled('debug')) logger.debug({ grpc_method: method.path, grpc_code: status[code] ?? String(code), took_ms: Math.round(seconds * 1000) }, 'grpc call finished');
        callback(err, value, trailer, flags);
      };
      withRequestId(requestId, () => (refusal ? finish(toServiceError(refusal, logger, method.path)) : handler(call, finish)));
    };
    wrapped[name] = instrumented as UntypedServiceImplementation[string];
  }
  return wrapped;
}
