import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import type { StoredClient } from '../clients/client.js';
import { OAuthError } from '../shared/errors.js';
import { SqlClientStore } from './client-store.js';

function sampleClient(id: string, overrides: Partial<StoredClient> = {}): StoredClient {
  return {
    client_id: id,
    client_name: `Client ${id}`,
    redirect_uris: ['https://app.example/cb', 'https://app.example/cb2'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid offline_access',
    audience: ['https://api.example'],
    owner: 'team-a',
    policy_uri: 'https://app.example/policy',
    allowed_cors_origins: [],
    tos_uri: '',
    client_uri: '',
    logo_uri: '',
    contacts: ['ops@app.example'],
    // After 2038: must survive as a bigint column.
    client_secret_expires_at: 4_102_444_800,
    subject_type: 'public',
    sector_identifier_uri: '',
    jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] },
    jwks_uri: '',
    token_endpoint_auth_method: 'client_secret_basic',
    token_endpoint_auth_signing_alg: '',
    request_object_signing_alg: '',
    userinfo_signed_response_alg: 'none',
    request_uris: [],
    frontchannel_logout_uri: '',
    frontchannel_logout_session_required: true,
    post_logout_redirect_uris: ['https://app.example/bye'],
    backchannel_logout_uri: '',
    backchannel_logout_session_required: false,
    metadata: { tier: 'gold', nested: { ok: true, n: 1.5 }, unicode: 'Zürich 🚀' },
    skip_consent: false,
    skip_logout_consent: true,
    access_token_strategy: 'jwt',
    lifespans: { authorization_code_grant_access_token_lifespan: '1h30m' },
    created_at: new Date('2024-02-29T23:59:58.123Z'),
    updated_at: new Date('2024-03-01T00:00:01.456Z'),
    secret_hash: '$pbkdf2-sha256$i=25000$c2FsdA$aGFzaA',
    rotated_secret_hashes: ['$pbkdf2-sha256$i=25000$b2xk$b2xkaGFzaA'],
    registration_access_token_signature: 'bm90LWEtcmVhbC1yZWdpc3RyYXRpb24tdG9rZW4tc2lnbmF0dXJl',
    ...overrides,
  };
}

for (const db of testDatabases()) {
  describe(`SqlClientStore on ${db.name}`, { skip: db.skipReason }, () => {
    let store: SqlClientStore;
    let drop: () => Promise<void> = async () => undefined;

    before(async () => {
      const migrated = await migratedDatabase(db);
      store = new SqlClientStore(migrated.orm);
      drop = migrated.drop;
    });
    after(() => drop());

    it('creates a client and reads it back field for field', async () => {
      const client = sampleClient('crud-1');
      await store.create(client);
      assert.deepEqual(await store.get('crud-1'), client);
    });

    it('keeps nulls, empty lists and false as they were', async () => {
      const client = sampleClient('crud-nulls', { jwks: null, metadata: null, contacts: [], lifespans: {}, client_secret_expires_at: 0 });
      await store.create(client);
      assert.deepEqual(await store.get('crud-nulls'), client);
    });

    it('rejects a second client with the same id as conflict', async () => {
      await store.create(sampleClient('dup'));
      await assert.rejects(store.create(sampleClient('dup', { client_name: 'other' })), (err: unknown) => {
        assert.ok(err instanceof OAuthError);
        assert.equal(err.code, 'conflict');
        assert.equal(err.status, 409);
        return true;
      });
    });

    it('treats ids as case-sensitive', async () => {
      await store.create(sampleClient('CaseId'));
      await store.create(sampleClient('caseid'));
      assert.equal((await store.get('CaseId'))?.client_id, 'CaseId');
      assert.equal((await store.get('caseid'))?.client_id, 'caseid');
    });

    it('returns undefined for an unknown id', async () => {
      assert.equal(await store.get('no-such-client'), undefined);
    });

    it('pages by client_id and filters by owner and client_name', async () => {
      for (const id of ['p-05', 'p-01', 'p-04', 'p-02', 'p-03']) {
        await store.create(sampleClient(id, { owner: id <= 'p-03' ? 'pager' : 'pager-b', client_name: id === 'p-04' ? 'Special' : 'Paged' }));
      }
      const ids = (clients: StoredClient[]) => clients.map((c) => c.client_id);
      const first = await store.list({ limit: 2, owner: 'pager' });
      assert.deepEqual(ids(first), ['p-01', 'p-02']);
      const second = await store.list({ limit: 2, owner: 'pager', afterId: 'p-02' });
      assert.deepEqual(ids(second), ['p-03']);
      assert.deepEqual(ids(await store.list({ limit: 10, clientName: 'Special' })), ['p-04']);
      assert.deepEqual(ids(await store.list({ limit: 10, clientName: 'Paged', owner: 'pager-b' })), ['p-05']);
      assert.deepEqual(ids(await store.list({ limit: 3, afterId: 'p-03' })).slice(0, 2), ['p-04', 'p-05']);
      assert.deepEqual(await store.list({ limit: 10, owner: 'nobody' }), []);
    });

    it('updates every field but created_at, and reports unknown ids', async () => {
      const original = sampleClient('upd');
      await store.create(original);
      const changed = sampleClient('upd', {
        client_name: 'Renamed',
        redirect_uris: ['https://new.example/cb'],
        metadata: { v: 2 },
        skip_consent: true,
        client_secret_expires_at: 0,
        created_at: new Date('2030-01-01T00:00:00.000Z'),
        updated_at: new Date('2025-06-01T12:34:56.789Z'),
      });
      assert.equal(await store.update(changed), true);
      assert.deepEqual(await store.get('upd'), { ...changed, created_at: original.created_at });
      // Same values again: MySQL reports 0 changed rows unless it counts matched ones.
      assert.equal(await store.update(changed), true);
      assert.equal(await store.update(sampleClient('upd-missing')), false);
    });

    it('deletes a client once', async () => {
      await store.create(sampleClient('del'));
      assert.equal(await store.delete('del'), true);
      assert.equal(await store.get('del'), undefined);
      assert.equal(await store.delete('del'), false);
    });
  });
}
