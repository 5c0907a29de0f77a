/**
 * Hydra's token hooks end to end (gateway + core + database, on every dialect), against a real
 * HTTP server started here: the configured hooks are called with the api_key header for the
 * code, refresh, client_credentials and JWT-bearer grants; what they return lands in the JWT access token,
 * in introspection's `ext` and in the ID token, and is kept for later refreshes; 204 changes
 * nothing; 403, 500 and a timeout fail the token request as Hydra does while leaving the code or
 * refresh token usable; core's metrics count the calls.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { Browser, param } from './support/browser.js';
import { startCluster, unusedPort, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loginApp, runFlow, type LoginApp } from './support/login-app.js';
import { adminCall, createClient, introspect, postForm, type Answer } from './support/oauth2.js';
import { scrape, valueOf } from './support/prometheus.js';

const ISSUER = 'https://tessera.test/';
const REDIRECT = 'https://app.example/cb';
const VERIFIER = 'hook-test-verifier-'.padEnd(50, 'x');
const HOOK_KEY = 'hook-api-key-0123456789';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
}
type Reply = { status: number; body?: unknown } | 'hang';

for (const db of testDatabases()) {
  describe(`token hooks on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let hookServer: Server | undefined;
    const hanging: ServerResponse[] = [];
    let received: Received[] = [];
    let reply: (req: Received) => Reply = () => ({ status: 204 });
    let pub = '';
    let admin = '';
    let metricsUrl = '';
    let app: LoginApp;
    let client = { client_id: '', client_secret: '' };

    before(async () => {
      hookServer = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const got: Received = { path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as Record<string, unknown>, raw };
          received.push(got);
          const answer = reply(got);
          if (answer === 'hang') return void hanging.push(res);
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        });
      });
      hookServer.listen(0, '127.0.0.1');
      await once(hookServer, 'listening');
      const address = hookServer.address();
      assert.ok(address !== null && typeof address === 'object');
      const hooks = `http://127.0.0.1:${address.port}`;
      const metricsPort = await unusedPort();
      metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

      database = await db.create();
      cluster = await startCluster({
        dsn: database.dsn,
        env: {
          URLS_SELF_ISSUER: ISSUER,
          URLS_LOGIN: 'https://login.test/login',
          URLS_CONSENT: 'https://login.test/consent',
          SERVE_METRICS_PORT: String(metricsPort),
          // Hydra's object form for one hook, its string form for the other.
          OAUTH2_TOKEN_HOOK_URL: `${hooks}/token`,
          OAUTH2_TOKEN_HOOK_AUTH_TYPE: 'api_key',
          OAUTH2_TOKEN_HOOK_AUTH_CONFIG_NAME: 'X-Hook-Key',
          OAUTH2_TOKEN_HOOK_AUTH_CONFIG_VALUE: HOOK_KEY,
          OAUTH2_TOKEN_HOOK_AUTH_CONFIG_IN: 'header',
          OAUTH2_REFRESH_TOKEN_HOOK: `${hooks}/refresh`,
          OAUTH2_HOOKS_TIMEOUT: '2s',
        },
      });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      app = loginApp(admin);
      client = await createClient(admin, {
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials', JWT_BEARER],
        response_types: ['code'],
        scope: 'openid offline_access profile',
        redirect_uris: [REDIRECT],
        access_token_strategy: 'jwt',
        // The client secret travels in the form: the hook must still never see it.
        token_endpoint_auth_method: 'client_secret_post',
      });
    });

    after(async () => {
      for (const res of hanging) res.destroy();
      hookServer?.close();
      await cluster?.close();
      await database?.drop();
    });

    beforeEach(() => {
      received = [];
      reply = () => ({ status: 204 });
    });

    const token = (form: [string, string][]): Promise<Answer> =>
      postForm(pub, '/oauth2/token', [...form, ['client_id', client.client_id], ['client_secret', client.client_secret]]);

    /** A fresh code from the browser flow, with consent claims on both tokens. */
    async function freshCode(): Promise<string> {
      const url = new URL('/oauth2/auth', pub);
      const challenge = await oidc.calculatePKCECodeChallenge(VERIFIER);
      const params = { client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid offline_access', state: 'state-0123456789', nonce: 'nonce-0123456789', code_challenge: challenge, code_challenge_method: 'S256' };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const back = await runFlow(new Browser({ [new URL(ISSUER).origin]: pub }), app, url, { accessTokenClaims: { tier: 'bronze' }, idTokenClaims: { nickname: 'ally' } });
      const code = param(back.location, 'code');
      assert.ok(code, back.location);
      return code;
    }

    const exchange = (code: string) => token([['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT], ['code_verifier', VERIFIER]]);
    const refresh = (refreshToken: string) => token([['grant_type', 'refresh_token'], ['refresh_token', refreshToken]]);
    const ext = async (accessToken: string) => (await introspect(admin, accessToken)).body.ext;

    test('code exchange: the hook gets Hydra\'s body with the api_key header, never a secret; its claims reach the JWT, introspection and the ID token', async () => {
      const code = await freshCode();
      reply = () => ({ status: 200, body: { session: { access_token: { tier: 'gold' }, id_token: { nickname: 'hooked' } } } });
      const res = await exchange(code);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(received.map((r) => r.path), ['/token'], 'the refresh hook is for refreshes only');
      const [hit] = received;
      assert.ok(hit);
      assert.equal(hit.headers['x-hook-key'], HOOK_KEY);
      const sent = hit.body as { session: { extra: unknown; id_token: { subject: string; id_token_claims: { ext: unknown } } }; request: Record<string, unknown> };
      assert.deepEqual(sent.session.extra, { tier: 'bronze' }, 'the hook sees the consent claims');
      assert.deepEqual(sent.session.id_token.id_token_claims.ext, { nickname: 'ally' });
      assert.equal(sent.session.id_token.subject, 'alice');
      assert.deepEqual(sent.request.grant_types, ['authorization_code']);
      assert.deepEqual(sent.request.payload, { grant_type: ['authorization_code'], client_id: [client.client_id] });
      for (const secret of [code, VERIFIER, client.client_secret]) assert.ok(!hit.raw.includes(secret), 'no code, verifier or client secret in the hook body');

      const accessToken = String(res.body.access_token);
      assert.deepEqual(decodeJwt(accessToken).ext, { tier: 'gold' });
      assert.deepEqual(await ext(accessToken), { tier: 'gold' });
      assert.equal(decodeJwt(String(res.body.id_token)).nickname, 'hooked');

      // The hooked claims are the grant's from now on: a refresh the hooks leave alone keeps them.
      const refreshed = await refresh(String(res.body.refresh_token));
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.deepEqual(received.slice(1).map((r) => r.path), ['/refresh', '/token'], 'refresh_token_hook first, then token_hook');
      assert.deepEqual(await ext(String(refreshed.body.access_token)), { tier: 'gold' });
      assert.equal(decodeJwt(String(refreshed.body.id_token)).nickname, 'hooked');
    });

    test('204 changes nothing: the consent claims are issued', async () => {
      const res = await exchange(await freshCode());
      assert.equal(res.status, 200, res.text);
      assert.equal(received.length, 1);
      assert.deepEqual(await ext(String(res.body.access_token)), { tier: 'bronze' });
      assert.equal(decodeJwt(String(res.body.id_token)).nickname, 'ally');
    });

    test('403 is access_denied with Hydra\'s text, 500 and a timeout are server_error; the code stays redeemable', async () => {
      const code = await freshCode();
      reply = () => ({ status: 403 });
      const denied = await exchange(code);
      assert.equal(denied.status, 403, denied.text);
      assert.equal(denied.body.error, 'access_denied');
      assert.match(String(denied.body.error_description), /^The token hook target responded with an error\. Make sure that the request you are making is valid\./);

      reply = () => ({ status: 500 });
      const failed = await exchange(code);
      assert.equal(failed.status, 500, failed.text);
      assert.equal(failed.body.error, 'server_error');
      assert.match(String(failed.body.error_description), /^An error occurred while executing the token hook\./);
      assert.ok(received.length >= 3, 'the 500 was retried');

      reply = () => 'hang';
      const started = Date.now();
      const timedOut = await exchange(code);
      assert.equal(timedOut.status, 500, timedOut.text);
      assert.match(String(timedOut.body.error_description), /^An error occurred while executing the token hook\./);
      assert.ok(Date.now() - started < 9_000, 'the hook timeout ends the request before the gateway gives up');

      reply = () => ({ status: 204 });
      const redeemed = await exchange(code);
      assert.equal(redeemed.status, 200, `a refused hook consumed nothing: ${redeemed.text}`);
    });

    test('refresh: refresh_token_hook then token_hook, each seeing the previous claims; a refusal leaves the refresh token usable', async () => {
      const first = await exchange(await freshCode());
      assert.equal(first.status, 200, first.text);
      const refreshToken = String(first.body.refresh_token);
      received = [];

      reply = (req) => (req.path === '/refresh' ? { status: 403 } : { status: 204 });
      const denied = await refresh(refreshToken);
      assert.equal(denied.status, 403, denied.text);
      assert.deepEqual(received.map((r) => r.path), ['/refresh'], 'a refusal stops before the token hook');
      assert.ok(!received[0]?.raw.includes(refreshToken), 'the refresh token is never sent');
      assert.equal((await introspect(admin, refreshToken)).body.active, true, 'a refused refresh rotated nothing');

      received = [];
      reply = (req) =>
        req.path === '/refresh'
          ? { status: 200, body: { session: { access_token: { step: 'refresh' }, id_token: { step: 'refresh' } } } }
          : { status: 200, body: { session: { access_token: { ...((req.body.session as { extra: object }).extra), step: 'token' }, id_token: { step: 'token' } } } };
      const refreshed = await refresh(refreshToken);
      assert.equal(refreshed.status, 200, refreshed.text);
      const legacy = received[0]?.body;
      assert.deepEqual([legacy?.subject, legacy?.client_id], ['alice', client.client_id], 'the legacy body');
      assert.deepEqual((received[1]?.body.session as { extra: unknown }).extra, { step: 'refresh' });
      assert.deepEqual(await ext(String(refreshed.body.access_token)), { step: 'token' });
      assert.equal(decodeJwt(String(refreshed.body.id_token)).step, 'token');
    });

    test('client_credentials: the token hook runs and sets ext; core counts every call by hook and outcome', async () => {
      const before = (await scrape(metricsUrl)).samples;
      reply = () => ({ status: 200, body: { session: { access_token: { service: 'billing' } } } });
      const res = await token([['grant_type', 'client_credentials'], ['scope', 'profile']]);
      assert.equal(res.status, 200, res.text);
      const sent = received[0]?.body as { session: { id_token: { subject: string } }; request: { grant_types: string[]; granted_scopes: string[] } };
      assert.deepEqual([sent.session.id_token.subject, sent.request.grant_types, sent.request.granted_scopes], [client.client_id, ['client_credentials'], ['profile']]);
      assert.deepEqual(await ext(String(res.body.access_token)), { service: 'billing' });
      assert.deepEqual(decodeJwt(String(res.body.access_token)).ext, { service: 'billing' });

      reply = () => ({ status: 403 });
      assert.equal((await token([['grant_type', 'client_credentials']])).status, 403);
      const after = (await scrape(metricsUrl)).samples;
      const moved = (labels: Record<string, string>) => valueOf(after, 'tessera_token_hook_calls_total', labels) - valueOf(before, 'tessera_token_hook_calls_total', labels);
      assert.equal(moved({ hook: 'token_hook', outcome: 'updated' }), 1);
      assert.equal(moved({ hook: 'token_hook', outcome: 'denied' }), 1);
      assert.ok(valueOf(after, 'tessera_token_hook_duration_seconds_count', { hook: 'token_hook' }) >= 2);
      assert.ok(valueOf(after, 'tessera_token_hook_calls_total', { hook: 'refresh_token_hook', outcome: 'denied' }) >= 1, 'earlier tests counted too');
    });

    test('JWT-bearer grant (RFC 7523): the token hook sees the assertion\'s subject and the grant type, and sets ext', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const trusted = await adminCall(admin, 'POST', '/admin/trust/grants/jwt-bearer/issuers', {
        issuer: 'https://hook-idp.example',
        subject: 'dana',
        scope: ['profile'],
        jwk: { ...(await exportJWK(publicKey)), kid: 'hook-idp', alg: 'ES256' },
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      });
      assert.equal(trusted.status, 201, trusted.text);
      const assertion = await new SignJWT({ jti: 'hook-assertion' })
        .setProtectedHeader({ alg: 'ES256', kid: 'hook-idp' })
        .setIssuer('https://hook-idp.example')
        .setSubject('dana')
        .setAudience(`${ISSUER}oauth2/token`)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      reply = () => ({ status: 200, body: { session: { access_token: { partner: 'hook-idp' } } } });
      const res = await token([['grant_type', JWT_BEARER], ['assertion', assertion], ['scope', 'profile']]);
      assert.equal(res.status, 200, res.text);
      const sent = received[0]?.body as { session: { id_token: { subject: string } }; request: { grant_types: string[]; granted_scopes: string[] } };
      assert.deepEqual([sent.session.id_token.subject, sent.request.grant_types, sent.request.granted_scopes], ['dana', [JWT_BEARER], ['profile']]);
      assert.deepEqual(await ext(String(res.body.access_token)), { partner: 'hook-idp' });
      assert.equal(decodeJwt(String(res.body.access_token)).sub, 'dana');
    });
  });
}
