/**
 * `GET|POST /oauth2/sessions/logout` (OpenID Connect RP-Initiated Logout 1.0 §2: the OP must
 * accept both): forwards the parameters and Tessera's cookies to core's Logout and renders what
 * it decided: a redirect, the front-channel logout page (Front-Channel Logout 1.0 §4: hidden
 * iframes, then the post-logout redirect), or an error page. Core makes every decision.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BrowserResponse, OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { setCookies, tesseraCookies } from '../cookies/tessera.js';
import { toHttpError } from '../errors/handlers.js';
import { httpError } from '../errors/http-error.js';
import { call } from '../grpc-client/call.js';
import { formParams } from './form.js';
import { errorPage, escapeHtml } from './pages.js';

/** Query parameters as single values (a repeated one is invalid_request). */
function queryParams(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URL(request.url, 'http://gateway.invalid').searchParams) {
    if (name in out) throw httpError('invalid_request', { hint: `The parameter "${name}" is included more than once.` });
    out[name] = value;
  }
  return out;
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(body);
}

/**
 * Front-Channel Logout §4: one hidden iframe per relying party, then the redirect once they all
 * loaded (or after 7 s, as Hydra's page does, so one dead RP cannot hold the browser); without
 * JavaScript the meta refresh and the link still get the user there.
 */
export function frontChannelLogoutPage(iframes: readonly string[], redirectTo: string): string {
  const target = escapeHtml(redirectTo);
  const frames = iframes.map((src) => `<iframe src="${escapeHtml(src)}" onload="done()"></iframe>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Logging out</title>
<meta http-equiv="refresh" content="7; URL=${target}">
<style>iframe { position: absolute; left: 0; top: 0; width: 0; height: 0; border: 0; visibility: hidden; }</style>
<script>
var total = ${iframes.length};
function redirect() { window.location.replace(document.getElementById("redirect").getAttribute("href")); }
function done() { total--; if (total < 1) setTimeout(redirect, 500); }
setTimeout(redirect, 7000);
</script></head>
<body><p>Logging out. If you are not redirected, <a id="redirect" href="${target}">continue</a>.</p>
${frames}
</body></html>
`;
}

function render(reply: FastifyReply, res: BrowserResponse, method: string): FastifyReply {
  setCookies(reply, res.cookies);
  if (res.error) return html(reply, res.error.status_code || 400, errorPage(res.error));
  if (res.frontchannel_logout_uris.length > 0) return html(reply, 200, frontChannelLogoutPage(res.frontchannel_logout_uris, res.redirect_to));
  const status = method === 'POST' ? 303 : 302;
  return reply.header('cache-control', 'no-store').redirect(res.redirect_to, status);
}

export function registerLogoutRoutes(app: FastifyInstance, oauth2: OAuth2ServiceClient): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const params = request.method === 'POST' ? formParams(request) : queryParams(request);
      const res = await call({ requestId: request.id }, oauth2.logout.bind(oauth2), {
        params,
        cookies: tesseraCookies(request),
        logout_verifier: params.logout_verifier ?? '',
      });
      return render(reply, res, request.method);
    } catch (err) {
      // A browser gets a page, never JSON or a stack trace; the detail goes to the log.
      const httpErr = toHttpError(err);
      if (httpErr.status >= 500) request.log.error({ err }, 'logout endpoint failed');
      return html(reply, httpErr.status, errorPage({ error: httpErr.body.error, error_description: httpErr.body.error_description, error_hint: httpErr.body.error_hint ?? '' }));
    }
  };
  app.get('/oauth2/sessions/logout', handler);
  app.post('/oauth2/sessions/logout', handler);
}
