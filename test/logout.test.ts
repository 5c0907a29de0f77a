/**
 * Logout end to end over real HTTP (gateway + core + database): RP-initiated logout with
 * id_token_hint, post_logout_redirect_uri and state, the logout challenge handled by a test
 * logout app through Hydra's admin API, the front-channel iframes page, and the back-channel
 * Logout Token received by a real HTTP server standing in for the relying party and verified
 * with jose against `/.well-known/jwks.json`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Browser, param, type Hop } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { challengeIn, loginApp, runFlow, type LoginApp } from './support/login-app.js';
import { adminCall, basic, createClient, postForm, type Answer } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const LOGOUT_URL = 'https://login.test/logout';
const DEFAULT_POST_LOGOUT = 'https://login.test/logged-out';
const REDIRECT = 'https://app.example/cb';
const POST_LOGOUT = 'https://app.example/logged-out';
const FRONTCHANNEL = 'https://app.example/frontchannel-logout';
const STATE = 'logout-state-0123456789';
const VERIFIER = 'v'.repeat(43) + '-verifier-abcdefghijklmnop';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

const env = {
  URLS_SELF_ISSUER: ISSUER,
  URLS_LOGIN: 'https://login.test/login',
  URLS_CONSENT: 'https://login.test/consent',
  URLS_LOGOUT: LOGOUT_URL,
  URLS_POST_LOGOUT_REDIRECT: DEFAULT_POST_LOGOUT,
};

/** A relying party's back-channel logout endpoint: collects the Logout Tokens POSTed to it. */
async function backChannelReceiver(): Promise<{ server: Server; uri: string; next(): Promise<{ contentType: string; logoutToken: string }> }> {
  const received: { contentType: string; logoutToken: string }[] = [];
  const waiting: ((r: { contentType: string; logoutToken: string }) => void)[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const entry = { contentType: String(req.headers['content-type'] ?? ''), logoutToken: new URLSearchParams(body).get('logout_token') ?? '' };
      const waiter = waiting.shift();
      if (waiter) waiter(entry);
      else received.push(entry);
      res.writeHead(200).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    server,
    uri: `http://127.0.0.1:${address.port}/backchannel-logout`,
    next() {
      const ready = received.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no back-channel logout token arrived within 5 s')), 5000);
        waiting.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
  };
}

for (const db of testDatabases()) {
  describe(`logout on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let receiver: Awaited<ReturnType<typeof backChannelReceiver>> | undefined;
    let pub = '';
    let admin = '';
    let app: LoginApp;
    let client = { client_id: '', client_secret: '' };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env });
      receiver = await backChannelReceiver();
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      app = loginApp(admin);
      client = await createClient(admin, {
        grant_types: ['authorization_code'],
        response_types: ['code'],
        scope: 'openid',
        redirect_uris: [REDIRECT],
        post_logout_redirect_uris: [POST_LOGOUT],
        frontchannel_logout_uri: FRONTCHANNEL,
        frontchannel_logout_session_required: true,
        backchannel_logout_uri: receiver.uri,
        backchannel_logout_session_required: true,
      });
    });

    after(async () => {
      receiver?.server.close();
      await cluster?.close();
      await database?.drop();
    });

    const browserFor = () => new Browser({ [new URL(ISSUER).origin]: pub });
    const logoutApi = (action: 'GET' | 'accept' | 'reject', challenge: string): Promise<Answer> =>
      adminCall(admin, action === 'GET' ? 'GET' : 'PUT', `/admin/oauth2/auth/requests/logout${action === 'GET' ? '' : `/${action}`}?logout_challenge=${encodeURIComponent(challenge)}`);

    function authUrl(): string {
      const url = new URL('/oauth2/auth', pub);
      const params = { client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'auth-state-0123456789', code_challenge: CHALLENGE, code_challenge_method: 'S256' };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    }

    /** Logs alice in with "remember me" and returns the ID token she got. */
    async function login(browser: Browser): Promise<{ idToken: string; sid: string }> {
      const back = await runFlow(browser, app, authUrl(), { remember: true });
      const code = param(back.location, 'code') ?? '';
      assert.ok(code !== '', back.location);
      const res = await postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT], ['code_verifier', VERIFIER]], basic(client.client_id, client.client_secret));
      assert.equal(res.status, 200, res.text);
      const idToken = String(res.body.id_token);
      const sid = decodeJwt(idToken).sid;
      assert.equal(typeof sid, 'string');
      return { idToken, sid: String(sid) };
    }

    function logoutUrl(params: Record<string, string>): string {
      const url = new URL('/oauth2/sessions/logout', ISSUER);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    }

    /** Asserts an error page for the client's mistake (Hydra: 400 invalid_request, never a 5xx): no redirect anywhere. */
    function errorPage(hop: Hop): void {
      assert.equal(hop.location, '', 'an unverified post_logout_redirect_uri never receives a redirect');
      assert.equal(hop.status, 400, hop.body.slice(0, 300));
      assert.match(hop.contentType, /^text\/html/);
      assert.match(hop.body, /<h2>invalid_request<\/h2>/);
    }

    test('RP-initiated logout: challenge, accept, front-channel page, back-channel token, redirect with state', async () => {
      const browser = browserFor();
      const { idToken, sid } = await login(browser);
      const sessionCookie = [...browser.cookies.keys()].find((n) => n.startsWith('ory_hydra_session'));
      assert.ok(sessionCookie, 'logged in with remember: the session cookie is set');

      const toLogoutApp = await browser.go(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT, state: STATE }));
      assert.equal(toLogoutApp.status, 302, toLogoutApp.body);
      assert.ok(toLogoutApp.location.startsWith(`${LOGOUT_URL}?`), toLogoutApp.location);
      const challenge = param(toLogoutApp.location, 'logout_challenge') ?? '';

      const request = await logoutApi('GET', challenge);
      assert.equal(request.status, 200, request.text);
      assert.equal(request.body.challenge, challenge);
      assert.equal(request.body.subject, 'alice');
      assert.equal(request.body.sid, sid);
      assert.equal(request.body.rp_initiated, true);
      assert.match(String(request.body.request_url), /\/oauth2\/sessions\/logout\?/);
      assert.equal((request.body.client as Record<string, unknown>).client_id, client.client_id);

      const accepted = await logoutApi('accept', challenge);
      assert.equal(accepted.status, 200, accepted.text);
      const redirectTo = String(accepted.body.redirect_to);
      assert.ok(redirectTo.startsWith(`${ISSUER}oauth2/sessions/logout?logout_verifier=`), redirectTo);
      // Single use: the challenge cannot be accepted (or rejected) again.
      assert.equal((await logoutApi('accept', challenge)).status, 409);
      assert.equal((await logoutApi('reject', challenge)).status, 409);

      const page = await browser.go(redirectTo);
      assert.equal(page.status, 200, page.body);
      assert.match(page.contentType, /^text\/html/);
      const iframe = /<iframe src="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(iframe, page.body);
      const frontchannel = new URL(iframe);
      assert.equal(`${frontchannel.origin}${frontchannel.pathname}`, FRONTCHANNEL);
      assert.equal(frontchannel.searchParams.get('iss'), ISSUER);
      assert.equal(frontchannel.searchParams.get('sid'), sid);
      const href = /id="redirect" href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
      assert.equal(href, `${POST_LOGOUT}?state=${STATE}`);
      assert.equal(browser.cookies.has(sessionCookie), false, 'the session cookie is cleared');

      // Back-Channel Logout §2.4: a signed logout+jwt for this client and session, no nonce.
      assert.ok(receiver);
      const delivery = await receiver.next();
      assert.match(delivery.contentType, /^application\/x-www-form-urlencoded/);
      const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', pub));
      const { payload, protectedHeader } = await jwtVerify(delivery.logoutToken, jwks, { issuer: ISSUER, audience: client.client_id, typ: 'logout+jwt' });
      assert.equal(protectedHeader.typ, 'logout+jwt');
      assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
      assert.equal(payload.sid, sid);
      assert.deepEqual(payload.aud, [client.client_id]);
      assert.equal(typeof payload.jti, 'string');
      assert.equal(typeof payload.iat, 'number');
      assert.equal(payload.nonce, undefined);

      // The verifier is single use too: a replay shows an error and notifies nobody again.
      errorPage(await browser.go(redirectTo));

      // The session is gone: the next authorization asks the login app to log in again.
      const next = await browser.go(authUrl());
      const login2 = await app.getLogin(challengeIn(next, 'login_challenge'));
      assert.equal(login2.body.skip, false);
    });

    test('an unregistered post_logout_redirect_uri gets an error page, never a redirect', async () => {
      const browser = browserFor();
      const { idToken } = await login(browser);
      errorPage(await browser.go(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/', state: STATE })));
      // Without id_token_hint the client is unknown, so no post_logout_redirect_uri can be verified.
      errorPage(await browser.go(logoutUrl({ post_logout_redirect_uri: POST_LOGOUT })));
      // A forged hint is refused as well.
      errorPage(await browser.go(logoutUrl({ id_token_hint: `${idToken.slice(0, -4)}AAAA`, post_logout_redirect_uri: POST_LOGOUT })));
    });

    test('no session and no hint: straight to urls.post_logout_redirect', async () => {
      const hop = await browserFor().go(logoutUrl({}));
      assert.equal(hop.status, 302);
      assert.equal(hop.location, DEFAULT_POST_LOGOUT);
    });

    test('a client with skip_logout_consent skips the logout app', async () => {
      const res = await adminCall(admin, 'PATCH', `/admin/clients/${encodeURIComponent(client.client_id)}`, [{ op: 'replace', path: '/skip_logout_consent', value: true }]);
      assert.equal(res.status, 200, res.text);
      try {
        const browser = browserFor();
        const { idToken, sid } = await login(browser);
        const toVerifier = await browser.go(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT, state: STATE }));
        assert.equal(toVerifier.status, 302);
        assert.ok(toVerifier.location.startsWith(`${ISSUER}oauth2/sessions/logout?logout_verifier=`), toVerifier.location);
        const page = await browser.go(toVerifier.location);
        assert.equal(page.status, 200, page.body);
        assert.ok(receiver);
        assert.equal(decodeJwt((await receiver.next()).logoutToken).sid, sid);
      } finally {
        await adminCall(admin, 'PATCH', `/admin/clients/${encodeURIComponent(client.client_id)}`, [{ op: 'replace', path: '/skip_logout_consent', value: false }]);
      }
    });

    test('a rejected logout keeps the session; the handled challenge is gone', async () => {
      const browser = browserFor();
      const { idToken } = await login(browser);
      const toLogoutApp = await browser.go(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT, state: STATE }));
      const challenge = param(toLogoutApp.location, 'logout_challenge') ?? '';
      const rejected = await logoutApi('reject', challenge);
      assert.equal(rejected.status, 204, rejected.text);
      assert.equal((await logoutApi('GET', challenge)).status, 410);
      assert.equal((await logoutApi('accept', challenge)).status, 409);
      assert.equal((await logoutApi('GET', 'not-a-challenge')).status, 404);

      const next = await browser.go(authUrl());
      const login2 = await app.getLogin(challengeIn(next, 'login_challenge'));
      assert.equal(login2.body.skip, true, 'the login session survived the rejected logout');
      assert.equal(login2.body.subject, 'alice');
    });
  });
}
