/**
 * No token a client received is lost when core dies (issue 11): token inserts are group
 * committed (core-service/storage/group-commit.ts), and a caller is answered only after its
 * batch committed. Under a steady client_credentials load, core is killed with SIGKILL; a new
 * core on the same database then introspects every token the load received, and each one must
 * be active.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReplicas, type Replicas } from './support/cluster.js';
import { migratedDatabase, testDatabases } from './support/databases.js';
import { clientCredentials, createClient, introspect } from './support/oauth2.js';

/** Requests in flight at once. */
const CONCURRENCY = 24;
/** Core is killed once the load has received this many tokens. */
const KILL_AFTER = 150;

for (const db of testDatabases()) {
  describe(`kill -9 of core under token load on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: Awaited<ReturnType<typeof migratedDatabase>> | undefined;
    const started: Replicas[] = [];

    before(async () => {
      database = await migratedDatabase(db);
    });
    after(async () => {
      for (const replicas of started) await replicas.close();
      await database?.drop();
    });

    test('every token a client received is active after core restarts', async () => {
      if (!database) throw new Error('no database');
      const first = await startReplicas(database.dsn, 1);
      started.push(first);
      const pub = first.pub[0] ?? '';
      const client = await createClient(first.admin[0] ?? '', { grant_types: ['client_credentials'], scope: 'read' });

      const received: string[] = [];
      let killed = false;
      let failedAfterKill = 0;
      const loop = async () => {
        while (!killed || failedAfterKill === 0) {
          const res = await clientCredentials(pub, client.client_id, client.client_secret).catch(() => undefined);
          if (res?.status === 200) received.push(String(res.body.access_token));
          else if (killed) failedAfterKill += 1;
          if (!killed && received.length >= KILL_AFTER) {
            killed = true;
            first.cores[0]?.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, loop));
      assert.ok(received.length >= KILL_AFTER, `the load received ${received.length} tokens before and while core died`);

      const second = await startReplicas(database.dsn, 1);
      started.push(second);
      const admin = second.admin[0] ?? '';
      const inactive: string[] = [];
      for (const token of received) if ((await introspect(admin, token)).body.active !== true) inactive.push(token);
      assert.deepEqual(inactive.length, 0, `${inactive.length} of ${received.length} tokens a client received were lost`);
      console.log(`# ${db.name}: ${received.length} tokens received under load, all active after kill -9 and restart`);
    });
  });
}
