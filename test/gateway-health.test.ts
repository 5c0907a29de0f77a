/** `/health/ready` follows core: 200 while core serves, 503 once it is gone; `/health/alive` stays 200. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';

let database: CreatedDatabase | undefined;
let cluster: Cluster | undefined;

before(async () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite');
  if (!sqlite) throw new Error('sqlite is always available');
  database = await sqlite.create();
  cluster = await startCluster({ dsn: database.dsn });
});
after(async () => {
  await cluster?.close();
  await database?.drop();
});

test('/health/ready is 200 with core up and 503 after core closes', async () => {
  if (!cluster) throw new Error('no cluster');
  for (const base of [cluster.publicUrl, cluster.adminUrl]) {
    const ready = await request(`${base}/health/ready`);
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(await ready.body.json(), { status: 'ok' });
  }

  await cluster.stopCore();

  for (const base of [cluster.publicUrl, cluster.adminUrl]) {
    const ready = await request(`${base}/health/ready`);
    assert.equal(ready.statusCode, 503);
    const body = (await ready.body.json()) as { errors?: Record<string, unknown> };
    assert.equal(typeof body.errors?.core, 'string');
    const alive = await request(`${base}/health/alive`);
    assert.equal(alive.statusCode, 200, 'the gateway itself is still alive');
    await alive.body.dump();
  }
});
