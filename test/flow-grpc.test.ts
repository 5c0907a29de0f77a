/**
 * The login/consent contract as a gRPC caller sees it (grpcurl, an internal login service):
 * FlowService speaks typed messages (flows.proto), not JSON strings. A login and consent driven
 * over gRPC alone, with free-form context and session claims as google.protobuf.Struct/Value,
 * ends in tokens that carry those claims; the admin HTTP API shows the same flow as Hydra's JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials, status, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { decodeJwt } from 'jose';
import { FlowServiceClient, type ConsentSessionList, type GetConsentRequestResponse, type GetLoginRequestResponse, type OAuth2RedirectTo } from '../proto/gen/tessera/v1/flows.js';
import { Browser } from './support/browser.js';
import { gatewayMetadata, startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { OAuth2ServiceClient, type BrowserResponse } from '../proto/gen/tessera/v1/oauth2.js';
import { challengeIn } from './support/login-app.js';
import { adminCall, basic, createClient, introspect, postForm } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const REDIRECT = 'https://app.example/cb';
const env = { URLS_SELF_ISSUER: ISSUER, URLS_LOGIN: 'https://login.test/login', URLS_CONSENT: 'https://login.test/consent' };

type Callback<Res> = (err: ServiceError | null, res: Res) => void;

/** One unary call as the test gateway's caller: `call(metadata, callback)` issues it. */
function rpc<Res>(call: (metadata: Metadata, callback: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    call(gatewayMetadata(), (err, res) => (err ? reject(err) : resolve(res)));
  });
}

const sqlite = testDatabases().find((d) => d.name === 'sqlite');
if (!sqlite) throw new Error('SQLite is always available');

describe('FlowService over gRPC, typed', () => {
  let database: CreatedDatabase | undefined;
  let cluster: Cluster | undefined;
  let flows: FlowServiceClient;
  let client = { client_id: '', client_secret: '' };

  before(async () => {
    database = await sqlite.create();
    cluster = await startCluster({ dsn: database.dsn, env });
    flows = new FlowServiceClient(cluster.grpcAddress, credentials.createInsecure());
    client = await createClient(cluster.adminUrl, {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid profile',
      redirect_uris: [REDIRECT],
    });
  });

  after(async () => {
    flows?.close();
    await cluster?.close();
    await database?.drop();
  });

  function authUrl(): string {
    const url = new URL('oauth2/auth', ISSUER);
    for (const [k, v] of Object.entries({ client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state: 'state-0123456789', nonce: 'nonce-0123456789', ui_locales: 'de en' })) url.searchParams.set(k, v);
    return url.toString();
  }

  test('login and consent accepted with typed fields end in tokens carrying the typed claims', async () => {
    const pub = cluster?.publicUrl ?? '';
    const admin = cluster?.adminUrl ?? '';
    const browser = new Browser({ [new URL(ISSUER).origin]: pub });

    const loginChallenge = challengeIn(await browser.go(authUrl()), 'login_challenge');
    const read = await rpc<GetLoginRequestResponse>((m, cb) => flows.getLoginRequest({ challenge: loginChallenge }, m, cb));
    assert.equal(read.handled, undefined);
    const login = read.login_request;
    assert.ok(login, 'a login request');
    assert.equal(login.challenge, loginChallenge);
    assert.equal(login.skip, false);
    assert.deepEqual(login.requested_scope, ['openid', 'profile']);
    assert.equal(login.client?.client_id, client.client_id);
    assert.equal(login.client?.client_secret, '', 'no secret leaves core');
    assert.deepEqual(login.oidc_context?.ui_locales, ['de', 'en']);

    const context = { source: 'grpc', levels: [1, null, { deep: true }] };
    const toConsent = await rpc<OAuth2RedirectTo>((m, cb) => flows.acceptLoginRequest({
      challenge: loginChallenge,
      body: { subject: 'grpc-user', remember: false, remember_for: 0, acr: 'urn:acr:mfa', amr: ['pwd', 'otp'], context, force_subject_identifier: '', extend_session_lifespan: false, identity_provider_session_id: '' },
    }, m, cb));
    // Handled now: a second read says where the browser may start over (Hydra's 410 over HTTP).
    assert.deepEqual((await rpc<GetLoginRequestResponse>((m, cb) => flows.getLoginRequest({ challenge: loginChallenge }, m, cb))).handled, { redirect_to: authUrl() });

    const consentChallenge = challengeIn(await browser.go(toConsent.redirect_to), 'consent_challenge');
    const consent = (await rpc<GetConsentRequestResponse>((m, cb) => flows.getConsentRequest({ challenge: consentChallenge }, m, cb))).consent_request;
    assert.ok(consent, 'a consent request');
    assert.equal(consent.subject, 'grpc-user');
    assert.equal(consent.acr, 'urn:acr:mfa');
    assert.deepEqual(consent.amr, ['pwd', 'otp']);
    assert.deepEqual(consent.context, context, 'the login context comes back as a Value');
    // The admin HTTP API renders the same request as Hydra's JSON.
    const http = await adminCall(admin, 'GET', `/admin/oauth2/auth/requests/consent?consent_challenge=${encodeURIComponent(consentChallenge)}`);
    assert.equal(http.status, 200, http.text);
    assert.deepEqual(http.body.context, context);
    assert.equal((http.body.client as Record<string, unknown>).client_id, client.client_id);

    const back = await rpc<OAuth2RedirectTo>((m, cb) => flows.acceptConsentRequest({
      challenge: consentChallenge,
      body: {
        // An empty string names nothing: `profile` stays ungranted.
        grant_scope: ['openid', ''],
        grant_access_token_audience: [],
        remember: true,
        remember_for: 3600,
        session: { access_token: { department: 'research', roles: ['a', 'b'] }, id_token: { nickname: 'grpc' } },
        context: undefined,
      },
    }, m, cb));
    const hop = await browser.go(back.redirect_to);
    const code = new URL(hop.location).searchParams.get('code');
    assert.ok(code, `a code in ${hop.location}`);

    const token = await postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT]], basic(client.client_id, client.client_secret));
    assert.equal(token.status, 200, token.text);
    assert.equal(token.body.scope, 'openid');
    assert.equal(decodeJwt(String(token.body.id_token)).nickname, 'grpc');
    const info = await introspect(admin, String(token.body.access_token));
    assert.equal(info.body.sub, 'grpc-user');
    assert.deepEqual(info.body.ext, { department: 'research', roles: ['a', 'b'] });

    const sessions = (await rpc<ConsentSessionList>((m, cb) => flows.listConsentSessions({ subject: 'grpc-user', login_session_id: '', page_size: 0, page_token: '' }, m, cb))).sessions;
    assert.equal(sessions.length, 1);
    assert.deepEqual(sessions[0]?.grant_scope, ['openid']);
    assert.ok(sessions[0]?.handled_at instanceof Date, 'handled_at is a Timestamp');
    assert.deepEqual(sessions[0]?.session?.access_token, { department: 'research', roles: ['a', 'b'] });
    assert.equal(sessions[0]?.consent_request?.client?.client_id, client.client_id);
  });

  test('what the types cannot say core still refuses: an empty subject, a negative remember_for', async () => {
    const browser = new Browser({ [new URL(ISSUER).origin]: cluster?.publicUrl ?? '' });
    const challenge = challengeIn(await browser.go(authUrl()), 'login_challenge');
    const body = { subject: '', remember: false, remember_for: 0, acr: '', amr: [], context: undefined, force_subject_identifier: '', extend_session_lifespan: false, identity_provider_session_id: '' };
    await assert.rejects(rpc<OAuth2RedirectTo>((m, cb) => flows.acceptLoginRequest({ challenge, body }, m, cb)), (err: ServiceError) => err.code === status.INVALID_ARGUMENT && /subject/.test(err.details));
    await assert.rejects(rpc<OAuth2RedirectTo>((m, cb) => flows.acceptLoginRequest({ challenge, body: undefined }, m, cb)), (err: ServiceError) => err.code === status.INVALID_ARGUMENT && /subject/.test(err.details));
    await assert.rejects(
      rpc<OAuth2RedirectTo>((m, cb) => flows.acceptLoginRequest({ challenge, body: { ...body, subject: 'u', remember_for: -1 } }, m, cb)),
      (err: ServiceError) => err.code === status.INVALID_ARGUMENT && /remember_for/.test(err.details),
    );
    // A typed reject: the client gets the app's error at its redirect URI.
    const rejected = await rpc<OAuth2RedirectTo>((m, cb) => flows.rejectLoginRequest({ challenge, body: { error: 'access_denied', error_description: 'No.', error_hint: '', error_debug: '', status_code: 403 } }, m, cb));
    const hop = await browser.go(rejected.redirect_to);
    const at = new URL(hop.location);
    assert.equal(`${at.origin}${at.pathname}`, REDIRECT);
    assert.equal(at.searchParams.get('error'), 'access_denied');
    assert.equal(at.searchParams.get('error_description'), 'No.');
  });

  test('OAuth2Service.Authorize hands a gRPC caller whole Set-Cookie values, the ones the gateway sends verbatim', async () => {
    const oauth2 = new OAuth2ServiceClient(cluster?.grpcAddress ?? '', credentials.createInsecure());
    try {
      const params = Object.fromEntries(new URL(authUrl()).searchParams);
      const res = await rpc<BrowserResponse>((m, cb) => oauth2.authorize({ params, cookies: {} }, m, cb));
      assert.ok(new URL(res.redirect_to).searchParams.get('login_challenge'), res.redirect_to);
      // The login CSRF cookie, every attribute decided by core: HttpOnly, Secure (https issuer),
      // SameSite=Lax (serve.cookies.same_site_mode's default), Path=/ and a lifetime.
      assert.equal(res.set_cookies.length, 1, res.set_cookies.join('\n'));
      const line = res.set_cookies[0] ?? '';
      assert.match(line, /^ory_hydra_login_csrf(_dev)?_[0-9a-f]{8}=[A-Za-z0-9_-]{16,}; Max-Age=[1-9]\d*; Path=\/; HttpOnly; Secure; SameSite=Lax$/);

      // The browser gets the same header from the gateway, only with its own CSRF value.
      const browser = new Browser({ [new URL(ISSUER).origin]: cluster?.publicUrl ?? '' });
      const viaGateway = (await browser.go(authUrl())).setCookies;
      const withoutValue = (header: string) => header.replace(/=[^;]*/, '=…');
      assert.deepEqual(viaGateway.map(withoutValue), [withoutValue(line)]);
    } finally {
      oauth2.close();
    }
  });
});
