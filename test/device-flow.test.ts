/**
 * The device authorization grant (RFC 8628) end to end over real HTTP (gateway + core +
 * database of every dialect): the device asks for codes, a browser opens the verification URI,
 * the test login app accepts the user code, the login and the consent, and the polling device
 * gets its tokens once; plus slow_down, rejection, expiry and the errors of each step.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Browser, param, type Hop } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { challengeIn, loginApp, redirectTo, type LoginApp } from './support/login-app.js';
import { adminCall, basic, createClient, introspect, postForm, type Answer } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const LOGIN_URL = 'https://login.test/login';
const CONSENT_URL = 'https://login.test/consent';
const ERROR_URL = 'https://login.test/error';
const DEVICE_URL = 'https://login.test/device';
const DEVICE_DONE = 'https://login.test/device/done';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** The polling interval the cluster runs with, and the lifetime of device and user codes. */
const INTERVAL_S = 1;
const TTL_S = 6;

const env = {
  URLS_SELF_ISSUER: ISSUER,
  URLS_LOGIN: LOGIN_URL,
  URLS_CONSENT: CONSENT_URL,
  URLS_ERROR: ERROR_URL,
  URLS_DEVICE_VERIFICATION: DEVICE_URL,
  URLS_DEVICE_SUCCESS: DEVICE_DONE,
  OAUTH2_DEVICE_AUTHORIZATION_TOKEN_POLLING_INTERVAL: `${INTERVAL_S}s`,
  TTL_DEVICE_USER_CODE: `${TTL_S}s`,
};

interface DeviceCodes {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** Waits out the polling interval, with a margin. */
const pause = () => sleep(INTERVAL_S * 1000 + 150);

for (const db of testDatabases()) {
  describe(`device authorization grant on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';
    let app: LoginApp;
    /** A public client, as devices are (RFC 8628 §3.1: no secret to keep on a television). */
    let tv = { client_id: '', client_secret: '' };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      app = loginApp(admin);
      tv = await createClient(admin, {
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        token_endpoint_auth_method: 'none',
        scope: 'openid offline_access photos',
        audience: ['https://photos.test'],
      });
    });
    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    const browser = () => new Browser({ [new URL(ISSUER).origin]: pub });

    async function deviceAuthorization(form: [string, string][], headers: Record<string, string> = {}): Promise<Answer> {
      return postForm(pub, '/oauth2/device/auth', form, headers);
    }

    async function codes(scope = 'openid offline_access photos', clientId = tv.client_id): Promise<DeviceCodes> {
      const res = await deviceAuthorization([['client_id', clientId], ['scope', scope]]);
      assert.equal(res.status, 200, res.text);
      return res.body as unknown as DeviceCodes;
    }

    const poll = (deviceCode: string, clientId = tv.client_id) =>
      postForm(pub, '/oauth2/token', [['grant_type', DEVICE_GRANT], ['device_code', deviceCode], ['client_id', clientId]]);

    function assertError(res: Answer, status: number, error: string): void {
      assert.equal(res.status, status, res.text);
      assert.equal(res.body.error, error, res.text);
    }

    /** The browser's way from the verification URI to the user-code page: the device challenge. */
    async function openVerification(b: Browser, uri: string): Promise<{ hop: Hop; challenge: string }> {
      const hop = await b.go(uri);
      assert.equal(hop.status, 302, hop.body);
      assert.ok(hop.location.startsWith(`${DEVICE_URL}?`), hop.location);
      const challenge = param(hop.location, 'device_challenge') ?? '';
      assert.notEqual(challenge, '');
      return { hop, challenge };
    }

    const acceptUserCode = (challenge: string, userCode: string) =>
      adminCall(admin, 'PUT', `/admin/oauth2/auth/requests/device/accept?device_challenge=${encodeURIComponent(challenge)}`, { user_code: userCode });

    /** User code accepted → login → consent; returns the last hop (back from the consent verifier). */
    async function signIn(b: Browser, device: DeviceCodes, opts: { typed?: string; rejectConsent?: boolean } = {}): Promise<Hop> {
      const { challenge } = await openVerification(b, device.verification_uri);
      const next = redirectTo(await acceptUserCode(challenge, opts.typed ?? device.user_code));
      const toLogin = await b.go(next);
      const login = challengeIn(toLogin, 'login_challenge');
      const loginRequest = await app.getLogin(login);
      assert.equal(loginRequest.status, 200, loginRequest.text);
      // The login app sees the device's client and where the flow came from (Hydra's request_url).
      assert.equal((loginRequest.body.client as Record<string, unknown>).client_id, tv.client_id);
      assert.ok(String(loginRequest.body.request_url).startsWith(new URL('oauth2/device/verify?', ISSUER).toString()), String(loginRequest.body.request_url));
      const toConsent = await b.go(redirectTo(await app.acceptLogin(login, { subject: 'alice' })));
      const consent = challengeIn(toConsent, 'consent_challenge');
      const consentRequest = await app.getConsent(consent);
      assert.equal(consentRequest.status, 200, consentRequest.text);
      const answer = opts.rejectConsent
        ? await app.rejectConsent(consent, { error: 'access_denied', error_description: 'The user said no.' })
        : await app.acceptConsent(consent, { grant_scope: consentRequest.body.requested_scope, grant_access_token_audience: ['https://photos.test'] });
      return b.go(redirectTo(answer));
    }

    test('a device signs in: codes, verification, user code, login, consent, then tokens exactly once', async () => {
      const device = await codes();
      // RFC 8628 §3.2: every member, with the configured interval and lifetime.
      assert.match(device.device_code, /^ory_dc_/);
      assert.match(device.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.equal(device.verification_uri, new URL('oauth2/device/verify', ISSUER).toString());
      assert.equal(device.verification_uri_complete, `${device.verification_uri}?user_code=${encodeURIComponent(device.user_code)}`);
      assert.equal(device.expires_in, TTL_S);
      assert.equal(device.interval, INTERVAL_S);

      // The person has not done anything yet.
      assertError(await poll(device.device_code), 400, 'authorization_pending');

      // The user code is typed as a person types it: lower case, no dash.
      const b = browser();
      const done = await signIn(b, device, { typed: device.user_code.replace('-', '').toLowerCase() });
      assert.equal(done.status, 302, done.body);
      assert.equal(done.location, `${DEVICE_DONE}?client_id=${encodeURIComponent(tv.client_id)}`);

      await pause();
      const tokens = await poll(device.device_code);
      assert.equal(tokens.status, 200, tokens.text);
      assert.equal(tokens.body.token_type, 'bearer');
      assert.equal(tokens.body.scope, 'openid offline_access photos');
      assert.equal(typeof tokens.body.id_token, 'string');
      assert.equal(typeof tokens.body.refresh_token, 'string');
      const accessToken = String(tokens.body.access_token);
      const info = await introspect(admin, accessToken);
      assert.equal(info.body.active, true);
      assert.equal(info.body.sub, 'alice');
      assert.equal(info.body.client_id, tv.client_id);
      assert.deepEqual(info.body.aud, ['https://photos.test']);

      // The refresh token works like any other.
      const refreshed = await postForm(pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', String(tokens.body.refresh_token)], ['client_id', tv.client_id]]);
      assert.equal(refreshed.status, 200, refreshed.text);

      // A device code yields tokens once; a second use revokes what the first issued (fosite).
      await pause();
      assertError(await poll(device.device_code), 400, 'invalid_grant');
      assert.equal((await introspect(admin, String(refreshed.body.access_token))).body.active, false);

      // The user code is spent too.
      const again = await openVerification(browser(), device.verification_uri_complete);
      assert.equal(param(again.hop.location, 'user_code'), device.user_code, 'verification_uri_complete hands the user code to the page');
      assertError(await acceptUserCode(again.challenge, device.user_code), 400, 'invalid_request');
    });

    test('polling faster than the interval is slow_down, and the interval grows for good', async () => {
      const device = await codes('photos');
      assertError(await poll(device.device_code), 400, 'authorization_pending');
      const fast = await poll(device.device_code);
      assertError(fast, 400, 'slow_down');
      assert.match(String(fast.body.error_description), new RegExp(`now ${INTERVAL_S + 5} seconds`));
      // Waiting the original interval is not enough any more (RFC 8628 §3.5).
      await pause();
      assertError(await poll(device.device_code), 400, 'slow_down');
    });

    test('a rejected consent is access_denied for the device; the browser sees the error page', async () => {
      const device = await codes('photos');
      const b = browser();
      const shown = await signIn(b, device, { rejectConsent: true });
      assert.equal(shown.status, 302);
      assert.ok(shown.location.startsWith(`${ERROR_URL}?`), shown.location);
      assert.equal(param(shown.location, 'error'), 'access_denied');
      assertError(await poll(device.device_code), 403, 'access_denied');
    });

    test('after ttl.device_user_code the device gets expired_token and the user code is refused', async () => {
      const device = await codes('photos');
      const { challenge } = await openVerification(browser(), device.verification_uri);
      // expires_at is kept to the second (rounded), so up to half a second past ttl; a second more is past it for sure.
      await sleep(TTL_S * 1000 + 1000);
      assertError(await poll(device.device_code), 400, 'expired_token');
      assertError(await acceptUserCode(challenge, device.user_code), 400, 'invalid_request');
    });

    test('the device authorization request is checked as fosite checks it', async () => {
      // The form must name the client.
      assertError(await deviceAuthorization([['scope', 'photos']]), 401, 'invalid_client');
      // A client without the device grant.
      const web = await createClient(admin, { grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', scope: 'photos' });
      assertError(await deviceAuthorization([['client_id', web.client_id]]), 400, 'invalid_grant');
      // Scope and audience within the client's.
      assertError(await deviceAuthorization([['client_id', tv.client_id], ['scope', 'admin']]), 400, 'invalid_scope');
      assertError(await deviceAuthorization([['client_id', tv.client_id], ['audience', 'https://elsewhere.test']]), 400, 'invalid_request');
      // A confidential client authenticates; the form still names it.
      const box = await createClient(admin, { grant_types: [DEVICE_GRANT], scope: 'photos' });
      assertError(await deviceAuthorization([['client_id', box.client_id]], basic(box.client_id, 'wrong-secret')), 401, 'invalid_client');
      const ok = await deviceAuthorization([['client_id', box.client_id], ['scope', 'photos']], basic(box.client_id, box.client_secret));
      assert.equal(ok.status, 200, ok.text);
      // Another client cannot redeem it; an unknown device code is invalid_grant.
      assertError(await poll(String(ok.body.device_code), tv.client_id), 400, 'invalid_grant');
      assertError(await poll('ory_dc_not-a-device-code'), 400, 'invalid_grant');
    });

    test('the user-code step: unknown codes, a used challenge and a forged verifier change nothing', async () => {
      const device = await codes('photos');
      const b = browser();
      const { challenge } = await openVerification(b, device.verification_uri);
      assertError(await acceptUserCode(challenge, 'BBBB-BBBB'), 400, 'invalid_request');
      assertError(await acceptUserCode(challenge, ''), 400, 'invalid_request');
      assert.equal((await acceptUserCode('not-a-challenge', device.user_code)).status, 404);
      const next = redirectTo(await acceptUserCode(challenge, device.user_code));
      // The challenge is single use.
      assertError(await acceptUserCode(challenge, device.user_code), 409, 'conflict');
      // Another browser (no device CSRF cookie) cannot use the verifier.
      const stolen = await browser().go(next);
      assert.ok(stolen.location.startsWith(`${ERROR_URL}?`), stolen.location);
      assert.equal(param(stolen.location, 'error'), 'request_forbidden');
      // A device flow's verifier is not accepted at the authorization endpoint.
      const verifier = param(next, 'device_verifier') ?? '';
      const wrong = await b.go(new URL(`oauth2/auth?login_verifier=${encodeURIComponent(verifier)}`, ISSUER));
      assert.ok(wrong.location.startsWith(`${ERROR_URL}?`), wrong.location);
      // The device is still waiting.
      assertError(await poll(device.device_code), 400, 'authorization_pending');
    });

    test('discovery advertises the device authorization endpoint and grant', async () => {
      const res = await adminCall(pub, 'GET', '/.well-known/openid-configuration');
      assert.equal(res.body.device_authorization_endpoint, new URL('oauth2/device/auth', ISSUER).toString());
      assert.ok((res.body.grant_types_supported as string[]).includes(DEVICE_GRANT));
    });
  });
}
