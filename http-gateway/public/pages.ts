/**
 * Every HTML page the gateway renders: the error page (when an error must not be redirected,
 * RFC 6749 §4.1.2.1), Hydra's fallback pages for unset `urls.*` keys, the OAuth 2.0 Form Post
 * Response Mode auto-submitting form, and the Front-Channel Logout page. Each comes with the Content-Security-Policy that fits it
 * (public/browser-response.ts sends both).
 *
 * These are the sinks where a URI becomes an `action`, `src`, `href`, `location` or meta
 * refresh, so each checks the URI's scheme itself (shared/uris.ts navigableUri), whatever core
 * decided: a `javascript:` URI must never reach one. Text is HTML-escaped; scripts are fixed
 * strings allowed by their hash (CSP3 §2.3.1 hash-source), never 'unsafe-inline', and take
 * what varies from the markup.
 */
import { createHash } from 'node:crypto';
import { navigableUri } from '../../core-service/shared/uris.js';
import { httpError } from '../errors/http-error.js';

/** A rendered page and the Content-Security-Policy it needs. */
export interface Page {
  html: string;
  contentSecurityPolicy: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** CSP3 hash-source of an inline script or style. */
function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** What no page needs: plugins, <base>, being framed (clickjacking, RFC 6819 §4.4.1.9). */
const BASELINE = ["default-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"];

const policy = (...directives: string[]): string => [...BASELINE, ...directives].join('; ');

/**
 * CSP3 §2.3.1: the source expression for a URI. An origin (scheme://host:port) when it has no
 * character CSP reserves (a WHATWG host may hold `;` or `,`), else the URI's scheme alone.
 */
function sourceOf(url: URL): string {
  return /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d+)?$/.test(url.origin) ? url.origin : url.protocol;
}

/** A URI core sent that no page may hold; core checks first, so reaching this is a bug to log. */
function unsafeUri(what: string) {
  return httpError('server_error', { hint: `The ${what} uses a scheme that is not allowed in a page; it was not used.` });
}

/** Hydra-like error page: the error code, its description and hint. */
export function errorPage(error: { error: string; error_description: string; error_hint: string }): Page {
  const hint = error.error_hint ? `<p class="hint">${escapeHtml(error.error_hint)}</p>` : '';
  return {
    html: `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>An error occurred</title></head>
<body><h1>An error occurred</h1><h2>${escapeHtml(error.error)}</h2><p>${escapeHtml(error.error_description)}</p>${hint}</body></html>
`,
    contentSecurityPolicy: policy("form-action 'none'"),
  };
}

/** Where an operator reads how to set the URL a fallback page stands in for. */
const FALLBACK_ADVICE =
  '<p>If you are an administrator, set this key in the configuration (see the Configuration section of Tessera\'s README). If you are a user, please contact the administrator.</p>';

/**
 * Hydra's fallback page (oauth2/handler_fallback_endpoints.go): what the browser lands on when
 * the URL configuration key `key` (urls.login, urls.consent, …) is not set.
 */
export function fallbackPage(page: { title: string; heading: string; key: string }): Page {
  return {
    html: `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title></head>
<body><h1>${escapeHtml(page.heading)}</h1>
<p>You are seeing this page because configuration key <code>${escapeHtml(page.key)}</code> is not set.</p>
${FALLBACK_ADVICE}</body></html>
`,
    contentSecurityPolicy: policy("form-action 'none'"),
  };
}

/**
 * Hydra's default error page (`/oauth2/fallbacks/error`, shown when `urls.error` is not set): the
 * error fields of its query. They come from whoever wrote the link, so they are only ever text.
 */
export function fallbackErrorPage(error: { error: string; error_description: string; error_hint: string; error_debug: string }): Page {
  const item = (label: string, value: string) => `<li>${label}: ${escapeHtml(value)}</li>`;
  return {
    html: `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>An OAuth 2.0 Error Occurred</title></head>
<body><h1>The OAuth2 request resulted in an error.</h1>
<ul>
${item('Error', error.error)}
${item('Description', error.error_description)}
${item('Hint', error.error_hint)}
${item('Debug', error.error_debug)}
</ul>
<p>You are seeing this page because configuration key <code>urls.error</code> is not set.</p>
${FALLBACK_ADVICE}</body></html>
`,
    contentSecurityPolicy: policy("form-action 'none'"),
  };
}

const FORM_POST_SCRIPT = 'document.forms[0].submit();';

/**
 * OAuth 2.0 Form Post Response Mode §2: a form that posts the response fields to the client's
 * redirect URI (https, http, or a native app's private-use scheme).
 *
 * `form-action` names the redirect URI's origin, plus `https:`: Chrome applies form-action to
 * the redirects that follow the POST (w3c/webappsec-csp#8), and a client's callback commonly
 * redirects to another of its origins. A script scheme matches neither.
 */
export function formPostPage(action: string, fields: Record<string, string>): Page {
  const target = navigableUri(action, { privateUse: true });
  if (target === undefined) throw unsafeUri('redirect URI');
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}"/>`)
    .join('\n');
  const formAction = [...new Set([sourceOf(target), 'https:'])].join(' ');
  return {
    html: `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Submit This Form</title></head>
<body>
<form method="post" action="${escapeHtml(target.href)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script>${FORM_POST_SCRIPT}</script>
</body></html>
`,
    contentSecurityPolicy: policy(`script-src ${hashSource(FORM_POST_SCRIPT)}`, `form-action ${formAction}`),
  };
}

// The iframes' load events do not bubble; a capturing listener on the document sees each one,
// however early it fires. The count of iframes travels in data-frames, the target in the link.
const FRONT_CHANNEL_SCRIPT = `
var pending = Number(document.documentElement.getAttribute("data-frames"));
function redirect() { window.location.replace(document.getElementById("redirect").href); }
document.addEventListener("load", function (event) {
  if (event.target instanceof HTMLIFrameElement && --pending < 1) setTimeout(redirect, 500);
}, true);
setTimeout(redirect, 7000);
if (pending < 1) document.addEventListener("DOMContentLoaded", redirect);
`;
const FRONT_CHANNEL_STYLE = 'iframe { position: absolute; left: 0; top: 0; width: 0; height: 0; border: 0; visibility: hidden; }';

/**
 * Front-Channel Logout §4: one hidden iframe per relying party, then the redirect once they all
 * loaded (or after 7 s, as Hydra's page does, so one dead RP cannot hold the browser); without
 * JavaScript the meta refresh and the link still get the user there. Only http(s) URIs are
 * framed or followed; `frame-src` names exactly the relying parties' origins.
 */
export function frontChannelLogoutPage(iframes: readonly string[], redirectTo: string): Page {
  const target = navigableUri(redirectTo, { privateUse: false });
  if (target === undefined) throw unsafeUri('post-logout redirect URI');
  const frames = iframes.map((src) => navigableUri(src, { privateUse: false })).filter((url): url is URL => url !== undefined);
  const href = escapeHtml(target.href);
  const frameSources = [...new Set(frames.map(sourceOf))];
  return {
    html: `<!DOCTYPE html>
<html lang="en" data-frames="${frames.length}"><head><meta charset="utf-8"><title>Logging out</title>
<meta http-equiv="refresh" content="7; URL=${href}">
<style>${FRONT_CHANNEL_STYLE}</style>
<script>${FRONT_CHANNEL_SCRIPT}</script></head>
<body><p>Logging out. If you are not redirected, <a id="redirect" href="${href}">continue</a>.</p>
${frames.map((src) => `<iframe src="${escapeHtml(src.href)}"></iframe>`).join('\n')}
</body></html>
`,
    contentSecurityPolicy: policy(
      `script-src ${hashSource(FRONT_CHANNEL_SCRIPT)}`,
      `style-src ${hashSource(FRONT_CHANNEL_STYLE)}`,
      `frame-src ${frameSources.length > 0 ? frameSources.join(' ') : "'none'"}`,
      "form-action 'none'",
    ),
  };
}
