import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { parseDsn } from './dsn.js';
import { closeOrm, MIGRATIONS_TABLE, openOrm } from './orm.js';
import { assertSchemaCurrent, knownMigrations, migrateDown, migrateUp, pendingMigrations, SchemaNotCurrentError } from './schema.js';

for (const db of testDatabases()) {
  describe(`schema on ${db.name}`, { skip: db.skipReason }, () => {
    it('refuses an unmigrated database, naming the migrator command, and accepts it once migrated', async () => {
      const created = await db.create();
      const target = parseDsn(created.dsn);
      const orm = await openOrm(target);
      try {
        const all = knownMigrations(orm);
        assert.ok(all.length > 0);
        assert.deepEqual(await pendingMigrations(orm), all);
        // The check only reads: it must not create the migrations table.
        assert.equal(await orm.em.getConnection().getKnex().schema.hasTable(MIGRATIONS_TABLE), false);

        await assert.rejects(assertSchemaCurrent(orm, target.redacted), (err: unknown) => {
          assert.ok(err instanceof SchemaNotCurrentError);
          assert.deepEqual(err.pending, all);
          assert.match(err.message, /run `migrator sql up -e --yes` \(with DSN in the environment\)/i);
          for (const name of all) assert.ok(err.message.includes(name));
          assert.ok(err.message.includes(target.redacted));
          return true;
        });

        assert.deepEqual(await migrateUp(orm), all);
        await assertSchemaCurrent(orm, target.redacted);
        assert.deepEqual(await migrateUp(orm), []);

        const newest = all[all.length - 1];
        assert.deepEqual(await migrateDown(orm, 1), [newest]);
        await assert.rejects(assertSchemaCurrent(orm, target.redacted), SchemaNotCurrentError);
      } finally {
        await closeOrm(orm);
        await created.drop();
      }
    });
  });
}
