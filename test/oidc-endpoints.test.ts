/**
 * `/userinfo` (OIDC Core §5.3, RFC 6750) and `/.well-known/openid-configuration` (OIDC
 * Discovery) over real HTTP on every available database. User grants are minted by an
 * in-process registry on the cluster's database (test/support/grants.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { request } from 'undici';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loadApiSchemas, type ApiSchemas } from './support/openapi.js';
import { grantSession, inProcessRegistry, issueGrant, type InProcessRegistry } from './support/grants.js';
import { basic, createClient, mintToken, postForm } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';

for (const db of testDatabases()) {
  describe(`OIDC endpoints on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let reg: InProcessRegistry | undefined;
    let pub = '';
    let plain = { client_id: '', client_secret: '' };
    let signed = { client_id: '', client_secret: '' };
    let api: ApiSchemas | undefined;
    /** Asserts `value` is valid against the component schema `name` of Tessera's OpenAPI document (Hydra's). */
    const assertValid = (name: string, value: unknown) => {
      if (!api) throw new Error('the API document is not loaded');
      const validate = api.schema(name);
      assert.ok(validate(value), `${name}: ${api.errorsText(validate)} in ${JSON.stringify(value)}`);
    };

    const userinfo = async (headers: Record<string, string>, method: 'GET' | 'POST' = 'GET', body?: string) => {
      const res = await request(new URL('/userinfo', pub), { method, headers, ...(body === undefined ? {} : { body }) });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    };
    const grant = (clientId: string, scope: string[], claims: Record<string, unknown> = {}) => {
      if (!reg) throw new Error('registry not started');
      return issueGrant(reg, clientId, grantSession('alice', scope, { id_token_claims: claims, acr: 'urn:acr:pwd' }));
    };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER } });
      pub = cluster.publicUrl;
      api = await loadApiSchemas(cluster.adminUrl);
      reg = await inProcessRegistry(cluster.config);
      const doc = {
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        scope: 'openid offline_access email',
        redirect_uris: ['https://app.example/cb'],
      };
      plain = await createClient(cluster.adminUrl, doc);
      signed = await createClient(cluster.adminUrl, { ...doc, userinfo_signed_response_alg: 'RS256' });
    });

    after(async () => {
      await reg?.close();
      await cluster?.close();
      await database?.drop();
    });

    test('userinfo answers sub and the consented claims for a bearer header', async () => {
      const { access_token } = await grant(plain.client_id, ['openid', 'email'], { email: 'alice@example.com', sub: 'mallory' });
      const res = await userinfo({ authorization: `Bearer ${access_token}` });
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const body = JSON.parse(res.text) as Record<string, unknown>;
      assertValid('oidcUserInfo', body);
      assert.equal(body.sub, 'alice');
      assert.equal(body.email, 'alice@example.com');
      assert.equal(body.acr, 'urn:acr:pwd');
      for (const name of ['nonce', 'at_hash', 'exp', 'jti', 'sid']) assert.equal(body[name], undefined, name);
    });

    test('userinfo accepts POST with the access_token form parameter', async () => {
      const { access_token } = await grant(plain.client_id, ['openid']);
      const res = await userinfo({ 'content-type': 'application/x-www-form-urlencoded' }, 'POST', new URLSearchParams({ access_token }).toString());
      assert.equal(res.status, 200, res.text);
      assert.equal((JSON.parse(res.text) as Record<string, unknown>).sub, 'alice');
    });

    test('userinfo without a token, or with a bad or revoked one, is 401 invalid_token with WWW-Authenticate', async () => {
      const { access_token } = await grant(plain.client_id, ['openid']);
      await postForm(pub, '/oauth2/revoke', [['token', access_token]], basic(plain.client_id, plain.client_secret));
      const cases: Record<string, string>[] = [{}, { authorization: 'Bearer ory_at_garbage' }, { authorization: `Bearer ${access_token}` }];
      for (const headers of cases) {
        const res = await userinfo(headers);
        assert.equal(res.status, 401, res.text);
        assert.equal((JSON.parse(res.text) as Record<string, unknown>).error, 'invalid_token');
        assert.match(String(res.headers['www-authenticate']), /^Bearer error="invalid_token"/);
      }
    });

    test('userinfo refuses client_credentials tokens (401) and tokens without openid (403 insufficient_scope)', async () => {
      const machine = await mintToken(pub, plain.client_id, plain.client_secret);
      assert.equal((await userinfo({ authorization: `Bearer ${machine}` })).status, 401);
      const { access_token } = await grant(plain.client_id, ['email']);
      const res = await userinfo({ authorization: `Bearer ${access_token}` });
      assert.equal(res.status, 403, res.text);
      assert.match(String(res.headers['www-authenticate']), /^Bearer error="insufficient_scope"/);
    });

    test('userinfo is a signed JWT when the client registered userinfo_signed_response_alg RS256', async () => {
      const { access_token } = await grant(signed.client_id, ['openid', 'email'], { email: 'alice@example.com' });
      const res = await userinfo({ authorization: `Bearer ${access_token}` });
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers['content-type']), /^application\/jwt/);
      const { payload, protectedHeader } = await jwtVerify(res.text, createRemoteJWKSet(new URL('/.well-known/jwks.json', pub)), {
        issuer: ISSUER,
        audience: signed.client_id,
      });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.sub, 'alice');
      assert.equal(payload.email, 'alice@example.com');
    });

    test('discovery is complete and only advertises what works', async () => {
      const res = await request(new URL('/.well-known/openid-configuration', pub));
      assert.equal(res.statusCode, 200);
      const doc = (await res.body.json()) as Record<string, unknown>;
      // Hydra's oidcConfiguration, every required member present (device_authorization_endpoint
      // waits for the device flow: http-gateway/openapi/schemas.ts).
      assertValid('oidcConfiguration', doc);
      assert.equal(doc.issuer, ISSUER);
      for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'revocation_endpoint']) {
        assert.equal(typeof doc[field], 'string', field);
      }
      // RFC 8414 §2: every grant the token endpoint accepts, the JWT-bearer grant (RFC 7523) included.
      assert.deepEqual([...(doc.grant_types_supported as string[])].sort(), ['authorization_code', 'client_credentials', 'implicit', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.subject_types_supported, ['public']);
      assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
      // Hydra's required members, arrays naming the alg ID tokens and signed UserInfo use.
      assert.deepEqual(doc.id_token_signed_response_alg, ['RS256']);
      assert.deepEqual(doc.userinfo_signed_response_alg, ['RS256']);
      assert.equal(doc.request_parameter_supported, false);
      assert.equal(doc.request_uri_parameter_supported, false);
      // Logout is served (test/logout.test.ts drives it end to end).
      assert.match(String(doc.end_session_endpoint), /\/oauth2\/sessions\/logout$/);
      assert.equal(doc.backchannel_logout_supported, true);
      assert.equal(doc.frontchannel_logout_session_supported, true);
      assert.ok((doc.scopes_supported as string[]).includes('openid'));
      assert.ok((doc.token_endpoint_auth_methods_supported as string[]).includes('client_secret_basic'));
      // Every advertised endpoint answers on this listener (paths relative to urls.self.public).
      const jwks = await request(new URL('/.well-known/jwks.json', pub));
      assert.equal(jwks.statusCode, 200);
      await jwks.body.dump();
      assert.equal((await userinfo({})).status, 401);
    });

    test('RFC 8414 authorization server metadata is the same document', async () => {
      const oidc = await request(new URL('/.well-known/openid-configuration', pub));
      const rfc8414 = await request(new URL('/.well-known/oauth-authorization-server', pub));
      assert.equal(rfc8414.statusCode, 200);
      assert.match(String(rfc8414.headers['content-type']), /^application\/json/);
      assert.deepEqual(await rfc8414.body.json(), await oidc.body.json());
    });

    test('response_types_supported lists exactly the response types the authorization endpoint accepts', async () => {
      const res = await request(new URL('/.well-known/openid-configuration', pub));
      const advertised = new Set(((await res.body.json()) as { response_types_supported: string[] }).response_types_supported);
      // Every combination a client may register (OAuth 2.0 Multiple Response Types §3), registered all at once.
      const combinations = ['code', 'token', 'id_token', 'code token', 'code id_token', 'id_token token', 'code id_token token', 'none'];
      const omni = await createClient(cluster?.adminUrl ?? '', {
        grant_types: ['authorization_code', 'implicit'],
        response_types: combinations,
        scope: 'openid',
        redirect_uris: ['https://app.example/cb'],
      });
      for (const responseType of combinations) {
        const query = new URLSearchParams({
          client_id: omni.client_id,
          response_type: responseType,
          scope: 'openid',
          redirect_uri: 'https://app.example/cb',
          state: 'state-0123456789',
          nonce: 'nonce-0123456789',
        });
        const hop = await request(new URL(`/oauth2/auth?${query}`, pub));
        await hop.body.dump();
        const location = String(hop.headers.location ?? '');
        const accepted = hop.statusCode === 302 && new URL(location).searchParams.has('login_challenge');
        assert.equal(accepted, advertised.has(responseType), `${responseType}: advertised ${advertised.has(responseType)}, answered ${hop.statusCode} ${location}`);
        if (!accepted) assert.match(location, /error=unsupported_response_type/, responseType);
      }
      // The list is the served set, not a subset of it: every advertised type was tried above.
      assert.deepEqual([...advertised].filter((type) => !combinations.includes(type)), []);
    });
  });
}
