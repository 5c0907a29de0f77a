/**
 * Issue 15 §5: the gateway's channel to core. After core comes back, the gateway is ready again
 * within about half a second (it stayed unready up to 4.6 s, reconnect backoff up to 5 s); a
 * core that goes silent without closing the connection is noticed by gRPC keepalive, and the
 * gateway reconnects instead of sending every call into its deadline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { startGateway } from '../http-gateway/app.js';
import { startCluster, startGatewayWithoutCore, testLogger } from './support/cluster.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { waitUntil } from './support/wait.js';

async function readiness(adminUrl: string): Promise<number> {
  const res = await request(`${adminUrl}/health/ready`);
  await res.body.dump();
  return res.statusCode;
}

test('after core comes back, /health/ready is 200 within about half a second', { timeout: 60_000 }, async () => {
  const cluster = await startCluster({ dsn: 'memory' });
  // Core's port as the gateway sees it: dropping every connection while core is "away", each
  // attempt recorded; forwarding at once when it is "back" (core itself never stopped, so no
  // start-up time hides the gateway's backoff).
  const port = await startTcpProxy('127.0.0.1', cluster.config.serve.grpc.port);
  port.cut();
  const gateway = await startGatewayWithoutCore({ SERVE_GRPC_PORT: String(port.port) });
  const adminUrl = gateway.adminUrl ?? '';
  // Traffic keeps asking, as a load balancer's probes would.
  let polling = true;
  const poller = (async () => {
    while (polling) await readiness(adminUrl);
  })();
  try {
    const attempts = port.acceptedAt();
    // Away long enough for the old backoff (200 ms × 1.6ⁿ, up to 5 s) to grow past 2 s.
    await waitUntil(() => attempts.length > 0 && Date.now() - (attempts[0] ?? 0) > 4_500, 20_000, 'core has been away 4.5 s');
    const seen = attempts.length;
    // Core returns right after an attempt: the worst moment for a long backoff.
    await waitUntil(() => attempts.length > seen, 10_000, 'the next reconnect attempt', 1);
    port.restore();
    const ms = await waitUntil(async () => (await readiness(adminUrl)) === 200, 10_000, 'the gateway is ready again', 10);
    const gaps = attempts.slice(1, seen + 1).map((at, i) => at - (attempts[i] ?? at));
    console.log(`gateway ready ${ms} ms after core was back; reconnect attempts ${gaps.join(', ')} ms apart while it was away`);
    assert.ok(ms < 1_500, `ready ${ms} ms after core was back`);
  } finally {
    polling = false;
    await poller;
    await gateway.close();
    await port.close();
    await cluster.close();
  }
});

test('a core that goes silent is noticed by keepalive: the gateway reconnects and is ready again', { timeout: 60_000 }, async () => {
  const cluster = await startCluster({ dsn: 'memory' });
  const proxy = await startTcpProxy('127.0.0.1', cluster.config.serve.grpc.port);
  const gateway = await startGateway({
    config: { ...cluster.config, serve: { ...cluster.config.serve, grpc: { ...cluster.config.serve.grpc, port: proxy.port } } },
    logger: testLogger('http-gateway'),
    serve: 'admin',
    forceHttp: true,
  });
  const adminUrl = gateway.adminUrl ?? '';
  try {
    assert.equal(await readiness(adminUrl), 200);
    // The connection to core stays open and carries nothing, in either direction.
    proxy.blackhole();
    assert.equal(await readiness(adminUrl), 503);
    proxy.restore();
    // keepalive_time 10 s + keepalive_timeout 5 s, then a reconnect; without keepalive, never.
    const ms = await waitUntil(async () => (await readiness(adminUrl)) === 200, 25_000, 'the gateway is ready again', 100);
    console.log(`ready again ${ms} ms after new connections to core got through`);
  } finally {
    await gateway.close();
    await proxy.close();
    await cluster.close();
  }
});
