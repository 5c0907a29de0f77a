/**
 * `GET /.well-known/jwks.json` (Hydra's `discoverJsonWebKeys`; OIDC Discovery 1.0 §3 `jwks_uri`):
 * the public keys that verify ID tokens and JWT access tokens. Core strips every private member.
 */
import type { FastifyInstance } from 'fastify';
import type { JwkServiceClient } from '../../proto/gen/tessera/v1/keys.js';
import { call } from '../grpc-client/call.js';
import { operation } from '../openapi/schemas.js';

/**
 * Short on purpose: a key created through the admin API signs at once, so relying parties must
 * see it soon (most also refetch on an unknown `kid`), and a deleted (say, compromised) key should
 * leave their caches within a minute. Yet long enough that a burst of verifications is one fetch.
 */
export const JWKS_MAX_AGE_SECONDS = 60;

/** Registers `/.well-known/jwks.json` on the public listener. */
export function registerJwksRoute(app: FastifyInstance, keys: JwkServiceClient): void {
  // Hydra wraps this with x/oauth2cors: a client's allowed_cors_origins count (http-gateway/cors.ts).
  const schema = operation({ id: 'discoverJsonWebKeys', tag: 'wellknown', summary: 'Discover Well-Known JSON Web Keys', responses: { 200: 'jsonWebKeySet' } });
  app.get('/.well-known/jwks.json', { schema, config: { perClientCors: true } }, async (request, reply) => {
    const res = await call({ requestId: request.id }, keys.getPublicJwks.bind(keys), {});
    return reply
      .header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
      .type('application/json; charset=utf-8')
      .send(res.jwks_json);
  });
}
