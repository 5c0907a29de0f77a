/**
 * Fastify's error and not-found handlers: every failure leaves the gateway as Hydra's error
 * JSON with the right status, never as a stack trace or fastify's own error shape.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fromGrpcError, isServiceError } from './from-grpc.js';
import { httpError, HttpError, RETRY_AFTER_SECONDS } from './http-error.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/jwks/keys/0` → `jwks.keys[0]`: the field name as a client wrote it. */
function fieldName(issue: ValidationIssue): string {
  const missing = issue.params?.missingProperty;
  const parts = issue.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (typeof missing === 'string') parts.push(missing);
  return parts.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

function fromValidation(err: FastifyError): HttpError {
  const issue = err.validation?.[0] as ValidationIssue | undefined;
  const where = err.validationContext === 'body' ? 'request body' : (err.validationContext ?? 'request');
  if (!issue) return httpError('invalid_request', { hint: `The ${where} is invalid.` });
  const field = fieldName(issue);
  const subject = field ? `Field "${field}" in the ${where}` : `The ${where}`;
  return httpError('invalid_request', { hint: `${subject} ${issue.message ?? 'is invalid'}.` });
}

/** Classifies anything a route or fastify threw into an HttpError. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isServiceError(err)) return fromGrpcError(err);
  const fe = err as Partial<FastifyError>;
  if (fe.validation) return fromValidation(fe as FastifyError);
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return httpError('invalid_request', { hint: 'The request body is not valid JSON.', cause: err });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return httpError('invalid_request', { hint: 'The request body is empty but must be a JSON document.', cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return httpError('invalid_request', { status: 415, hint: 'The Content-Type must be application/json.', cause: err });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpError('invalid_request', { status: 413, hint: 'The request body exceeds the 1 MiB limit.', cause: err });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return httpError('invalid_request', { hint: 'The Content-Length does not match the body.', cause: err });
    default:
      break;
  }
  // Other 4xx from fastify (bad URL encoding, proto poisoning, …) are the client's fault.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return httpError('invalid_request', { status: fe.statusCode, hint: 'The request is malformed.', cause: err });
  }
  return httpError('server_error', { cause: err });
}

/** Writes an HttpError; 503 carries Retry-After so clients back off instead of failing. */
export function sendError(reply: FastifyReply, err: HttpError): FastifyReply {
  if (err.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.bodyFor(exposesInternalErrors(reply.server)));
}

const EXPOSE_INTERNAL_ERRORS = Symbol('oauth2.expose_internal_errors');

/** `oauth2.expose_internal_errors` for one listener: error bodies then carry the debug detail. */
export function exposeInternalErrors(app: FastifyInstance, expose: boolean): void {
  app.decorate(EXPOSE_INTERNAL_ERRORS, expose);
}

function exposesInternalErrors(app: FastifyInstance): boolean {
  return (app as FastifyInstance & { [EXPOSE_INTERNAL_ERRORS]?: boolean })[EXPOSE_INTERNAL_ERRORS] === true;
}

/** Installs the Hydra-shaped error and 404 handlers on one listener. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const httpErr = toHttpError(err);
    // Full detail goes to the operator's log only; the client sees the rendered body.
    if (httpErr.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ error: httpErr.body.error, hint: httpErr.body.error_hint }, 'request rejected');
    return sendError(reply, httpErr);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, httpError('not_found', { hint: `No route matches ${request.method} ${request.url.split('?')[0] ?? ''}.` })),
  );
}
