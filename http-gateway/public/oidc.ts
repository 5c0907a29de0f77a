/**
 * OpenID Connect endpoints of the public listener over tessera.v1.OAuth2Service:
 * `GET|POST /userinfo` (OIDC Core §5.3, RFC 6750 bearer errors),
 * `GET /.well-known/openid-configuration` (OIDC Discovery §4) and
 * `GET /.well-known/oauth-authorization-server` (RFC 8414 §3). Core decides; this renders.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { sendError, toHttpError } from '../errors/handlers.js';
import { call } from '../grpc-client/call.js';
import { formParams } from './form.js';
import { operation } from '../openapi/schemas.js';

/** RFC 6750 §3: every error of a protected resource names the Bearer scheme and the error code. */
function renderBearerError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const httpErr = toHttpError(err);
  if (httpErr.status >= 500) {
    request.log.error({ err }, 'userinfo failed');
  } else {
    // RFC 6750 §3: quoted-string values; quotes and backslashes are not allowed in them.
    const description = httpErr.body.error_description.replace(/["\\]/g, "'");
    void reply.header('www-authenticate', `Bearer error="${httpErr.body.error}", error_description="${description}"`);
  }
  return sendError(reply.header('cache-control', 'no-store'), httpErr);
}

/** Registers the OIDC routes; POST /userinfo reads a form body, so `app` must accept forms. */
export function registerOidcRoutes(app: FastifyInstance, oauth2: OAuth2ServiceClient): void {
  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      // RFC 6750 §2.2: the form parameter only in a form-encoded body.
      const isForm = request.method === 'POST' && String(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
      const accessToken = isForm ? (formParams(request).access_token ?? '') : '';
      const res = await call({ requestId: request.id }, oauth2.userinfo.bind(oauth2), {
        authorization_header: String(request.headers.authorization ?? ''),
        access_token: accessToken,
      });
      void reply.header('cache-control', 'no-store');
      if (res.signed_jwt) return reply.type('application/jwt').send(res.signed_jwt);
      return reply.type('application/json; charset=utf-8').send(res.claims_json);
    } catch (err) {
      return renderBearerError(request, reply, err);
    }
  };
  // Hydra wraps these with x/oauth2cors: a client's allowed_cors_origins count (http-gateway/cors.ts).
  const config = { perClientCors: true };
  const userinfoDoc = (id: string) => operation({ id, tag: 'oidc', summary: 'OpenID Connect Userinfo', responses: { 200: 'oidcUserInfo' } });
  app.get('/userinfo', { schema: userinfoDoc('getOidcUserInfo'), config }, userinfo);
  app.post('/userinfo', { schema: userinfoDoc('postOidcUserInfo'), config }, userinfo);

  const discovery = async (request: FastifyRequest, reply: FastifyReply) => {
    const res = await call({ requestId: request.id }, oauth2.discovery.bind(oauth2), {});
    return reply.header('cache-control', 'public, max-age=60').type('application/json; charset=utf-8').send(res.metadata_json);
  };
  const discoveryDoc = (id: string, summary: string) => operation({ id, tag: 'oidc', summary, responses: { 200: 'oidcConfiguration' } });
  app.get('/.well-known/openid-configuration', { schema: discoveryDoc('discoverOidcConfiguration', 'OpenID Connect Discovery'), config }, discovery);
  // RFC 8414 §3: the same metadata under the OAuth 2.0 well-known name, as Hydra serves it.
  app.get('/.well-known/oauth-authorization-server', { schema: discoveryDoc('discoverOAuth2AuthorizationServer', 'OAuth 2.0 Authorization Server Metadata (RFC 8414)'), config }, discovery);
}
