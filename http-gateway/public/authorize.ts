/**
 * `GET|POST /oauth2/auth`: forwards the parameters and Tessera's cookies to core's Authorize
 * and renders what it decided: a redirect, Set-Cookie headers, the form_post page, or an error
 * page. Every OAuth decision (redirect URI, PKCE, scope, prompt, CSRF) is made in core.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BrowserResponse, OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { setCookies, tesseraCookies } from '../cookies/tessera.js';
import { toHttpError } from '../errors/handlers.js';
import { call } from '../grpc-client/call.js';
import { formParams, singleValue } from './form.js';
import { sendPage, sendRedirect } from './browser-response.js';
import { errorPage, formPostPage } from './pages.js';
import { operation } from '../openapi/schemas.js';

/** Query parameters as single values; RFC 6749 §3.1: a parameter must not be repeated (but `audience`, form.ts). */
export function queryParams(request: FastifyRequest): Record<string, string> {
  const query = new URL(request.url, 'http://gateway.invalid').searchParams;
  const out: Record<string, string> = {};
  for (const name of new Set(query.keys())) out[name] = singleValue(name, query.getAll(name));
  return out;
}

/** Renders core's decision about the browser: Set-Cookie headers, then an error page, the form_post page, or a redirect. */
export function render(request: FastifyRequest, reply: FastifyReply, res: BrowserResponse): FastifyReply {
  setCookies(reply, res.set_cookies);
  if (res.error) return sendPage(request, reply, res.error.status_code || 400, errorPage(res.error));
  if (res.form_post_action) return sendPage(request, reply, 200, formPostPage(res.form_post_action, res.form_post_fields));
  // RFC 9700 §4.12: after a POST, 303 makes the browser follow with GET, never re-posting the form.
  return sendRedirect(request, reply, res.redirect_to, request.method === 'POST' ? 303 : 302, { privateUse: true });
}

export function registerAuthorizeRoutes(app: FastifyInstance, oauth2: OAuth2ServiceClient, cookieNames: readonly string[]): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const params = request.method === 'POST' ? formParams(request) : queryParams(request);
      const res = await call({ requestId: request.id }, oauth2.authorize.bind(oauth2), {
        params,
        cookies: tesseraCookies(request, cookieNames),
      });
      return render(request, reply, res);
    } catch (err) {
      // A browser gets a page, never JSON or a stack trace; the detail goes to the log.
      const httpErr = toHttpError(err);
      if (httpErr.status >= 500) request.log.error({ err }, 'authorization endpoint failed');
      return sendPage(request, reply, httpErr.status, errorPage({ error: httpErr.body.error, error_description: httpErr.body.error_description, error_hint: httpErr.body.error_hint ?? '' }));
    }
  };
  const doc = (id: string) =>
    operation({
      id,
      tag: 'oAuth2',
      summary: 'OAuth 2.0 Authorize Endpoint',
      errors: false,
      responses: {
        200: { media: 'text/html', description: 'The form_post page (OAuth 2.0 Form Post Response Mode)' },
        302: { empty: 'To the login or consent app, or back to the client with the response' },
        303: { empty: 'The same, after a POST' },
        400: { media: 'text/html', description: 'An error that must not be sent to the client' },
      },
    });
  app.get('/oauth2/auth', { schema: doc('oAuth2Authorize') }, handler);
  app.post('/oauth2/auth', { schema: doc('oAuth2AuthorizeWithForm') }, handler);
}
