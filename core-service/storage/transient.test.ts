import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { isTransientConflict, retryOnConflict } from './transient.js';

describe('retryOnConflict', () => {
  it('runs a conflicting transaction again, at most the given number of times, and passes other errors through', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let calls = 0;
    assert.equal(await retryOnConflict(async () => (++calls < 3 ? Promise.reject(deadlock) : 'done'), { attempts: 5, baseDelayMs: 1 }), 'done');
    assert.equal(calls, 3);

    calls = 0;
    await assert.rejects(retryOnConflict(async () => (++calls, Promise.reject(deadlock)), { attempts: 4, baseDelayMs: 1 }), deadlock);
    assert.equal(calls, 4);

    calls = 0;
    const bad = Object.assign(new Error('duplicate key'), { code: '23505' });
    await assert.rejects(retryOnConflict(async () => (++calls, Promise.reject(bad)), { attempts: 4, baseDelayMs: 1 }), bad);
    assert.equal(calls, 1);
  });

  it('knows the conflicts of each dialect and nothing else', () => {
    for (const code of ['40P01', '40001', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']) assert.ok(isTransientConflict(Object.assign(new Error('x'), { code })), code);
    assert.ok(isTransientConflict(Object.assign(new Error('x'), { errno: 1213 })));
    assert.ok(!isTransientConflict(Object.assign(new Error('violates check constraint'), { code: '23514' })));
    assert.ok(!isTransientConflict('deadlock'));
  });
});

// A real deadlock: two transactions lock two rows in opposite orders. The database aborts one;
// retried whole, both commit.
for (const db of testDatabases().filter((d) => d.name !== 'sqlite')) {
  describe(`retryOnConflict on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    it('turns a deadlock into two committed transactions', async () => {
      const database = await migratedDatabase(db);
      try {
        const knex = database.orm.em.getKnex();
        await knex('oauth2_jti').insert([
          { key: 'a', expires_at: new Date() },
          { key: 'b', expires_at: new Date() },
        ]);
        let conflicts = 0;
        // Each first attempt waits, holding its first row, until the other holds its own.
        let bothLocked: () => void = () => undefined;
        let locked = 0;
        const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
        const transfer = (first: string, second: string) => {
          let attempt = 0;
          return retryOnConflict(
            () =>
              knex
                .transaction(async (trx) => {
                  attempt += 1;
                  await trx('oauth2_jti').where({ key: first }).update({ expires_at: new Date() });
                  if (attempt === 1) {
                    if (++locked === 2) bothLocked();
                    await barrier;
                  }
                  await trx('oauth2_jti').where({ key: second }).update({ expires_at: new Date() });
                })
                .catch((err: unknown) => {
                  if (isTransientConflict(err)) conflicts += 1;
                  throw err;
                }),
            { attempts: 5, baseDelayMs: 20 },
          );
        };
        await Promise.all([transfer('a', 'b'), transfer('b', 'a')]);
        assert.ok(conflicts >= 1, 'the database reported the deadlock');
      } finally {
        await database.drop();
      }
    });
  });
}
