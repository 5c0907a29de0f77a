/**
 * tessera.v1.IntrospectionService: RFC 7662 for the gateway's admin endpoint and for internal
 * services calling core directly.
 */
import type { IntrospectionServiceServer, IntrospectResponse } from '../../proto/gen/tessera/v1/introspection.js';
import { errors } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Introspection, Introspector } from '../tokens/introspection.js';
import { unary } from './unary.js';

/** IntrospectBatch's limit, as documented in introspection.proto. */
export const MAX_BATCH = 100;

export function introspectionServiceHandlers(introspector: Introspector, logger: Logger): IntrospectionServiceServer {
  return {
    introspect: unary(logger, 'Introspect', async (req) => toWire(await introspector.introspect(req.token, req.scope))),
    introspectBatch: unary(logger, 'IntrospectBatch', async (req) => {
      if (req.requests.length > MAX_BATCH) throw errors.badRequest(`IntrospectBatch takes at most ${MAX_BATCH} tokens; this request has ${req.requests.length}.`);
      const results = await Promise.all(req.requests.map((one) => introspector.introspect(one.token, one.scope)));
      return { results: results.map(toWire) };
    }),
  };
}

function toWire(result: Introspection): IntrospectResponse {
  return {
    active: result.active,
    scope: result.scope ?? '',
    client_id: result.client_id ?? '',
    sub: result.sub ?? '',
    exp: result.exp ?? 0,
    iat: result.iat ?? 0,
    nbf: result.nbf ?? 0,
    aud: result.aud ?? [],
    iss: result.iss ?? '',
    token_type: result.token_type ?? '',
    token_use: result.token_use ?? '',
    ext_json: result.ext ? JSON.stringify(result.ext) : '',
    username: '',
    obfuscated_subject: '',
  };
}
