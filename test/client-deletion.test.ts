/**
 * Deleting a client kills its tokens (issue 15 §4), as in Hydra, where the token and flow tables
 * reference the client ON DELETE CASCADE: after `DELETE /admin/clients/{id}` on gateway A, a
 * second core process (B) on the same database sees every access and refresh token of the client
 * as inactive within the caches' bound (storage/change-feed.ts STALE_AFTER_MS, 1 s), over HTTP and gRPC; refresh and userinfo refuse them; its consent sessions
 * are gone; and a client re-created with the same id does not bring any of them back. Also: a
 * token or consent for a client that no longer exists cannot be stored, and the migration that
 * adds the cascade deletes what earlier deletions left behind, keeping every other row intact.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { request } from 'undici';
import type { ConsentGrant } from '../core-service/flows/store.js';
import { OAuthError } from '../core-service/shared/errors.js';
import { parseDsn } from '../core-service/storage/dsn.js';
import { SqlClientStore } from '../core-service/storage/client-store.js';
import { SqlFlowStore } from '../core-service/storage/flow-store.js';
import { closeOrm, openOrm } from '../core-service/storage/orm.js';
import { within } from './support/within.js';
import { STALE_AFTER_MS } from '../core-service/storage/change-feed.js';
import { migrateDown } from '../core-service/storage/schema.js';
import { SqlTokenStore } from '../core-service/storage/token-store.js';
import type { TokenRecord } from '../core-service/tokens/store.js';
import { startGateway, type RunningGateway } from '../http-gateway/app.js';
import { IntrospectionServiceClient, type IntrospectResponse } from '../proto/gen/tessera/v1/introspection.js';
import { gatewayMetadata, startCluster, TEST_CALLERS_ENV, TEST_SYSTEM_SECRET, testConfig, testLogger, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { grantSession, inProcessRegistry, issueGrant, type InProcessRegistry } from './support/grants.js';
import { adminCall, basic, createClient, introspect, mintToken, postForm } from './support/oauth2.js';
import { runProgram, type Program } from './support/processes.js';
import { insertStoredClient } from './support/stored-client.js';

const SCOPE = ['openid', 'offline_access'];
const ISSUER = 'https://tessera.test/';
const CASCADE = '20250606000000_cascade_client_deletion';

function grpcIntrospect(address: string, token: string): Promise<IntrospectResponse> {
  const client = new IntrospectionServiceClient(address, credentials.createInsecure());
  return new Promise<IntrospectResponse>((resolve, reject) =>
    client.introspect({ token, scope: '' }, gatewayMetadata(), (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    }),
  );
}

async function userinfoStatus(pub: string, accessToken: string): Promise<number> {
  const res = await request(new URL('/userinfo', pub), { headers: { authorization: `Bearer ${accessToken}` } });
  await res.body.dump();
  return res.statusCode;
}

function tokenRow(signature: string, clientId: string): TokenRecord {
  return {
    signature,
    kind: 'access_token',
    request_id: `req-${signature}`,
    client_id: clientId,
    subject: 'alice',
    scope: ['openid'],
    audience: ['https://api.example'],
    requested_at: new Date('2026-01-10T12:00:00.000Z'),
    expires_at: new Date('2099-01-10T12:00:00.000Z'),
    active: true,
    session: { ext: { tier: 'gold' } },
    used_at: null,
    reuse_count: 0,
  };
}

function consentRow(id: string, clientId: string): ConsentGrant {
  return {
    id,
    request_id: `req-${id}`,
    subject: 'alice',
    client_id: clientId,
    login_session_id: '',
    login_challenge: `login-${id}`,
    requested_scope: SCOPE,
    requested_audience: [],
    granted_scope: SCOPE,
    granted_audience: [],
    session_access_token: {},
    session_id_token: {},
    context: null,
    acr: '',
    amr: [],
    remember: true,
    remember_for: 0,
    skipped: false,
    request_url: 'https://app.example/cb',
    handled_at: new Date(),
    requested_at: new Date(),
  };
}

for (const db of testDatabases()) {
  describe(`deleting a client on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let clusterA: Cluster | undefined;
    let coreB: Program | undefined;
    let gatewayB: RunningGateway | undefined;
    let reg: InProcessRegistry | undefined;
    let addressB = '';

    before(async () => {
      database = await db.create();
      clusterA = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER } });
      // Replica B: a second core process on the same database, with its own gateway.
      coreB = runProgram('core-service/main.ts', ['serve'], {
        DSN: database.dsn,
        SECRETS_SYSTEM: TEST_SYSTEM_SECRET,
        URLS_SELF_ISSUER: ISSUER,
        SERVE_GRPC_HOST: '127.0.0.1',
        SERVE_GRPC_PORT: '0',
        SERVE_METRICS_PORT: '0',
        ...TEST_CALLERS_ENV,
      });
      addressB = (JSON.parse(await coreB.waitFor(/core gRPC listening/, 60_000)) as { address: string }).address;
      const portB = addressB.slice(addressB.lastIndexOf(':') + 1);
      gatewayB = await startGateway({ config: testConfig({ DSN: database.dsn, URLS_SELF_ISSUER: ISSUER, SERVE_GRPC_PORT: portB }), logger: testLogger('http-gateway'), serve: 'all', forceHttp: true });
      reg = await inProcessRegistry(clusterA.config);
    });

    after(async () => {
      await reg?.close();
      await gatewayB?.close();
      await coreB?.stop('SIGKILL');
      await clusterA?.close();
      await database?.drop();
    });

    const a = () => {
      if (!clusterA) throw new Error('replica A not started');
      return { admin: clusterA.adminUrl, pub: clusterA.publicUrl };
    };
    const b = () => {
      if (!gatewayB?.adminUrl || !gatewayB.publicUrl) throw new Error('replica B not started');
      return { admin: gatewayB.adminUrl, pub: gatewayB.publicUrl, grpc: addressB };
    };
    const registry = () => {
      if (!reg) throw new Error('registry not started');
      return reg;
    };

    /** Whether each replica calls `token` active: A over HTTP, B over HTTP and over gRPC. */
    async function activeEverywhere(token: string): Promise<boolean[]> {
      const onA = await introspect(a().admin, token);
      const onB = await introspect(b().admin, token);
      assert.equal(onA.status, 200, onA.text);
      assert.equal(onB.status, 200, onB.text);
      return [onA.body.active === true, onB.body.active === true, (await grpcIntrospect(b().grpc, token)).active];
    }

    test("after DELETE on replica A, replica B treats every token of the client as inactive within the bound; a re-created client revives none", async () => {
      const doc = {
        grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: SCOPE.join(' '),
        redirect_uris: ['https://app.example/cb'],
      };
      const client = await createClient(a().admin, { ...doc, client_id: `doomed-${randomUUID()}` });
      const clientCredentialsToken = await mintToken(a().pub, client.client_id, client.client_secret);
      const grant = await issueGrant(registry(), client.client_id, grantSession('alice', SCOPE));
      const refreshed = await postForm(b().pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', grant.refresh_token ?? '']], basic(client.client_id, client.client_secret));
      assert.equal(refreshed.status, 200, refreshed.text);
      const accessToken = String(refreshed.body.access_token);
      const refreshToken = String(refreshed.body.refresh_token);
      await new SqlFlowStore(registry().registry.orm).insertConsent(consentRow(randomUUID(), client.client_id));
      const consents = () => adminCall(b().admin, 'GET', `/admin/oauth2/auth/sessions/consent?subject=alice`);

      for (const token of [clientCredentialsToken, accessToken, refreshToken]) assert.deepEqual(await activeEverywhere(token), [true, true, true]);
      assert.equal(await userinfoStatus(b().pub, accessToken), 200);
      assert.ok(((await consents()).body as unknown as { consent_request: { client: { client_id: string } } }[]).some((c) => c.consent_request.client.client_id === client.client_id));

      const deleted = await adminCall(a().admin, 'DELETE', `/admin/clients/${encodeURIComponent(client.client_id)}`);
      assert.equal(deleted.status, 204, deleted.text);

      // A at once (its own caches heard the change before it answered), B within the bound.
      for (const token of [clientCredentialsToken, accessToken, refreshToken, grant.access_token]) {
        assert.equal((await introspect(a().admin, token)).body.active, false, 'inactive on A at once');
        await within(STALE_AFTER_MS, 'inactive on A (HTTP), B (HTTP) and B (gRPC)', async () => (await activeEverywhere(token)).every((active) => !active));
      }
      assert.equal(await userinfoStatus(b().pub, accessToken), 401);
      // Hydra authenticates the client first: a deleted client is invalid_client.
      const refreshAfterDelete = await postForm(b().pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]], basic(client.client_id, client.client_secret));
      assert.equal(refreshAfterDelete.status, 401, refreshAfterDelete.text);
      assert.equal(refreshAfterDelete.body.error, 'invalid_client');
      const consentsAfter = await consents();
      assert.equal(consentsAfter.status, 200, consentsAfter.text);
      assert.deepEqual(consentsAfter.body, [], 'the consent sessions went with the client');

      // The same id again, on replica B this time: the old tokens stay dead.
      const reborn = await createClient(b().admin, { ...doc, client_id: client.client_id });
      for (const token of [clientCredentialsToken, accessToken, refreshToken]) assert.deepEqual(await activeEverywhere(token), [false, false, false]);
      assert.equal(await userinfoStatus(a().pub, accessToken), 401);
      const refreshByReborn = await postForm(a().pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]], basic(reborn.client_id, reborn.client_secret));
      assert.equal(refreshByReborn.status, 400, refreshByReborn.text);
      assert.equal(refreshByReborn.body.error, 'invalid_grant');
      // …while the re-created client gets new tokens as any client does.
      assert.deepEqual(await activeEverywhere(await mintToken(b().pub, reborn.client_id, reborn.client_secret)), [true, true, true]);
    });

    test('a token or consent for a client that no longer exists is refused as invalid_client, and nothing is stored', async () => {
      const orm = registry().registry.orm;
      const tokens = new SqlTokenStore(orm);
      const isInvalidClient = (err: unknown) => err instanceof OAuthError && err.code === 'invalid_client';
      // What a token request that authenticated its client just before the deletion does next.
      await assert.rejects(tokens.insert([tokenRow(`gone-${randomUUID()}`, 'no-such-client')]), isInvalidClient);
      await assert.rejects(new SqlFlowStore(orm).insertConsent(consentRow(randomUUID(), 'no-such-client')), isInvalidClient);
      const left = await orm.em.fork().getConnection().execute<{ n: number | string }[]>("SELECT COUNT(*) AS n FROM oauth2_tokens WHERE client_id = 'no-such-client'");
      assert.equal(Number(left[0]?.n), 0);
    });

    test('a client with more tokens than one statement should delete at once is deleted with all of them', async () => {
      const orm = registry().registry.orm;
      const clientId = `big-${randomUUID()}`;
      await insertStoredClient(orm, clientId);
      const rows = Array.from({ length: 2_500 }, () => tokenRow(randomUUID(), clientId));
      for (let i = 0; i < rows.length; i += 500) await new SqlTokenStore(orm).insert(rows.slice(i, i + 500));
      for (let i = 0; i < 3; i += 1) await new SqlFlowStore(orm).insertConsent(consentRow(randomUUID(), clientId));
      assert.equal(await new SqlClientStore(orm).delete(clientId), true);
      const count = async (table: string) => Number((await orm.em.fork().getConnection().execute<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM ${table} WHERE client_id = ?`, [clientId]))[0]?.n);
      assert.equal(await count('oauth2_tokens'), 0);
      assert.equal(await count('oauth2_consent_sessions'), 0);
      assert.equal(await new SqlClientStore(orm).delete(clientId), false, 'a second delete finds nothing');
    });
  });

  describe(`the ${CASCADE} migration on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    test('deletes the rows earlier deletions left behind, keeps every other row intact, and reverts', async () => {
      const created = await db.create();
      const orm = await openOrm(parseDsn(created.dsn));
      try {
        await orm.getMigrator().up({ to: '20250605000000_add_grant_revocation' });
        await insertStoredClient(orm, 'kept-client');
        const tokens = new SqlTokenStore(orm);
        const kept = { ...tokenRow('kept-token', 'kept-client'), kind: 'refresh_token' as const, used_at: new Date('2026-01-10T12:30:00.000Z'), reuse_count: 2, access_token_signature: 'its-access-token' };
        await tokens.insert([kept, tokenRow('orphan-token', 'deleted-before')]);
        const flows = new SqlFlowStore(orm);
        await flows.insertConsent(consentRow('kept-consent', 'kept-client'));
        await flows.insertConsent(consentRow('orphan-consent', 'deleted-before'));

        // Up to the cascade only, so the down below reverts it and nothing later.
        const upToCascade = async () => (await orm.getMigrator().up({ to: CASCADE })).map((m) => m.name);
        assert.deepEqual(await upToCascade(), [CASCADE]);
        assert.deepEqual(await tokens.get('kept-token'), kept, 'every column survives (SQLite rebuilds the table)');
        assert.equal(await tokens.get('orphan-token'), undefined);
        assert.deepEqual((await flows.rememberedConsents('alice', 'kept-client')).map((c) => c.id), ['kept-consent']);
        assert.deepEqual(await flows.rememberedConsents('alice', 'deleted-before'), []);

        const em = orm.em.fork();
        await em.getConnection().execute("DELETE FROM clients WHERE client_id = 'kept-client'", [], 'run');
        assert.equal(await tokens.get('kept-token'), undefined, 'the cascade');
        assert.deepEqual(await flows.rememberedConsents('alice', 'kept-client'), []);

        assert.deepEqual(await migrateDown(orm, 1), [CASCADE]);
        await tokens.insert([tokenRow('orphan-again', 'deleted-before')]);
        assert.equal((await tokens.get('orphan-again'))?.client_id, 'deleted-before', 'down removes the foreign key');
        assert.deepEqual(await upToCascade(), [CASCADE], 'and up applies again');
        assert.equal(await tokens.get('orphan-again'), undefined);
      } finally {
        await closeOrm(orm);
        await created.drop();
      }
    });
  });
}
