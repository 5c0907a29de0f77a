/**
 * `serve.admin.auth.enabled`: the admin API demands `Authorization: Bearer <key>` (RFC 6750
 * §2.1), where the key is one of core's callers (`serve.grpc.callers`). Hydra leaves its admin
 * API open and so does Tessera by default; an operator who turns this on closes it without a
 * proxy. The gateway checks only that a key is there: it forwards the key to core in place of
 * its own, and core decides, once, whether the key is known and which services it opens, so a
 * `billing` key reaches `/admin/oauth2/introspect` and gets 403 on `/admin/clients`.
 * Health, version and metrics are registered outside this scope and stay open for probes and
 * scrapers; they read nothing from core but its health.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { httpError } from '../errors/http-error.js';
import { sendError } from '../errors/handlers.js';
import type { CallContext } from '../grpc-client/call.js';

/** The key each admin request presented, kept only for the request's lifetime. */
const presented = new WeakMap<FastifyRequest, string>();

/** RFC 6750 §2.1: `Bearer` (any case), one or more spaces, a token of visible ASCII. */
const BEARER = /^Bearer +([\x21-\x7e]+)$/i;

/** RFC 6750 §3: a 401 names the scheme the client should use. */
const CHALLENGE = 'Bearer realm="tessera-admin"';

/** Makes every route registered on `scope` demand a bearer key. */
export function requireAdminApiKey(scope: FastifyInstance): void {
  scope.addHook('onRequest', async (request, reply) => {
    const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (key === undefined) {
      return sendError(
        reply.header('www-authenticate', CHALLENGE),
        httpError('request_unauthorized', { hint: 'The admin API requires an "Authorization: Bearer <API key>" header (serve.admin.auth.enabled).' }),
      );
    }
    presented.set(request, key);
    return undefined;
  });
  // Core refused the key (unknown): the 401 it turns into carries the challenge too.
  scope.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate')) void reply.header('www-authenticate', CHALLENGE);
    return payload;
  });
}

/** The call context of an admin request: its request id and, when the admin API is closed, its key. */
export function adminContext(request: FastifyRequest): CallContext {
  const apiKey = presented.get(request);
  return apiKey === undefined ? { requestId: request.id } : { requestId: request.id, apiKey };
}
