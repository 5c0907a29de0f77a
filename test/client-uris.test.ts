/**
 * Registered URIs may never run script (issue 9 §2), over real HTTP into gateway + core + a real
 * database of every dialect: the admin API refuses script, local and plain-http URIs in every
 * URI field on create, replace and patch; a client written to the database before those rules
 * is refused where its URIs would be used; loopback redirect URIs match any port (RFC 8252
 * §7.3); and every HTML page carries its protective headers (HSTS over TLS).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { startGateway } from '../http-gateway/app.js';
import { Browser, param, type Hop } from './support/browser.js';
import { createTestCa } from './support/certificates.js';
import { startCluster, testConfig, testLogger, unusedPort, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loginApp, redirectTo, runFlow, type LoginApp } from './support/login-app.js';
import { adminCall, createClient, postForm, type Answer } from './support/oauth2.js';
import { overwriteStoredClient } from './support/stored-client.js';

const ISSUER = 'https://tessera.test/';
const env = {
  URLS_SELF_ISSUER: ISSUER,
  URLS_LOGIN: 'https://login.test/login',
  URLS_CONSENT: 'https://login.test/consent',
  URLS_LOGOUT: 'https://login.test/logout',
  URLS_POST_LOGOUT_REDIRECT: 'https://login.test/logged-out',
};
const STATE = 'state-0123456789';
const VERIFIER = 'v'.repeat(43) + '-verifier-abcdefghijklmnop';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

/** URIs no field may hold outside dev: script, inline document, plain http across a network, a script scheme as a browser still reads it. */
const BAD_URIS = ['javascript:alert(document.domain)//', 'data:text/html,<script>alert(document.domain)</script>', 'http://app.example/plain', ' JaVa\tScRiPt:alert(1)'];

/** Every URI field, the error its refusal carries (RFC 7591 §3.2.2), and whether it holds a list. */
const URI_FIELDS: { field: string; error: string; list: boolean }[] = [
  { field: 'redirect_uris', error: 'invalid_redirect_uri', list: true },
  // Hydra's client/validator.go: only redirect_uris errors are invalid_redirect_uri.
  { field: 'post_logout_redirect_uris', error: 'invalid_client_metadata', list: true },
  { field: 'request_uris', error: 'invalid_client_metadata', list: true },
  ...['frontchannel_logout_uri', 'backchannel_logout_uri', 'jwks_uri', 'policy_uri', 'tos_uri', 'logo_uri', 'client_uri', 'sector_identifier_uri'].map((field) => ({
    field,
    error: 'invalid_client_metadata',
    list: false,
  })),
];

/** Hydra's admin error JSON (errorOAuth2): 400, the code, and a hint naming the field. */
function refused(answer: Answer, error: string, field: string, what: string): void {
  assert.equal(answer.status, 400, `${what}: ${answer.text}`);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  assert.equal(answer.body.error, error, what);
  assert.equal(answer.body.status_code, 400, what);
  assert.equal(typeof answer.body.error_description, 'string');
  assert.ok(String(answer.body.error_hint).includes(`"${field}"`), `${what}: the hint names the field: ${answer.text}`);
}

/** The protective headers of an HTML page (issue 9 §2, defence in depth). */
function assertPageHeaders(headers: Record<string, string | string[] | undefined>, what: string, tls = false): void {
  assert.match(String(headers['content-type']), /^text\/html/, what);
  const csp = String(headers['content-security-policy'] ?? '');
  for (const directive of ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(directive), `${what}: ${directive} in ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.equal(headers['referrer-policy'], 'no-referrer', what);
  assert.equal(headers['x-frame-options'], 'DENY', what);
  if (tls) assert.match(String(headers['strict-transport-security']), /^max-age=\d{7,}/, what);
  else assert.equal(headers['strict-transport-security'], undefined, `${what}: no HSTS over plain HTTP`);
}

/** GET with the headers kept (the test Browser keeps only what flows need). */
async function get(url: string, cookies = ''): Promise<Hop & { headers: Record<string, string | string[] | undefined> }> {
  const res = await request(url, { headers: cookies ? { cookie: cookies } : {} });
  const body = await res.body.text();
  const location = res.headers.location;
  return { status: res.statusCode, location: typeof location === 'string' ? location : '', setCookies: [], contentType: String(res.headers['content-type'] ?? ''), body, headers: res.headers };
}

for (const db of testDatabases()) {
  describe(`registered URIs on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';
    let app: LoginApp;

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      app = loginApp(admin);
    });
    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    const browserFor = () => new Browser({ [new URL(ISSUER).origin]: pub });
    const authUrl = (params: Record<string, string>) => {
      const url = new URL('/oauth2/auth', pub);
      for (const [k, v] of Object.entries({ response_type: 'code', scope: 'openid', state: STATE, code_challenge: CHALLENGE, code_challenge_method: 'S256', ...params })) {
        url.searchParams.set(k, v);
      }
      return url.toString();
    };

    test('create refuses a script, data or plain-http URI in every URI field, naming it, and stores nothing', async () => {
      let n = 0;
      for (const { field, error, list } of URI_FIELDS) {
        for (const uri of BAD_URIS) {
          const clientId = `refused-${n++}`;
          const answer = await adminCall(admin, 'POST', '/admin/clients', { client_id: clientId, [field]: list ? ['https://app.example/fine', uri] : uri });
          refused(answer, error, field, `${field} = ${JSON.stringify(uri)}`);
          assert.equal((await adminCall(admin, 'GET', `/admin/clients/${clientId}`)).status, 404, `${clientId} was not stored`);
        }
      }
    });

    test('replace (PUT) and JSON Patch refuse them too and leave the stored client as it was', async () => {
      const document = {
        client_id: 'uri-target',
        redirect_uris: ['https://app.example/cb'],
        post_logout_redirect_uris: ['https://app.example/bye'],
        frontchannel_logout_uri: 'https://app.example/fc',
      };
      await createClient(admin, document);
      const before = (await adminCall(admin, 'GET', '/admin/clients/uri-target')).body;
      for (const { field, error, list } of URI_FIELDS) {
        for (const uri of BAD_URIS) {
          const what = `${field} = ${JSON.stringify(uri)}`;
          refused(await adminCall(admin, 'PUT', '/admin/clients/uri-target', { ...document, [field]: list ? [uri] : uri }), error, field, `PUT ${what}`);
          const patch = list ? [{ op: 'add', path: `/${field}/-`, value: uri }] : [{ op: 'replace', path: `/${field}`, value: uri }];
          const res = await request(new URL('/admin/clients/uri-target', admin), {
            method: 'PATCH',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(patch),
          });
          const text = await res.body.text();
          refused({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) as Record<string, unknown>, text }, error, field, `PATCH ${what}`);
        }
      }
      assert.deepEqual((await adminCall(admin, 'GET', '/admin/clients/uri-target')).body, before);
    });

    test('https, loopback http and (for native public clients only) private-use schemes are accepted', async () => {
      const web = await adminCall(admin, 'POST', '/admin/clients', {
        redirect_uris: ['https://app.example/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'http://localhost:3000/cb'],
        post_logout_redirect_uris: ['http://127.0.0.1:5555/bye'],
        backchannel_logout_uri: 'http://127.0.0.1:9000/bc',
        policy_uri: 'https://app.example/policy',
      });
      assert.equal(web.status, 201, web.text);
      const native = { redirect_uris: ['com.example.app:/oauth2redirect', 'http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' };
      const created = await adminCall(admin, 'POST', '/admin/clients', native);
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body.redirect_uris, native.redirect_uris);
      // RFC 8252 §8.4/§7.1: a confidential client is not a native app; it gets no private-use scheme.
      refused(await adminCall(admin, 'POST', '/admin/clients', { redirect_uris: ['com.example.app:/cb'] }), 'invalid_redirect_uri', 'redirect_uris', 'confidential + private-use');
      refused(await adminCall(admin, 'POST', '/admin/clients', { redirect_uris: ['https://app.example/cb#x'] }), 'invalid_redirect_uri', 'redirect_uris', 'fragment');
    });

    test('a loopback redirect URI matches any port at the authorization endpoint (RFC 8252 §7.3), and only there', async () => {
      const client = await createClient(admin, {
        redirect_uris: ['http://127.0.0.1/cb', 'http://localhost/cb'],
        token_endpoint_auth_method: 'none',
        scope: 'openid',
      });
      const requested = 'http://127.0.0.1:53211/cb';
      const back = await runFlow(browserFor(), app, authUrl({ client_id: client.client_id, redirect_uri: requested }));
      assert.equal(back.status, 302, back.body);
      assert.ok(back.location.startsWith(`${requested}?`), back.location);
      const code = param(back.location, 'code') ?? '';
      const exchange = (redirectUri: string) =>
        postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['client_id', client.client_id], ['code', code], ['redirect_uri', redirectUri], ['code_verifier', VERIFIER]]);
      // RFC 6749 §4.1.3: the token request repeats the redirect URI the authorization request used, port included.
      assert.equal((await exchange('http://127.0.0.1/cb')).body.error, 'invalid_grant');
      const tokens = await exchange(requested);
      assert.equal(tokens.status, 200, tokens.text);

      // Everything but the port must match, and `localhost` is a name, not a loopback IP literal (fosite).
      for (const uri of ['http://127.0.0.1:53211/other', 'http://localhost:53211/cb', 'http://127.0.0.2:53211/cb']) {
        const hop = await browserFor().go(authUrl({ client_id: client.client_id, redirect_uri: uri }));
        assert.equal(hop.status, 400, uri);
        assert.equal(hop.location, '', `${uri}: never redirected`);
      }
    });

    test('a client stored before the rules (written to the database directly) never gets its URI used', async () => {
      const client = await createClient(admin, { redirect_uris: ['https://app.example/cb'], scope: 'openid' });
      for (const stale of ['javascript:alert(document.domain)//', 'data:text/html,<script>alert(1)</script>', 'http://app.example/cb']) {
        await overwriteStoredClient(cluster?.config.dsn ?? '', client.client_id, { redirect_uris: [stale] });
        // An error after the redirect URI check would be delivered to it: here by the form_post page.
        const hop = await get(authUrl({ client_id: client.client_id, response_mode: 'form_post', scope: 'not-registered' }));
        assert.equal(hop.status, 400, hop.body);
        assert.equal(hop.location, '');
        assert.doesNotMatch(hop.body, /<form|<script/, 'no form_post page');
        assert.match(hop.body, /invalid_request/);
        assertPageHeaders(hop.headers, `stale ${stale}`);
      }
    });

    test('every HTML page sends CSP, nosniff, no-referrer and frame denial', async () => {
      const client = await createClient(admin, {
        redirect_uris: ['https://app.example/cb'],
        scope: 'openid',
        frontchannel_logout_uri: 'https://app.example/frontchannel',
      });
      const errorPage = await get(authUrl({}));
      // No client_id: fosite's invalid_client, 401.
      assert.equal(errorPage.status, 401);
      assertPageHeaders(errorPage.headers, 'authorization error page');

      // prompt=none without a session: login_required, delivered by the form_post page.
      const formPost = await get(authUrl({ client_id: client.client_id, response_mode: 'form_post', prompt: 'none' }));
      assert.equal(formPost.status, 200, formPost.body);
      assert.match(formPost.body, /<form method="post" action="https:\/\/app\.example\/cb">/);
      assertPageHeaders(formPost.headers, 'form_post page');
      assert.match(String(formPost.headers['content-security-policy']), /script-src 'sha256-[A-Za-z0-9+/=]+'/);
      assert.match(String(formPost.headers['content-security-policy']), /form-action https:\/\/app\.example https:/);

      const logoutError = await get(new URL('/oauth2/sessions/logout?state=state-without-hint', pub).toString());
      assert.equal(logoutError.status, 400);
      assertPageHeaders(logoutError.headers, 'logout error page');

      // The front-channel page: alice signs in (remembered), then logs out.
      const browser = browserFor();
      await runFlow(browser, app, authUrl({ client_id: client.client_id, redirect_uri: 'https://app.example/cb' }), { remember: true });
      const toLogoutApp = await browser.go(new URL('/oauth2/sessions/logout', ISSUER));
      const challenge = param(toLogoutApp.location, 'logout_challenge') ?? '';
      const accepted = await adminCall(admin, 'PUT', `/admin/oauth2/auth/requests/logout/accept?logout_challenge=${encodeURIComponent(challenge)}`);
      const verifierUrl = new URL(redirectTo(accepted));
      const cookies = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
      const frontChannel = await get(new URL(verifierUrl.pathname + verifierUrl.search, pub).toString(), cookies);
      assert.equal(frontChannel.status, 200, frontChannel.body);
      assert.match(frontChannel.body, /<iframe src="https:\/\/app\.example\/frontchannel\?/);
      assertPageHeaders(frontChannel.headers, 'front-channel logout page');
      assert.match(String(frontChannel.headers['content-security-policy']), /frame-src https:\/\/app\.example(;|$)/);
    });
  });
}

describe('HTML pages over TLS', () => {
  let dir = '';
  let agent: Agent | undefined;
  let close: (() => Promise<void>) | undefined;
  let publicUrl = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-hsts-'));
    const ca = createTestCa(dir, 'ca');
    const server = ca.issue('gateway', { altNames: ['IP:127.0.0.1'], usage: 'server' });
    agent = new Agent({ connect: { ca: ca.cert } });
    // No core behind it: the pages are the gateway's own 503 error pages.
    const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), HTTPS_TLS_CERT_PATH: server.certPath, HTTPS_TLS_KEY_PATH: server.keyPath });
    const gateway = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'public' });
    publicUrl = gateway.publicUrl ?? '';
    close = () => gateway.close();
  });
  after(async () => {
    await close?.();
    await agent?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('pages served over TLS add Strict-Transport-Security (RFC 6797)', async () => {
    for (const path of ['/oauth2/auth?client_id=x', '/oauth2/sessions/logout']) {
      const res = await request(new URL(path, publicUrl), { dispatcher: agent });
      const body = await res.body.text();
      assert.equal(res.statusCode, 503, body);
      assertPageHeaders(res.headers, `${path} over TLS`, true);
    }
  });
});
