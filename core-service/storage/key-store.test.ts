import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { createKeyService } from '../keys/service.js';
import type { StoredKey } from '../keys/store.js';
import { OAuthError } from '../shared/errors.js';
import { SqlKeyStore } from './key-store.js';
import type { Orm } from './orm.js';

const SECRET = 'key-store-test-secret-0123456789';

function sampleKey(set: string, kid: string, createdAt = new Date('2024-02-29T23:59:58.123Z')): StoredKey {
  return { set, kid, alg: 'ES256', use: 'sig', sealedJwk: `v1.sealed.${kid}`, createdAt };
}

for (const db of testDatabases()) {
  describe(`SqlKeyStore on ${db.name}`, { skip: db.skipReason }, () => {
    let orm: Orm;
    let store: SqlKeyStore;
    let drop: () => Promise<void> = async () => undefined;

    before(async () => {
      const migrated = await migratedDatabase(db);
      orm = migrated.orm;
      store = new SqlKeyStore(orm);
      drop = migrated.drop;
    });
    after(() => drop());

    it('adds a key and reads it back field for field', async () => {
      const key = sampleKey('round-trip', 'k1');
      await store.add(key);
      assert.deepEqual(await store.get('round-trip', 'k1'), key);
      assert.deepEqual(await store.listSet('round-trip'), [key]);
      assert.equal(await store.get('round-trip', 'nope'), undefined);
      assert.deepEqual(await store.listSet('no-such-set'), []);
    });

    it('lists a set newest first, breaking created_at ties by insertion order', async () => {
      await store.add(sampleKey('order', 'old', new Date('2024-01-01T00:00:00.000Z')));
      await store.add(sampleKey('order', 'tie-a', new Date('2024-01-02T00:00:00.000Z')));
      await store.add(sampleKey('order', 'tie-b', new Date('2024-01-02T00:00:00.000Z')));
      assert.deepEqual((await store.listSet('order')).map((k) => k.kid), ['tie-b', 'tie-a', 'old']);
    });

    it('rejects a duplicate kid in one set as conflict, but allows it in another set', async () => {
      await store.add(sampleKey('dup', 'same'));
      await assert.rejects(store.add(sampleKey('dup', 'same')), (err: unknown) => err instanceof OAuthError && err.code === 'conflict');
      await store.add(sampleKey('dup-other', 'same'));
    });

    it('put inserts, then replaces the key with the same kid', async () => {
      await store.put(sampleKey('put', 'k'));
      await store.put({ ...sampleKey('put', 'k'), alg: 'RS256', sealedJwk: 'v1.replaced' });
      const keys = await store.listSet('put');
      assert.equal(keys.length, 1);
      assert.equal(keys[0]?.alg, 'RS256');
      assert.equal(keys[0]?.sealedJwk, 'v1.replaced');
    });

    it('replaceSet swaps the whole set atomically and keeps the given order', async () => {
      await store.add(sampleKey('replace', 'gone'));
      const at = new Date('2024-05-05T05:05:05.555Z');
      await store.replaceSet('replace', [sampleKey('replace', 'first', at), sampleKey('replace', 'second', at)]);
      assert.deepEqual((await store.listSet('replace')).map((k) => k.kid), ['first', 'second']);
      // A duplicate kid fails the whole replacement and leaves the set as it was.
      await assert.rejects(store.replaceSet('replace', [sampleKey('replace', 'x', at), sampleKey('replace', 'x', at)]));
      assert.deepEqual((await store.listSet('replace')).map((k) => k.kid), ['first', 'second']);
      await store.replaceSet('replace', []);
      assert.deepEqual(await store.listSet('replace'), []);
    });

    it('deletes one key or a whole set, and says when there was nothing to delete', async () => {
      await store.add(sampleKey('del', 'a'));
      await store.add(sampleKey('del', 'b'));
      assert.equal(await store.delete('del', 'a'), true);
      assert.equal(await store.delete('del', 'a'), false);
      assert.equal(await store.deleteSet('del'), true);
      assert.equal(await store.deleteSet('del'), false);
      assert.deepEqual(await store.listSet('del'), []);
    });

    it('through the key service, key_data never holds a private member in the clear', async () => {
      const keys = createKeyService({ store, secrets: [SECRET], now: () => new Date() });
      const created = await keys.createKey('sealed', { alg: 'RS256', use: 'sig', kid: 'rsa' });
      await keys.createKey('sealed', { alg: 'EdDSA', use: 'sig', kid: 'ed' });
      const rsa = created.keys[0];
      assert.ok(rsa && typeof rsa.d === 'string' && typeof rsa.p === 'string');
      const rows = (await orm.em.getConnection().execute("select kid, key_data from jwks where set_id = 'sealed'")) as { kid: string; key_data: string }[];
      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.match(row.key_data, /^v1\./);
        assert.doesNotMatch(row.key_data, /"d"|"kty"/);
      }
      const rsaRow = rows.find((r) => r.kid === 'rsa');
      assert.ok(rsaRow);
      for (const member of [rsa.d, rsa.p, rsa.q, rsa.dp, rsa.dq, rsa.qi]) {
        assert.ok(member && !rsaRow.key_data.includes(member.slice(0, 24)));
      }
      // And it opens again to the same key.
      assert.deepEqual((await keys.getKey('sealed', 'rsa')).keys[0], rsa);
    });
  });
}
