/**
 * Hydra's admin token endpoints: `POST /admin/oauth2/introspect` (RFC 7662) over
 * tessera.v1.IntrospectionService and `DELETE /admin/oauth2/tokens?client_id=`.
 */
import type { FastifyInstance } from 'fastify';
import type { IntrospectionServiceClient } from '../../proto/gen/tessera/v1/introspection.js';
import type { OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { call } from '../grpc-client/call.js';
import { httpError } from '../errors/http-error.js';
import { formParams } from '../public/form.js';
import { queryValue } from './pagination.js';
import { adminContext } from './api-key.js';
import { operation } from '../openapi/schemas.js';

export function registerTokenAdminRoutes(app: FastifyInstance, introspection: IntrospectionServiceClient, oauth2: OAuth2ServiceClient): void {
  app.post('/admin/oauth2/introspect', { schema: operation({ id: 'introspectOAuth2Token', tag: 'oAuth2', summary: 'Introspect OAuth2 Access and Refresh Tokens', responses: { 200: 'introspectedOAuth2Token' } }) }, async (request) => {
    const params = formParams(request);
    if (!params.token) throw httpError('invalid_request', { hint: 'The "token" parameter is missing.' });
    const res = await call(adminContext(request), introspection.introspect.bind(introspection), {
      token: params.token,
      scope: params.scope ?? '',
    });
    // RFC 7662 §2.2: an inactive token reveals nothing but `active: false`.
    if (!res.active) return { active: false };
    const body: Record<string, unknown> = {
      active: true,
      scope: res.scope,
      client_id: res.client_id,
      sub: res.sub,
      iat: res.iat,
      nbf: res.nbf,
      aud: res.aud,
      iss: res.iss,
      token_type: res.token_type,
      token_use: res.token_use,
    };
    if (res.exp) body.exp = res.exp;
    if (res.ext_json) body.ext = JSON.parse(res.ext_json) as unknown;
    return body;
  });

  app.delete('/admin/oauth2/tokens', { schema: operation({ id: 'deleteOAuth2Token', tag: 'oAuth2', summary: 'Delete OAuth 2.0 Access Tokens from specific OAuth 2.0 Client', responses: { 204: { empty: 'No Content' } } }) }, async (request, reply) => {
    const clientId = queryValue((request.query as Record<string, unknown>).client_id);
    if (!clientId) throw httpError('invalid_request', { hint: 'The "client_id" query parameter is missing.' });
    await call(adminContext(request), oauth2.revokeClientTokens.bind(oauth2), { client_id: clientId });
    return reply.code(204).send();
  });
}
