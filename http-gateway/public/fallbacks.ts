/**
 * Hydra's fallback pages (oauth2/handler.go `DefaultLoginPath` …): when `urls.login`,
 * `urls.consent`, `urls.logout`, `urls.post_logout_redirect`, `urls.device.*` or `urls.error` is not set, core
 * sends the browser here, on the public listener, and the page names the key to set. Nothing is
 * decided: each page is fixed text, except the error page, which shows its query as text.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendPage } from './browser-response.js';
import { fallbackErrorPage, fallbackPage } from './pages.js';
import { operation } from '../openapi/schemas.js';

/** Hydra's wording when a mandatory URL key is missing. */
const MISSING_KEY = 'The request could not be executed because a mandatory configuration key is missing or malformed';

/** Path → the configuration key it stands in for, and what the page says (Hydra's texts). */
const FALLBACKS: ReadonlyArray<{ path: string; operationId: string; key: string; title: string; heading: string }> = [
  { path: '/oauth2/fallbacks/login', operationId: 'fallbackLoginPage', key: 'urls.login', title: MISSING_KEY, heading: MISSING_KEY },
  { path: '/oauth2/fallbacks/consent', operationId: 'fallbackConsentPage', key: 'urls.consent', title: MISSING_KEY, heading: MISSING_KEY },
  { path: '/oauth2/fallbacks/logout', operationId: 'fallbackLogoutPage', key: 'urls.logout', title: MISSING_KEY, heading: MISSING_KEY },
  {
    path: '/oauth2/fallbacks/logout/callback',
    operationId: 'fallbackPostLogoutPage',
    key: 'urls.post_logout_redirect',
    title: 'You logged out successfully!',
    heading: 'The Default Post Logout URL is not set which is why you are seeing this fallback page. Your log out request however succeeded.',
  },
  { path: '/oauth2/fallbacks/device', operationId: 'fallbackDeviceVerificationPage', key: 'urls.device.verification', title: MISSING_KEY, heading: MISSING_KEY },
  {
    path: '/oauth2/fallbacks/device/done',
    operationId: 'fallbackPostDevicePage',
    key: 'urls.device.success',
    title: 'You successfully authenticated on your device!',
    heading: 'The Default Post Device URL is not set which is why you are seeing this fallback page. Your device login request however succeeded.',
  },
];

/** The first value of a query parameter, '' when absent (Go's url.Values.Get). */
function queryValue(request: FastifyRequest, name: string): string {
  return new URL(request.url, 'http://gateway.invalid').searchParams.get(name) ?? '';
}

/** Registers the fallback pages on the public listener. */
export function registerFallbackRoutes(app: FastifyInstance): void {
  for (const fallback of FALLBACKS) {
    const schema = operation({ id: fallback.operationId, tag: 'oAuth2', summary: `Fallback page for an unset ${fallback.key}`, errors: false, responses: { 200: { media: 'text/html', description: fallback.title } } });
    app.get(fallback.path, { schema }, async (request, reply) => {
      // Hydra logs this as an error: the deployment is missing a page it needs.
      request.log.error({ key: fallback.key }, `a request reached a fallback page because configuration key "${fallback.key}" is not set`);
      return sendPage(request, reply, 200, fallbackPage(fallback));
    });
  }
  const schema = operation({ id: 'fallbackErrorPage', tag: 'oAuth2', summary: 'Default error page for an unset urls.error', errors: false, responses: { 500: { media: 'text/html', description: 'The error of the query' } } });
  app.get('/oauth2/fallbacks/error', { schema }, async (request, reply) => {
    request.log.error({ key: 'urls.error' }, 'a request reached the default error page because configuration key "urls.error" is not set');
    const page = fallbackErrorPage({
      error: queryValue(request, 'error'),
      error_description: queryValue(request, 'error_description'),
      error_hint: queryValue(request, 'error_hint'),
      error_debug: queryValue(request, 'error_debug'),
    });
    // Hydra answers its default error page with 500.
    return sendPage(request, reply, 500, page);
  });
}
