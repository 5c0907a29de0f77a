/**
 * The JWT-bearer authorization grant (RFC 7523 §2.1) and Hydra's trust API that feeds it, end to
 * end: trust relationships made over the admin HTTP API, assertions signed with `jose` as an
 * external identity provider would, exchanged at the public token endpoint, the tokens checked
 * by introspection. Real gateway, real core, every available database. Expected errors and hints
 * are fosite's (handler/rfc7523) and Hydra's (oauth2/trust), which clients match on.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { TrustServiceClient, type ListTrustedJwtGrantIssuersResponse } from '../proto/gen/tessera/v1/trust.js';
import { gatewayMetadata, startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { adminCall, basic, createClient, introspect, postForm, type Answer } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const TOKEN_URL = `${ISSUER}oauth2/token`;
const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TRUST = '/admin/trust/grants/jwt-bearer/issuers';
const IDP = 'https://idp.example';

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000);

interface Signer {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signer(kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** An assertion as RFC 7523 §3 wants it, valid for five minutes; `claims` override or (undefined) drop members. */
async function assertion(key: Signer, claims: Record<string, unknown>, header: { kid?: string | undefined } = { kid: key.jwk.kid }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { iss: IDP, sub: 'alice', aud: TOKEN_URL, exp: now + 300, iat: now - 5, jti: randomUUID(), ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: 'ES256', ...(header.kid ? { kid: header.kid } : {}) }).sign(key.privateKey);
}

function expectError(res: Answer, status: number, error: string, hint?: RegExp | string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.error, error, res.text);
  if (hint !== undefined) {
    const description = String(res.body.error_description);
    if (typeof hint === 'string') assert.ok(description.includes(hint), `${description} should contain ${hint}`);
    else assert.match(description, hint);
  }
}

for (const db of testDatabases()) {
  describe(`JWT-bearer grant and trust API on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let admin = '';
    let pub = '';
    let key: Signer;
    let client = { client_id: '', client_secret: '' };

    const trust = (body: Record<string, unknown>) => adminCall(admin, 'POST', TRUST, body);
    const exchange = (token: string, extra: [string, string][] = [], as = client) =>
      postForm(pub, '/oauth2/token', [['grant_type', GRANT], ['assertion', token], ...extra], basic(as.client_id, as.client_secret));

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, OAUTH2_GRANT_JWT_MAX_TTL: '2h' } });
      admin = cluster.adminUrl;
      pub = cluster.publicUrl;
      key = await signer('idp-key-1');
      client = await createClient(admin, { grant_types: [GRANT, 'client_credentials'], scope: 'read write admin', audience: ['https://api.example'] });
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    test('trust API: create, read, list by issuer with pages, refuse a duplicate with 409, delete', async () => {
      const expiresAt = inHours(24);
      const created = await trust({ issuer: IDP, subject: 'alice', scope: ['read', 'write'], jwk: key.jwk, expires_at: expiresAt.toISOString() });
      assert.equal(created.status, 201, created.text);
      const id = String(created.body.id);
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.equal(created.headers.location, `${TRUST}/${id}`);
      assert.deepEqual({ ...created.body, id: undefined, created_at: undefined }, {
        id: undefined,
        created_at: undefined,
        issuer: IDP,
        subject: 'alice',
        allow_any_subject: false,
        scope: ['read', 'write'],
        public_key: { set: IDP, kid: 'idp-key-1' },
        // Hydra stores both instants rounded to the second.
        expires_at: new Date(Math.round(expiresAt.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      });
      assert.ok(Math.abs(Date.parse(String(created.body.created_at)) - Date.now()) < 60_000);

      const read = await adminCall(admin, 'GET', `${TRUST}/${id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, created.body);

      const again = await trust({ issuer: IDP, subject: 'alice', scope: ['read'], jwk: key.jwk, expires_at: expiresAt.toISOString() });
      expectError(again, 409, 'conflict');

      // Another issuer, then the list filtered by issuer and paged one at a time.
      const other = await signer('other-key');
      const second = await trust({ issuer: 'https://other-idp.example', allow_any_subject: true, scope: ['read'], jwk: other.jwk, expires_at: expiresAt.toISOString() });
      assert.equal(second.status, 201, second.text);
      const third = await trust({ issuer: IDP, subject: 'bob', scope: ['read'], jwk: key.jwk, expires_at: expiresAt.toISOString() });
      assert.equal(third.status, 201, third.text);
      const filtered = await adminCall(admin, 'GET', `${TRUST}?issuer=${encodeURIComponent(IDP)}`);
      assert.equal(filtered.status, 200);
      const ids = (filtered.body as unknown as { id: string; issuer: string }[]).map((r) => r.id);
      assert.deepEqual(ids, [id, String(third.body.id)].sort());
      const firstPage = await adminCall(admin, 'GET', `${TRUST}?page_size=1&issuer=${encodeURIComponent(IDP)}`);
      const link = String(firstPage.headers.link);
      const next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
      assert.ok(next, link);
      const secondPage = await adminCall(admin, 'GET', next);
      assert.deepEqual(
        [...(firstPage.body as unknown as { id: string }[]), ...(secondPage.body as unknown as { id: string }[])].map((r) => r.id),
        ids,
      );
      assert.doesNotMatch(String(secondPage.headers.link), /rel="next"/);

      assert.equal((await adminCall(admin, 'DELETE', `${TRUST}/${String(second.body.id)}`)).status, 204);
      expectError(await adminCall(admin, 'GET', `${TRUST}/${String(second.body.id)}`), 404, 'Unable to locate the resource');
      expectError(await adminCall(admin, 'DELETE', `${TRUST}/${String(second.body.id)}`), 404, 'Unable to locate the resource');
      expectError(await adminCall(admin, 'GET', `${TRUST}/not-a-uuid`), 400, 'Bad Request', 'Unable to parse parameter id');
      for (const done of [id, String(third.body.id)]) assert.equal((await adminCall(admin, 'DELETE', `${TRUST}/${done}`)).status, 204);
    });

    test('tessera.v1.TrustService over gRPC, as internal services call it: the same relationships, typed', async () => {
      const created = await trust({ issuer: 'https://grpc-idp.example', allow_any_subject: true, scope: ['read'], jwk: key.jwk, expires_at: inHours(1).toISOString() });
      assert.equal(created.status, 201, created.text);
      const grpc = new TrustServiceClient(cluster?.grpcAddress ?? '', credentials.createInsecure());
      try {
        const listed = await new Promise<ListTrustedJwtGrantIssuersResponse>((resolve, reject) =>
          grpc.listTrustedJwtGrantIssuers({ page_size: 10, page_token: '', issuer: 'https://grpc-idp.example' }, gatewayMetadata(), (err, res) => (err ? reject(err) : resolve(res))),
        );
        assert.deepEqual(
          listed.issuers.map((r) => [r.id, r.allow_any_subject, r.public_key?.kid, r.expires_at instanceof Date]),
          [[String(created.body.id), true, 'idp-key-1', true]],
        );
        const missing = await new Promise<ServiceError>((resolve, reject) =>
          grpc.getTrustedJwtGrantIssuer({ id: randomUUID() }, gatewayMetadata(), (err) => (err ? resolve(err) : reject(new Error('expected NOT_FOUND')))),
        );
        assert.equal(missing.code, status.NOT_FOUND);
      } finally {
        grpc.close();
      }
      assert.equal((await adminCall(admin, 'DELETE', `${TRUST}/${String(created.body.id)}`)).status, 204);
    });

    test("trust API: Hydra's answers for missing or contradictory fields and unusable keys, storing nothing", async () => {
      const valid = { issuer: 'https://refused.example', subject: 'carol', scope: ['read'], jwk: key.jwk, expires_at: inHours(1).toISOString() };
      const missing = 'missing_required_parameter';
      expectError(await trust({ ...valid, issuer: '' }), 400, missing, "Field 'issuer' is required.");
      expectError(await trust({ ...valid, subject: undefined }), 400, missing, "One of 'subject' or 'allow_any_subject' field must be set.");
      expectError(await trust({ ...valid, allow_any_subject: true }), 400, missing, "Both 'subject' and 'allow_any_subject' fields cannot be set at the same time.");
      expectError(await trust({ ...valid, expires_at: undefined }), 400, missing, "Field 'expires_at' is required.");
      expectError(await trust({ ...valid, jwk: undefined }), 400, missing, "Field 'jwk' must contain JWK with kid header.");
      expectError(await trust({ ...valid, jwk: { ...key.jwk, kid: undefined } }), 400, missing, "Field 'jwk' must contain JWK with kid header.");
      expectError(await trust({ ...valid, jwk: { alg: 'unknown', kid: 'x' } }), 400, 'invalid_request', 'unknown json web key type');
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      expectError(await trust({ ...valid, jwk: { ...(await exportJWK(privateKey)), kid: 'private' } }), 400, 'invalid_request', 'private member(s) d');
      expectError(await trust({ ...valid, jwk: { kty: 'oct', k: 'c2VjcmV0', kid: 'shared' } }), 400, 'invalid_request', 'unknown json web key type "oct"');
      expectError(await trust({ ...valid, jwk: { ...key.jwk, x: 'AAAA' } }), 400, 'invalid_request', 'not a valid EC public key');
      expectError(await trust({ ...valid, expires_at: 'tomorrow' }), 400, 'invalid_request', 'expires_at');
      const listed = await adminCall(admin, 'GET', `${TRUST}?issuer=${encodeURIComponent(valid.issuer)}`);
      assert.deepEqual(listed.body, []);
    });

    describe('the grant', () => {
      let trustId = '';
      before(async () => {
        const res = await trust({ issuer: IDP, subject: 'alice', scope: ['read', 'write'], jwk: key.jwk, expires_at: inHours(24).toISOString() });
        assert.equal(res.status, 201, res.text);
        trustId = String(res.body.id);
      });

      test('a trusted assertion yields an access token about its subject, without a refresh token; its jti works once', async () => {
        const token = await assertion(key, {});
        const res = await exchange(token, [['scope', 'read write'], ['audience', 'https://api.example https://not-allowed.example']]);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.token_type, 'bearer');
        assert.equal(res.body.scope, 'read write');
        assert.equal(res.body.refresh_token, undefined, 'RFC 7523 §2.1 issues no refresh token');
        assert.ok(Math.abs(Number(res.body.expires_in) - 3600) <= 1, String(res.body.expires_in));
        const info = await introspect(admin, String(res.body.access_token));
        assert.equal(info.body.active, true, info.text);
        assert.equal(info.body.sub, 'alice');
        assert.equal(info.body.client_id, client.client_id);
        assert.equal(info.body.scope, 'read write');
        // Hydra grants the requested audiences the client may use and leaves the rest out; the
        // assertion's aud (this server) stays out (omit_assertion_audience defaults to true).
        assert.deepEqual(info.body.aud, ['https://api.example']);

        expectError(await exchange(token, [['scope', 'read']]), 400, 'jti_known', 'The jti was already used.');
      });

      test('scopes beyond the trust relationship, or beyond the client, are refused', async () => {
        expectError(
          await exchange(await assertion(key, {}), [['scope', 'read admin']]),
          400,
          'invalid_scope',
          `The public key registered for issuer "${IDP}" and subject "alice" is not allowed to request scope "admin".`,
        );
        const narrow = await createClient(admin, { grant_types: [GRANT], scope: 'read' });
        expectError(await exchange(await assertion(key, {}), [['scope', 'write']], narrow), 400, 'invalid_scope', 'The OAuth 2.0 Client is not allowed to request scope "write".');
      });

      test("assertions that fail RFC 7523 §3 are refused with fosite's hints", async () => {
        const prefix = 'The JWT in "assertion" request parameter';
        const now = Math.floor(Date.now() / 1000);
        const cases: [string, Promise<string>, string][] = [
          ['untrusted subject', assertion(key, { sub: 'mallory' }), `No public JWK was registered for issuer "${IDP}" and subject "mallory"`],
          ['unknown kid', assertion(key, {}, { kid: 'unknown-kid' }), 'public key is required to check signature of JWT'],
          ['no iss', assertion(key, { iss: undefined }), `${prefix} MUST contain an "iss" (issuer) claim.`],
          ['no sub', assertion(key, { sub: undefined }), `${prefix} MUST contain a "sub" (subject) claim.`],
          ['no aud', assertion(key, { aud: undefined }), `${prefix} MUST contain an "aud" (audience) claim.`],
          ['foreign aud', assertion(key, { aud: 'https://elsewhere.example/token' }), 'that identifies the authorization server as an intended audience'],
          ['no exp', assertion(key, { exp: undefined }), `${prefix} MUST contain an "exp" (expiration time) claim.`],
          ['expired', assertion(key, { exp: now - 10, iat: now - 60 }), `${prefix} expired.`],
          ['not yet valid', assertion(key, { nbf: now + 600, exp: now + 900 }), 'contains an "nbf" (not before) claim'],
          ['no iat', assertion(key, { iat: undefined }), `${prefix} MUST contain an "iat" (issued at) claim.`],
          ['beyond max_ttl', assertion(key, { exp: now + 3 * 3600 }), 'that is unreasonably far in the future'],
          ['no jti', assertion(key, { jti: undefined }), `${prefix} MUST contain an "jti" (JWT ID) claim.`],
        ];
        for (const [name, token, hint] of cases) {
          const res = await exchange(await token);
          assert.equal(res.status, 400, `${name}: ${res.text}`);
          assert.equal(res.body.error, 'invalid_grant', `${name}: ${res.text}`);
          assert.ok(String(res.body.error_description).includes(hint), `${name}: ${String(res.body.error_description)}`);
        }
        // Signed by another key under the trusted kid.
        const impostor = await signer('idp-key-1');
        expectError(await exchange(await assertion(impostor, {})), 400, 'invalid_grant', "Unable to verify the integrity of the 'assertion' value.");
        expectError(await exchange('not-a-jwt'), 400, 'invalid_grant', 'Unable to parse JSON Web Token passed in "assertion" request parameter.');
        expectError(
          await postForm(pub, '/oauth2/token', [['grant_type', GRANT]], basic(client.client_id, client.client_secret)),
          400,
          'invalid_request',
          `The assertion request parameter must be set when using grant_type of '${GRANT}'.`,
        );
      });

      test('the client must authenticate and be allowed the grant type; a public client may use it', async () => {
        const token = await assertion(key, {});
        const other = await createClient(admin, { grant_types: ['client_credentials'], scope: 'read' });
        expectError(await exchange(token, [], other), 400, 'unauthorized_client', GRANT);
        expectError(await exchange(token, [], { client_id: client.client_id, client_secret: 'wrong' }), 401, 'invalid_client');
        const publicClient = await createClient(admin, { grant_types: [GRANT], scope: 'read', token_endpoint_auth_method: 'none' });
        const res = await postForm(pub, '/oauth2/token', [['grant_type', GRANT], ['assertion', token], ['client_id', publicClient.client_id], ['scope', 'read']]);
        assert.equal(res.status, 200, res.text);
      });

      test('any subject under allow_any_subject, the key found without a kid; expired or deleted trust admits nothing', async () => {
        const any = await signer('any-key');
        const anyIssuer = 'https://any.example';
        const created = await trust({ issuer: anyIssuer, allow_any_subject: true, scope: ['read'], jwk: any.jwk, expires_at: inHours(1).toISOString() });
        assert.equal(created.status, 201, created.text);
        const res = await exchange(await assertion(any, { iss: anyIssuer, sub: 'anyone' }, { kid: undefined }), [['scope', 'read']]);
        assert.equal(res.status, 200, res.text);
        assert.equal((await introspect(admin, String(res.body.access_token))).body.sub, 'anyone');

        assert.equal((await adminCall(admin, 'DELETE', `${TRUST}/${String(created.body.id)}`)).status, 204);
        expectError(await exchange(await assertion(any, { iss: anyIssuer, sub: 'anyone' })), 400, 'invalid_grant', 'No public JWK was registered');

        const stale = await signer('stale-key');
        const expired = await trust({ issuer: 'https://stale.example', subject: 'alice', scope: ['read'], jwk: stale.jwk, expires_at: inHours(-1).toISOString() });
        assert.equal(expired.status, 201, 'Hydra accepts an expiry in the past');
        expectError(await exchange(await assertion(stale, { iss: 'https://stale.example' })), 400, 'invalid_grant', 'No public JWK was registered');
      });

      test('deleting the trust relationship stops its assertions; tokens already issued stay valid', async () => {
        const issued = await exchange(await assertion(key, {}), [['scope', 'read']]);
        assert.equal(issued.status, 200, issued.text);
        assert.equal((await adminCall(admin, 'DELETE', `${TRUST}/${trustId}`)).status, 204);
        expectError(await exchange(await assertion(key, {})), 400, 'invalid_grant', 'No public JWK was registered');
        assert.equal((await introspect(admin, String(issued.body.access_token))).body.active, true);
      });
    });
  });
}

describe('oauth2.grant.jwt: jti_optional, iat_optional and omit_assertion_audience', () => {
  // Configuration is read by core whatever the database; SQLite suffices.
  const [sqlite] = testDatabases().filter((db) => db.name === 'sqlite');
  let database: CreatedDatabase | undefined;
  let cluster: Cluster | undefined;

  before(async () => {
    if (!sqlite) throw new Error('no SQLite test database');
    database = await sqlite.create();
    cluster = await startCluster({
      dsn: database.dsn,
      env: { URLS_SELF_ISSUER: ISSUER, OAUTH2_GRANT_JWT_JTI_OPTIONAL: 'true', OAUTH2_GRANT_JWT_IAT_OPTIONAL: 'true', OAUTH2_GRANT_JWT_OMIT_ASSERTION_AUDIENCE: 'false' },
    });
  });

  after(async () => {
    await cluster?.close();
    await database?.drop();
  });

  test('an assertion without jti and iat is accepted, and its aud is copied into the token', async () => {
    if (!cluster) throw new Error('no cluster');
    const key = await signer('cfg-key');
    const created = await adminCall(cluster.adminUrl, 'POST', TRUST, { issuer: IDP, subject: 'alice', scope: ['read'], jwk: key.jwk, expires_at: inHours(1).toISOString() });
    assert.equal(created.status, 201, created.text);
    const client = await createClient(cluster.adminUrl, { grant_types: [GRANT], scope: 'read' });
    const token = await assertion(key, { jti: undefined, iat: undefined });
    const res = await postForm(cluster.publicUrl, '/oauth2/token', [['grant_type', GRANT], ['assertion', token]], basic(client.client_id, client.client_secret));
    assert.equal(res.status, 200, res.text);
    const info = await introspect(cluster.adminUrl, String(res.body.access_token));
    assert.deepEqual(info.body.aud, [TOKEN_URL]);
    // Without a jti nothing marks the assertion used (RFC 7523 §3 item 7 makes jti optional).
    assert.equal((await postForm(cluster.publicUrl, '/oauth2/token', [['grant_type', GRANT], ['assertion', token]], basic(client.client_id, client.client_secret))).status, 200);
  });
});
