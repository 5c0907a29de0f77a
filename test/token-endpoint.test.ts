/**
 * The token endpoint end to end (RFC 6749 §3.2, §4.4, §5): real HTTP into the gateway, real
 * gRPC into core, a real database of every available dialect. The cluster runs with
 * `strategies.access_token: jwt`, so JWT access tokens are the default here and a client's own
 * `access_token_strategy: opaque` overrides it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { REFRESH_COOLDOWN_MS } from '../core-service/clients/jwks-fetcher.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { adminCall, basic, clientCredentials, createClient, postForm, type Answer } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const TOKEN_ENDPOINT = 'https://tessera.test/oauth2/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A client's own signing key and its public JWK. */
async function clientKey(): Promise<{ pair: KeyPair; jwk: JWK }> {
  const pair = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  return { pair, jwk };
}

/** RFC 7523 §3: a client assertion with iss = sub = client_id, the token endpoint as audience. */
function assertion(key: { pair: KeyPair; jwk: JWK }, clientId: string, opts: { audience?: string; jti?: string } = {}): Promise<string> {
  return new SignJWT({ jti: opts.jti ?? randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid ?? '' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(opts.audience ?? TOKEN_ENDPOINT)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.pair.privateKey);
}

function withAssertion(jwt: string): [string, string][] {
  return [
    ['grant_type', 'client_credentials'],
    ['client_assertion_type', ASSERTION_TYPE],
    ['client_assertion', jwt],
  ];
}

/** RFC 6749 §5.2 error: code and status; 401 must carry WWW-Authenticate. */
function assertOAuthError(res: Answer, status: number, error: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.error, error, res.text);
  assert.equal(typeof res.body.error_description, 'string');
  assert.equal(res.headers['cache-control'], 'no-store');
  if (status === 401) assert.match(String(res.headers['www-authenticate']), /realm="oauth2", error="invalid_client"/);
}

for (const db of testDatabases()) {
  describe(`token endpoint on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let jwksServer: Server | undefined;
    let admin = '';
    let pub = '';
    let jwksUri = '';
    const served: { keys: JWK[] } = { keys: [] };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, STRATEGIES_ACCESS_TOKEN: 'jwt' } });
      admin = cluster.adminUrl;
      pub = cluster.publicUrl;
      // The client's jwks_uri: a real HTTP server core fetches from with undici.
      const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served)));
      jwksServer = server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no jwks port');
      jwksUri = `http://127.0.0.1:${address.port}/jwks.json`;
    });
    after(async () => {
      jwksServer?.close();
      await cluster?.close();
      await database?.drop();
    });

    const confidential = (doc: Record<string, unknown> = {}) =>
      createClient(admin, { grant_types: ['client_credentials'], scope: 'read write', audience: ['https://api.test'], ...doc });

    test('client_secret_basic: a JWT access token that verifies against /.well-known/jwks.json (RFC 9068)', async () => {
      const client = await confidential();
      const res = await clientCredentials(pub, client.client_id, client.client_secret, [
        ['scope', 'read'],
        ['audience', 'https://api.test'],
      ]);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.body.token_type, 'bearer');
      assert.equal(res.body.expires_in, 3600);
      assert.equal(res.body.scope, 'read');
      assert.equal(res.body.refresh_token, undefined, 'RFC 6749 §4.4.3: no refresh token');

      const token = String(res.body.access_token);
      const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL('/.well-known/jwks.json', pub)), {
        issuer: ISSUER,
        typ: 'at+jwt',
        audience: 'https://api.test',
      });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.client_id, client.client_id);
      assert.equal(payload.sub, client.client_id);
      assert.deepEqual(payload.scp, ['read']);
      assert.deepEqual(payload.aud, ['https://api.test']);
      const now = Math.floor(Date.now() / 1000);
      assert.ok(typeof payload.exp === 'number' && Math.abs(payload.exp - (now + 3600)) <= 5, `exp ${String(payload.exp)}`);
    });

    test('client_secret_post, and a client that asks for opaque tokens gets ory_at_ tokens', async () => {
      const client = await confidential({ token_endpoint_auth_method: 'client_secret_post', access_token_strategy: 'opaque' });
      const res = await postForm(pub, '/oauth2/token', [
        ['grant_type', 'client_credentials'],
        ['client_id', client.client_id],
        ['client_secret', client.client_secret],
      ]);
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.body.access_token), /^ory_at_[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
      assert.equal(res.body.scope, '');
    });

    test('wrong credentials are invalid_client (401 with WWW-Authenticate), whatever was wrong', async () => {
      const client = await confidential();
      assertOAuthError(await clientCredentials(pub, client.client_id, 'not-the-secret'), 401, 'invalid_client');
      assertOAuthError(await clientCredentials(pub, `unknown-${randomUUID()}`, 'whatever'), 401, 'invalid_client');
      // A client_secret_basic client presenting its secret in the body uses the wrong method.
      const asPost = await postForm(pub, '/oauth2/token', [
        ['grant_type', 'client_credentials'],
        ['client_id', client.client_id],
        ['client_secret', client.client_secret],
      ]);
      assertOAuthError(asPost, 401, 'invalid_client');
      const post = await confidential({ token_endpoint_auth_method: 'client_secret_post' });
      assertOAuthError(await clientCredentials(pub, post.client_id, post.client_secret), 401, 'invalid_client');
      // No credentials at all.
      assertOAuthError(await postForm(pub, '/oauth2/token', [['grant_type', 'client_credentials']]), 401, 'invalid_client');
    });

    test('credentials in both the header and the body are invalid_request (RFC 6749 §2.3)', async () => {
      const client = await confidential();
      const res = await postForm(
        pub,
        '/oauth2/token',
        [
          ['grant_type', 'client_credentials'],
          ['client_id', client.client_id],
          ['client_secret', client.client_secret],
        ],
        basic(client.client_id, client.client_secret),
      );
      assertOAuthError(res, 400, 'invalid_request');
    });

    test('an expired client secret is refused', async () => {
      const client = await confidential({ client_secret_expires_at: 1_000_000_000 });
      assertOAuthError(await clientCredentials(pub, client.client_id, client.client_secret), 401, 'invalid_client');
    });

    test('private_key_jwt with keys in jwks: accepted once, a replayed jti or a wrong audience is 401', async () => {
      const key = await clientKey();
      const client = await confidential({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
      const jwt = await assertion(key, client.client_id);
      const first = await postForm(pub, '/oauth2/token', withAssertion(jwt));
      assert.equal(first.status, 200, first.text);
      assert.equal(typeof first.body.access_token, 'string');
      assert.match(String(first.body.access_token), /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT access token (this suite\'s default strategy)');

      // RFC 7523 §3 item 7: the same assertion (same jti) is not accepted twice.
      assertOAuthError(await postForm(pub, '/oauth2/token', withAssertion(jwt)), 401, 'invalid_client');
      const reusedJti = await assertion(key, client.client_id, { jti: String(JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()).jti) });
      assertOAuthError(await postForm(pub, '/oauth2/token', withAssertion(reusedJti)), 401, 'invalid_client');

      const elsewhere = await assertion(key, client.client_id, { audience: 'https://other.test/oauth2/token' });
      assertOAuthError(await postForm(pub, '/oauth2/token', withAssertion(elsewhere)), 401, 'invalid_client');

      // Signed by a key the client never registered.
      const stranger = await clientKey();
      const forged = await assertion({ pair: stranger.pair, jwk: { ...stranger.jwk, kid: key.jwk.kid ?? '' } }, client.client_id);
      assertOAuthError(await postForm(pub, '/oauth2/token', withAssertion(forged)), 401, 'invalid_client');

      // A client_secret_basic client cannot authenticate with an assertion.
      const secretClient = await confidential();
      assertOAuthError(await postForm(pub, '/oauth2/token', withAssertion(await assertion(key, secretClient.client_id))), 401, 'invalid_client');
    });

    test('private_key_jwt with keys fetched from jwks_uri', async () => {
      const key = await clientKey();
      served.keys = [key.jwk];
      const client = await confidential({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri });
      const res = await postForm(pub, '/oauth2/token', withAssertion(await assertion(key, client.client_id)));
      assert.equal(res.status, 200, res.text);

      // A key the client added to its jwks_uri later is found: a kid miss fetches the set again
      // (at most once per cooldown, so wait it out).
      const added = await clientKey();
      served.keys = [key.jwk, added.jwk];
      await new Promise((resolve) => setTimeout(resolve, REFRESH_COOLDOWN_MS + 50));
      const later = await postForm(pub, '/oauth2/token', withAssertion(await assertion(added, client.client_id)));
      assert.equal(later.status, 200, later.text);
    });

    test('a public client (auth method none) cannot use client_credentials', async () => {
      const client = await createClient(admin, { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' });
      const res = await postForm(pub, '/oauth2/token', [
        ['grant_type', 'client_credentials'],
        ['client_id', client.client_id],
      ]);
      assertOAuthError(res, 400, 'invalid_grant');
      assert.match(String(res.body.error_description), /public/);
    });

    test('scope and audience beyond the client are refused', async () => {
      const client = await confidential();
      assertOAuthError(await clientCredentials(pub, client.client_id, client.client_secret, [['scope', 'read admin']]), 400, 'invalid_scope');
      const res = await clientCredentials(pub, client.client_id, client.client_secret, [['audience', 'https://elsewhere.test']]);
      assertOAuthError(res, 400, 'invalid_request');
      assert.match(String(res.body.error_description), /audience/);
    });

    test("audiences match as Hydra's: a sub-path of a registered audience is granted, a look-alike is refused", async () => {
      const client = await confidential({ audience: ['https://api.test/v1'] });
      const granted = await clientCredentials(pub, client.client_id, client.client_secret, [['audience', 'https://api.test/v1/orders https://api.test/v1']]);
      assert.equal(granted.status, 200, granted.text);
      const { payload } = await jwtVerify(String(granted.body.access_token), createRemoteJWKSet(new URL('/.well-known/jwks.json', pub)), { issuer: ISSUER });
      assert.deepEqual(payload.aud, ['https://api.test/v1/orders', 'https://api.test/v1']);
      for (const lookAlike of ['https://api.test/v10', 'https://api.test/', 'http://api.test/v1', 'https://api.test.evil/v1']) {
        const res = await clientCredentials(pub, client.client_id, client.client_secret, [['audience', lookAlike]]);
        assertOAuthError(res, 400, 'invalid_request');
        assert.match(String(res.body.error_description), /audience/, lookAlike);
      }
    });

    test('grant types: password deliberately unsupported, unknown unsupported, not allowed is unauthorized_client', async () => {
      const client = await confidential();
      const onlyPassword = await postForm(
        pub,
        '/oauth2/token',
        [['grant_type', 'password'], ['username', 'alice'], ['password', 'secret']],
        basic(client.client_id, client.client_secret),
      );
      assertOAuthError(onlyPassword, 400, 'unsupported_grant_type');
      assert.match(String(onlyPassword.body.error_description), /deliberately not supported/);

      const unknown = await postForm(pub, '/oauth2/token', [['grant_type', 'urn:example:magic']], basic(client.client_id, client.client_secret));
      assertOAuthError(unknown, 400, 'unsupported_grant_type');

      const codeOnly = await createClient(admin, { grant_types: ['authorization_code'], redirect_uris: ['https://app.test/cb'] });
      assertOAuthError(await clientCredentials(pub, codeOnly.client_id, codeOnly.client_secret), 400, 'unauthorized_client');
    });

    test('a repeated form parameter is invalid_request (RFC 6749 §3.2)', async () => {
      const client = await confidential();
      const res = await clientCredentials(pub, client.client_id, client.client_secret, [['scope', 'read'], ['scope', 'write']]);
      assertOAuthError(res, 400, 'invalid_request');
      assert.match(String(res.body.error_description), /more than once/);
    });

    test('a repeated parameter the grant or client authentication reads: the exact answer, before any other check', async () => {
      const client = await confidential();
      const answer = (name: string) =>
        JSON.stringify({
          error: 'invalid_request',
          error_description: `The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. The parameter "${name}" is included more than once.`,
          status_code: 400,
          error_hint: `The parameter "${name}" is included more than once.`,
        });
      const cases: [string, [string, string][], Record<string, string>][] = [
        ['scope', [['grant_type', 'client_credentials'], ['scope', 'read'], ['scope', 'read']], basic(client.client_id, client.client_secret)],
        ['grant_type', [['grant_type', 'client_credentials'], ['grant_type', 'client_credentials']], basic(client.client_id, client.client_secret)],
        // Refused before the client is authenticated: the wrong secret is never looked at.
        ['client_secret', [['grant_type', 'client_credentials'], ['client_id', client.client_id], ['client_secret', 'wrong'], ['client_secret', 'wrong']], {}],
        ['code', [['grant_type', 'authorization_code'], ['code', 'a'], ['code', 'b'], ['redirect_uri', 'https://app.test/cb']], basic(client.client_id, client.client_secret)],
      ];
      for (const [name, form, headers] of cases) {
        const res = await postForm(pub, '/oauth2/token', form, headers);
        assert.equal(res.status, 400, name);
        assert.equal(res.text, answer(name), name);
        assert.equal(res.headers['www-authenticate'], undefined, name);
      }
    });

    test('audience may repeat, as fosite reads it (RFC 8693 §2.1); each value is judged', async () => {
      const client = await confidential({ audience: ['https://api.test', 'https://other.test'] });
      const res = await clientCredentials(pub, client.client_id, client.client_secret, [['audience', 'https://api.test'], ['audience', ''], ['audience', 'https://other.test']]);
      assert.equal(res.status, 200, res.text);
      const { payload } = await jwtVerify(String(res.body.access_token), createRemoteJWKSet(new URL('/.well-known/jwks.json', pub)), { issuer: ISSUER });
      assert.deepEqual(payload.aud, ['https://api.test', 'https://other.test']);
      const foreign = await clientCredentials(pub, client.client_id, client.client_secret, [['audience', 'https://api.test'], ['audience', 'https://elsewhere.test']]);
      assertOAuthError(foreign, 400, 'invalid_request');
      assert.match(String(foreign.body.error_description), /elsewhere/);
    });

    test('a repeated parameter no one reads is ignored, as RFC 6749 §3.2 asks of unrecognized parameters', async () => {
      const client = await confidential();
      const res = await clientCredentials(pub, client.client_id, client.client_secret, [['code', 'a'], ['code', 'b'], ['x-trace', '1'], ['x-trace', '2']]);
      assert.equal(res.status, 200, res.text);
    });

    test('the client lifespan for client_credentials sets expires_in and exp', async () => {
      const client = await confidential();
      const put = await adminCall(admin, 'PUT', `/admin/clients/${client.client_id}/lifespans`, {
        client_credentials_grant_access_token_lifespan: '5m',
      });
      assert.equal(put.status, 200, put.text);
      const res = await clientCredentials(pub, client.client_id, client.client_secret);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.expires_in, 300);
      const { payload } = await jwtVerify(String(res.body.access_token), createRemoteJWKSet(new URL('/.well-known/jwks.json', pub)), { issuer: ISSUER });
      assert.ok(typeof payload.exp === 'number' && typeof payload.iat === 'number' && payload.exp - payload.iat === 300);
      assert.equal(typeof decodeProtectedHeader(String(res.body.access_token)).kid, 'string');
    });
  });
}
