/**
 * Issue 15 §5: a gateway stopped with SIGTERM under load loses no request. Clients keep
 * connections alive through a TCP load balancer (tcp-proxy.ts) that, like Kubernetes, polls
 * the gateway's readiness and sends new connections to another gateway once it fails; open
 * connections stay where they are. The draining gateway must keep answering, close each
 * connection after its answer (`Connection: close`) so its clients reconnect to the other
 * gateway, and only then close its port. The drain must outlast the manifests' readiness window.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pool, request } from 'undici';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_DRAIN_DELAY_MS, loadConfig } from '../core-service/shared/config.js';
import { PROJECT_ROOT } from '../core-service/shared/paths.js';
import { CLOSE_TIMEOUT_MS } from '../http-gateway/app.js';
import { startCluster, TEST_CALLERS_ENV, TEST_SYSTEM_SECRET, unusedPort } from './support/cluster.js';
import { testDatabases } from './support/databases.js';
import { runProgram } from './support/processes.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { waitUntil } from './support/wait.js';

interface Probe {
  periodSeconds?: number;
  failureThreshold?: number;
}
interface Deployment {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { terminationGracePeriodSeconds?: number; containers: { readinessProbe?: Probe }[] } } };
}

test('the default drain outlasts the gateway readiness window of deploy/kubernetes and fits its termination grace period', () => {
  const docs = parseAllDocuments(readFileSync(join(PROJECT_ROOT, 'deploy', 'kubernetes', 'gateway.yaml'), 'utf8')).map((d) => d.toJS() as Deployment);
  const gateway = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'tessera-gateway');
  assert.ok(gateway);
  const probe = gateway.spec.template.spec.containers[0]?.readinessProbe;
  assert.ok(probe, 'the gateway has a readiness probe');
  // Kubernetes' defaults: periodSeconds 10, failureThreshold 3.
  const windowMs = (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3) * 1000;
  const drain = loadConfig({ env: {} }).serve.shutdown.drainDelay;
  assert.equal(drain, DEFAULT_DRAIN_DELAY_MS);
  assert.ok(drain >= windowMs, `drain ${drain} ms < readiness window ${windowMs} ms`);
  // Kubernetes' default grace is 30 s; after it, SIGKILL cuts whatever is still in flight.
  const graceMs = (gateway.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  assert.ok(drain + CLOSE_TIMEOUT_MS <= graceMs, `drain ${drain} ms + in-flight ${CLOSE_TIMEOUT_MS} ms > terminationGracePeriodSeconds`);
  assert.equal(loadConfig({ env: { DEV: 'true' } }).serve.shutdown.drainDelay, 0, 'dev mode stops at once');
});

test('SIGTERM under keep-alive load: zero failed requests, and the gateway exits 0', { timeout: 120_000 }, async () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite');
  if (!sqlite) throw new Error('sqlite is always available');
  const created = await sqlite.create();
  // Core, and the gateway that stays ("B").
  const cluster = await startCluster({ dsn: created.dsn });
  const [publicPort, adminPort] = [await unusedPort(), await unusedPort()];
  // The gateway that is stopped ("A"), a real process.
  const gateway = runProgram('http-gateway/main.ts', ['serve', 'all', '--dangerous-force-http'], {
    SECRETS_SYSTEM: TEST_SYSTEM_SECRET,
    SERVE_GRPC_HOST: '127.0.0.1',
    SERVE_GRPC_PORT: String(cluster.config.serve.grpc.port),
    SERVE_PUBLIC_HOST: '127.0.0.1',
    SERVE_PUBLIC_PORT: String(publicPort),
    SERVE_ADMIN_HOST: '127.0.0.1',
    SERVE_ADMIN_PORT: String(adminPort),
    SERVE_SHUTDOWN_DRAIN_DELAY: '3s',
    ...TEST_CALLERS_ENV,
  });
  const balancer = await startTcpProxy('127.0.0.1', publicPort);
  const pool = new Pool(`http://127.0.0.1:${balancer.port}`, { connections: 8, pipelining: 1 });
  const results = { ok: 0, closed: 0, failures: [] as string[] };
  let stop = false;
  const worker = async () => {
    while (!stop) {
      try {
        const res = await pool.request({ method: 'GET', path: '/.well-known/openid-configuration' });
        await res.body.dump();
        if (res.statusCode === 200) results.ok += 1;
        else results.failures.push(`status ${res.statusCode} ${JSON.stringify(res.headers)}`);
        if (res.headers.connection === 'close') results.closed += 1;
      } catch (err) {
        results.failures.push(`${(err as Error).name}: ${(err as Error).message} ${String((err as { code?: unknown }).code ?? '')}`);
      }
    }
  };
  let workers: Promise<void>[] = [];
  try {
    await gateway.waitFor(/gateway listening/);
    workers = Array.from({ length: 8 }, worker);
    await waitUntil(() => results.ok >= 200, 30_000, '200 requests went through gateway A');

    // The load balancer: out of rotation once readiness fails (one failure, polled every 100 ms).
    const outOfRotation = waitUntil(
      async () => {
        const res = await request(`http://127.0.0.1:${adminPort}/health/ready`).catch(() => undefined);
        await res?.body.dump();
        if (res?.statusCode === 200) return false;
        balancer.retarget(Number(new URL(cluster.publicUrl).port));
        return true;
      },
      30_000,
      'readiness fails',
      100,
    );
    const mark = gateway.output().length;
    gateway.child.kill('SIGTERM');
    await gateway.waitFor(/draining/, 10_000, mark);
    await outOfRotation;
    assert.equal(await gateway.exited(), 0, gateway.output().slice(mark));
    const afterExit = results.ok;
    await waitUntil(() => results.ok >= afterExit + 200, 30_000, '200 more requests after gateway A exited');
    stop = true;
    await Promise.all(workers);

    assert.deepEqual(results.failures.slice(0, 10), [], `${results.failures.length} of ${results.ok + results.failures.length} requests failed`);
    assert.ok(results.closed > 0, 'the draining gateway closed kept-alive connections after answering');
    const servedWhileDraining = gateway.output().slice(mark).split('\n').filter((l) => /request completed/.test(l) && !/health/.test(l));
    assert.ok(servedWhileDraining.length > 0, 'gateway A kept answering during its drain');
    console.log(`${results.ok} requests, 0 failed; gateway A answered ${servedWhileDraining.length} while draining, ${results.closed} with Connection: close`);
  } finally {
    stop = true;
    await Promise.all(workers);
    await gateway.stop();
    await pool.close();
    await balancer.close();
    await cluster.close();
    await created.drop();
  }
});
