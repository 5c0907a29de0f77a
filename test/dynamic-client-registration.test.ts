/**
 * OpenID Connect Dynamic Client Registration (RFC 7591 / 7592, Hydra's `/oauth2/register`) end to
 * end: real HTTP into the gateway's public listener, gRPC into core, a real database of every
 * available dialect. What Hydra answers is taken from its client/handler.go and validator.go.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { parseDsn } from '../core-service/storage/dsn.js';
import { closeOrm, openOrm } from '../core-service/storage/orm.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { adminCall, clientCredentials, createClient, type Answer } from './support/oauth2.js';

const REDIRECT = 'https://app.example/cb';
const INCORRECT_CREDENTIALS = {
  error: 'The request could not be authorized',
  error_description: 'The requested OAuth 2.0 client does not exist or you provided incorrect credentials.',
};

/** One call to the registration endpoint, with the registration access token when given. */
async function dcr(base: string, method: string, path: string, opts: { body?: unknown; token?: string; raw?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  const res = await request(new URL(path, base), { method: method as 'GET', body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)), headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

function assertError(res: Answer, status: number, expected: { error: string; error_description?: string | RegExp }): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.error, expected.error, res.text);
  const description = String(res.body.error_description);
  if (typeof expected.error_description === 'string') assert.equal(description, expected.error_description);
  else if (expected.error_description) assert.match(description, expected.error_description);
}

for (const db of testDatabases()) {
  describe(`dynamic client registration on ${db.name}`, { skip: db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';
    let publicBase = '';

    before(async () => {
      database = await db.create();
      cluster = await startCluster({
        dsn: database.dsn,
        env: {
          OIDC_DYNAMIC_CLIENT_REGISTRATION_ENABLED: 'true',
          OIDC_DYNAMIC_CLIENT_REGISTRATION_DEFAULT_SCOPE: 'openid,profile',
          // Debug details in error bodies: none may tell a refused client id from a refused token.
          OAUTH2_EXPOSE_INTERNAL_ERRORS: 'true',
        },
      });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      publicBase = cluster.config.urls.self.public.replace(/\/?$/, '/');
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    const register = (body: Record<string, unknown>) => dcr(pub, 'POST', '/oauth2/register', { body });
    const clientCount = async () => ((await adminCall(admin, 'GET', '/admin/clients?page_size=1000')).body as unknown as unknown[]).length;

    test('registering returns the client with a server-chosen id and secret, a registration access token and URI; the secret works', async () => {
      const res = await register({ client_id: 'chosen-by-me', client_name: 'self-service', grant_types: ['client_credentials'], redirect_uris: [REDIRECT] });
      assert.equal(res.status, 201, res.text);
      const id = String(res.body.client_id);
      assert.notEqual(id, 'chosen-by-me', 'Hydra: a dynamic client cannot choose its id');
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(typeof res.body.client_secret, 'string');
      assert.match(String(res.body.registration_access_token), /^ory_at_/);
      assert.equal(res.body.registration_client_uri, `${publicBase}oauth2/register/${id}`);
      assert.equal(res.headers.location, res.body.registration_client_uri);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.body.scope, 'openid profile', 'oidc.dynamic_client_registration.default_scope applies');
      assert.equal(res.body.metadata, undefined);

      const token = await clientCredentials(pub, id, String(res.body.client_secret));
      assert.equal(token.status, 200, token.text);
      const adminView = await adminCall(admin, 'GET', `/admin/clients/${id}`);
      assert.equal(adminView.body.client_name, 'self-service');
    });

    test('the registration access token is stored only as a hash of its signature', async () => {
      const res = await register({ client_name: 'hashed', redirect_uris: [REDIRECT] });
      const registrationToken = String(res.body.registration_access_token);
      const signature = registrationToken.slice(registrationToken.indexOf('.') + 1);
      const orm = await openOrm(parseDsn(database?.dsn ?? ''));
      try {
        const rows = await orm.em
          .getConnection()
          .execute<{ registration_access_token_signature: string }[]>('select registration_access_token_signature from clients where client_id = ?', [String(res.body.client_id)]);
        const stored = String(rows[0]?.registration_access_token_signature);
        assert.equal(stored, createHash('sha256').update(signature).digest('base64url'));
        assert.ok(!registrationToken.includes(stored) && !stored.includes(signature));
      } finally {
        await closeOrm(orm);
      }
    });

    test('GET with the token reads the registration, never the secret; any other credential is 401 with one message', async () => {
      const res = await register({ client_name: 'reader', redirect_uris: [REDIRECT] });
      const id = String(res.body.client_id);
      const token = String(res.body.registration_access_token);

      const read = await dcr(pub, 'GET', `/oauth2/register/${id}`, { token });
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.client_id, id);
      assert.equal(read.body.client_name, 'reader');
      assert.equal(read.body.client_secret, undefined);
      assert.equal(read.body.registration_access_token, undefined, 'the token is returned once, at registration');
      assert.equal(read.body.registration_client_uri, `${publicBase}oauth2/register/${id}`);

      const other = await register({ client_name: 'other', redirect_uris: [REDIRECT] });
      const byAdmin = await createClient(admin, { client_name: 'admin-made', redirect_uris: [REDIRECT] });
      for (const [path, credential] of [
        [`/oauth2/register/${id}`, undefined],
        [`/oauth2/register/${id}`, String(other.body.registration_access_token)],
        [`/oauth2/register/${id}`, `${token.slice(0, -2)}AA`],
        [`/oauth2/register/${id}`, String(res.body.client_secret)],
        ['/oauth2/register/no-such-client', token],
        [`/oauth2/register/${byAdmin.client_id}`, token],
      ] as const) {
        assertError(await dcr(pub, 'GET', path, { token: credential }), 401, INCORRECT_CREDENTIALS);
      }
      // Hydra checks the token before it reads the body: a bad body with a bad token is 401, with the right token 400.
      assertError(await dcr(pub, 'PUT', `/oauth2/register/${id}`, { body: { client_name: 42 } }), 401, INCORRECT_CREDENTIALS);
      assertError(await dcr(pub, 'PUT', `/oauth2/register/${id}`, { token, body: { client_name: 42 } }), 400, { error: 'invalid_request', error_description: /client_name/ });
      assertError(await register({ redirect_uris: 'not-a-list' }), 400, { error: 'invalid_request', error_description: /redirect_uris/ });
      assertError(await dcr(pub, 'POST', '/oauth2/register', { raw: '{"redirect_uris": [' }), 400, { error: 'invalid_request', error_description: /not valid JSON/ });
      assert.equal((await dcr(pub, 'GET', `/oauth2/register/${id}`, { token })).body.client_name, 'reader', 'the refused PUT changed nothing');
      const basicScheme = await request(new URL(`/oauth2/register/${id}`, pub), { headers: { authorization: `Basic ${token}` } });
      assert.equal(basicScheme.statusCode, 401);
      await basicScheme.body.text();
    });

    test('an unknown client id and a known one with a wrong token get the same answer, byte for byte', async () => {
      const res = await register({ client_name: 'probed', redirect_uris: [REDIRECT] });
      const id = String(res.body.client_id);
      const other = String((await register({ client_name: 'prober', redirect_uris: [REDIRECT] })).body.registration_access_token);
      /** What a caller sees of an answer, less what differs between any two requests. */
      const seen = (answer: Answer) => {
        const { date: _date, 'x-request-id': _requestId, ...headers } = answer.headers;
        return { status: answer.status, headers, text: answer.text };
      };
      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', { client_name: 'taken over', redirect_uris: [REDIRECT] }],
        ['DELETE', undefined],
      ] as const) {
        const wrongToken = seen(await dcr(pub, method, `/oauth2/register/${id}`, { token: other, body }));
        assert.equal(wrongToken.status, 401, wrongToken.text);
        assert.deepEqual(JSON.parse(wrongToken.text), { ...INCORRECT_CREDENTIALS, status_code: 401 }, `${method}: no debug detail, even exposed`);
        assert.deepEqual(seen(await dcr(pub, method, '/oauth2/register/no-such-client', { token: other, body })), wrongToken, `${method} of an unknown id`);
      }
      assert.equal((await dcr(pub, 'GET', `/oauth2/register/${id}`, { token: String(res.body.registration_access_token) })).body.client_name, 'probed');
    });

    test('PUT replaces the registration and rotates the token; the secret and the operator’s fields stay', async () => {
      const res = await register({ client_name: 'before', grant_types: ['client_credentials'], redirect_uris: [REDIRECT] });
      const id = String(res.body.client_id);
      const secret = String(res.body.client_secret);
      const first = String(res.body.registration_access_token);
      const patched = await adminCall(admin, 'PATCH', `/admin/clients/${id}`, [
        { op: 'replace', path: '/metadata', value: { tier: 'gold' } },
        { op: 'replace', path: '/skip_consent', value: true },
      ]);
      assert.equal(patched.status, 200, patched.text);

      assertError(await dcr(pub, 'PUT', `/oauth2/register/${id}`, { token: first, body: { client_secret: 'my-own-secret', redirect_uris: [REDIRECT] } }), 403, {
        error: 'The requested action was forbidden',
        error_description: 'It is not allowed to choose your own OAuth2 Client secret.',
      });

      const updated = await dcr(pub, 'PUT', `/oauth2/register/${id}`, {
        token: first,
        body: { client_id: 'moved', client_name: 'after', grant_types: ['client_credentials'], redirect_uris: ['https://app.example/new'] },
      });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.client_id, id);
      assert.equal(updated.body.client_name, 'after');
      assert.deepEqual(updated.body.redirect_uris, ['https://app.example/new']);
      assert.equal(updated.body.metadata, undefined);
      const second = String(updated.body.registration_access_token);
      assert.match(second, /^ory_at_/);
      assert.notEqual(second, first);

      assertError(await dcr(pub, 'GET', `/oauth2/register/${id}`, { token: first }), 401, INCORRECT_CREDENTIALS);
      assert.equal((await dcr(pub, 'GET', `/oauth2/register/${id}`, { token: second })).status, 200);
      assert.equal((await clientCredentials(pub, id, secret)).status, 200, 'the secret is unchanged');
      const adminView = await adminCall(admin, 'GET', `/admin/clients/${id}`);
      assert.deepEqual(adminView.body.metadata, { tier: 'gold' });
      assert.equal(adminView.body.skip_consent, true);

      // An operator's replacement through the admin API leaves the client its registration.
      const replaced = await adminCall(admin, 'PUT', `/admin/clients/${id}`, { ...adminView.body, client_name: 'by the operator' });
      assert.equal(replaced.status, 200, replaced.text);
      const afterAdmin = await dcr(pub, 'GET', `/oauth2/register/${id}`, { token: second });
      assert.equal(afterAdmin.status, 200, afterAdmin.text);
      assert.equal(afterAdmin.body.client_name, 'by the operator');
    });

    test('two updates presenting one token: one wins and its new token works, the other is refused', async () => {
      const res = await register({ client_name: 'raced', redirect_uris: [REDIRECT] });
      const id = String(res.body.client_id);
      const token = String(res.body.registration_access_token);
      const answers = await Promise.all(
        ['a', 'b', 'c', 'd'].map((name) => dcr(pub, 'PUT', `/oauth2/register/${id}`, { token, body: { client_name: name, redirect_uris: [REDIRECT] } })),
      );
      const winners = answers.filter((a) => a.status === 200);
      assert.equal(winners.length, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
      for (const loser of answers.filter((a) => a.status !== 200)) assertError(loser, 401, INCORRECT_CREDENTIALS);
      const current = await dcr(pub, 'GET', `/oauth2/register/${id}`, { token: String(winners[0]?.body.registration_access_token) });
      assert.equal(current.status, 200);
      assert.equal(current.body.client_name, winners[0]?.body.client_name);
    });

    test('DELETE with the token removes the client and its tokens', async () => {
      const res = await register({ client_name: 'short-lived', grant_types: ['client_credentials'], redirect_uris: [REDIRECT] });
      const id = String(res.body.client_id);
      const token = String(res.body.registration_access_token);
      assertError(await dcr(pub, 'DELETE', `/oauth2/register/${id}`), 401, INCORRECT_CREDENTIALS);
      const deleted = await dcr(pub, 'DELETE', `/oauth2/register/${id}`, { token });
      assert.equal(deleted.status, 204, deleted.text);
      assert.equal(deleted.text, '');
      assertError(await dcr(pub, 'GET', `/oauth2/register/${id}`, { token }), 401, INCORRECT_CREDENTIALS);
      assert.equal((await adminCall(admin, 'GET', `/admin/clients/${id}`)).status, 404);
      assert.equal((await clientCredentials(pub, id, String(res.body.client_secret))).status, 401);
    });

    test('fields only an operator may set, a chosen secret and bad URIs are refused with Hydra’s errors, and nothing is stored', async () => {
      const before = await clientCount();
      assertError(await register({ client_secret: 'my-own-secret', redirect_uris: [REDIRECT] }), 400, {
        error: 'The request was malformed or contained invalid parameters',
        error_description: 'It is not allowed to choose your own OAuth2 Client secret.',
      });
      assertError(await register({ metadata: { admin: true }, redirect_uris: [REDIRECT] }), 400, {
        error: 'invalid_client_metadata',
        error_description: /"metadata" cannot be set for dynamic client registration/,
      });
      assertError(await register({ access_token_strategy: 'jwt', redirect_uris: [REDIRECT] }), 400, {
        error: 'The request was malformed or contained invalid parameters',
        error_description: 'It is not allowed to choose your own access token strategy.',
      });
      assertError(await register({ skip_consent: true, redirect_uris: [REDIRECT] }), 400, {
        error: 'invalid_request',
        error_description: '"skip_consent" cannot be set for dynamic client registration',
      });
      assertError(await register({ skip_logout_consent: true, redirect_uris: [REDIRECT] }), 400, {
        error: 'invalid_request',
        error_description: '"skip_logout_consent" cannot be set for dynamic client registration',
      });
      // Every rule of client validation applies (clients/uri-policy.ts).
      assertError(await register({ redirect_uris: ['http://app.example/cb'] }), 400, { error: 'invalid_redirect_uri', error_description: /http:\/\/app\.example\/cb/ });
      assertError(await register({ redirect_uris: ['https://app.example/cb#fragment'] }), 400, { error: 'invalid_redirect_uri' });
      assertError(await register({ redirect_uris: [REDIRECT], jwks_uri: 'ftp://keys.example/jwks' }), 400, { error: 'invalid_client_metadata', error_description: /jwks_uri/ });
      assert.equal(await clientCount(), before);
    });

    test('abuse limits: too many redirect URIs, overlong fields and oversized documents are 400s naming the limit', async () => {
      const before = await clientCount();
      const many = Array.from({ length: 21 }, (_, i) => `https://app.example/cb/${i}`);
      assertError(await register({ redirect_uris: many }), 400, { error: 'invalid_client_metadata', error_description: /"redirect_uris" lists 21 entries; .* at most 20/ });
      assertError(await register({ redirect_uris: [`https://app.example/${'a'.repeat(2000)}`] }), 400, {
        error: 'invalid_client_metadata',
        error_description: /"redirect_uris" holds a value of 2020 characters; .* at most 2000/,
      });
      assertError(await register({ client_name: 'n'.repeat(256), redirect_uris: [REDIRECT] }), 400, { error: 'invalid_client_metadata', error_description: /"client_name" .* at most 255/ });
      const bigKeys = Array.from({ length: 20 }, (_, i) => ({ kty: 'RSA', kid: `k${i}`, n: 'A'.repeat(2000), e: 'AQAB' }));
      assertError(await register({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: bigKeys } }), 400, {
        error: 'invalid_client_metadata',
        error_description: /dynamic registration accepts at most 32768/,
      });
      assert.equal(await clientCount(), before);
    });

    test('discovery advertises the registration endpoint', async () => {
      const res = await dcr(pub, 'GET', '/.well-known/openid-configuration');
      assert.equal(res.body.registration_endpoint, `${publicBase}oauth2/register`);
    });
  });
}

const [first] = testDatabases();
describe('dynamic client registration switched off (the default)', { skip: first?.skipReason }, () => {
  let database: CreatedDatabase | undefined;
  let cluster: Cluster | undefined;

  before(async () => {
    database = await first?.create();
    cluster = await startCluster({ dsn: database?.dsn ?? '' });
  });

  after(async () => {
    await cluster?.close();
    await database?.drop();
  });

  test('every operation answers Hydra’s 404, and discovery names no registration endpoint', async () => {
    const pub = cluster?.publicUrl ?? '';
    const notEnabled = { error: 'The requested resource could not be found', error_description: 'Dynamic registration is not enabled.' };
    assertError(await dcr(pub, 'POST', '/oauth2/register', { body: { redirect_uris: [REDIRECT] } }), 404, notEnabled);
    assertError(await dcr(pub, 'GET', '/oauth2/register/some-id', { token: 'whatever' }), 404, notEnabled);
    assertError(await dcr(pub, 'PUT', '/oauth2/register/some-id', { token: 'whatever', body: { redirect_uris: [REDIRECT] } }), 404, notEnabled);
    assertError(await dcr(pub, 'DELETE', '/oauth2/register/some-id'), 404, notEnabled);
    // Hydra checks the switch before it reads the body: a body of the wrong shape is 404 too.
    assertError(await dcr(pub, 'POST', '/oauth2/register', { body: { redirect_uris: 'not-a-list' } }), 404, notEnabled);
    assertError(await dcr(pub, 'PUT', '/oauth2/register/some-id', { body: { client_name: 42 } }), 404, notEnabled);
    assertError(await dcr(pub, 'POST', '/oauth2/register', { raw: '{"redirect_uris": [' }), 404, notEnabled);
    const discovery = await dcr(pub, 'GET', '/.well-known/openid-configuration');
    assert.equal(discovery.body.registration_endpoint, undefined);
    assert.equal(((await adminCall(cluster?.adminUrl ?? '', 'GET', '/admin/clients')).body as unknown as unknown[]).length, 0, 'nothing was registered');
  });
});
