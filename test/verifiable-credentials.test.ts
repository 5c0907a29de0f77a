/**
 * `POST /credentials` (OpenID Connect UserInfo Verifiable Credentials, draft 00) end to end on
 * every available database: a real authorization-code login through the login and consent app,
 * the token response's `c_nonce_draft_00`, then `jose` as the holder proving possession of its
 * key, and Hydra's refusals (status and error) for every way a request can be wrong.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT, createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, type GenerateKeyPairResult, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { request } from 'undici';
import { createCredentialNonces } from '../core-service/credentials/nonce.js';
import { Browser, param } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loginApp, runFlow, type LoginApp } from './support/login-app.js';
import { basic, createClient, postForm, type Answer } from './support/oauth2.js';
import { loadApiSchemas, type ApiSchemas } from './support/openapi.js';

const ISSUER = 'https://tessera.test/';
const LOGIN_URL = 'https://login.test/login';
const CONSENT_URL = 'https://login.test/consent';
const REDIRECT = 'https://app.example/cb';
const SCOPE = 'openid offline_access userinfo_credential_draft_00';
const SUITES = ['PS256', 'RS256', 'ES256', 'PS384', 'RS384', 'ES384', 'PS512', 'RS512', 'ES512', 'EdDSA'];

/** A holder's key pair, its public JWK as the proof header carries it. */
interface Holder {
  alg: string;
  jwk: JWK;
  privateKey: GenerateKeyPairResult['privateKey'];
}

async function holder(alg = 'ES256'): Promise<Holder> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, jwk: await exportJWK(publicKey), privateKey };
}

/** A proof of possession: `jwk` header of `signer` unless `headerJwk` says otherwise. */
function proof(signer: Holder, claims: JWTPayload, headerJwk: JWK = signer.jwk): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: signer.alg, typ: 'openid4vci-proof+jwt', jwk: headerJwk }).setIssuedAt().sign(signer.privateKey);
}

const didOf = (jwk: JWK) => `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;

for (const db of testDatabases()) {
  describe(`verifiable credentials on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let api: ApiSchemas | undefined;
    let app: LoginApp;
    let pub = '';
    let client = { client_id: '', client_secret: '' };
    /** The token response of a login granted the credential scope. */
    let tokens: Record<string, unknown> = {};

    const assertValid = (name: string, value: unknown) => {
      if (!api) throw new Error('the API document is not loaded');
      const validate = api.schema(name);
      assert.ok(validate(value), `${name}: ${api.errorsText(validate)} in ${JSON.stringify(value)}`);
    };

    /** Logs alice in with `scope`, consenting to `grantScope`, and redeems the code as `who`. */
    async function login(scope: string, grantScope: string[], who = client): Promise<Record<string, unknown>> {
      const url = new URL('/oauth2/auth', ISSUER);
      url.search = new URLSearchParams({ client_id: who.client_id, response_type: 'code', redirect_uri: REDIRECT, scope, state: 'vc-state-0123456789' }).toString();
      const back = await runFlow(new Browser({ [new URL(ISSUER).origin]: pub }), app, url, { grantScope, idTokenClaims: { email: 'alice@example.com', sub: 'mallory', id: 'did:example:forged' } });
      const code = param(back.location, 'code') ?? '';
      assert.notEqual(code, '', back.location);
      const res = await postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT]], basic(who.client_id, who.client_secret));
      assert.equal(res.status, 200, res.text);
      return res.body;
    }

    async function credentials(body: unknown, authorization?: string): Promise<Answer> {
      const res = await request(new URL('/credentials', pub), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify(body),
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) as Record<string, unknown>, text };
    }
    const bearer = (token: unknown) => `Bearer ${String(token)}`;

    /** Asserts Hydra's error answer: status, `error`, and the hint inside the description. */
    function refused(res: Answer, status: number, error: string, hint: RegExp): void {
      assert.equal(res.status, status, res.text);
      assertValid('errorOAuth2', res.body);
      assert.equal(res.body.error, error, res.text);
      assert.match(String(res.body.error_description), hint);
      assert.equal(res.body.credential_draft_00, undefined);
    }

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, URLS_LOGIN: LOGIN_URL, URLS_CONSENT: CONSENT_URL, TTL_VC_NONCE: '30m' } });
      pub = cluster.publicUrl;
      api = await loadApiSchemas(cluster.adminUrl);
      app = loginApp(cluster.adminUrl);
      client = await createClient(cluster.adminUrl, {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: SCOPE,
        redirect_uris: [REDIRECT],
      });
      tokens = await login(SCOPE, SCOPE.split(' '));
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    test('discovery advertises the credentials endpoint and what it issues, as Hydra does', async () => {
      const res = await request(new URL('/.well-known/openid-configuration', pub));
      const metadata = (await res.body.json()) as Record<string, unknown>;
      assertValid('oidcConfiguration', metadata);
      assert.equal(metadata.credentials_endpoint_draft_00, `${ISSUER}credentials`);
      assert.deepEqual(metadata.credentials_supported_draft_00, [
        { format: 'jwt_vc_json', types: ['VerifiableCredential', 'UserInfoCredential'], cryptographic_binding_methods_supported: ['jwk'], cryptographic_suites_supported: SUITES },
      ]);
    });

    test('the token response carries c_nonce_draft_00 for openid + userinfo_credential_draft_00 (ttl.vc_nonce), a refresh too, and no nonce without the scope', async () => {
      assert.equal(typeof tokens.c_nonce_draft_00, 'string');
      assert.equal(tokens.c_nonce_expires_in_draft_00, 1800);
      assertValid('oAuth2TokenExchange', tokens);

      // A grant of its own: refreshing deactivates the access token the other tests use.
      const other = await login(SCOPE, SCOPE.split(' '));
      const refreshed = await postForm(pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', String(other.refresh_token)]], basic(client.client_id, client.client_secret));
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(typeof refreshed.body.c_nonce_draft_00, 'string');
      assert.notEqual(refreshed.body.c_nonce_draft_00, other.c_nonce_draft_00);

      const plain = await login('openid offline_access', ['openid', 'offline_access']);
      assert.equal(plain.c_nonce_draft_00, undefined);
      assert.equal(plain.c_nonce_expires_in_draft_00, undefined);
    });

    test("the holder's proof with the token response's nonce gets a jwt_vc_json credential signed with the ID token key, its subject the holder's did:jwk", async () => {
      const me = await holder('ES256');
      const res = await credentials(
        { format: 'jwt_vc_json', types: ['VerifiableCredential', 'UserInfoCredential'], proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: tokens.c_nonce_draft_00, aud: ISSUER }) } },
        bearer(tokens.access_token),
      );
      assert.equal(res.status, 200, res.text);
      assertValid('verifiableCredentialResponse', res.body);
      assert.equal(res.body.format, 'jwt_vc_json');
      assert.equal(res.headers['cache-control'], 'no-store');

      const credential = String(res.body.credential_draft_00);
      const jwks = (await (await request(new URL('/.well-known/jwks.json', pub))).body.json()) as JSONWebKeySet;
      const { payload, protectedHeader } = await jwtVerify(credential, createLocalJWKSet(jwks), { issuer: ISSUER });
      assert.equal(protectedHeader.kid, decodeProtectedHeader(String(tokens.id_token)).kid, 'signed with the key that signs ID tokens');
      const did = didOf(me.jwk);
      assert.equal(payload.sub, did);
      assert.equal(typeof payload.jti, 'string');
      assert.equal(payload.nbf, payload.iat);
      assert.equal(Number(payload.exp) - Number(payload.iat), 3600);
      assert.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 60, 'issued now');
      const vc = payload.vc as { '@context': string[]; type: string[]; credentialSubject: Record<string, unknown> };
      assert.deepEqual(vc['@context'], ['https://www.w3.org/2018/credentials/v1']);
      assert.deepEqual(vc.type, ['VerifiableCredential', 'UserInfoCredential']);
      assert.equal(vc.credentialSubject.id, did, 'a consent claim named id never replaces the holder binding');
      assert.equal(vc.credentialSubject.sub, 'alice', 'nor one named sub the user');
      assert.equal(vc.credentialSubject.email, 'alice@example.com');
      assert.equal(typeof vc.credentialSubject.sid, 'string');
    });

    test('a request without a proof answers Hydra\'s 400 missing_proof with a fresh nonce, which then works for every advertised algorithm', async () => {
      const primed = await credentials({ format: 'jwt_vc_json', types: ['VerifiableCredential', 'UserInfoCredential'] }, bearer(tokens.access_token));
      assert.equal(primed.status, 400, primed.text);
      assertValid('verifiableCredentialPrimingResponse', primed.body);
      assert.equal(primed.body.error, 'missing_proof');
      assert.equal(primed.body.error_description, 'Could not issue a verifiable credential because the proof is missing in the request.');
      assert.equal(primed.body.format, 'jwt_vc');
      assert.equal(primed.body.c_nonce_expires_in, 1800);
      assert.equal(typeof primed.body.c_nonce, 'string');

      for (const alg of SUITES) {
        const me = await holder(alg);
        const res = await credentials({ format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: primed.body.c_nonce }) } }, bearer(tokens.access_token));
        assert.equal(res.status, 200, `${alg}: ${res.text}`);
        const { sub } = decodeJwt(String(res.body.credential_draft_00));
        assert.equal(sub, didOf(me.jwk), alg);
      }
    });

    test('a JWT access token (the client\'s access_token_strategy) obtains a credential the same way', async () => {
      if (!cluster) throw new Error('cluster not started');
      const jwtClient = await createClient(cluster.adminUrl, {
        grant_types: ['authorization_code'],
        response_types: ['code'],
        scope: SCOPE,
        redirect_uris: [REDIRECT],
        access_token_strategy: 'jwt',
      });
      const jwtTokens = await login(SCOPE, ['openid', 'userinfo_credential_draft_00'], jwtClient);
      assert.equal(String(jwtTokens.access_token).split('.').length, 3, 'a JWT access token');
      const me = await holder('EdDSA');
      const res = await credentials({ format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: jwtTokens.c_nonce_draft_00 }) } }, bearer(jwtTokens.access_token));
      assert.equal(res.status, 200, res.text);
      assert.equal(decodeJwt(String(res.body.credential_draft_00)).sub, didOf(me.jwk));
      // The nonce is bound to the token it came with: the opaque token's nonce does not serve this one.
      const crossed = await credentials({ format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: tokens.c_nonce_draft_00 }) } }, bearer(jwtTokens.access_token));
      refused(crossed, 400, 'invalid_request', /The nonce is invalid\./);
    });

    test('no token, an unknown, revoked or refresh token: refused as Hydra does', async () => {
      const body = { format: 'jwt_vc_json' };
      refused(await credentials(body), 401, 'request_unauthorized', /could not be authorized/);
      refused(await credentials(body, 'Bearer ory_at_unknown.signature'), 401, 'request_unauthorized', /could not be authorized/);
      refused(await credentials(body, `Basic ${Buffer.from('a:b').toString('base64')}`), 401, 'request_unauthorized', /could not be authorized/);
      refused(await credentials(body, bearer(tokens.refresh_token)), 400, 'invalid_request', /The provided token is not an access token\./);

      const other = await login(SCOPE, SCOPE.split(' '));
      await postForm(pub, '/oauth2/revoke', [['token', String(other.access_token)]], basic(client.client_id, client.client_secret));
      const me = await holder();
      refused(
        await credentials({ format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: other.c_nonce_draft_00 }) } }, bearer(other.access_token)),
        401,
        'request_unauthorized',
        /could not be authorized/,
      );
    });

    test('a token not granted userinfo_credential_draft_00 gets no credential (403 insufficient_scope)', async () => {
      const plain = await login('openid offline_access userinfo_credential_draft_00', ['openid', 'offline_access']);
      const me = await holder();
      refused(
        await credentials({ format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: tokens.c_nonce_draft_00 }) } }, bearer(plain.access_token)),
        403,
        'insufficient_scope',
        /userinfo_credential_draft_00/,
      );
      refused(await credentials({ format: 'jwt_vc_json' }, bearer(plain.access_token)), 403, 'insufficient_scope', /userinfo_credential_draft_00/);
    });

    test('unsupported format or proof type, and malformed, forged or misaddressed proofs: 400 invalid_request with Hydra\'s hint', async () => {
      const me = await holder();
      const at = bearer(tokens.access_token);
      const nonce = tokens.c_nonce_draft_00;
      const good = await proof(me, { nonce });
      const cases: [string, unknown, RegExp][] = [
        ['unsupported format', { format: 'ldp_vc', proof: { proof_type: 'jwt', jwt: good } }, /The format "ldp_vc" is not supported\./],
        ['no format', { proof: { proof_type: 'jwt', jwt: good } }, /The format "" is not supported\./],
        ['unsupported proof type', { format: 'jwt_vc_json', proof: { proof_type: 'cwt', jwt: good } }, /The proof type "cwt" is not supported\./],
        ['not a JWT', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: 'garbage' } }, /The JWT in the proof is malformed\./],
        ['unreadable header', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: '!!!.e30.sig' } }, /The JWT header in the proof is malformed\./],
        ['no jwk header', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await new SignJWT({ nonce }).setProtectedHeader({ alg: 'ES256' }).sign(me.privateKey) } }, /The JWK in the JWT header is malformed\./],
        ['private key in the header', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce }, await exportJWK(me.privateKey)) } }, /The JWK in the JWT header is malformed\./],
        ['signed by another key', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(await holder(), { nonce }, me.jwk) } }, /The JWT was not signed with the correct key supplied in the JWK header\./],
        ['no nonce claim', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, {}) } }, /The JWT did not contain the "nonce" claim\./],
        ['a nonce Tessera never issued', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: 'invalid nonce' }) } }, /The nonce is invalid\./],
        ['for another issuer', { format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce, aud: 'https://elsewhere.example/' }) } }, /"aud"/],
      ];
      for (const [name, body, hint] of cases) {
        const res = await credentials(body, at);
        assert.equal(res.status, 400, `${name}: ${res.text}`);
        refused(res, 400, 'invalid_request', hint);
      }
    });

    test("a nonce issued for another access token, or expired (ttl.vc_nonce), is refused", async () => {
      const me = await holder();
      const other = await login(SCOPE, SCOPE.split(' '));
      refused(
        await credentials({ format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: other.c_nonce_draft_00 }) } }, bearer(tokens.access_token)),
        400,
        'invalid_request',
        /The nonce is invalid\./,
      );

      // Sealed as the server seals it, but an hour ago with a one-minute lifetime: expired for 59 minutes.
      if (!cluster) throw new Error('cluster not started');
      const stale = createCredentialNonces({ systemSecrets: cluster.config.secrets.system, ttlMs: 60_000, now: () => new Date(Date.now() - 3_600_000) });
      const expired = stale.issue(String(tokens.access_token)).nonce;
      refused(
        await credentials({ format: 'jwt_vc_json', proof: { proof_type: 'jwt', jwt: await proof(me, { nonce: expired }) } }, bearer(tokens.access_token)),
        400,
        'invalid_request',
        /The nonce has expired\./,
      );
    });
  });
}
