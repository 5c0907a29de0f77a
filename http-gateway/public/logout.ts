/**
 * `GET|POST /oauth2/sessions/logout` (OpenID Connect RP-Initiated Logout 1.0 §2: the OP must
 * accept both): forwards the parameters and Tessera's cookies to core's Logout and renders what
 * it decided: a redirect, the front-channel logout page (Front-Channel Logout 1.0 §4: hidden
 * iframes, then the post-logout redirect; public/pages.ts), or an error page. Core makes every
 * decision.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BrowserResponse, OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { setCookies, tesseraCookies } from '../cookies/tessera.js';
import { toHttpError } from '../errors/handlers.js';
import { httpError } from '../errors/http-error.js';
import { call } from '../grpc-client/call.js';
import { formParams } from './form.js';
import { sendPage, sendRedirect } from './browser-response.js';
import { errorPage, frontChannelLogoutPage } from './pages.js';
import { operation } from '../openapi/schemas.js';

/** Query parameters as single values (a repeated one is invalid_request). */
function queryParams(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URL(request.url, 'http://gateway.invalid').searchParams) {
    if (name in out) throw httpError('invalid_request', { hint: `The parameter "${name}" is included more than once.` });
    out[name] = value;
  }
  return out;
}

function render(request: FastifyRequest, reply: FastifyReply, res: BrowserResponse): FastifyReply {
  setCookies(reply, res.set_cookies);
  if (res.error) return sendPage(request, reply, res.error.status_code || 400, errorPage(res.error));
  if (res.frontchannel_logout_uris.length > 0) {
    const page = frontChannelLogoutPage(res.frontchannel_logout_uris, res.redirect_to);
    return sendPage(request, reply, 200, page);
  }
  return sendRedirect(request, reply, res.redirect_to, request.method === 'POST' ? 303 : 302, { privateUse: false });
}

export function registerLogoutRoutes(app: FastifyInstance, oauth2: OAuth2ServiceClient, cookieNames: readonly string[]): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const params = request.method === 'POST' ? formParams(request) : queryParams(request);
      const res = await call({ requestId: request.id }, oauth2.logout.bind(oauth2), {
        params,
        cookies: tesseraCookies(request, cookieNames),
        logout_verifier: params.logout_verifier ?? '',
      });
      return render(request, reply, res);
    } catch (err) {
      // A browser gets a page, never JSON or a stack trace; the detail goes to the log.
      const httpErr = toHttpError(err);
      if (httpErr.status >= 500) request.log.error({ err }, 'logout endpoint failed');
      return sendPage(request, reply, httpErr.status, errorPage({ error: httpErr.body.error, error_description: httpErr.body.error_description, error_hint: httpErr.body.error_hint ?? '' }));
    }
  };
  const doc = (id: string) =>
    operation({
      id,
      tag: 'oidc',
      summary: 'OpenID Connect Front- and Back-channel Enabled Logout',
      errors: false,
      responses: {
        200: { media: 'text/html', description: 'The front-channel logout page' },
        302: { empty: 'To the logout app, or to the post-logout redirect URI' },
        303: { empty: 'The same, after a POST' },
        400: { media: 'text/html', description: 'An error page' },
      },
    });
  app.get('/oauth2/sessions/logout', { schema: doc('revokeOidcSession') }, handler);
  app.post('/oauth2/sessions/logout', { schema: doc('revokeOidcSessionWithForm') }, handler);
}
