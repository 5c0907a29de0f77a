import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { OAuthError } from '../shared/errors.js';
import { SqlClientStore } from '../storage/client-store.js';
import { createOpaqueTokenCodec, storageKey } from '../tokens/opaque.js';
import { createClientRegistration, type ClientRegistration } from './registration.js';
import { createSecretHasher } from './secret-hasher.js';
import { createClientService } from './service.js';

/**
 * RFC 7592 §2: who presents a wrong registration access token must not learn whether the client
 * id exists. The HTTP answers are compared in test/dynamic-client-registration.test.ts; here the
 * work behind them: every refusal hashes the presented token (the step a timing attacker would
 * see skipped), and every refusal is the same error value down to its debug detail.
 */
for (const db of testDatabases()) {
  describe(`registration access token checks on ${db.name}`, { skip: db.skipReason }, () => {
    let drop: () => Promise<void> = async () => undefined;
    let registration: ClientRegistration;
    let hashed = 0;
    let registered = { id: '', token: '' };
    let other = { id: '', token: '' };
    let adminMade = '';

    before(async () => {
      const migrated = await migratedDatabase(db);
      drop = migrated.drop;
      const store = new SqlClientStore(migrated.orm);
      const clients = createClientService({
        store,
        hasher: createSecretHasher({ algorithm: 'pbkdf2', pbkdf2Iterations: 1000, bcryptCost: 4 }),
        now: () => new Date(),
        uriPolicy: { allowPlainHttp: false },
      });
      const codec = createOpaqueTokenCodec(['a-system-secret-of-at-least-32-characters']);
      registration = createClientRegistration({
        enabled: true,
        publicUrl: 'https://auth.example/',
        clients,
        store,
        tokens: {
          mint: () => codec.mint('ory_at'),
          signatureOf: (token) => codec.signatureOf(token, 'ory_at'),
          storageKey: (signature) => {
            hashed += 1;
            return storageKey(signature);
          },
        },
      });
      const first = await registration.register(() => ({ redirect_uris: ['https://app.example/cb'] }));
      const second = await registration.register(() => ({ redirect_uris: ['https://app.example/cb'] }));
      registered = { id: first.client.client_id, token: first.registrationAccessToken };
      other = { id: second.client.client_id, token: second.registrationAccessToken };
      adminMade = (await clients.create({ redirect_uris: ['https://app.example/cb'] })).client.client_id;
    });
    after(() => drop());

    /** The refusal of one GET, and how many tokens were hashed to reach it. */
    async function refusal(clientId: string, token: string): Promise<{ error: Record<string, unknown>; hashed: number }> {
      hashed = 0;
      try {
        await registration.get(clientId, `Bearer ${token}`);
      } catch (err) {
        assert.ok(err instanceof OAuthError, String(err));
        return { error: { code: err.code, description: err.description, hint: err.hint, debug: err.debug, status: err.status }, hashed };
      }
      assert.fail(`GET ${clientId} was not refused`);
    }

    it('a known client with a wrong token, an unknown client and a client without registration are refused alike, after the same hashing', async () => {
      const wrongToken = await refusal(registered.id, other.token);
      assert.deepEqual(wrongToken.error, {
        code: 'The request could not be authorized',
        description: 'The requested OAuth 2.0 client does not exist or you provided incorrect credentials.',
        hint: '',
        debug: '',
        status: 401,
      });
      assert.equal(wrongToken.hashed, 1);
      for (const [what, clientId, token] of [
        ['unknown client id', 'no-such-client', other.token],
        ['client registered by the operator', adminMade, other.token],
        ['forged token', registered.id, `${registered.token.slice(0, -2)}AA`],
        ['forged token, unknown client id', 'no-such-client', `${registered.token.slice(0, -2)}AA`],
        ['empty client id', '', other.token],
      ] as const) {
        assert.deepEqual(await refusal(clientId, token), wrongToken, what);
      }
      hashed = 0;
      assert.equal((await registration.get(registered.id, `Bearer ${registered.token}`)).client.client_id, registered.id);
      assert.equal(hashed, 1, 'the accepted path hashes as the refused ones do');
    });
  });
}
