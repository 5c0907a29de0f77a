/**
 * `POST /oauth2/token` and `POST /oauth2/revoke` over tessera.v1.OAuth2Service. The gateway
 * forwards the form and the credentials; client authentication, grants and token validity are
 * decided in core.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { sendError, toHttpError } from '../errors/handlers.js';
import { call } from '../grpc-client/call.js';
import { credentialsOf, firstValues, formFields, formParams } from './form.js';
import { operation } from '../openapi/schemas.js';

/** RFC 6749 §5.1: responses with tokens or credentials must not be cached. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/**
 * RFC 6749 §5.2: a failed client authentication is 401 with WWW-Authenticate naming the scheme
 * the client tried (Basic when it sent an Authorization header).
 */
export function renderOAuthError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const httpErr = toHttpError(err);
  if (httpErr.status >= 500) request.log.error({ err }, 'token endpoint failed');
  if (httpErr.status === 401) {
    const scheme = String(request.headers.authorization ?? '').split(' ')[0] || 'Basic';
    void reply.header('www-authenticate', `${scheme} realm="oauth2", error="${httpErr.body.error}"`);
  }
  return sendError(noStore(reply), httpErr);
}

export function registerTokenRoutes(app: FastifyInstance, oauth2: OAuth2ServiceClient): void {
  const tokenSchema = operation({ id: 'oauth2TokenExchange', tag: 'oAuth2', summary: 'The OAuth 2.0 Token Endpoint', responses: { 200: 'oAuth2TokenExchange' } });
  app.post('/oauth2/token', { schema: tokenSchema, config: { perClientCors: true } }, async (request, reply) => {
    try {
      // Repeats go through: which parameters may not repeat is the grant's to say, in core.
      const form = formFields(request);
      const res = await call({ requestId: request.id }, oauth2.token.bind(oauth2), {
        credentials: credentialsOf(request, firstValues(form)),
        form,
      });
      const body: Record<string, string | number> = {
        access_token: res.access_token,
        token_type: res.token_type,
        expires_in: res.expires_in,
        scope: res.scope,
      };
      if (res.refresh_token) body.refresh_token = res.refresh_token;
      if (res.id_token) body.id_token = res.id_token;
      if (res.c_nonce_draft_00) {
        body.c_nonce_draft_00 = res.c_nonce_draft_00;
        body.c_nonce_expires_in_draft_00 = res.c_nonce_expires_in_draft_00;
      }
      return noStore(reply).send(body);
    } catch (err) {
      return renderOAuthError(request, reply, err);
    }
  });

  const revokeSchema = operation({ id: 'revokeOAuth2Token', tag: 'oAuth2', summary: 'Revoke OAuth 2.0 Access or Refresh Token', responses: { 200: { empty: 'The token is revoked, or was not known (RFC 7009 §2.2)' } } });
  app.post('/oauth2/revoke', { schema: revokeSchema, config: { perClientCors: true } }, async (request, reply) => {
    try {
      const params = formParams(request);
      await call({ requestId: request.id }, oauth2.revoke.bind(oauth2), {
        credentials: credentialsOf(request, params),
        token: params.token ?? '',
      });
      // RFC 7009 §2.2: 200 whether or not the token was known.
      return noStore(reply).code(200).send();
    } catch (err) {
      return renderOAuthError(request, reply, err);
    }
  });
}
