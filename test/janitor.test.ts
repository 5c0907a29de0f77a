/**
 * The janitor on every database: rows inside and outside the cutoff, exactly which survive,
 * batch size and limit honoured; the `core-service janitor` command and the gRPC call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { JanitorServiceClient, type JanitorResponse } from '../proto/gen/tessera/v1/janitor.js';
import { runJanitor, type JanitorStore, type JanitorTarget } from '../core-service/janitor/janitor.js';
import { UsedChallengeSchema } from '../core-service/storage/flow-entities.js';
import { SqlJanitorStore } from '../core-service/storage/janitor-store.js';
import type { Orm } from '../core-service/storage/orm.js';
import { JtiSchema, TokenSchema } from '../core-service/storage/token-entities.js';
import { SqlTokenStore } from '../core-service/storage/token-store.js';
import type { TokenRecord } from '../core-service/tokens/store.js';
import { startCluster } from './support/cluster.js';
import { migratedDatabase, testDatabases } from './support/databases.js';
import { runProgram } from './support/processes.js';

const NOW = new Date('2026-01-10T12:00:00Z');
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

function token(signature: string, requestedAt: Date, expiresAt: Date | null, active: boolean): TokenRecord {
  return {
    signature,
    kind: 'access_token',
    request_id: `req-${signature}`,
    client_id: 'janitor-client',
    subject: '',
    scope: [],
    audience: [],
    requested_at: requestedAt,
    expires_at: expiresAt,
    active,
    session: {},
  };
}

/** Rows around a cutoff of NOW - 24h (keep-if-younger 24h). */
async function seed(orm: Orm): Promise<void> {
  await new SqlTokenStore(orm).insert([
    token('expired-long-ago', hours(-72), hours(-48), true), // expired before the cutoff: goes
    token('expired-recently', hours(-3), hours(-1), true), // expired, but after the cutoff: stays
    token('live', hours(-72), hours(48), true), // valid: stays
    token('revoked-old', hours(-72), hours(48), false), // inactive, issued before the cutoff: goes
    token('revoked-recent', hours(-2), hours(48), false), // inactive, issued after the cutoff: stays
    token('never-expires', hours(-720), null, true), // no expiry, active: stays
  ]);
  const em = orm.em.fork({ clear: true, useContext: false });
  await em.insertMany(JtiSchema, [
    { key: 'jti-old', expires_at: hours(-30) },
    { key: 'jti-recent', expires_at: hours(-1) },
    { key: 'jti-future', expires_at: hours(1) },
  ]);
  await em.insertMany(UsedChallengeSchema, [
    { id: 'challenge-old', expires_at: hours(-25) },
    { id: 'challenge-new', expires_at: hours(-23) },
  ]);
}

async function remaining(orm: Orm) {
  const em = orm.em.fork({ clear: true, useContext: false });
  const keys = <T>(rows: T[], key: (row: T) => string) => rows.map(key).sort();
  return {
    tokens: keys(await em.find(TokenSchema, {}, { disableIdentityMap: true }), (r) => r.signature),
    jtis: keys(await em.find(JtiSchema, {}, { disableIdentityMap: true }), (r) => r.key),
    challenges: keys(await em.find(UsedChallengeSchema, {}, { disableIdentityMap: true }), (r) => r.id),
  };
}

/** Counts statements per target, to prove batching. */
function counting(store: JanitorStore) {
  const calls: { target: JanitorTarget; max: number; deleted: number }[] = [];
  const wrapped: JanitorStore = {
    async deleteBatch(target, cutoff, max) {
      const deleted = await store.deleteBatch(target, cutoff, max);
      calls.push({ target, max, deleted });
      return deleted;
    },
  };
  return { wrapped, calls };
}

const KEEP_24H = 24 * 3_600_000;

for (const db of testDatabases()) {
  describe(`janitor on ${db.name}`, { skip: db.skipReason }, () => {
    let database: Awaited<ReturnType<typeof migratedDatabase>> | undefined;
    before(async () => {
      database = await migratedDatabase(db);
    });
    after(async () => {
      await database?.drop();
    });
    const orm = () => {
      if (!database) throw new Error('no database');
      return database.orm;
    };

    test('deletes exactly the stale rows outside keep-if-younger', async () => {
      await seed(orm());
      const report = await runJanitor(new SqlJanitorStore(orm()), { tokens: true, requests: true, grants: true, batchSize: 100, limit: 10_000, keepIfYoungerMs: KEEP_24H }, NOW);
      assert.deepEqual(report, { tokens: 2, jtis: 1, requests: 1, grants: 0 });
      assert.deepEqual(await remaining(orm()), {
        tokens: ['expired-recently', 'live', 'never-expires', 'revoked-recent'],
        jtis: ['jti-future', 'jti-recent'],
        challenges: ['challenge-new'],
      });

      // Without keep-if-younger the cutoff is now: the recently expired and revoked go too.
      const second = await runJanitor(new SqlJanitorStore(orm()), { tokens: true, requests: false, grants: false, batchSize: 100, limit: 10_000, keepIfYoungerMs: 0 }, NOW);
      assert.deepEqual(second, { tokens: 2, jtis: 1, requests: 0, grants: 0 });
      const left = await remaining(orm());
      assert.deepEqual(left.tokens, ['live', 'never-expires']);
      assert.deepEqual(left.jtis, ['jti-future']);
      assert.deepEqual(left.challenges, ['challenge-new'], '--requests was not selected');
    });

    test('deletes in batches of batch-size and stops at limit', async () => {
      const expired = Array.from({ length: 7 }, (_, i) => token(`batch-${i}`, hours(-100), hours(-50), true));
      await new SqlTokenStore(orm()).insert(expired);
      const { wrapped, calls } = counting(new SqlJanitorStore(orm()));
      const report = await runJanitor(wrapped, { tokens: true, requests: false, grants: false, batchSize: 2, limit: 5, keepIfYoungerMs: 0 }, NOW);
      assert.equal(report.tokens, 5, 'limit caps the run');
      assert.deepEqual(
        calls.filter((c) => c.target === 'tokens').map((c) => [c.max, c.deleted]),
        [[2, 2], [2, 2], [1, 1]],
        'three statements of at most 2 rows, the last trimmed to the limit',
      );
      const left = (await remaining(orm())).tokens.filter((s) => s.startsWith('batch-'));
      assert.equal(left.length, 2);

      const rest = await runJanitor(new SqlJanitorStore(orm()), { tokens: true, requests: false, grants: false, batchSize: 2, limit: 5, keepIfYoungerMs: 0 }, NOW);
      assert.equal(rest.tokens, 2, 'the next run continues where the limit stopped');
      assert.deepEqual((await remaining(orm())).tokens.filter((s) => s.startsWith('batch-')), []);
    });

    test('the core-service janitor command deletes and reports', async () => {
      if (!database) throw new Error('no database');
      // The rows above were stale relative to a fixed NOW; the command runs on the real clock.
      const em = orm().em.fork({ clear: true, useContext: false });
      await em.nativeDelete(TokenSchema, {});
      await em.nativeDelete(JtiSchema, {});
      await new SqlTokenStore(orm()).insert([token('cli-expired', new Date(Date.now() - 7_200_000), new Date(Date.now() - 3_600_000), true)]);
      const refused = runProgram('core-service/main.ts', ['janitor', database.dsn, '--tokens']);
      assert.equal(await refused.exited(), 1, 'without --yes and without a terminal it does nothing');
      assert.ok((await remaining(orm())).tokens.includes('cli-expired'));

      const usage = runProgram('core-service/main.ts', ['janitor', database.dsn, '--yes']);
      assert.equal(await usage.exited(), 2, 'nothing selected is a usage error');
      assert.match(usage.output(), /at least one of --tokens, --requests, --grants/);

      const run = runProgram('core-service/main.ts', ['janitor', '--read-from-env', '--tokens', '--batch-size', '10', '--limit', '100', '--keep-if-younger', '30m', '--yes'], { DSN: database.dsn });
      assert.equal(await run.exited(), 0, run.output());
      assert.match(run.output(), /janitor deleted: 1 tokens, 0 client-assertion ids/);
      assert.ok(!(await remaining(orm())).tokens.includes('cli-expired'));
    });
  });
}

test('the JanitorService gRPC call runs a pass against the running core', async () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite');
  if (!sqlite) throw new Error('sqlite is always available');
  const created = await sqlite.create();
  const cluster = await startCluster({ dsn: created.dsn });
  const client = new JanitorServiceClient(cluster.grpcAddress, credentials.createInsecure());
  const janitor = (req: Partial<Parameters<JanitorServiceClient['janitor']>[0]>) =>
    new Promise<JanitorResponse>((resolve, reject) =>
      client.janitor({ tokens: false, requests: false, grants: false, batch_size: 0, limit: 0, keep_if_younger_ms: 0, ...req }, (err: ServiceError | null, res: JanitorResponse) => (err ? reject(err) : resolve(res))),
    );
  try {
    assert.deepEqual(await janitor({ tokens: true, requests: true, grants: true }), { tokens: 0, jtis: 0, requests: 0, grants: 0 });
    await assert.rejects(janitor({}), (err: ServiceError) => err.code === 3 && /at least one of/.test(err.details), 'nothing selected: INVALID_ARGUMENT');
  } finally {
    client.close();
    await cluster.close();
    await created.drop();
  }
});
