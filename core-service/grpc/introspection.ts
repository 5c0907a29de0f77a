/**
 * tessera.v1.IntrospectionService: RFC 7662 for the gateway's admin endpoint and for internal
 * services calling core directly.
 */
import type { IntrospectionServiceServer } from '../../proto/gen/tessera/v1/introspection.js';
import type { Logger } from '../shared/logger.js';
import type { Introspector } from '../tokens/introspection.js';
import { unary } from './unary.js';

export function introspectionServiceHandlers(introspector: Introspector, logger: Logger): IntrospectionServiceServer {
  return {
    introspect: unary(logger, 'Introspect', async (req) => {
      const result = await introspector.introspect(req.token, req.scope);
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
    }),
  };
}
