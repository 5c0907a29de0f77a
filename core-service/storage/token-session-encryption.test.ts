/**
 * Hydra's `oauth2.session.encrypt_at_rest` on every dialect: the session column of token rows
 * (consent claims, nonce, PKCE challenge) is unreadable in the database, reads back intact, and
 * rows of either kind stay readable when the setting changes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { insertStoredClient } from '../../test/support/stored-client.js';
import { createSecretBox } from '../keys/secret-box.js';
import type { TokenRecord } from '../tokens/store.js';
import type { Orm } from './orm.js';
import { SqlTokenStore } from './token-store.js';

const SECRETS = ['token-session-test-secret-0123456789'];

function row(session: Record<string, unknown>): TokenRecord {
  return {
    signature: randomUUID(),
    kind: 'access_token',
    request_id: randomUUID(),
    client_id: 'app',
    subject: 'alice',
    scope: ['openid'],
    audience: [],
    requested_at: new Date('2024-05-01T10:00:00.000Z'),
    expires_at: new Date('2024-05-01T11:00:00.000Z'),
    active: true,
    session,
  };
}

const SESSION = { ext: { email: 'alice@example.com' }, grant: { subject: 'alice', nonce: 'nonce-secret-0123' } };

for (const db of testDatabases()) {
  describe(`token session encryption on ${db.name}`, { skip: db.skipReason }, () => {
    let orm: Orm;
    let drop: () => Promise<void> = async () => undefined;
    const box = createSecretBox(SECRETS, 'oauth2_session');

    before(async () => {
      const migrated = await migratedDatabase(db);
      orm = migrated.orm;
      drop = migrated.drop;
      await insertStoredClient(orm, 'app');
    });
    after(() => drop());

    const stored = async (signature: string): Promise<string> => {
      const rows = await orm.em.getConnection().execute<{ session: string }[]>('select session from oauth2_tokens where signature = ?', [signature]);
      return String(rows[0]?.session);
    };

    it('seals the session column: nothing of it is readable in the database, and get() returns it intact', async () => {
      const store = new SqlTokenStore(orm, { box, encrypt: true });
      const record = row(SESSION);
      await store.insert([record]);
      const raw = await stored(record.signature);
      assert.match(raw, /^v1\./);
      assert.doesNotMatch(raw, /alice|nonce-secret/);
      assert.deepEqual((await store.get(record.signature))?.session, SESSION);
    });

    it('reads rows written in the clear (before encryption, or with it off) and sealed rows after it is turned off', async () => {
      const plain = row(SESSION);
      await new SqlTokenStore(orm, { box, encrypt: false }).insert([plain]);
      assert.deepEqual(JSON.parse(await stored(plain.signature)), SESSION, 'encrypt_at_rest false stores JSON, as Hydra');
      const sealed = row({ ext: { n: 1 } });
      await new SqlTokenStore(orm, { box, encrypt: true }).insert([sealed]);

      for (const store of [new SqlTokenStore(orm, { box, encrypt: true }), new SqlTokenStore(orm, { box, encrypt: false })]) {
        assert.deepEqual((await store.get(plain.signature))?.session, SESSION);
        assert.deepEqual((await store.get(sealed.signature))?.session, { ext: { n: 1 } });
      }
    });

    it('a row sealed under another secret is refused loudly, not read as an empty session', async () => {
      const sealed = row(SESSION);
      await new SqlTokenStore(orm, { box: createSecretBox(['another-secret-0123456789abcdef'], 'oauth2_session'), encrypt: true }).insert([sealed]);
      await assert.rejects(new SqlTokenStore(orm, { box, encrypt: true }).get(sealed.signature), /secrets\.system/);
    });
  });
}
