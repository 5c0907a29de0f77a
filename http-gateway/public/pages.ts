/**
 * The two pages the gateway renders for the authorization endpoint: an error page (when the
 * error must not be redirected: RFC 6749 §4.1.2.1) and the OAuth 2.0 Form Post Response Mode
 * auto-submitting form. Everything interpolated is HTML-escaped; nothing from a stack trace.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Hydra-like error page: the error code, its description and hint. */
export function errorPage(error: { error: string; error_description: string; error_hint: string }): string {
  const hint = error.error_hint ? `<p class="hint">${escapeHtml(error.error_hint)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>An error occurred</title></head>
<body><h1>An error occurred</h1><h2>${escapeHtml(error.error)}</h2><p>${escapeHtml(error.error_description)}</p>${hint}</body></html>
`;
}

/** OAuth 2.0 Form Post Response Mode §2: a form that posts the response fields to the client. */
export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}"/>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Submit This Form</title></head>
<body onload="javascript:document.forms[0].submit()">
<form method="post" action="${escapeHtml(action)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form></body></html>
`;
}
