/**
 * Core's caches across replicas (issue 11): two core processes on one PostgreSQL or MariaDB
 * database, a gateway in front of each. A change made through replica A (a revocation, a
 * client's new secret, a deletion, reuse detection) must be seen by replica B, whose caches
 * were warm, within the change feed's documented bound (storage/change-feed.ts STALE_AFTER_MS,
 * 1 s); every check that starts after the bound must already see it. SQLite runs one core
 * process only (an embedded database is one process's file), so there A and B are the same
 * replica and the bound is "at once".
 *
 * Each test first proves the cache on B is warm and trusted: a row changed behind core's back
 * (raw SQL, which announces nothing) still reads as it was cached. Without a cache the
 * propagation checks would pass trivially.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { IntrospectionServiceClient, type IntrospectBatchResponse } from '../proto/gen/tessera/v1/introspection.js';
import { STALE_AFTER_MS } from '../core-service/storage/change-feed.js';
import type { Orm } from '../core-service/storage/orm.js';
import { gatewayMetadata, startReplicas, testConfig, type Replicas } from './support/cluster.js';
import { migratedDatabase, testDatabases } from './support/databases.js';
import { grantSession, inProcessRegistry, issueGrant, type InProcessRegistry } from './support/grants.js';
import { adminCall, basic, clientCredentials, createClient, introspect, mintToken, postForm } from './support/oauth2.js';
import { within } from './support/within.js';

const active = async (admin: string, token: string) => (await introspect(admin, token)).body.active === true;

function introspectBatch(address: string, tokens: string[]): Promise<IntrospectBatchResponse> {
  const client = new IntrospectionServiceClient(address, credentials.createInsecure());
  return new Promise<IntrospectBatchResponse>((resolve, reject) => {
    client.introspectBatch({ requests: tokens.map((token) => ({ token, scope: '' })) }, gatewayMetadata(), (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    });
  });
}

for (const db of testDatabases()) {
  const count = db.name === 'sqlite' ? 1 : 2;
  describe(`caches across ${count} core process(es) on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: { dsn: string; orm: Orm; drop(): Promise<void> } | undefined;
    let replicas: Replicas | undefined;
    let reg: InProcessRegistry | undefined;
    const A = 0;
    const B = count - 1;
    const at = (i: number) => {
      if (!replicas) throw new Error('replicas not started');
      return { pub: replicas.pub[i] ?? '', admin: replicas.admin[i] ?? '', grpc: replicas.grpc[i] ?? '' };
    };
    /**
     * A warm, trusted token cache on B: a row deactivated behind core's back still reads as
     * cached. A replica also hears its own changes back from the feed a moment after it applied
     * them (harmlessly dropping what it cached since), so the warm-up is tried a few times.
     */
    async function assertCachedOnB(clientId: string, token: string): Promise<void> {
      if (!database) throw new Error('no database');
      const rows = () => database?.orm.em.getKnex()('oauth2_tokens').where({ client_id: clientId }) ?? assert.fail('no database');
      let cached = false;
      for (let attempt = 0; attempt < 5 && !cached; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(await active(at(B).admin, token), true, 'the token is active on B');
        await rows().update({ active: false });
        cached = await active(at(B).admin, token);
        await rows().update({ active: true });
      }
      assert.ok(cached, 'B answers from its cache (a raw update announces nothing)');
    }

    before(async () => {
      database = await migratedDatabase(db);
      replicas = await startReplicas(database.dsn, count);
      reg = await inProcessRegistry(testConfig({ DSN: database.dsn }));
    });

    after(async () => {
      await reg?.close();
      await replicas?.close();
      await database?.drop();
    });

    test('a token revoked on A is inactive on B within the bound', async () => {
      const client = await createClient(at(A).admin, { grant_types: ['client_credentials'], scope: 'read' });
      const token = await mintToken(at(A).pub, client.client_id, client.client_secret, [['scope', 'read']]);
      await assertCachedOnB(client.client_id, token);
      const revoked = await postForm(at(A).pub, '/oauth2/revoke', [['token', token]], basic(client.client_id, client.client_secret));
      assert.equal(revoked.status, 200);
      const ms = await within(STALE_AFTER_MS, 'revocation', async () => !(await active(at(B).admin, token)));
      console.log(`# ${db.name}: revocation seen on B after ${Math.round(ms)} ms`);
    });

    test("DELETE /admin/oauth2/tokens on A ends the client's tokens on B within the bound", async () => {
      const client = await createClient(at(A).admin, { grant_types: ['client_credentials'], scope: 'read' });
      const tokens = [await mintToken(at(A).pub, client.client_id, client.client_secret), await mintToken(at(B).pub, client.client_id, client.client_secret)];
      await assertCachedOnB(client.client_id, tokens[0] ?? '');
      for (const token of tokens) assert.equal(await active(at(B).admin, token), true);
      const deleted = await adminCall(at(A).admin, 'DELETE', `/admin/oauth2/tokens?client_id=${encodeURIComponent(client.client_id)}`);
      assert.equal(deleted.status, 204);
      for (const token of tokens) await within(STALE_AFTER_MS, 'token deletion', async () => !(await active(at(B).admin, token)));
    });

    test("a client's new secret on A: B refuses the old one within the bound and accepts the new one", async () => {
      const client = await createClient(at(A).admin, { grant_types: ['client_credentials'], scope: 'read' });
      // Warm B's client cache and its secret-verification cache.
      for (let i = 0; i < 2; i += 1) assert.equal((await clientCredentials(at(B).pub, client.client_id, client.client_secret)).status, 200);
      const read = await adminCall(at(A).admin, 'GET', `/admin/clients/${encodeURIComponent(client.client_id)}`);
      const newSecret = 'a-brand-new-secret-0123456789-abcdef';
      const replaced = await adminCall(at(A).admin, 'PUT', `/admin/clients/${encodeURIComponent(client.client_id)}`, { ...read.body, client_secret: newSecret });
      assert.equal(replaced.status, 200, replaced.text);
      await within(STALE_AFTER_MS, 'secret rotation', async () => (await clientCredentials(at(B).pub, client.client_id, client.client_secret)).status === 401);
      assert.equal((await clientCredentials(at(B).pub, client.client_id, newSecret)).status, 200, 'the new secret works on B');
    });

    test('a client deleted on A: B refuses it and its tokens within the bound', async () => {
      const client = await createClient(at(A).admin, { grant_types: ['client_credentials'], scope: 'read' });
      const token = await mintToken(at(B).pub, client.client_id, client.client_secret);
      await assertCachedOnB(client.client_id, token);
      const deleted = await adminCall(at(A).admin, 'DELETE', `/admin/clients/${encodeURIComponent(client.client_id)}`);
      assert.equal(deleted.status, 204);
      await within(STALE_AFTER_MS, 'client deletion (token)', async () => !(await active(at(B).admin, token)));
      await within(STALE_AFTER_MS, 'client deletion (client)', async () => (await clientCredentials(at(B).pub, client.client_id, client.client_secret)).status === 401);
    });

    test('reuse of a rotated refresh token on A revokes the grant on B within the bound', async () => {
      if (!reg) throw new Error('no registry');
      const client = await createClient(at(A).admin, {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access',
        redirect_uris: ['https://app.example/cb'],
      });
      const first = await issueGrant(reg, client.client_id, grantSession('alice', ['openid', 'offline_access']));
      const auth = basic(client.client_id, client.client_secret);
      const rotated = await postForm(at(A).pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', first.refresh_token ?? '']], auth);
      assert.equal(rotated.status, 200, rotated.text);
      const current = String(rotated.body.access_token);
      await assertCachedOnB(client.client_id, current);
      const replay = await postForm(at(A).pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', first.refresh_token ?? '']], auth);
      assert.equal(replay.status, 400, 'the replay is refused');
      await within(STALE_AFTER_MS, 'reuse detection', async () => !(await active(at(B).admin, current)));
    });

    test('IntrospectBatch: one result per token, in order; a bad token never fails the batch; more than 100 is refused', async () => {
      const client = await createClient(at(A).admin, { grant_types: ['client_credentials'], scope: 'read write' });
      const live = await mintToken(at(A).pub, client.client_id, client.client_secret, [['scope', 'read']]);
      const revoked = await mintToken(at(A).pub, client.client_id, client.client_secret, [['scope', 'write']]);
      assert.equal((await postForm(at(A).pub, '/oauth2/revoke', [['token', revoked]], basic(client.client_id, client.client_secret))).status, 200);
      await within(STALE_AFTER_MS, 'revocation', async () => !(await active(at(B).admin, revoked)));
      const batch = await introspectBatch(at(B).grpc, [live, 'ory_at_forged.signature', revoked, '', live]);
      assert.deepEqual(
        batch.results.map((r) => [r.active, r.scope]),
        [
          [true, 'read'],
          [false, ''],
          [false, ''],
          [false, ''],
          [true, 'read'],
        ],
      );
      assert.equal(batch.results[0]?.client_id, client.client_id);
      const tooMany = await introspectBatch(at(B).grpc, Array.from({ length: 101 }, () => live)).then(
        () => undefined,
        (err: ServiceError) => err,
      );
      assert.equal(tooMany?.code, status.INVALID_ARGUMENT);
      assert.match(tooMany?.details ?? '', /at most 100/);
    });
  });
}
