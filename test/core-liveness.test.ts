/**
 * Issue 15 §2, liveness: a core that cannot recover is restarted; a core waiting out a database
 * outage is not. Core runs as a real process behind a TCP proxy to its database.
 *   - database down (the proxy refuses): core is not ready but alive, and stays running well
 *     past db.stuck_pool_timeout, then serves again once the database is back;
 *   - a hung process (SIGSTOP) fails the liveness probe (a TCP probe would pass: the kernel
 *     still accepts the connection);
 *   - a pool that cannot heal: its connections go silent while new connections get through.
 *     statement_timeout=0 switches off what heals a pool (storage/orm.ts), standing in for any
 *     bug that would keep it stuck; core exits 1 after db.stuck_pool_timeout, so its supervisor
 *     (Kubernetes, compose `restart:`) starts a fresh one.
 */
import assert from 'node:assert/strict';
import { setTimeout as pause } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { TEST_CALLERS_ENV, TEST_SYSTEM_SECRET, unusedPort } from './support/cluster.js';
import { migratedDatabase, testDatabases } from './support/databases.js';
import { runProgram } from './support/processes.js';
import { proxyFor, throughProxy } from './support/tcp-proxy.js';

const STUCK_TIMEOUT_MS = 3_000;

for (const db of testDatabases().filter((d) => d.name !== 'sqlite')) {
  describe(`core liveness on ${db.name}`, { skip: db.skipReason }, () => {
    test('an outage keeps core alive; a hung core fails the probe; a stuck pool makes core exit 1', { timeout: 120_000 }, async () => {
      const database = await migratedDatabase(db);
      const proxy = await proxyFor(database.dsn);
      const grpcPort = String(await unusedPort());
      const dsn = throughProxy(database.dsn, proxy.port);
      const core = runProgram('core-service/main.ts', ['serve'], {
        DSN: `${dsn}${dsn.includes('?') ? '&' : '?'}statement_timeout=0&max_conns=2`,
        SECRETS_SYSTEM: TEST_SYSTEM_SECRET,
        SERVE_GRPC_PORT: grpcPort,
        SERVE_METRICS_PORT: '0',
        DB_STUCK_POOL_TIMEOUT: `${STUCK_TIMEOUT_MS}ms`,
        ...TEST_CALLERS_ENV,
      });
      const probe = async (...args: string[]) => {
        const program = runProgram('deploy/healthcheck.ts', ['core', ...args], { SERVE_GRPC_PORT: grpcPort });
        return (await program.exited()) === 0;
      };
      try {
        await core.waitFor(/core gRPC listening/);
        assert.deepEqual([await probe(), await probe('--liveness')], [true, true], 'ready and alive');

        // A database outage: not ready, alive, and no exit however long it lasts.
        let mark = core.output().length;
        proxy.cut();
        await core.waitFor(/database unreachable: health NOT_SERVING/, 15_000, mark);
        assert.deepEqual([await probe(), await probe('--liveness')], [false, true], 'not ready, alive');
        await pause(2 * STUCK_TIMEOUT_MS);
        assert.equal(core.child.exitCode, null, `core exited during a database outage:\n${core.output()}`);
        mark = core.output().length;
        proxy.restore();
        await core.waitFor(/database reachable: health SERVING/, 20_000, mark);

        // A process that answers nothing fails liveness.
        core.child.kill('SIGSTOP');
        try {
          assert.equal(await probe('--liveness'), false, 'a stopped core is not alive');
        } finally {
          core.child.kill('SIGCONT');
        }
        assert.equal(await probe('--liveness'), true);

        // The pool's connections go silent, new connections get through: only a restart helps.
        mark = core.output().length;
        proxy.blackhole();
        proxy.restore();
        assert.equal(await core.exited(), 1, core.output().slice(mark));
        assert.match(core.output().slice(mark), /"level":"fatal".*connection pool is stuck while the database answers/);
      } finally {
        await core.stop();
        await proxy.close();
        await database.drop();
      }
    });
  });
}
