/**
 * `response_type=id_token` (OIDC Core §3.2, implicit) and `code id_token` (§3.3, hybrid): an ID
 * token from the authorization endpoint without an access token, end to end through the
 * browser-flow endpoints and the test login app, checked by a real relying party
 * (`openid-client`: signature, issuer, audience, nonce, state and the hybrid c_hash), plus
 * Hydra's rules around them: nonce and redirect_uri required, the implicit grant for `id_token`
 * only, the fragment by default, and what happens when the consent does not grant `openid`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { Browser, type Hop } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loginApp, runFlow, type LoginApp } from './support/login-app.js';
import { createClient, introspect } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const REDIRECT = 'https://app.example/cb';
const STATE = 'state-0123456789';

const fragmentOf = (hop: Hop) => {
  assert.equal(hop.status, 302, hop.body);
  assert.ok(hop.location.startsWith(`${REDIRECT}#`), `fragment response mode by default: ${hop.location}`);
  return new URLSearchParams(new URL(hop.location).hash.slice(1));
};

for (const db of testDatabases()) {
  describe(`ID token response types on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';
    let app: LoginApp;
    let implicit = { client_id: '', client_secret: '' };
    let hybrid = { client_id: '', client_secret: '' };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, URLS_LOGIN: 'https://login.test/login', URLS_CONSENT: 'https://login.test/consent' } });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      app = loginApp(admin);
      implicit = await createClient(admin, { grant_types: ['implicit'], response_types: ['id_token'], scope: 'openid profile', redirect_uris: [REDIRECT] });
      // fosite's hybrid handler: `code id_token` is the code grant; the client needs no implicit grant.
      hybrid = await createClient(admin, { grant_types: ['authorization_code'], response_types: ['code id_token', 'id_token'], scope: 'openid profile', redirect_uris: [REDIRECT] });
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    const browser = () => new Browser({ [new URL(ISSUER).origin]: pub });

    /** A relying party configured as openid-client would be from discovery, for `who`. */
    function relyingParty(who: { client_id: string; client_secret: string }): oidc.Configuration {
      const config = new oidc.Configuration(
        {
          issuer: ISSUER,
          authorization_endpoint: new URL('/oauth2/auth', pub).toString(),
          token_endpoint: new URL('/oauth2/token', pub).toString(),
          jwks_uri: new URL('/.well-known/jwks.json', pub).toString(),
        },
        who.client_id,
        who.client_secret,
        // Hydra's default token_endpoint_auth_method.
        oidc.ClientSecretBasic(),
      );
      oidc.allowInsecureRequests(config);
      return config;
    }

    /** The authorization URL openid-client builds, its host mapped to the issuer's, with `over` applied ('' removes). */
    function authUrl(config: oidc.Configuration, params: Record<string, string>): URL {
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state: STATE, ...params });
      for (const [name, value] of Object.entries(params)) if (value === '') url.searchParams.delete(name);
      return url;
    }

    test('id_token: an ID token and no access token in the fragment, verified by openid-client', async () => {
      const config = relyingParty(implicit);
      oidc.useIdTokenResponseType(config);
      const nonce = oidc.randomNonce();
      const url = authUrl(config, { nonce });
      assert.equal(url.searchParams.get('response_type'), 'id_token');
      const back = await runFlow(browser(), app, url, { idTokenClaims: { nickname: 'ally' } });
      const fragment = fragmentOf(back);
      assert.equal(fragment.get('state'), STATE);
      for (const absent of ['access_token', 'token_type', 'code', 'refresh_token']) assert.equal(fragment.get(absent), null, `${absent} must not be returned`);

      const claims = await oidc.implicitAuthentication(config, new URL(back.location), nonce, { expectedState: STATE });
      assert.equal(claims.sub, 'alice');
      assert.equal(claims.iss, ISSUER);
      assert.equal(claims.nonce, nonce);
      assert.equal(claims.nickname, 'ally');
      assert.equal(claims.at_hash, undefined, 'no access token, so no at_hash');
      assert.equal(claims.c_hash, undefined);
    });

    test('code id_token: code and ID token with c_hash in the fragment; openid-client checks both and redeems the code', async () => {
      const config = relyingParty(hybrid);
      oidc.useCodeIdTokenResponseType(config);
      const nonce = oidc.randomNonce();
      const verifier = oidc.randomPKCECodeVerifier();
      const url = authUrl(config, { nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      assert.equal(url.searchParams.get('response_type'), 'code id_token');
      const back = await runFlow(browser(), app, url);
      const fragment = fragmentOf(back);
      assert.ok(fragment.get('code')?.startsWith('ory_ac_'));
      assert.equal(fragment.get('access_token'), null);
      const frontChannel = decodeJwt(String(fragment.get('id_token')));
      assert.equal(typeof frontChannel.c_hash, 'string');
      assert.equal(frontChannel.at_hash, undefined);

      // openid-client validates the front-channel ID token (signature, nonce, c_hash) before it redeems the code.
      const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: STATE });
      assert.equal((await introspect(admin, tokens.access_token)).body.active, true);
      assert.equal(tokens.claims()?.nonce, nonce);

      // A tampered code no longer matches the c_hash: the relying party refuses before redeeming anything.
      const forged = new URL(back.location);
      const params = new URLSearchParams(forged.hash.slice(1));
      params.set('code', `${String(params.get('code')).slice(0, -2)}xx`);
      forged.hash = params.toString();
      await assert.rejects(oidc.authorizationCodeGrant(config, forged, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: STATE }), (err: unknown) => {
        const chain: string[] = [];
        for (let at: unknown = err; at instanceof Error; at = at.cause) chain.push(at.message, JSON.stringify(at.cause ?? null));
        assert.match(chain.join(' '), /c_hash/);
        return true;
      });
    });

    test('Hydra\'s rules: nonce and redirect_uri required, implicit grant for id_token alone, no query mode, openid must be granted', async () => {
      const errorIn = (hop: Hop) => fragmentOf(hop).get('error');
      const implicitUrl = (params: Record<string, string>) => authUrl(relyingParty(implicit), { response_type: 'id_token', nonce: 'nonce-0123456789', ...params });
      assert.equal(errorIn(await browser().go(implicitUrl({ nonce: '' }))), 'invalid_request', 'OIDC Core §3.2.2.1: nonce is required');
      assert.equal(errorIn(await browser().go(implicitUrl({ redirect_uri: '' }))), 'invalid_request', 'redirect_uri is required, even with one registered');
      assert.equal(errorIn(await browser().go(implicitUrl({ scope: 'profile' }))), 'invalid_request', 'an ID token needs openid');
      assert.equal(errorIn(await browser().go(implicitUrl({ response_mode: 'query' }))), 'invalid_request', 'tokens never travel in the query');
      const hybridClientAlone = authUrl(relyingParty(hybrid), { response_type: 'id_token', nonce: 'nonce-0123456789' });
      assert.equal(errorIn(await browser().go(hybridClientAlone)), 'invalid_grant', 'id_token alone is the implicit grant');

      // The consent leaves openid out: `id_token` has nothing to answer with, `code id_token` answers with the code alone.
      const refused = await runFlow(browser(), app, implicitUrl({}), { grantScope: ['profile'] });
      assert.equal(errorIn(refused), 'unsupported_response_type');
      const codeOnly = fragmentOf(await runFlow(browser(), app, authUrl(relyingParty(hybrid), { response_type: 'code id_token', nonce: 'nonce-0123456789' }), { grantScope: ['profile'] }));
      assert.ok(codeOnly.get('code')?.startsWith('ory_ac_'));
      assert.equal(codeOnly.get('id_token'), null);
    });
  });
}
