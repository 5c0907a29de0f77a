/**
 * Hydra's fallback pages end to end: with `urls.login`, `urls.consent`, `urls.logout`,
 * `urls.post_logout_redirect` and `urls.error` unset, the browser is sent to
 * `/oauth2/fallbacks/*` on the public listener, and each page answers there naming the key to
 * set (gateway + core + database). The error page shows its query, escaped, under a CSP that
 * allows no script.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, param, type Hop } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { challengeIn, loginApp, redirectTo } from './support/login-app.js';
import { adminCall, createClient } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const REDIRECT = 'https://app.example/cb';

/** The page's Content-Security-Policy allows nothing to run, frame it or submit from it. */
function assertLockedDown(hop: Hop): void {
  const csp = String(hop.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /script-src/);
  assert.equal(hop.headers['cache-control'], 'no-store');
}

/** A fallback page: 200 HTML under a no-script CSP, naming the key that is not set. */
function assertFallbackPage(hop: Hop, key: string): void {
  assert.equal(hop.status, 200, hop.body);
  assert.match(hop.contentType, /^text\/html/);
  assertLockedDown(hop);
  assert.match(hop.body, new RegExp(`configuration key <code>${key.replace(/\./g, '\\.')}</code> is not set`));
}

for (const db of testDatabases()) {
  describe(`fallback pages on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';

    before(async () => {
      database = await db.create();
      // No urls.login, urls.consent, urls.logout, urls.post_logout_redirect or urls.error.
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER } });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    test('login, consent, logout and post-logout land on the fallback pages that name the missing key', async () => {
      const client = await createClient(admin, {
        grant_types: ['authorization_code'],
        response_types: ['code'],
        scope: 'openid',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      const app = loginApp(admin);
      const browser = new Browser({ [new URL(ISSUER).origin]: pub });
      const auth = new URL('/oauth2/auth', ISSUER);
      for (const [k, v] of Object.entries({ client_id: client.client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, state: 'state-0123456789' })) {
        auth.searchParams.set(k, v);
      }

      const toLogin = await browser.go(auth);
      assert.ok(toLogin.location.startsWith(`${ISSUER}oauth2/fallbacks/login?login_challenge=`), toLogin.location);
      assertFallbackPage(await browser.go(toLogin.location), 'urls.login');

      const login = challengeIn(toLogin, 'login_challenge');
      const toConsent = await browser.go(redirectTo(await app.acceptLogin(login, { subject: 'alice', remember: true })));
      assert.ok(toConsent.location.startsWith(`${ISSUER}oauth2/fallbacks/consent?consent_challenge=`), toConsent.location);
      const consentPage = await browser.go(toConsent.location);
      assertFallbackPage(consentPage, 'urls.consent');
      assert.match(consentPage.body, /<title>The request could not be executed because a mandatory configuration key is missing or malformed<\/title>/);
      const consent = challengeIn(toConsent, 'consent_challenge');
      const back = await browser.go(redirectTo(await app.acceptConsent(consent, { grant_scope: ['openid'] })));
      assert.ok(back.location.startsWith(REDIRECT), back.location);

      const toLogout = await browser.go(new URL('/oauth2/sessions/logout', ISSUER));
      assert.ok(toLogout.location.startsWith(`${ISSUER}oauth2/fallbacks/logout?logout_challenge=`), toLogout.location);
      assertFallbackPage(await browser.go(toLogout.location), 'urls.logout');
      const challenge = param(toLogout.location, 'logout_challenge') ?? '';
      const accepted = await adminCall(admin, 'PUT', `/admin/oauth2/auth/requests/logout/accept?logout_challenge=${encodeURIComponent(challenge)}`);
      const done = await browser.go(redirectTo(accepted));
      assert.equal(done.location, `${ISSUER}oauth2/fallbacks/logout/callback`);
      const callback = await browser.go(done.location);
      assertFallbackPage(callback, 'urls.post_logout_redirect');
      assert.match(callback.body, /<title>You logged out successfully!<\/title>/);
    });

    test('the default error page shows the error fields of its query as text, under a no-script CSP', async () => {
      const query = new URLSearchParams({
        error: '<script>alert(1)</script>',
        error_description: 'The "redirect_uri" is <b>wrong</b> & more',
        error_hint: "it's <img src=x onerror=alert(1)>",
        error_debug: 'debug </li><script>',
      });
      const page = await new Browser().go(new URL(`/oauth2/fallbacks/error?${query}`, pub));
      // Hydra answers its default error page with 500.
      assert.equal(page.status, 500);
      assert.match(page.contentType, /^text\/html/);
      assertLockedDown(page);
      assert.doesNotMatch(page.body, /<script>|<b>|<img/);
      assert.match(page.body, /<li>Error: &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/li>/);
      assert.match(page.body, /<li>Description: The &quot;redirect_uri&quot; is &lt;b&gt;wrong&lt;\/b&gt; &amp; more<\/li>/);
      assert.match(page.body, /<li>Hint: it&#39;s &lt;img src=x onerror=alert\(1\)&gt;<\/li>/);
      assert.match(page.body, /<li>Debug: debug &lt;\/li&gt;&lt;script&gt;<\/li>/);
      assert.match(page.body, /configuration key <code>urls\.error<\/code> is not set/);
    });
  });
}
