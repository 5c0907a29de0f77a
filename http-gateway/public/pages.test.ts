import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { HttpError } from '../errors/http-error.js';
import { errorPage, fallbackErrorPage, fallbackPage, formPostPage, frontChannelLogoutPage, type Page } from './pages.js';

/** The CSP's directives by name. */
function directives(page: Page): Map<string, string> {
  return new Map(page.contentSecurityPolicy.split(';').map((d) => d.trim().split(/\s+(.*)/s).slice(0, 2) as [string, string]));
}

/** Each inline <script>/<style> must be allowed by its hash, so the page works under its CSP. */
function assertInlineAllowed(page: Page, tag: 'script' | 'style', directive: string): void {
  const sources = directives(page).get(directive) ?? '';
  const bodies = [...page.html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
  assert.ok(bodies.length > 0, `a ${tag}`);
  for (const body of bodies) assert.ok(sources.includes(`'sha256-${createHash('sha256').update(body).digest('base64')}'`), `${directive} allows the ${tag}`);
  assert.doesNotMatch(page.contentSecurityPolicy, /unsafe-inline|unsafe-eval|\*/);
}

const SCRIPT_URIS = ['javascript:alert(document.domain)//', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '/relative'];

test('error pages escape everything they show, and allow no script, frame or form', () => {
  const page = errorPage({ error: '<b>x</b>', error_description: '"quoted" & <script>alert(1)</script>', error_hint: "it's" });
  assert.doesNotMatch(page.html, /<script>|<b>/);
  assert.match(page.html, /&lt;script&gt;/);
  assert.match(page.html, /it&#39;s/);
  const csp = directives(page);
  assert.equal(csp.get('default-src'), "'none'");
  assert.equal(csp.get('frame-ancestors'), "'none'");
  assert.equal(csp.get('form-action'), "'none'");
  assert.equal(csp.get('script-src'), undefined);
});

test('the form_post page posts every field, escaped, to the action, its script allowed by hash', () => {
  const page = formPostPage('https://app.example/cb?a=1&b="2"', { code: 'ory_ac_x', state: '"><script>' });
  assert.match(page.html, /action="https:\/\/app.example\/cb\?a=1&amp;b=%22.*2.*"/);
  assert.match(page.html, /name="code" value="ory_ac_x"/);
  assert.match(page.html, /name="state" value="&quot;&gt;&lt;script&gt;"/);
  assert.doesNotMatch(page.html, /onload=/);
  assertInlineAllowed(page, 'script', 'script-src');
  assert.equal(directives(page).get('form-action'), 'https://app.example https:');
  assert.equal(directives(page).get('frame-ancestors'), "'none'");
  // A native app's redirect URI (RFC 8252 §7.1) and a loopback one.
  assert.equal(directives(formPostPage('com.example.app:/cb', {})).get('form-action'), 'com.example.app: https:');
  assert.equal(directives(formPostPage('http://127.0.0.1:53211/cb', {})).get('form-action'), 'http://127.0.0.1:53211 https:');
});

test('the form_post page refuses an action a browser would run as script', () => {
  for (const uri of SCRIPT_URIS) assert.throws(() => formPostPage(uri, { error: 'x' }), (err: unknown) => err instanceof HttpError && err.status === 500, uri);
});

test('the front-channel page frames only http(s) relying parties and redirects only to http(s)', () => {
  const page = frontChannelLogoutPage(['https://rp.example/logout?iss=a&sid="><script>', 'javascript:parent.alert(1)', 'http://127.0.0.1:9000/fc'], 'https://rp.example/bye?state=s');
  assert.match(page.html, /<iframe src="https:\/\/rp\.example\/logout\?iss=a&amp;sid=%22%3E%3Cscript%3E"><\/iframe>/);
  assert.match(page.html, /<iframe src="http:\/\/127\.0\.0\.1:9000\/fc"><\/iframe>/);
  assert.doesNotMatch(page.html, /javascript:|onload=/);
  assert.match(page.html, /data-frames="2"/);
  assert.match(page.html, /id="redirect" href="https:\/\/rp\.example\/bye\?state=s"/);
  assert.match(page.html, /content="7; URL=https:\/\/rp\.example\/bye\?state=s"/);
  assertInlineAllowed(page, 'script', 'script-src');
  assertInlineAllowed(page, 'style', 'style-src');
  assert.equal(directives(page).get('frame-src'), 'https://rp.example http://127.0.0.1:9000');
  for (const uri of SCRIPT_URIS) assert.throws(() => frontChannelLogoutPage(['https://rp.example/fc'], uri), HttpError, uri);
});

test('fallback pages escape what they show and allow no script, frame or form', () => {
  const pages = [
    fallbackPage({ title: '<t>', heading: '"h" & <i>', key: 'urls.<login>' }),
    fallbackErrorPage({ error: '<script>x</script>', error_description: '"d"', error_hint: "it's", error_debug: '</li><li>' }),
  ];
  for (const page of pages) {
    assert.doesNotMatch(page.html, /<script>|<t>|<i>|<login>|<\/li><li>/);
    const csp = directives(page);
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(csp.get('frame-ancestors'), "'none'");
    assert.equal(csp.get('form-action'), "'none'");
    assert.equal(csp.get('script-src'), undefined);
  }
  assert.match(pages[0]?.html ?? '', /<code>urls\.&lt;login&gt;<\/code>/);
  assert.match(pages[1]?.html ?? '', /<li>Hint: it&#39;s<\/li>/);
});
