import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { SqlFlowStore } from './flow-store.js';

for (const db of testDatabases()) {
  describe(`SqlFlowStore on ${db.name}`, { skip: db.skipReason }, () => {
    let store: SqlFlowStore;
    let drop: () => Promise<void> = async () => undefined;
    const expires = new Date(Date.now() + 3_600_000);

    before(async () => {
      const migrated = await migratedDatabase(db);
      store = new SqlFlowStore(migrated.orm);
      drop = migrated.drop;
    });

    after(() => drop());

    it('marks are single use also when concurrent marks are written together: exactly one use of each id wins', async () => {
      await store.markUsed('used-before', expires);
      const ids = Array.from({ length: 20 }, (_, i) => `id-${i}`);
      // Three uses of every id and a replay of an old one, all in one turn: one batch, refused, then each alone.
      const outcomes = await Promise.all([...ids, ...ids, 'used-before', ...ids].map(async (id) => ({ id, won: await store.markUsed(id, expires) })));
      for (const id of ids) assert.equal(outcomes.filter((o) => o.id === id && o.won).length, 1, id);
      assert.deepEqual(outcomes.filter((o) => o.id === 'used-before').map((o) => o.won), [false]);
      assert.equal(await store.markUsed('id-0', expires), false, 'a later use is refused');
      assert.equal(await store.isUsed('id-19'), true);
      assert.equal(await store.isUsed('never-used'), false);
    });

    it('fresh marks written together all win', async () => {
      const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => store.markUsed(`fresh-${i}`, expires)));
      assert.deepEqual(outcomes, Array.from({ length: 30 }, () => true));
    });

    it('login sessions and consents read back as written', async () => {
      const session = { id: 'sid-1', subject: 'alice', authenticated_at: new Date(1_700_000_000_000), remember: true, expires_at: new Date(1_800_000_000_123), identity_provider_session_id: 'idp' };
      await store.upsertLoginSession(session);
      assert.deepEqual(await store.getLoginSession('sid-1'), session);
      await store.upsertLoginSession({ ...session, subject: 'bob' });
      assert.equal((await store.getLoginSession('sid-1'))?.subject, 'bob');
      assert.equal(await store.deleteLoginSessions({ id: 'sid-1' }), 1);
      assert.equal(await store.getLoginSession('sid-1'), undefined);
    });
  });
}
