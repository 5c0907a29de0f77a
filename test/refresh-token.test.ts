/**
 * The refresh token grant end to end (RFC 6749 §6, RFC 9700 §4.14.2, DESIGN.md Storage):
 * rotation, reuse detection revoking the whole grant, scope narrowing, the parallel refresh
 * race, the grace period, and the ID token re-issued on refresh, on every available database.
 * The first grant is minted by an in-process registry on the cluster's database (the browser
 * flow is tested elsewhere); every refresh goes over real HTTP, except the grace-period cases,
 * which need a controlled clock and call the same token endpoint in process.
 */
import assert from 'node:assert/strict';
import { STALE_AFTER_MS } from '../core-service/storage/change-feed.js';
import { within } from './support/within.js';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { PresentedCredentials } from '../core-service/clients/authenticate.js';
import { leftHalfHash } from '../core-service/tokens/id-token.js';
import { OAuthError } from '../core-service/shared/errors.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { grantSession, inProcessRegistry, issueGrant, type InProcessRegistry } from './support/grants.js';
import { basic, createClient, introspect, postForm, type Answer } from './support/oauth2.js';

const SCOPE = ['openid', 'offline_access', 'profile'];

for (const db of testDatabases()) {
  describe(`refresh token grant on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let reg: InProcessRegistry | undefined;
    let admin = '';
    let pub = '';
    let client = { client_id: '', client_secret: '' };

    const refresh = (token: string, extra: [string, string][] = [], who = client): Promise<Answer> =>
      postForm(pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', token], ...extra], basic(who.client_id, who.client_secret));
    const active = async (token: string) => (await introspect(admin, token)).body.active === true;
    const registry = () => {
      if (!reg) throw new Error('registry not started');
      return reg;
    };
    const newGrant = (over: Parameters<typeof grantSession>[2] = {}) => issueGrant(registry(), client.client_id, grantSession('alice', SCOPE, over));

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: 'https://tessera.test/' } });
      admin = cluster.adminUrl;
      pub = cluster.publicUrl;
      reg = await inProcessRegistry(cluster.config);
      client = await createClient(admin, {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: SCOPE.join(' '),
        redirect_uris: ['https://app.example/cb'],
      });
    });

    after(async () => {
      await reg?.close();
      await cluster?.close();
      await database?.drop();
    });

    test('a refresh rotates: new pair, old refresh token and old access token dead', async () => {
      const first = await newGrant();
      assert.ok(first.refresh_token?.startsWith('ory_rt_'));
      const res = await refresh(first.refresh_token ?? '');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.token_type, 'bearer');
      assert.equal(res.body.scope, SCOPE.join(' '));
      assert.notEqual(res.body.refresh_token, first.refresh_token);
      assert.equal(await active(String(res.body.access_token)), true);
      assert.equal(await active(String(res.body.refresh_token)), true);
      assert.equal(await active(first.refresh_token ?? ''), false);
      assert.equal(await active(first.access_token), false);
    });

    test('the refreshed ID token has the grant subject, a matching at_hash and no nonce', async () => {
      const first = await newGrant({ id_token_claims: { email: 'alice@example.com' } });
      const res = await refresh(first.refresh_token ?? '');
      assert.equal(res.status, 200, res.text);
      const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', pub));
      const { payload } = await jwtVerify(String(res.body.id_token), jwks, { issuer: 'https://tessera.test/', audience: client.client_id });
      assert.equal(payload.sub, 'alice');
      assert.equal(payload.email, 'alice@example.com');
      assert.equal(payload.at_hash, leftHalfHash(String(res.body.access_token), 'RS256'));
      assert.equal(payload.nonce, undefined);
      assert.equal(typeof payload.auth_time, 'number');
    });

    test('reusing a rotated refresh token revokes every token of the grant', async () => {
      const first = await newGrant();
      const second = await refresh(first.refresh_token ?? '');
      assert.equal(second.status, 200, second.text);
      const replay = await refresh(first.refresh_token ?? '');
      assert.equal(replay.status, 400, replay.text);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal(await active(String(second.body.access_token)), false);
      assert.equal(await active(String(second.body.refresh_token)), false);
      const afterRevocation = await refresh(String(second.body.refresh_token));
      assert.equal(afterRevocation.body.error, 'invalid_grant');
    });

    test('scope may narrow, and the next refresh still holds the original scope', async () => {
      const first = await newGrant();
      const narrowed = await refresh(first.refresh_token ?? '', [['scope', 'openid offline_access']]);
      assert.equal(narrowed.status, 200, narrowed.text);
      assert.equal(narrowed.body.scope, 'openid offline_access');
      assert.equal((await introspect(admin, String(narrowed.body.access_token))).body.scope, 'openid offline_access');
      const full = await refresh(String(narrowed.body.refresh_token));
      assert.equal(full.status, 200, full.text);
      assert.equal(full.body.scope, SCOPE.join(' '));
    });

    test('scope never widens (invalid_scope), and the token stays usable', async () => {
      const first = await newGrant();
      const widened = await refresh(first.refresh_token ?? '', [['scope', 'openid admin']]);
      assert.equal(widened.status, 400, widened.text);
      assert.equal(widened.body.error, 'invalid_scope');
      assert.equal((await refresh(first.refresh_token ?? '')).status, 200);
    });

    test('without openid the refresh returns no ID token', async () => {
      const first = await newGrant();
      const res = await refresh(first.refresh_token ?? '', [['scope', 'offline_access']]);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.id_token, undefined);
    });

    test('another client cannot use the refresh token, and the grant survives', async () => {
      const other = await createClient(admin, { grant_types: ['refresh_token'], scope: SCOPE.join(' ') });
      const first = await newGrant();
      const stolen = await refresh(first.refresh_token ?? '', [], other);
      assert.equal(stolen.status, 400, stolen.text);
      assert.equal(stolen.body.error, 'invalid_grant');
      assert.equal((await refresh(first.refresh_token ?? '')).status, 200);
    });

    test('a forged or unknown refresh token is invalid_grant', async () => {
      const first = await newGrant();
      const token = first.refresh_token ?? '';
      // Two characters of the signature changed, never to what they were.
      const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      assert.equal((await refresh(forged)).body.error, 'invalid_grant');
      assert.equal((await refresh(first.access_token)).body.error, 'invalid_grant');
    });

    test('ten parallel refreshes of one token: exactly one wins', async () => {
      const first = await newGrant();
      const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(first.refresh_token ?? '')));
      const winners = answers.filter((a) => a.status === 200);
      assert.equal(winners.length, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
      // A racer that read the token after the winner rotated it is indistinguishable from a
      // replay and revokes the grant (as Hydra does without a grace period); none gets tokens.
      for (const loser of answers.filter((a) => a.status !== 200)) assert.equal(loser.body.error, 'invalid_grant', loser.text);
    });

    describe('grace period (30s, reuse count 2), on a controlled clock', () => {
      let clock = Date.now();
      let graceReg: InProcessRegistry | undefined;
      const exchange = (token: string) => {
        if (!graceReg) throw new Error('not started');
        const credentials: PresentedCredentials = {
          authorizationHeader: basic(client.client_id, client.client_secret).authorization ?? '',
          clientId: '',
          clientSecret: '',
          clientAssertionType: '',
          clientAssertion: '',
        };
        const form = new Map([['grant_type', ['refresh_token']], ['refresh_token', [token]]]);
        return graceReg.registry.tokenEndpoint.exchange(credentials, form, graceReg.registry.tokenEndpointUrl);
      };
      const refused = (err: unknown) => err instanceof OAuthError && err.code === 'invalid_grant';

      before(async () => {
        if (!cluster) throw new Error('cluster not started');
        const config = { ...cluster.config, oauth2: { ...cluster.config.oauth2, refreshTokenRotation: { gracePeriod: 30_000, graceReuseCount: 2 } } };
        graceReg = await inProcessRegistry(config, () => new Date(clock));
      });
      after(() => graceReg?.close());

      test('accepts a reuse within the period, up to the reuse count of exchanges in all (Hydra)', async () => {
        clock = Date.now();
        const first = await newGrant();
        const rotated = await exchange(first.refresh_token ?? '');
        clock += 10_000;
        // Hydra's rotation_grace_reuse_count counts every exchange, the first included.
        const reuse = await exchange(first.refresh_token ?? '');
        assert.ok(reuse.refresh_token && rotated.refresh_token);
        // A grace reuse leaves the tokens the first exchange handed out active.
        assert.equal(await active(rotated.access_token), true);
        assert.equal(await active(rotated.refresh_token), true);
        assert.equal(await active(first.access_token), false);
        await assert.rejects(exchange(first.refresh_token ?? ''), refused);
        // The third exchange is a replay: the whole grant is gone. It ran in this process's own
        // registry, another replica as far as the cluster's core is concerned, whose token cache
        // hears of it within the change feed's bound.
        for (const token of [rotated.access_token, rotated.refresh_token, reuse.access_token, reuse.refresh_token]) {
          await within(STALE_AFTER_MS, 'the revoked grant', async () => !(await active(token)));
        }
      });

      test('refuses a reuse after the period and revokes the grant', async () => {
        clock = Date.now();
        const first = await newGrant();
        const rotated = await exchange(first.refresh_token ?? '');
        clock += 31_000;
        await assert.rejects(exchange(first.refresh_token ?? ''), refused);
        assert.equal(await active(rotated.refresh_token ?? ''), false);
      });

      test('a revoked grant gets no grace', async () => {
        clock = Date.now();
        const first = await newGrant();
        const rotated = await exchange(first.refresh_token ?? '');
        const revoked = await postForm(pub, '/oauth2/revoke', [['token', rotated.refresh_token ?? '']], basic(client.client_id, client.client_secret));
        assert.equal(revoked.status, 200, revoked.text);
        await assert.rejects(exchange(first.refresh_token ?? ''), refused);
      });
    });
  });
}
