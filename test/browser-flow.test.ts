/**
 * The browser flow end to end over real HTTP (gateway + core + database): authorization
 * endpoint, the login/consent admin API driven by a test login app, the authorization code
 * grant with PKCE, remembered login and consent, rejections, every authorization error, single
 * use of challenges, verifiers and codes, CSRF, expiry and consent session revocation. The
 * relying party is `openid-client` where it fits; single hops go through undici. Admin bodies
 * are validated against the schemas of Tessera's OpenAPI document (Hydra's).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { ValidateFunction } from 'ajv';
import * as oidc from 'openid-client';
import { Browser, param, type Hop } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loadApiSchemas, type ApiSchemas } from './support/openapi.js';
import { challengeIn, loginApp, redirectTo, runFlow, type LoginApp } from './support/login-app.js';
import { adminCall, basic, createClient, introspect, postForm, type Answer } from './support/oauth2.js';

/** Tessera's OpenAPI document, read from the first cluster's admin listener. */
let apiSchemas: ApiSchemas | undefined;

function schema(name: string): ValidateFunction {
  if (!apiSchemas) throw new Error('the API document is not loaded');
  return apiSchemas.schema(name);
}

/** Asserts status and that the body is valid against the named schema of Tessera's document. */
function valid(answer: Answer, status: number, name: string): Record<string, unknown> {
  assert.equal(answer.status, status, answer.text);
  const validate = schema(name);
  assert.ok(validate(answer.body), `${name}: ${apiSchemas?.errorsText(validate) ?? ''} in ${answer.text}`);
  return answer.body;
}

const ISSUER = 'https://tessera.test/';
const LOGIN_URL = 'https://login.test/login';
const CONSENT_URL = 'https://login.test/consent';
const REDIRECT = 'https://app.example/cb';
const STATE = 'state-0123456789';
const NONCE = 'nonce-0123456789';
const VERIFIER = 'v'.repeat(43) + '-verifier-abcdefghijklmnop';

const env = { URLS_SELF_ISSUER: ISSUER, URLS_LOGIN: LOGIN_URL, URLS_CONSENT: CONSENT_URL };

for (const db of testDatabases()) {
  describe(`browser flow on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';
    let app: LoginApp;
    let confidential = { client_id: '', client_secret: '' };
    let publicClient = { client_id: '', client_secret: '' };
    let challenge = '';

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      apiSchemas ??= await loadApiSchemas(admin);
      app = loginApp(admin);
      challenge = await oidc.calculatePKCECodeChallenge(VERIFIER);
      confidential = await createClient(admin, {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access profile',
        audience: ['https://api.example'],
        redirect_uris: [REDIRECT, 'https://app.example/other'],
      });
      publicClient = await createClient(admin, {
        grant_types: ['authorization_code'],
        response_types: ['code'],
        scope: 'openid profile',
        redirect_uris: ['http://127.0.0.1:9999/cb'],
        token_endpoint_auth_method: 'none',
      });
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    const browserFor = () => new Browser({ [new URL(ISSUER).origin]: pub });

    /** An authorization URL for the confidential client; `over` replaces or (with '') removes parameters. */
    function authUrl(over: Record<string, string> = {}, clientId = confidential.client_id): string {
      const params: Record<string, string> = {
        client_id: clientId,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'openid offline_access',
        state: STATE,
        nonce: NONCE,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...over,
      };
      const url = new URL('/oauth2/auth', pub);
      for (const [k, v] of Object.entries(params)) if (v !== '') url.searchParams.set(k, v);
      return url.toString();
    }

    const exchange = (code: string, extra: [string, string][] = [], who = confidential) =>
      postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT], ['code_verifier', VERIFIER], ...extra], basic(who.client_id, who.client_secret));

    /** The code of a completed flow's redirect back to the client. */
    function codeOf(hop: Hop): string {
      assert.equal(hop.status, 302, hop.body);
      assert.ok(hop.location.startsWith(`${REDIRECT}?`), hop.location);
      assert.equal(param(hop.location, 'state'), STATE);
      const code = param(hop.location, 'code') ?? '';
      assert.ok(code.startsWith('ory_ac_'), hop.location);
      return code;
    }

    /** Asserts an error redirect to the client (RFC 6749 §4.1.2.1) with state. */
    function errorAtClient(hop: Hop, error: string, at = REDIRECT): void {
      assert.ok([302, 303].includes(hop.status), `${hop.status} ${hop.body.slice(0, 300)}`);
      assert.ok(hop.location.startsWith(at), hop.location);
      assert.equal(param(hop.location, 'error'), error, hop.location);
      assert.equal(param(hop.location, 'state'), STATE);
      assert.equal(param(hop.location, 'code'), null);
    }

    /** Asserts an error page with the error's own status (never a 5xx): no redirect anywhere, escaped HTML, no stack trace. */
    function errorPage(hop: Hop, error: 'invalid_request' | 'invalid_client'): void {
      assert.equal(hop.location, '', 'an unverified redirect URI never receives a redirect');
      assert.equal(hop.status, error === 'invalid_client' ? 401 : 400, hop.body.slice(0, 300));
      assert.match(hop.contentType, /^text\/html/);
      assert.match(hop.body, new RegExp(error));
      assert.doesNotMatch(hop.body, /at .*\.(ts|js):\d+/);
    }

    test('confidential client: code + PKCE through login and consent, tokens via openid-client', async () => {
      const browser = browserFor();
      const config = new oidc.Configuration(
        {
          issuer: ISSUER,
          authorization_endpoint: new URL('/oauth2/auth', pub).toString(),
          token_endpoint: new URL('/oauth2/token', pub).toString(),
          jwks_uri: new URL('/.well-known/jwks.json', pub).toString(),
          id_token_signing_alg_values_supported: ['RS256'],
        },
        confidential.client_id,
        undefined,
        oidc.ClientSecretBasic(confidential.client_secret),
      );
      oidc.allowInsecureRequests(config);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid offline_access',
        state: STATE,
        nonce: NONCE,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });

      const toLogin = await browser.go(url);
      assert.equal(toLogin.status, 302);
      assert.ok(toLogin.location.startsWith(`${LOGIN_URL}?login_challenge=`), toLogin.location);
      const csrf = toLogin.setCookies.find((c) => c.startsWith('ory_hydra_login_csrf'));
      assert.ok(csrf, 'a login CSRF cookie');
      assert.match(csrf, /HttpOnly/);
      assert.match(csrf, /SameSite=Lax/);
      assert.match(csrf, /Secure/, 'the issuer is https');
      const loginChallenge = challengeIn(toLogin, 'login_challenge');
      const login = valid(await app.getLogin(loginChallenge), 200, 'oAuth2LoginRequest');
      assert.equal(login.skip, false);
      assert.deepEqual(login.requested_scope, ['openid', 'offline_access']);
      assert.equal((login.client as { client_id: string }).client_id, confidential.client_id);

      const accepted = valid(await app.acceptLogin(loginChallenge, { subject: 'alice', acr: '1', amr: ['pwd'] }), 200, 'oAuth2RedirectTo');
      const toConsent = await browser.go(String(accepted.redirect_to));
      const consentChallenge = challengeIn(toConsent, 'consent_challenge');
      assert.ok(toConsent.location.startsWith(CONSENT_URL));
      const consent = valid(await app.getConsent(consentChallenge), 200, 'oAuth2ConsentRequest');
      assert.equal(consent.subject, 'alice');
      assert.equal(consent.skip, false);
      assert.deepEqual(consent.amr, ['pwd']);
      const back = await browser.go(
        redirectTo(
          await app.acceptConsent(consentChallenge, {
            grant_scope: ['openid', 'offline_access'],
            session: { access_token: { role: 'admin' }, id_token: { email: 'alice@example.com' } },
          }),
        ),
      );
      codeOf(back);

      const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location), {
        pkceCodeVerifier: VERIFIER,
        expectedState: STATE,
        expectedNonce: NONCE,
        idTokenExpected: true,
      });
      assert.ok(tokens.access_token.startsWith('ory_at_'));
      assert.ok(tokens.refresh_token?.startsWith('ory_rt_'), 'offline_access granted → refresh token');
      const claims = tokens.claims();
      assert.equal(claims?.sub, 'alice');
      assert.equal(claims?.nonce, NONCE);
      const info = await introspect(admin, tokens.access_token);
      assert.equal(info.body.active, true);
      assert.equal(info.body.sub, 'alice');
      assert.deepEqual(info.body.ext, { role: 'admin' });

      // OIDC Core §3.1.2.1: the ID token comes back as id_token_hint; its verified claims reach the login app.
      const idToken = tokens.id_token ?? '';
      const hinted = await browser.go(authUrl({ id_token_hint: idToken, login_hint: 'alice@example.com', ui_locales: 'de en' }));
      const hintedLogin = valid(await app.getLogin(challengeIn(hinted, 'login_challenge')), 200, 'oAuth2LoginRequest');
      const context = hintedLogin.oidc_context as { id_token_hint_claims: { sub: string }; login_hint: string; ui_locales: string[] };
      assert.equal(context.id_token_hint_claims.sub, 'alice');
      assert.equal(context.login_hint, 'alice@example.com');
      assert.deepEqual(context.ui_locales, ['de', 'en']);
      errorAtClient(await browser.go(authUrl({ id_token_hint: `${idToken.slice(0, -4)}AAAA` })), 'invalid_request');
    });

    test('public client: code + PKCE with openid-client and no secret; without PKCE it is refused', async () => {
      const redirect = 'http://127.0.0.1:9999/cb';
      const config = new oidc.Configuration(
        {
          issuer: ISSUER,
          authorization_endpoint: new URL('/oauth2/auth', pub).toString(),
          token_endpoint: new URL('/oauth2/token', pub).toString(),
          jwks_uri: new URL('/.well-known/jwks.json', pub).toString(),
        },
        publicClient.client_id,
        undefined,
        oidc.None(),
      );
      oidc.allowInsecureRequests(config);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirect,
        scope: 'profile',
        state: STATE,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const back = await runFlow(browserFor(), app, url, { subject: 'bob' });
      assert.ok(back.location.startsWith(`${redirect}?`), back.location);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location), { pkceCodeVerifier: verifier, expectedState: STATE });
      assert.equal((await introspect(admin, tokens.access_token)).body.sub, 'bob');

      const noPkce = await browserFor().go(authUrl({ redirect_uri: redirect, scope: 'profile', code_challenge: '', code_challenge_method: '', nonce: '' }, publicClient.client_id));
      errorAtClient(noPkce, 'invalid_request', redirect);
    });

    test('implicit and hybrid: tokens in the fragment, an ID token with at_hash and c_hash, the code still redeemable', async () => {
      const implicit = await createClient(admin, {
        grant_types: ['implicit', 'authorization_code'],
        response_types: ['token', 'id_token token', 'code id_token token', 'id_token'],
        scope: 'openid profile',
        redirect_uris: [REDIRECT],
      });
      const url = (over: Record<string, string>) => authUrl({ scope: 'openid profile', code_challenge: '', code_challenge_method: '', ...over }, implicit.client_id);
      const token = await runFlow(browserFor(), app, url({ response_type: 'token', scope: 'profile' }));
      assert.ok(token.location.startsWith(`${REDIRECT}#`), token.location);
      const fragment = new URLSearchParams(new URL(token.location).hash.slice(1));
      assert.equal(fragment.get('state'), STATE);
      assert.equal(fragment.get('token_type'), 'bearer');
      assert.equal(fragment.get('code'), null);
      assert.equal(fragment.get('refresh_token'), null);
      assert.equal((await introspect(admin, String(fragment.get('access_token')))).body.active, true);

      const hybrid = await runFlow(browserFor(), app, url({ response_type: 'code id_token token', code_challenge: challenge, code_challenge_method: 'S256' }));
      const h = new URLSearchParams(new URL(hybrid.location).hash.slice(1));
      const code = h.get('code') ?? '';
      assert.ok(code.startsWith('ory_ac_'));
      const idToken = JSON.parse(Buffer.from(String(h.get('id_token')).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      assert.equal(idToken.nonce, NONCE);
      assert.equal(typeof idToken.at_hash, 'string');
      assert.equal(typeof idToken.c_hash, 'string');
      const redeemed = await exchange(code, [], implicit);
      assert.equal(redeemed.status, 200, redeemed.text);
      // The code and the tokens from the authorization endpoint are one grant: a code replay revokes them all.
      assert.equal((await exchange(code, [], implicit)).body.error, 'invalid_grant');
      assert.equal((await introspect(admin, String(h.get('access_token')))).body.active, false);

      const inFragment = (hop: Hop, error: string) => {
        assert.ok(hop.location.startsWith(`${REDIRECT}#`), hop.location);
        assert.equal(new URLSearchParams(new URL(hop.location).hash.slice(1)).get('error'), error);
      };
      const browser = browserFor();
      inFragment(await browser.go(url({ response_type: 'id_token token', nonce: '' })), 'invalid_request');
      inFragment(await browser.go(url({ response_type: 'id_token token', scope: 'profile' })), 'invalid_request');
      inFragment(await browser.go(url({ response_type: 'token', response_mode: 'query' })), 'invalid_request');
      inFragment(await browser.go(url({ response_type: 'code id_token' })), 'unsupported_response_type');
    });

    test('form_post response mode renders an auto-submitting form to the redirect URI', async () => {
      const back = await runFlow(browserFor(), app, authUrl({ response_mode: 'form_post' }));
      assert.equal(back.status, 200);
      assert.match(back.contentType, /^text\/html/);
      assert.match(back.body, new RegExp(`<form method="post" action="${REDIRECT.replace(/\//g, '\\/')}">`));
      assert.match(back.body, /name="code" value="ory_ac_/);
      assert.match(back.body, new RegExp(`name="state" value="${STATE}"`));
    });

    test('remembered login: skip with the subject; prompt=login and max_age=0 ask again; prompt=none passes', async () => {
      const browser = browserFor();
      codeOf(await runFlow(browser, app, authUrl(), { subject: 'carol', remember: true }));
      assert.ok([...browser.cookies.keys()].some((n) => n.startsWith('ory_hydra_session')), 'a session cookie');

      const again = await browser.go(authUrl());
      const login = valid(await app.getLogin(challengeIn(again, 'login_challenge')), 200, 'oAuth2LoginRequest');
      assert.equal(login.skip, true);
      assert.equal(login.subject, 'carol');

      // With skip, the login app must confirm the same subject (Hydra).
      const mismatch = await app.acceptLogin(challengeIn(again, 'login_challenge'), { subject: 'mallory' });
      valid(mismatch, 400, 'errorOAuth2');

      for (const over of [{ prompt: 'login' }, { max_age: '0' }, { prompt: 'select_account' }] as Record<string, string>[]) {
        const hop = await browser.go(authUrl(over));
        const forced = valid(await app.getLogin(challengeIn(hop, 'login_challenge')), 200, 'oAuth2LoginRequest');
        assert.equal(forced.skip, false, JSON.stringify(over));
      }
      const within = await browser.go(authUrl({ max_age: '3600' }));
      assert.equal((await app.getLogin(challengeIn(within, 'login_challenge'))).body.skip, true);

      // prompt=none with a session still goes through the login app (skip) and, with consent not remembered, fails consent_required.
      const none = await runFlowExpectingConsentError(browser, authUrl({ prompt: 'none' }));
      errorAtClient(none, 'consent_required');
      // prompt=none and max_age=0: a login would be needed → login_required.
      errorAtClient(await browser.go(authUrl({ prompt: 'none', max_age: '0' })), 'login_required');
    });

    async function runFlowExpectingConsentError(browser: Browser, url: string): Promise<Hop> {
      const hop = await browser.go(url);
      const c = challengeIn(hop, 'login_challenge');
      const login = await app.getLogin(c);
      return browser.go(redirectTo(await app.acceptLogin(c, { subject: login.body.subject })));
    }

    test('remembered consent: a later consent request arrives with skip: true unless more is asked', async () => {
      const browser = browserFor();
      codeOf(await runFlow(browser, app, authUrl({ scope: 'openid profile' }), { subject: 'dave', remember: true, rememberConsent: true }));

      const hop = await browser.go(authUrl({ scope: 'openid' }));
      const c = challengeIn(hop, 'login_challenge');
      const toConsent = await browser.go(redirectTo(await app.acceptLogin(c, { subject: 'dave' })));
      const consent = valid(await app.getConsent(challengeIn(toConsent, 'consent_challenge')), 200, 'oAuth2ConsentRequest');
      assert.equal(consent.skip, true);

      const wider = await browser.go(authUrl({ scope: 'openid offline_access' }));
      const c2 = challengeIn(wider, 'login_challenge');
      const toConsent2 = await browser.go(redirectTo(await app.acceptLogin(c2, { subject: 'dave' })));
      assert.equal((await app.getConsent(challengeIn(toConsent2, 'consent_challenge'))).body.skip, false, 'offline_access was never granted');

      // With login and consent remembered, prompt=none completes without any page.
      const silent = await runFlowExpectingConsentError(browser, authUrl({ scope: 'openid', prompt: 'none' }));
      const consentChallenge = challengeIn(silent, 'consent_challenge');
      codeOf(await browser.go(redirectTo(await app.acceptConsent(consentChallenge, { grant_scope: ['openid'] }))));
    });

    test('reject at login and at consent: access_denied at the client with state', async () => {
      const browser = browserFor();
      const hop = await browser.go(authUrl());
      const rejected = valid(
        await app.rejectLogin(challengeIn(hop, 'login_challenge'), { error: 'access_denied', error_description: 'The user said no', status_code: 403 }),
        200,
        'oAuth2RedirectTo',
      );
      const back = await browser.go(String(rejected.redirect_to));
      errorAtClient(back, 'access_denied');
      assert.equal(param(back.location, 'error_description'), 'The user said no');

      const hop2 = await browser.go(authUrl());
      const toConsent = await browser.go(redirectTo(await app.acceptLogin(challengeIn(hop2, 'login_challenge'), { subject: 'erin' })));
      const rejectedConsent = await app.rejectConsent(challengeIn(toConsent, 'consent_challenge'), { error: 'access_denied' });
      errorAtClient(await browser.go(redirectTo(rejectedConsent)), 'access_denied');
    });

    test('authorization errors before the redirect URI is verified are shown, never redirected', async () => {
      const browser = browserFor();
      errorPage(await browser.go(authUrl({ redirect_uri: 'https://evil.example/cb' })), 'invalid_request');
      errorPage(await browser.go(authUrl({ redirect_uri: `${REDIRECT}/extra` })), 'invalid_request');
      errorPage(await browser.go(authUrl({ redirect_uri: '' })), 'invalid_request');
      errorPage(await browser.go(authUrl({ client_id: 'no-such-client' })), 'invalid_client');
      // fosite looks up whatever client_id says: a missing one is an unknown client.
      errorPage(await browser.go(authUrl({ client_id: '' })), 'invalid_client');
      errorPage(await browser.go(`${authUrl()}&state=twice-twice-twice`), 'invalid_request');
      const xss = await browser.go(authUrl({ client_id: '<script>alert(1)</script>' }));
      assert.doesNotMatch(xss.body, /<script>alert/);
    });

    test('authorization errors after the redirect URI is verified go back to the client with state', async () => {
      const browser = browserFor();
      errorAtClient(await browser.go(authUrl({ scope: 'openid admin' })), 'invalid_scope');
      errorAtClient(await browser.go(authUrl({ audience: 'https://other.example' })), 'invalid_request');
      // fosite's GetAudiences: audience may repeat (RFC 8693 style), each value judged as usual.
      errorAtClient(await browser.go(`${authUrl()}&audience=https://api.example&audience=https://other.example`), 'invalid_request');
      const repeated = await browser.go(`${authUrl()}&audience=https://api.example&audience=https://api.example/v1`);
      const login = valid(await app.getLogin(challengeIn(repeated, 'login_challenge')), 200, 'oAuth2LoginRequest');
      assert.deepEqual(login.requested_access_token_audience, ['https://api.example', 'https://api.example/v1']);
      const shortState = await browser.go(authUrl({ state: 'short' }));
      assert.equal(param(shortState.location, 'error'), 'invalid_state');
      assert.ok(shortState.location.startsWith(REDIRECT));
      // fosite's current format: the hint is folded into error_description, never sent apart.
      assert.match(String(param(shortState.location, 'error_description')), /entropy/);
      assert.equal(param(shortState.location, 'error_hint'), null);
      errorAtClient(await browser.go(authUrl({ nonce: 'short' })), 'insufficient_entropy');
      errorAtClient(await browser.go(authUrl({ code_challenge_method: 'plain', code_challenge: challenge })), 'invalid_request');
      errorAtClient(await browser.go(authUrl({ code_challenge_method: '' })), 'invalid_request');
      errorAtClient(await browser.go(authUrl({ prompt: 'none login' })), 'invalid_request');
      errorAtClient(await browser.go(authUrl({ prompt: 'sometimes' })), 'invalid_request');
      errorAtClient(await browser.go(authUrl({ max_age: '-1' })), 'invalid_request');
      errorAtClient(await browser.go(authUrl({ response_mode: 'smoke_signal' })), 'unsupported_response_mode');
      errorAtClient(await browser.go(authUrl({ request: 'eyJ...' })), 'request_not_supported');
      errorAtClient(await browser.go(authUrl({ prompt: 'none' })), 'login_required');
      const token = await browser.go(authUrl({ response_type: 'token' }));
      assert.equal(token.status, 302);
      assert.ok(token.location.startsWith(`${REDIRECT}#`), 'implicit responses use the fragment');
      assert.equal(param(token.location, 'error'), 'unsupported_response_type');
      const fragment = await browser.go(authUrl({ scope: 'nope', response_mode: 'fragment' }));
      assert.equal(new URLSearchParams(new URL(fragment.location).hash.slice(1)).get('error'), 'invalid_scope');
    });

    test('the code is single use: a replay fails invalid_grant and revokes what the first use issued', async () => {
      const code = codeOf(await runFlow(browserFor(), app, authUrl()));
      const first = await exchange(code);
      assert.equal(first.status, 200, first.text);
      const accessToken = String(first.body.access_token);
      const refreshToken = String(first.body.refresh_token);
      assert.equal((await introspect(admin, accessToken)).body.active, true);

      const second = await exchange(code);
      assert.equal(second.status, 400);
      assert.equal(second.body.error, 'invalid_grant');
      assert.equal((await introspect(admin, accessToken)).body.active, false, 'the first access token is revoked');
      assert.equal((await introspect(admin, refreshToken)).body.active, false, 'the first refresh token is revoked');
    });

    test('the code is bound to client, redirect URI and PKCE verifier', async () => {
      const other = await createClient(admin, { grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid', redirect_uris: [REDIRECT] });
      const cases: [[string, string][], typeof confidential][] = [
        [[['code_verifier', `${VERIFIER}x`]], confidential],
        [[['redirect_uri', 'https://app.example/other']], confidential],
        [[], other],
      ];
      for (const [extra, who] of cases) {
        const code = codeOf(await runFlow(browserFor(), app, authUrl()));
        const form = new Map<string, string>([['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT], ['code_verifier', VERIFIER], ...extra]);
        const wrong = await postForm(pub, '/oauth2/token', [...form], basic(who.client_id, who.client_secret));
        assert.equal(wrong.status, 400, wrong.text);
        assert.equal(wrong.body.error, 'invalid_grant');
      }
      const noVerifier = codeOf(await runFlow(browserFor(), app, authUrl()));
      const missing = await postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', noVerifier], ['redirect_uri', REDIRECT]], basic(confidential.client_id, confidential.client_secret));
      assert.equal(missing.body.error, 'invalid_grant');
    });

    test('challenges are single use (409) and gone once handled (410); a verifier replay yields nothing', async () => {
      const browser = browserFor();
      const hop = await browser.go(authUrl());
      const c = challengeIn(hop, 'login_challenge');
      // An answer that does not fit is refused before the challenge is used: the app may answer again.
      valid(await app.acceptLogin(c, { subject: '' }), 400, 'errorOAuth2');
      const verifierUrl = redirectTo(await app.acceptLogin(c, { subject: 'frank' }));
      valid(await app.acceptLogin(c, { subject: 'frank' }), 409, 'errorOAuth2');
      valid(await app.rejectLogin(c, {}), 409, 'errorOAuth2');
      valid(await app.getLogin(c), 410, 'oAuth2RedirectTo');

      const csrf = [...browser.cookies].find(([name]) => name.startsWith('ory_hydra_login_csrf'));
      assert.ok(csrf);
      const toConsent = await browser.go(verifierUrl);
      const consentChallenge = challengeIn(toConsent, 'consent_challenge');
      // The CSRF cookie is cleared after use; a replay even with it restored is refused as used.
      errorAtClient(await browser.go(verifierUrl), 'request_forbidden');
      browser.cookies.set(csrf[0], csrf[1]);
      const replay = await browser.go(verifierUrl);
      assert.equal(param(replay.location, 'consent_challenge'), null, 'a replayed login verifier starts no second consent');
      // Hydra's consent strategy: a replayed verifier is access_denied.
      errorAtClient(replay, 'access_denied');
      assert.match(String(param(replay.location, 'error_description')), /already been used/);

      const consentVerifierUrl = redirectTo(await app.acceptConsent(consentChallenge, { grant_scope: ['openid'] }));
      valid(await app.acceptConsent(consentChallenge, { grant_scope: ['openid'] }), 409, 'errorOAuth2');
      codeOf(await browser.go(consentVerifierUrl));
      const replayed = await browser.go(consentVerifierUrl);
      assert.equal(param(replayed.location, 'code'), null, 'a replayed consent verifier yields no second code');

      valid(await app.getLogin('not-a-challenge'), 404, 'errorOAuth2');
      valid(await app.getConsent(c), 404, 'errorOAuth2');
    });

    test('CSRF: a verifier without the cookie of the browser that started the flow is refused', async () => {
      const victim = browserFor();
      const hop = await victim.go(authUrl());
      const verifierUrl = redirectTo(await app.acceptLogin(challengeIn(hop, 'login_challenge'), { subject: 'grace' }));
      const attacker = browserFor();
      const refused = await attacker.go(verifierUrl);
      errorAtClient(refused, 'request_forbidden');
      // The refusal did not use the verifier up: the browser that started the flow goes on to consent.
      challengeIn(await victim.go(verifierUrl), 'consent_challenge');
    });

    test('consent sessions: listed per subject, revoking them revokes the tokens and forgets the consent', async () => {
      const browser = browserFor();
      const code = codeOf(await runFlow(browser, app, authUrl({ scope: 'openid profile' }), { subject: 'heidi', remember: true, rememberConsent: true }));
      const tokens = await exchange(code);
      assert.equal(tokens.status, 200, tokens.text);

      const list = await adminCall(admin, 'GET', '/admin/oauth2/auth/sessions/consent?subject=heidi');
      assert.equal(list.status, 200, list.text);
      const sessions = JSON.parse(list.text) as unknown[];
      assert.equal(sessions.length, 1);
      const validate = schema('oAuth2ConsentSession');
      assert.ok(validate(sessions[0]), apiSchemas?.errorsText(validate));
      const session = sessions[0] as { grant_scope: string[]; consent_request: { client: { client_id: string }; subject: string } };
      assert.deepEqual(session.grant_scope, ['openid', 'profile']);
      assert.equal(session.consent_request.client.client_id, confidential.client_id);
      valid(await adminCall(admin, 'GET', '/admin/oauth2/auth/sessions/consent'), 400, 'errorOAuth2');
      valid(await adminCall(admin, 'DELETE', '/admin/oauth2/auth/sessions/consent?subject=heidi'), 400, 'errorOAuth2');

      const revoked = await adminCall(admin, 'DELETE', `/admin/oauth2/auth/sessions/consent?subject=heidi&client=${confidential.client_id}`);
      assert.equal(revoked.status, 204);
      assert.equal((await introspect(admin, String(tokens.body.access_token))).body.active, false);
      assert.equal(JSON.parse((await adminCall(admin, 'GET', '/admin/oauth2/auth/sessions/consent?subject=heidi')).text).length, 0);

      // The consent is forgotten: the next consent request asks again.
      const hop = await browser.go(authUrl({ scope: 'openid' }));
      const toConsent = await browser.go(redirectTo(await app.acceptLogin(challengeIn(hop, 'login_challenge'), { subject: 'heidi' })));
      assert.equal((await app.getConsent(challengeIn(toConsent, 'consent_challenge'))).body.skip, false);

      // Ending the login sessions: the next login request is not skipped.
      assert.equal((await adminCall(admin, 'DELETE', '/admin/oauth2/auth/sessions/login?subject=heidi')).status, 204);
      const after = await browser.go(authUrl());
      assert.equal((await app.getLogin(challengeIn(after, 'login_challenge'))).body.skip, false);
      valid(await adminCall(admin, 'DELETE', '/admin/oauth2/auth/sessions/login'), 400, 'errorOAuth2');
    });

    test("expired challenges answer 401 (Hydra's request_unauthorized); with urls.error a bad redirect URI goes there, not to the client", async () => {
      if (!database) throw new Error('no database');
      const short = await startCluster({ dsn: database.dsn, env: { ...env, TTL_LOGIN_CONSENT_REQUEST: '1s', URLS_ERROR: 'https://errors.test/oops' } });
      try {
        const browser = browserFor();
        const start = new URL(authUrl());
        const hop = await browser.go(new URL(`${start.pathname}${start.search}`, short.publicUrl));
        const c = challengeIn(hop, 'login_challenge');
        await sleep(1100);
        valid(await loginApp(short.adminUrl).getLogin(c), 401, 'errorOAuth2');
        valid(await loginApp(short.adminUrl).acceptLogin(c, { subject: 'ivan' }), 401, 'errorOAuth2');

        const bad = new URL(authUrl({ redirect_uri: 'https://evil.example/cb' }));
        const toError = await browser.go(new URL(`${bad.pathname}${bad.search}`, short.publicUrl));
        assert.equal(toError.status, 302);
        assert.ok(toError.location.startsWith('https://errors.test/oops?'), toError.location);
        assert.equal(param(toError.location, 'error'), 'invalid_request');
      } finally {
        await short.close();
      }
    });
  });
}
