/**
 * Hydra's claim settings honoured end to end (gateway + core + database, every dialect):
 * `strategies.jwt.scope_claim`, `oauth2.allowed_top_level_claims`,
 * `oauth2.mirror_top_level_claims`, `oauth2.preserve_ext_claims`,
 * `oauth2.exclude_not_before_claim`, `oauth2.client_credentials.default_grant_allowed_scope`,
 * and `oauth2.session.encrypt_at_rest` (on by default: the consent's claims are not readable in
 * the token table).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { parseDsn } from '../core-service/storage/dsn.js';
import { closeOrm, openOrm } from '../core-service/storage/orm.js';
import { Browser, param } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loginApp, runFlow } from './support/login-app.js';
import { basic, clientCredentials, createClient, introspect, postForm } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const REDIRECT = 'https://app.example/cb';
const VERIFIER = 'claims-config-verifier-'.padEnd(50, 'x');

for (const db of testDatabases()) {
  describe(`claim settings on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';

    before(async () => {
      database = await db.create();
      cluster = await startCluster({
        dsn: database.dsn,
        env: {
          URLS_SELF_ISSUER: ISSUER,
          URLS_LOGIN: 'https://login.test/login',
          URLS_CONSENT: 'https://login.test/consent',
          STRATEGIES_ACCESS_TOKEN: 'jwt',
          STRATEGIES_JWT_SCOPE_CLAIM: 'both',
          OAUTH2_ALLOWED_TOP_LEVEL_CLAIMS: 'tier,email,sub',
          OAUTH2_MIRROR_TOP_LEVEL_CLAIMS: 'false',
          OAUTH2_PRESERVE_EXT_CLAIMS: 'true',
          OAUTH2_EXCLUDE_NOT_BEFORE_CLAIM: 'true',
          OAUTH2_CLIENT_CREDENTIALS_DEFAULT_GRANT_ALLOWED_SCOPE: 'true',
        },
      });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    test('client_credentials without scope gets every scope of the client; the JWT carries scp and scope, no nbf', async () => {
      const client = await createClient(admin, { grant_types: ['client_credentials'], scope: 'read write' });
      const res = await clientCredentials(pub, client.client_id, client.client_secret);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.scope, 'read write');
      const claims = decodeJwt(String(res.body.access_token));
      assert.deepEqual([claims.scp, claims.scope, claims.nbf], [['read', 'write'], 'read write', undefined]);
      assert.equal((await introspect(admin, String(res.body.access_token))).body.scope, 'read write');
      // Asking for less still gets exactly that.
      assert.equal((await clientCredentials(pub, client.client_id, client.client_secret, [['scope', 'read']])).body.scope, 'read');
    });

    test('consent claims: allowed ones at the top level (never over sub), the rest under ext; introspection keeps them all; the session is sealed in the database', async () => {
      const client = await createClient(admin, { grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid', redirect_uris: [REDIRECT] });
      const url = new URL('/oauth2/auth', pub);
      const params = { client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'state-0123456789', code_challenge: await oidc.calculatePKCECodeChallenge(VERIFIER), code_challenge_method: 'S256' };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const consentClaims = { tier: 'gold', email: 'alice@example.com', role: 'admin', sub: 'mallory' };
      const back = await runFlow(new Browser({ [new URL(ISSUER).origin]: pub }), loginApp(admin), url, { accessTokenClaims: consentClaims });
      const res = await postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', String(param(back.location, 'code'))], ['redirect_uri', REDIRECT], ['code_verifier', VERIFIER]], basic(client.client_id, client.client_secret));
      assert.equal(res.status, 200, res.text);

      const claims = decodeJwt(String(res.body.access_token));
      assert.deepEqual([claims.tier, claims.email, claims.sub], ['gold', 'alice@example.com', 'alice']);
      assert.deepEqual(claims.ext, { role: 'admin', sub: 'mallory' }, 'mirroring off, preserve_ext_claims on: only what was not promoted');
      assert.equal(claims.nbf, undefined);
      assert.deepEqual([claims.scp, claims.scope], [['openid'], 'openid']);
      const info = await introspect(admin, String(res.body.access_token));
      assert.equal(info.body.active, true, info.text);
      assert.deepEqual(info.body.ext, consentClaims, 'introspection reports the session claims as they are (Hydra)');

      const orm = await openOrm(parseDsn(database?.dsn ?? ''));
      try {
        const rows = await orm.em.getConnection().execute<{ session: string }[]>('select session from oauth2_tokens where client_id = ?', [client.client_id]);
        assert.ok(rows.length >= 2, 'the code row and the access token row');
        for (const row of rows) {
          assert.match(String(row.session), /^v1\./, 'oauth2.session.encrypt_at_rest is on by default');
          assert.doesNotMatch(String(row.session), /gold|alice@example\.com/);
        }
      } finally {
        await closeOrm(orm);
      }
    });
  });
}
