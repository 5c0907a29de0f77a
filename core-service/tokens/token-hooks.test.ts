/**
 * The token hooks against a real HTTP server: Hydra's request bodies, what the hook's answer
 * does (200 / 204 / 403 / other / malformed), go-retryablehttp's retries, the timeout, the
 * configured credential, clients.http's private-address rule and the metrics callback.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, beforeEach, test } from 'node:test';
import type { StoredClient } from '../clients/client.js';
import { createOutboundHttp } from '../clients/outbound-http.js';
import type { GrantSession } from '../oauth2/grant-session.js';
import type { WebhookConfig } from '../shared/config.js';
import { OAuthError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { createTokenHooks, hookedSession, type HookOutcome, type TokenHookDeps } from './token-hooks.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
}

type Answer = (req: Received) => { status: number; body?: string; headers?: Record<string, string> } | 'hang';

let server: Server | undefined;
let base = '';
let received: Received[] = [];
let answer: Answer = () => ({ status: 204 });
const hanging: ServerResponse[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const got: Received = { path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as Record<string, unknown>, raw };
      received.push(got);
      const reply = answer(got);
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  base = `http://127.0.0.1:${address.port}`;
});
after(() => {
  for (const res of hanging) res.destroy();
  server?.close();
});
beforeEach(() => {
  received = [];
  answer = () => ({ status: 204 });
});

const silent = createLogger('test', { level: 'fatal', format: 'json', leakSensitiveValues: false }, new Writable({ write: (_c, _e, done) => done() }));
const CLIENT: Pick<StoredClient, 'client_id'> = { client_id: 'app' };
const SESSION: GrantSession = {
  subject: 'alice',
  obfuscated_subject: '',
  granted_scope: ['openid', 'offline_access'],
  granted_audience: ['https://api.example'],
  access_token_claims: { tier: 'bronze' },
  id_token_claims: { email: 'alice@example.com' },
  auth_time: 1_700_000_000,
  acr: '1',
  amr: ['pwd'],
  nonce: 'nonce-0123456789',
  sid: 'sid-1',
  consent_challenge_id: 'consent-1',
};
// What a client_secret_post code exchange sends: the hook may see grant_type and client_id only.
const FORM = new Map([
  ['grant_type', 'authorization_code'],
  ['code', 'ory_ac_secret-code'],
  ['code_verifier', 'verifier-that-must-stay-secret-0123456789abcdef'],
  ['redirect_uri', 'https://app.example/cb'],
  ['client_id', 'app'],
  ['client_secret', 'client-secret-never-sent'],
]);

const DEPS: TokenHookDeps = {
  tokenHook: undefined,
  refreshTokenHook: undefined,
  timeoutMs: 2_000,
  http: createOutboundHttp({ disallowPrivateIpRanges: false, privateIpExceptionUrls: [] }),
  issuer: 'https://auth.example/',
  claimsLayout: { allowedTopLevelClaims: ['tier'], mirrorTopLevelClaims: true },
  logger: silent,
  now: () => new Date('2024-05-01T10:00:00.000Z'),
};

function hooks(over: Partial<TokenHookDeps> & { tokenHook?: WebhookConfig; refreshTokenHook?: WebhookConfig } = {}) {
  const observed: [string, HookOutcome][] = [];
  const built = createTokenHooks({ ...DEPS, observe: (hook, outcome) => observed.push([hook, outcome]), ...over });
  assert.ok(built, 'a configured hook builds');
  return { hooks: built, observed };
}

const codeExchange = (h: ReturnType<typeof hooks>['hooks']) => hookedSession(h, { grantType: 'authorization_code', client: CLIENT, form: FORM, session: SESSION });

/** Asserts the promise rejects with this OAuth error code, status and description. */
async function refused(promise: Promise<unknown>, code: string, status: number, description: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof OAuthError, String(err));
    assert.deepEqual([err.code, err.status], [code, status]);
    assert.match(`${err.description} ${err.hint}`.trim(), description);
    return true;
  });
}

test('nothing configured: no hooks object, and the session passes through untouched', async () => {
  assert.equal(createTokenHooks(DEPS), undefined);
  assert.equal(await hookedSession(undefined, { grantType: 'authorization_code', client: CLIENT, form: FORM, session: SESSION }), SESSION);
});

test('token_hook: Hydra\'s body with the api_key header; 200 replaces the claims; secrets never leave', async () => {
  const { hooks: h, observed } = hooks({ tokenHook: { url: `${base}/token`, auth: { type: 'api_key', name: 'X-Hook-Key', value: 'hook-key-1', in: 'header' } } });
  answer = () => ({ status: 200, body: JSON.stringify({ session: { access_token: { tier: 'gold' }, id_token: { email: 'new@example.com' } }, ignored: true }) });
  const session = await codeExchange(h);
  assert.deepEqual([session.access_token_claims, session.id_token_claims], [{ tier: 'gold' }, { email: 'new@example.com' }]);
  assert.equal(session.subject, 'alice');

  const [hit] = received;
  assert.ok(hit);
  assert.equal(hit.path, '/token');
  assert.equal(hit.headers['x-hook-key'], 'hook-key-1');
  assert.equal(hit.headers['content-type'], 'application/json; charset=UTF-8');
  const { session: sent, request } = hit.body as { session: Record<string, unknown>; request: Record<string, unknown> };
  assert.deepEqual(request, {
    client_id: 'app',
    requested_scopes: ['openid', 'offline_access'],
    granted_scopes: ['openid', 'offline_access'],
    granted_audience: ['https://api.example'],
    grant_types: ['authorization_code'],
    payload: { grant_type: ['authorization_code'], client_id: ['app'] },
  });
  assert.deepEqual(Object.keys(sent).sort(), [
    'allowed_top_level_claims', 'client_id', 'consent_challenge', 'exclude_not_before_claim', 'extra', 'id_token', 'kid', 'mirror_top_level_claims', 'preserve_ext_claims',
  ]);
  assert.deepEqual(sent.extra, { tier: 'bronze' });
  assert.deepEqual([sent.client_id, sent.consent_challenge, sent.allowed_top_level_claims, sent.mirror_top_level_claims], ['app', 'consent-1', ['tier'], true]);
  const idToken = sent.id_token as { id_token_claims: Record<string, unknown>; subject: string };
  assert.equal(idToken.subject, 'alice');
  assert.deepEqual(
    { sub: idToken.id_token_claims.sub, aud: idToken.id_token_claims.aud, nonce: idToken.id_token_claims.nonce, acr: idToken.id_token_claims.acr, ext: idToken.id_token_claims.ext, auth_time: idToken.id_token_claims.auth_time },
    { sub: 'alice', aud: ['app'], nonce: 'nonce-0123456789', acr: '1', ext: { email: 'alice@example.com' }, auth_time: '2023-11-14T22:13:20.000Z' },
  );
  for (const secret of ['ory_ac_secret-code', 'verifier-that-must-stay-secret', 'client-secret-never-sent', 'https://app.example/cb']) {
    assert.ok(!hit.raw.includes(secret), `the hook must not see ${secret}`);
  }
  assert.deepEqual(observed, [['token_hook', 'updated']]);
});

test('204 changes nothing; 200 with a null or missing session empties the claims, as Go decodes it', async () => {
  const { hooks: h, observed } = hooks({ tokenHook: { url: `${base}/token` } });
  assert.deepEqual(await codeExchange(h), SESSION);
  answer = () => ({ status: 200, body: JSON.stringify({ session: { access_token: { only: 'this' } } }) });
  const partial = await codeExchange(h);
  assert.deepEqual([partial.access_token_claims, partial.id_token_claims], [{ only: 'this' }, {}]);
  answer = () => ({ status: 200, body: 'null' });
  const emptied = await codeExchange(h);
  assert.deepEqual([emptied.access_token_claims, emptied.id_token_claims], [{}, {}]);
  assert.equal(received[0]?.headers['x-hook-key'], undefined, 'no credential configured, none sent');
  assert.deepEqual(observed, [['token_hook', 'unchanged'], ['token_hook', 'updated'], ['token_hook', 'updated']]);
});

test('403 is access_denied (403); another answer or a malformed body is server_error, without retrying', async () => {
  const { hooks: h, observed } = hooks({ tokenHook: { url: `${base}/token` } });
  answer = () => ({ status: 403, body: '{"error":"no"}' });
  await refused(codeExchange(h), 'access_denied', 403, /^The token hook target responded with an error\. Make sure that the request you are making is valid/);
  for (const [status, body] of [[400, '{}'], [200, ''], [200, '{"session":{"access_token":"not an object"}}'], [200, '[1]'], [501, ''], [302, '']] as const) {
    received = [];
    const headers: Record<string, string> = status === 302 ? { location: `${base}/elsewhere` } : {};
    answer = () => ({ status, body, headers });
    await refused(codeExchange(h), 'server_error', 500, /^The token hook target responded with an error\.$/);
    assert.equal(received.length, 1, `status ${status} is not retried, and redirects are not followed`);
  }
  assert.deepEqual(observed.map(([, outcome]) => outcome), ['denied', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed']);
});

test('5xx and 429 are retried twice, 1 s then 2 s apart (go-retryablehttp); a later 200 wins, three failures are server_error', async () => {
  const { hooks: h, observed } = hooks({ tokenHook: { url: `${base}/token` }, timeoutMs: 8_000 });
  let calls = 0;
  answer = () => (++calls === 1 ? { status: 503 } : { status: 200, body: '{"session":{"access_token":{"retried":true}}}' });
  const started = Date.now();
  assert.deepEqual((await codeExchange(h)).access_token_claims, { retried: true });
  const firstRetry = Date.now() - started;
  assert.ok(firstRetry >= 950 && firstRetry < 4_000, `one retry after about 1 s, took ${firstRetry} ms`);

  received = [];
  answer = () => ({ status: 500 });
  const again = Date.now();
  await refused(codeExchange(h), 'server_error', 500, /^An error occurred while executing the token hook\.$/);
  const spent = Date.now() - again;
  assert.equal(received.length, 3);
  assert.ok(spent >= 2_900 && spent < 7_500, `1 s + 2 s of waiting, took ${spent} ms`);
  assert.deepEqual(observed.map(([, outcome]) => outcome), ['updated', 'failed']);
});

test('a hook that does not answer within oauth2.hooks.timeout fails the request as server_error', async () => {
  const { hooks: h, observed } = hooks({ tokenHook: { url: `${base}/token` }, timeoutMs: 500 });
  answer = () => 'hang';
  const started = Date.now();
  await refused(codeExchange(h), 'server_error', 500, /^An error occurred while executing the token hook\.$/);
  const spent = Date.now() - started;
  assert.ok(spent >= 450 && spent < 3_000, `gave up after the timeout, took ${spent} ms`);
  assert.deepEqual(observed, [['token_hook', 'unreachable']]);
});

test('refresh_token_hook (legacy body) runs first for refresh_token only; token_hook then sees its claims', async () => {
  const { hooks: h, observed } = hooks({
    tokenHook: { url: `${base}/token`, auth: { type: 'api_key', name: 'hook_session', value: 'cookie-value', in: 'cookie' } },
    refreshTokenHook: { url: `${base}/refresh` },
  });
  answer = (req) => (req.path === '/refresh' ? { status: 200, body: '{"session":{"access_token":{"from":"refresh"},"id_token":{"from":"refresh"}}}' } : { status: 204 });
  const refreshForm = new Map([['grant_type', 'refresh_token'], ['refresh_token', 'ory_rt_secret-refresh'], ['scope', 'openid']]);
  const session = await hookedSession(h, { grantType: 'refresh_token', client: CLIENT, form: refreshForm, session: SESSION, scope: ['openid'] });
  assert.deepEqual([session.access_token_claims, session.id_token_claims], [{ from: 'refresh' }, { from: 'refresh' }]);
  assert.deepEqual(received.map((r) => r.path), ['/refresh', '/token']);
  const [legacy, current] = received;
  assert.ok(legacy && current);
  assert.deepEqual(Object.keys(legacy.body).sort(), ['client_id', 'granted_audience', 'granted_scopes', 'requester', 'session', 'subject']);
  assert.deepEqual(
    [legacy.body.subject, legacy.body.client_id, legacy.body.granted_scopes, legacy.body.requester],
    ['alice', 'app', ['openid'], { client_id: 'app', granted_scopes: ['openid'], granted_audience: ['https://api.example'], grant_types: ['refresh_token'] }],
  );
  assert.equal(current.headers.cookie, 'hook_session=cookie-value');
  assert.deepEqual((current.body.session as { extra: unknown }).extra, { from: 'refresh' }, 'the token hook sees what the refresh hook returned');
  assert.deepEqual((current.body.request as { payload: unknown }).payload, { grant_type: ['refresh_token'], scope: ['openid'] });
  assert.ok(!legacy.raw.includes('ory_rt_secret-refresh') && !current.raw.includes('ory_rt_secret-refresh'), 'the refresh token is never sent');
  assert.deepEqual(observed, [['refresh_token_hook', 'updated'], ['token_hook', 'unchanged']]);

  received = [];
  await codeExchange(h);
  assert.deepEqual(received.map((r) => r.path), ['/token'], 'the refresh hook is for the refresh_token grant only');
});

test('client_credentials: the client is the session subject; the hook sets the ext claims', async () => {
  const { hooks: h } = hooks({ tokenHook: { url: `${base}/token` } });
  answer = () => ({ status: 200, body: '{"session":{"access_token":{"service":true}}}' });
  const claims = await h.run(
    { grantType: 'client_credentials', client: CLIENT, form: new Map([['grant_type', 'client_credentials'], ['scope', 'openid']]), requestedScope: ['openid'], grantedScope: ['openid'], grantedAudience: [] },
    { accessToken: {}, idToken: {} },
  );
  assert.deepEqual(claims.accessToken, { service: true });
  const sent = received[0]?.body as { session: { id_token: { subject: string }; extra: unknown }; request: { grant_types: string[] } };
  assert.deepEqual([sent.session.id_token.subject, sent.session.extra, sent.request.grant_types], ['app', {}, ['client_credentials']]);
});

test('clients.http.disallow_private_ip_ranges applies to hooks (one HTTP client in Hydra); an exception URL lets it through', async () => {
  const url = `${base}/token`;
  const guarded = hooks({ tokenHook: { url }, http: createOutboundHttp({ disallowPrivateIpRanges: true, privateIpExceptionUrls: [] }) });
  await refused(codeExchange(guarded.hooks), 'server_error', 500, /^An error occurred while executing the token hook\.$/);
  assert.equal(received.length, 0, 'nothing reached the private address, and the refusal was not retried');
  assert.deepEqual(guarded.observed, [['token_hook', 'unreachable']]);
  const excepted = hooks({ tokenHook: { url }, http: createOutboundHttp({ disallowPrivateIpRanges: true, privateIpExceptionUrls: [url] }) });
  await codeExchange(excepted.hooks);
  assert.equal(received.length, 1);
});
