/**
 * One HTTP(S) listener with what every gateway route relies on: JSON-only bodies up to 1 MiB,
 * bounded parameters, headers and waits (limits.ts), a request id, and Hydra-shaped errors.
 * Routes are registered on it by app.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { requestSerializer } from './access-log.js';
import { exposeInternalErrors, installErrorHandlers } from './errors/handlers.js';
import { installGoJsonDecoding } from './go-json.js';
import type { ListenerLimits } from '../core-service/shared/config.js';
import { applyServerLimits, clientErrorHandler, countParameters, DEFAULT_LIMITS, installRequestLimits, limitsOf, serverOptions, tooManyFormParameters } from './limits.js';
import type { TlsMaterial } from './tls.js';

/** Largest accepted request body; above it the answer is 413. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Media types whose bodies are parsed as JSON (RFC 6902 §6 registers json-patch+json). */
const JSON_TYPES = ['application/json', 'application/json-patch+json'];

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A parsed form body: a parameter sent more than once keeps every value, so routes can refuse it. */
export type FormBody = Record<string, string | string[]>;

/**
 * Registers routes that take form bodies (the OAuth 2.0 endpoints: RFC 6749 §3.2, RFC 7009 §2.1,
 * RFC 7662 §2.1) in their own scope, so JSON-only routes keep answering 415 to a form. As Go's
 * ParseForm, the scope reads a form and ignores a body of any other type.
 */
export function withFormBodies(app: FastifyInstance, register: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    const limit = limitsOf(scope).maxFormParameters;
    scope.addContentTypeParser(FORM_TYPE, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseForm(String(body), limit));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    // Go's ParseForm reads only form bodies and ignores any other; the route then finds no form.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, ignoreBody);
    register(scope);
  });
}

/**
 * Registers routes whose Hydra handler reads no request body (DELETEs, the logout accept and
 * reject, secret rotation) in a scope that takes any content type and discards the body: Go
 * handlers never look at it, and Ory's SDK sends an empty form there (logout accept/reject).
 */
export function withIgnoredBodies(app: FastifyInstance, register: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, ignoreBody);
    register(scope);
  });
}

/** A body read (so the body limit still applies) and dropped. */
function ignoreBody(_request: unknown, _body: unknown, done: (err: null, body?: undefined) => void): void {
  done(null, undefined);
}

/**
 * Parses a form in one pass (URLSearchParams, linear), refusing more than `limit` parameters.
 * A repeated parameter's values are appended in place: copying the array on each repeat made
 * 40,000 repeats of `a=` cost seconds.
 */
export function parseForm(body: string, limit: number): FormBody {
  if (countParameters(body) > limit) throw tooManyFormParameters(limit);
  const form: FormBody = Object.create(null) as FormBody;
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = form[name];
    if (seen === undefined) form[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else form[name] = [seen, value];
  }
  return form;
}

/** A request id from a proxy is kept when it is safe to log and to send as gRPC metadata. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Creates a listener (not yet listening). `tls` undefined means plain HTTP. */
export function createListener(opts: {
  logger: FastifyBaseLogger;
  tls: TlsMaterial | undefined;
  leakSensitiveValues?: boolean;
  exposeInternalErrors?: boolean;
  limits?: ListenerLimits;
}): FastifyInstance {
  const { tls } = opts;
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const logger = opts.logger.child({}, { serializers: { req: requestSerializer(opts.leakSensitiveValues ?? false) } });
  const app = Fastify({
    loggerInstance: logger,
    // The same field name core logs, so one grep follows a request through both services.
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Hydra rejects wrong types instead of converting them; "1" must not become 1 silently.
    ajv: { customOptions: { coerceTypes: false } },
    serverFactory: (handler) => {
      const server = tls ? createHttpsServer({ ...serverOptions(limits), key: tls.key, cert: tls.cert }, handler) : createHttpServer(serverOptions(limits), handler);
      applyServerLimits(server, limits);
      return server;
    },
    clientErrorHandler: clientErrorHandler(limits, logger),
  });
  installRequestLimits(app, limits);

  // Only JSON: fastify's default text/plain parser would let a non-JSON body reach schema
  // validation as a string, so an unsupported type must fail with 415 here instead.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  for (const type of JSON_TYPES) app.addContentTypeParser(type, { parseAs: 'string' }, parseJson);

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  exposeInternalErrors(app, opts.exposeInternalErrors ?? false);
  installGoJsonDecoding(app);
  installErrorHandlers(app);
  return app;
}
