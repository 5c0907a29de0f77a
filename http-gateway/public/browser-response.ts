/**
 * Answers to a browser (the authorization and logout endpoints): a page with the headers every
 * page carries, or a redirect whose Location passed the same scheme check the pages make.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { navigableUri } from '../../core-service/shared/uris.js';
import { httpError } from '../errors/http-error.js';
import type { Page } from './pages.js';

/** RFC 6797 §6.1: one year. No includeSubDomains: the operator's other hosts are not ours to pin. */
const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/** Headers for any answer a browser renders or follows; HSTS only when it came over TLS (RFC 6797 §7.2). */
function browserHeaders(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  void reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    // The page's URL carries challenges, codes and state: never in a Referer (RFC 9700 §4.2.4).
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff');
  if (request.protocol === 'https') void reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  return reply;
}

/** Sends a page with its Content-Security-Policy; X-Frame-Options for browsers without frame-ancestors. */
export function sendPage(request: FastifyRequest, reply: FastifyReply, status: number, page: Page): FastifyReply {
  return browserHeaders(request, reply)
    .code(status)
    .header('content-security-policy', page.contentSecurityPolicy)
    .header('x-frame-options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(page.html);
}

/**
 * Redirects the browser. `privateUse`: the Location may be a native app's private-use scheme
 * (an authorization response, RFC 8252 §7.1); anything but http(s) otherwise is refused, as
 * in a page.
 */
export function sendRedirect(request: FastifyRequest, reply: FastifyReply, location: string, status: 302 | 303, opts: { privateUse: boolean }): FastifyReply {
  const target = navigableUri(location, opts);
  if (target === undefined) throw httpError('server_error', { hint: 'The redirect target uses a scheme that is not allowed; it was not followed.' });
  return browserHeaders(request, reply).redirect(target.href, status);
}
