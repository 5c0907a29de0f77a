/**
 * Group commit of token inserts (issue 11) on every dialect: concurrent inserts share
 * multi-row statements, every caller's rows are readable once its promise resolves, and a row
 * the database refuses (its client is gone) fails only its own caller.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { insertStoredClient } from '../../test/support/stored-client.js';
import { OAuthError } from '../shared/errors.js';
import type { TokenRecord } from '../tokens/store.js';
import { NO_CHANGE_FEED } from './change-feed.js';
import type { Orm } from './orm.js';
import { SqlTokenStore } from './token-store.js';

function row(clientId: string): TokenRecord {
  return {
    signature: randomUUID(),
    kind: 'access_token',
    request_id: randomUUID(),
    client_id: clientId,
    subject: '',
    scope: ['read'],
    audience: [],
    requested_at: new Date('2026-05-01T10:00:00.000Z'),
    expires_at: new Date('2099-05-01T11:00:00.000Z'),
    active: true,
    session: {},
  };
}

for (const db of testDatabases()) {
  describe(`group commit of token inserts on ${db.name}`, { skip: db.skipReason }, () => {
    let orm: Orm;
    let drop: () => Promise<void> = async () => undefined;

    before(async () => {
      const created = await migratedDatabase(db);
      orm = created.orm;
      drop = created.drop;
      await insertStoredClient(orm, 'app');
    });
    after(() => drop());

    it('writes concurrent inserts in shared statements; each caller reads its rows back once answered', async () => {
      const batches: number[] = [];
      const store = new SqlTokenStore(orm, undefined, NO_CHANGE_FEED, (callers) => batches.push(callers));
      const rows = Array.from({ length: 200 }, () => row('app'));
      await Promise.all(
        rows.map(async (r) => {
          await store.insert([r]);
          assert.equal((await store.get(r.signature))?.signature, r.signature, 'readable as soon as the insert resolved');
        }),
      );
      assert.equal(batches.reduce((a, b) => a + b, 0), 200, 'every caller written once');
      assert.ok(Math.max(...batches) > 1, `some statements carried several callers (batches: ${batches.join(',')})`);
      assert.ok(Math.max(...batches) <= 64, 'no batch beyond its limit');
    });

    it("a refused row fails its own caller only; the batch's other rows are stored", async () => {
      const batches: number[] = [];
      const store = new SqlTokenStore(orm, undefined, NO_CHANGE_FEED, (callers) => batches.push(callers));
      const good = Array.from({ length: 20 }, () => row('app'));
      const orphan = row('no-such-client');
      const outcomes = await Promise.allSettled([...good.slice(0, 10), orphan, ...good.slice(10)].map((r) => store.insert([r])));
      const refused = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(refused.length, 1, 'exactly one caller fails');
      assert.ok(refused[0]?.status === 'rejected' && refused[0].reason instanceof OAuthError, 'as the error a lone insert for a deleted client gets');
      assert.ok(batches[0] !== undefined && batches[0] > 1, 'they were batched');
      for (const r of good) assert.equal((await store.get(r.signature))?.active, true);
      assert.equal(await store.get(orphan.signature), undefined);
    });
  });
}
