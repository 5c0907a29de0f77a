/**
 * A refresh re-checks the client's current registration (issue 9 §4, fosite's refresh handler),
 * end to end: a grant made through the browser flow (test login app) and the token endpoint,
 * then an administrator changes the client through the admin API and the next refresh sees it.
 * A refused refresh leaves the refresh token usable once the registration allows it again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { Browser, param } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loginApp, runFlow } from './support/login-app.js';
import { adminCall, basic, createClient, introspect, postForm, type Answer } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const REDIRECT = 'https://app.example/cb';
const API = 'https://api.example';
const VERIFIER = 'v'.repeat(43) + '-verifier-abcdefghijklmnop';

for (const db of testDatabases()) {
  describe(`refresh re-checks the client registration on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, URLS_LOGIN: 'https://login.test/login', URLS_CONSENT: 'https://login.test/consent' } });
    });
    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    const the = (): Cluster => cluster ?? assert.fail('cluster not started');

    /** A client and a refresh token granted scope openid offline_access profile and audience API. */
    async function grant(): Promise<{ client: { client_id: string; client_secret: string }; refreshToken: string }> {
      const { adminUrl, publicUrl } = the();
      const client = await createClient(adminUrl, {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access profile',
        audience: [API],
        redirect_uris: [REDIRECT],
      });
      const url = new URL('/oauth2/auth', publicUrl);
      const params = {
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'openid offline_access profile',
        audience: API,
        state: 'state-0123456789',
        code_challenge: await oidc.calculatePKCECodeChallenge(VERIFIER),
        code_challenge_method: 'S256',
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const back = await runFlow(new Browser({ [new URL(ISSUER).origin]: publicUrl }), loginApp(adminUrl), url, { subject: 'grace' });
      const code = param(back.location, 'code') ?? assert.fail(back.location);
      const tokens = await postForm(
        publicUrl,
        '/oauth2/token',
        [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT], ['code_verifier', VERIFIER]],
        basic(client.client_id, client.client_secret),
      );
      assert.equal(tokens.status, 200, tokens.text);
      assert.equal((await introspect(adminUrl, String(tokens.body.access_token))).body.aud?.toString(), API);
      return { client, refreshToken: String(tokens.body.refresh_token) };
    }

    const refresh = (client: { client_id: string; client_secret: string }, token: string): Promise<Answer> =>
      postForm(the().publicUrl, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', token]], basic(client.client_id, client.client_secret));

    const patch = async (clientId: string, ops: unknown[]) => {
      const res = await adminCall(the().adminUrl, 'PATCH', `/admin/clients/${clientId}`, ops);
      assert.equal(res.status, 200, res.text);
    };

    test('a scope taken away from the client is refused (invalid_scope); the token survives until it is given back', async () => {
      const { client, refreshToken } = await grant();
      await patch(client.client_id, [{ op: 'replace', path: '/scope', value: 'openid offline_access' }]);
      const refused = await refresh(client, refreshToken);
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error, 'invalid_scope');
      assert.match(String(refused.body.error_description), /profile/);

      await patch(client.client_id, [{ op: 'replace', path: '/scope', value: 'openid offline_access profile' }]);
      const again = await refresh(client, refreshToken);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.scope, 'openid offline_access profile');
    });

    test('an audience taken away from the client is refused (invalid_request), never minted', async () => {
      const { client, refreshToken } = await grant();
      await patch(client.client_id, [{ op: 'replace', path: '/audience', value: [] }]);
      const refused = await refresh(client, refreshToken);
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error, 'invalid_request');
      assert.match(String(refused.body.error_description), /api\.example/);
    });

    test('without the refresh_token grant the client is unauthorized_client; a deleted client is invalid_client', async () => {
      const { client, refreshToken } = await grant();
      await patch(client.client_id, [{ op: 'replace', path: '/grant_types', value: ['authorization_code'] }]);
      const refused = await refresh(client, refreshToken);
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error, 'unauthorized_client');

      const second = await grant();
      assert.equal((await adminCall(the().adminUrl, 'DELETE', `/admin/clients/${second.client.client_id}`)).status, 204);
      const gone = await refresh(second.client, second.refreshToken);
      assert.equal(gone.status, 401, gone.text);
      assert.equal(gone.body.error, 'invalid_client');
    });
  });
}
