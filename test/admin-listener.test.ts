/**
 * Issue 9 §5: the admin listener (no authentication of its own, as Hydra's) binds loopback
 * unless `serve.admin.host` is set, and the start log says which address and why. The public
 * listener keeps Hydra's default, every interface. The gateway runs as a process, as deployed.
 */
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { request } from 'undici';
import { TEST_CALLERS_ENV, unusedPort } from './support/cluster.js';
import { runProgram } from './support/processes.js';

/** An IPv4 address of this machine that is not loopback, if it has one. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;

async function answers(url: string): Promise<boolean> {
  try {
    const res = await request(url, { headersTimeout: 5_000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

async function startGateway(env: Record<string, string>) {
  const [publicPort, adminPort] = [await unusedPort(), await unusedPort()];
  const gateway = runProgram('http-gateway/main.ts', ['serve', 'all', '--dangerous-force-http'], {
    SERVE_GRPC_PORT: String(await unusedPort()),
    SERVE_PUBLIC_PORT: String(publicPort),
    SERVE_ADMIN_PORT: String(adminPort),
    ...TEST_CALLERS_ENV,
    ...env,
  });
  await gateway.waitFor(/gateway listening/, 60_000);
  return { gateway, publicPort, adminPort };
}

describe('where the admin listener binds', () => {
  test('without serve.admin.host: loopback only, and the log says why', async () => {
    const { gateway, publicPort, adminPort } = await startGateway({});
    try {
      const line = JSON.parse(await gateway.waitFor(/"the admin listener binds/)) as { host: string; reason: string };
      assert.equal(line.host, '127.0.0.1');
      assert.match(line.reason, /serve\.admin\.host is not set: the admin API .* listens on loopback only/);
      const publicLine = JSON.parse(await gateway.waitFor(/"the public listener binds/)) as { host: string };
      assert.equal(publicLine.host, '0.0.0.0', 'the public listener keeps Hydra\'s every-interface default');
      assert.ok(await answers(`http://127.0.0.1:${adminPort}/health/alive`));
      if (outside !== undefined) {
        assert.equal(await answers(`http://${outside}:${adminPort}/health/alive`), false, `the admin API answered on ${outside}`);
        assert.ok(await answers(`http://${outside}:${publicPort}/health/alive`), 'the public API answers on every interface');
      }
    } finally {
      await gateway.stop('SIGKILL');
    }
  });

  test('with serve.admin.host set: that interface, and the log says it was configured', { skip: outside === undefined && 'this machine has no non-loopback IPv4 address' }, async () => {
    const { gateway, adminPort } = await startGateway({ SERVE_ADMIN_HOST: '0.0.0.0' });
    try {
      const line = JSON.parse(await gateway.waitFor(/"the admin listener binds/)) as { host: string; reason: string };
      assert.deepEqual([line.host, line.reason], ['0.0.0.0', 'serve.admin.host is set']);
      assert.ok(await answers(`http://${outside}:${adminPort}/health/alive`));
    } finally {
      await gateway.stop('SIGKILL');
    }
  });
});
