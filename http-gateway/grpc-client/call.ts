/**
 * One unary call to core, promisified, with the two things every call needs: a deadline, so a
 * hung core turns into a 503 instead of a hung browser, and the request id, so one request can
 * be followed across both services' logs.
 */
import { Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { fromGrpcError } from '../errors/from-grpc.js';
import { httpError, type HttpError } from '../errors/http-error.js';
import { AUTHORIZATION_METADATA, CALLER_REFUSED_TRAILER } from './credentials.js';

/** Default per-call deadline. */
export const CALL_TIMEOUT_MS = 10_000;

/** What a route passes down with every call. */
export interface CallContext {
  requestId: string;
  /** Overrides CALL_TIMEOUT_MS (health checks use a short one). */
  timeoutMs?: number;
  /**
   * The admin caller's own API key, sent to core instead of the gateway's (serve.admin.auth.enabled):
   * core then decides what this caller may do, as for any direct gRPC caller.
   */
  apiKey?: string;
}

/** The 4-argument form every generated grpc-js client method has (what it returns is not used). */
export type Invoke<Res> = (
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response?: Res) => void,
) => unknown;

/**
 * Runs `invoke` with metadata and deadline; a failure rejects with an HttpError already mapped.
 * @example const res = await unary(ctx, (md, opts, cb) => client.getClient({ client_id }, md, opts, cb));
 */
export function unary<Res>(ctx: CallContext, invoke: Invoke<Res>): Promise<Res> {
  const metadata = new Metadata();
  metadata.set('x-request-id', ctx.requestId);
  if (ctx.apiKey) metadata.set(AUTHORIZATION_METADATA, `Bearer ${ctx.apiKey}`);
  const deadline = Date.now() + (ctx.timeoutMs ?? CALL_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    invoke(metadata, { deadline }, (error, response) => {
      if (error) reject(refusedGateway(error, ctx));
      else if (response === undefined) reject(httpError('server_error'));
      else resolve(response);
    });
  });
}

/**
 * Core refusing the gateway's own credentials (core.api_key / core.tls) is the operator's
 * misconfiguration, not the HTTP client's fault: a 500 whose logged cause names the refusal,
 * rather than a 401 that would tell an OAuth client its own credentials were wrong.
 */
function refusedGateway(error: ServiceError, ctx: CallContext): HttpError {
  const err = fromGrpcError(error);
  const byCallerCheck = error.metadata?.get(CALLER_REFUSED_TRAILER).length > 0;
  return !ctx.apiKey && byCallerCheck ? httpError('server_error', { cause: err }) : err;
}

/** A generated grpc-js unary method in its 4-argument form. */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/**
 * Calls a generated client method (bound to its client) with metadata and deadline.
 * @example const res = await call(ctx, clients.getClient.bind(clients), { client_id: 'abc' });
 */
export function call<Req, Res>(ctx: CallContext, method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
  return unary<Res>(ctx, (metadata, options, callback) => method(request, metadata, options, callback));
}
