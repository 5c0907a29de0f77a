/**
 * Issue 15 §2: a database that goes silent must not wedge core. A TCP proxy blackholes the
 * database (every socket stays open, nothing is forwarded), then forwards new connections
 * again while the old sockets stay silent for ever. Requests must fail fast with 503 (well
 * before the gateway's 10 s deadline), readiness must turn NOT_SERVING, and within 15 s of the
 * database answering again requests must succeed, without a restart. PostgreSQL and MariaDB
 * only: SQLite runs inside the core process and has no socket to go silent.
 */
import assert from 'node:assert/strict';
import { setTimeout as pause } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { request } from 'undici';
import { startCluster } from './support/cluster.js';
import { migratedDatabase, testDatabases } from './support/databases.js';
import { clientCredentials, createClient } from './support/oauth2.js';
import { proxyFor, throughProxy } from './support/tcp-proxy.js';
import { waitUntil } from './support/wait.js';

/** The gateway's deadline for a call to core (http-gateway/grpc-client/call.ts). */
const GATEWAY_DEADLINE_MS = 10_000;
/** "Fail fast": the answer must come from core's own timeouts, with room left before the deadline. */
const FAIL_FAST_MS = 8_500;
/** The probe of the issue kept the database silent this long before forwarding new connections. */
const BLACKHOLE_MS = 5_000;

for (const db of testDatabases().filter((d) => d.name !== 'sqlite')) {
  describe(`a silent database on ${db.name}`, { skip: db.skipReason }, () => {
    test('requests fail fast with 503, readiness turns 503, and both recover within 15 s of the database answering', { timeout: 120_000 }, async () => {
      const database = await migratedDatabase(db);
      const proxy = await proxyFor(database.dsn);
      // The default timeouts: what an operator gets without tuning anything.
      const cluster = await startCluster({ dsn: throughProxy(database.dsn, proxy.port) });
      const ready = `${cluster.adminUrl}/health/ready`;
      const readiness = async () => {
        const res = await request(ready);
        await res.body.dump();
        return res.statusCode;
      };
      try {
        const client = await createClient(cluster.adminUrl, { grant_types: ['client_credentials'] });
        const token = () => clientCredentials(cluster.publicUrl, client.client_id, client.client_secret);
        // Enough parallel work that the pool holds several connections, all of which go silent.
        const warm = await Promise.all(Array.from({ length: 12 }, token));
        assert.deepEqual([...new Set(warm.map((r) => r.status))], [200]);

        proxy.blackhole();
        const silentSince = Date.now();
        const during = await Promise.all(
          Array.from({ length: 20 }, async () => {
            const started = Date.now();
            const res = await token();
            return { status: res.status, error: res.body.error, retryAfter: res.headers['retry-after'], ms: Date.now() - started };
          }),
        );
        for (const r of during) {
          assert.equal(r.status, 503, JSON.stringify(r));
          assert.equal(r.error, 'temporarily_unavailable', JSON.stringify(r));
          assert.ok(r.retryAfter, 'Retry-After tells the client when to come back');
          assert.ok(r.ms < FAIL_FAST_MS, `answered after ${r.ms} ms; the gateway's deadline is ${GATEWAY_DEADLINE_MS} ms`);
        }
        await waitUntil(async () => (await readiness()) === 503, 10_000, 'readiness reports the wedged pool');

        // The probe: at least 5 s of silence before new connections get through again.
        const left = BLACKHOLE_MS - (Date.now() - silentSince);
        if (left > 0) await pause(left);
        proxy.restore();
        const recovery = await waitUntil(async () => (await token()).status === 200 && (await readiness()) === 200, 15_000, 'tokens are issued and readiness is 200 again', 100);
        console.log(`${db.name}: slowest 503 during the blackhole ${Math.max(...during.map((r) => r.ms))} ms; recovered ${recovery} ms after new connections were forwarded`);
        // Everything works again, not just one lucky connection.
        const after = await Promise.all(Array.from({ length: 20 }, token));
        assert.deepEqual([...new Set(after.map((r) => r.status))], [200]);
      } finally {
        // The proxy first: closing its sockets ends whatever still waits on the silent ones.
        await proxy.close();
        await cluster.close();
        await database.drop();
      }
    });
  });
}
