/**
 * gRPC between gateway and core, and for internal callers: TLS, mutual TLS, and the rule that
 * plaintext gRPC only listens on loopback unless forced. Certificates come from a throwaway CA
 * made in the test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, credentials, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { request } from 'undici';
import { startCore } from '../core-service/app.js';
import { ConfigError } from '../core-service/shared/config.js';
import { createTestCa, type CertificateFiles, type TestCa } from './support/certificates.js';
import { startCluster, TEST_CALLERS_ENV, testConfig, testLogger, type Cluster } from './support/cluster.js';
import { runProgram } from './support/processes.js';

/** grpc.health.v1.Health/Check for the whole server (an empty request); resolves with the raw reply. */
function healthCheck(address: string, creds: ChannelCredentials, options: Record<string, string> = {}): Promise<Buffer> {
  const client = new Client(address, creds, options);
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (value: Buffer) => value,
      (bytes: Buffer) => bytes,
      Buffer.alloc(0),
      { deadline: Date.now() + 5_000 },
      (err, reply) => (err ? reject(err) : resolve(reply ?? Buffer.alloc(0))),
    );
  }).finally(() => client.close());
}

/** HealthCheckResponse{status: SERVING} is field 1 = 1. */
const SERVING = Buffer.from([0x08, 0x01]);

/** A refused handshake surfaces as UNAVAILABLE (the connection never came up) or UNAUTHENTICATED. */
async function assertRefused(call: Promise<Buffer>): Promise<void> {
  await assert.rejects(call, (err: ServiceError) => {
    assert.ok([status.UNAVAILABLE, status.UNAUTHENTICATED].includes(err.code), `unexpected status ${err.code}: ${err.details}`);
    return true;
  });
}

async function ready(cluster: Cluster): Promise<number> {
  const res = await request(`${cluster.adminUrl}/health/ready`);
  await res.body.dump();
  return res.statusCode;
}

let dir: string;
let ca: TestCa;
let server: CertificateFiles;
let gatewayClient: CertificateFiles;
let otherCaClient: CertificateFiles;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-grpc-tls-'));
  ca = createTestCa(dir, 'tessera-ca');
  server = ca.issue('core', { altNames: ['IP:127.0.0.1', 'DNS:localhost'], usage: 'server' });
  gatewayClient = ca.issue('gateway', { altNames: ['DNS:gateway'], usage: 'client' });
  otherCaClient = createTestCa(dir, 'other-ca').issue('intruder', { altNames: ['DNS:intruder'], usage: 'client' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('core gRPC over TLS', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({
      dsn: 'memory',
      env: { SERVE_GRPC_TLS_CERT_PATH: server.certPath, SERVE_GRPC_TLS_KEY_PATH: server.keyPath, CORE_TLS_CA_PATH: ca.certPath },
    });
  });
  after(() => cluster.close());

  test('a caller trusting the CA gets SERVING', async () => {
    assert.deepEqual(await healthCheck(cluster.grpcAddress, credentials.createSsl(Buffer.from(ca.cert))), SERVING);
  });

  test('a plaintext caller is refused', async () => {
    await assertRefused(healthCheck(cluster.grpcAddress, credentials.createInsecure()));
  });

  test('a caller that does not trust the CA is refused', async () => {
    await assertRefused(healthCheck(cluster.grpcAddress, credentials.createSsl(Buffer.from(otherCaClient.cert))));
  });

  test('the gateway reaches core over TLS: /health/ready is 200', async () => {
    assert.equal(await ready(cluster), 200);
  });
});

describe('core gRPC over mutual TLS', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({
      dsn: 'memory',
      env: {
        SERVE_GRPC_TLS_CERT_PATH: server.certPath,
        SERVE_GRPC_TLS_KEY_PATH: server.keyPath,
        SERVE_GRPC_TLS_CLIENT_CA_PATH: ca.certPath,
        CORE_TLS_CA_PATH: ca.certPath,
        CORE_TLS_CERT_PATH: gatewayClient.certPath,
        CORE_TLS_KEY_PATH: gatewayClient.keyPath,
      },
    });
  });
  after(() => cluster.close());

  const withClientCert = (cert: CertificateFiles) =>
    credentials.createSsl(Buffer.from(ca.cert), Buffer.from(cert.key), Buffer.from(cert.cert));

  test('a caller with a certificate from the client CA gets SERVING', async () => {
    assert.deepEqual(await healthCheck(cluster.grpcAddress, withClientCert(gatewayClient)), SERVING);
  });

  test('a caller without a client certificate is refused at the handshake', async () => {
    await assertRefused(healthCheck(cluster.grpcAddress, credentials.createSsl(Buffer.from(ca.cert))));
  });

  test('a caller with a certificate from another CA is refused at the handshake', async () => {
    await assertRefused(healthCheck(cluster.grpcAddress, withClientCert(otherCaClient)));
  });

  test('the gateway with its client certificate: /health/ready is 200', async () => {
    assert.equal(await ready(cluster), 200);
  });

  test('a gateway without a client certificate is not ready (503)', async () => {
    const { startGateway } = await import('../http-gateway/app.js');
    const config = { ...cluster.config, core: { ...cluster.config.core, tls: { caPath: ca.certPath } } };
    const gateway = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'admin', forceHttp: true });
    try {
      const res = await request(`${String(gateway.adminUrl)}/health/ready`);
      assert.equal(res.statusCode, 503);
      await res.body.dump();
    } finally {
      await gateway.close();
    }
  });
});

test('core.tls.server_name verifies core under the name in its certificate, not the address dialled', async () => {
  const named = ca.issue('core-by-name', { altNames: ['DNS:tessera-core'], usage: 'server' });
  const env = { SERVE_GRPC_TLS_CERT_PATH: named.certPath, SERVE_GRPC_TLS_KEY_PATH: named.keyPath, CORE_TLS_CA_PATH: ca.certPath };
  const withoutName = await startCluster({ dsn: 'memory', env });
  try {
    assert.equal(await ready(withoutName), 503, '127.0.0.1 is not in the certificate');
  } finally {
    await withoutName.close();
  }
  const withName = await startCluster({ dsn: 'memory', env: { ...env, CORE_TLS_SERVER_NAME: 'tessera-core' } });
  try {
    assert.equal(await ready(withName), 200);
  } finally {
    await withName.close();
  }
});

describe('plaintext gRPC only on loopback', () => {
  test('core refuses to start plaintext on 0.0.0.0, naming the keys', async () => {
    const config = testConfig({ DSN: 'memory', SERVE_GRPC_HOST: '0.0.0.0' });
    await assert.rejects(startCore({ config, logger: testLogger('core-service') }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /serve\.grpc\.host/);
      assert.match(err.message, /SERVE_GRPC_TLS_CERT_PATH/);
      assert.match(err.message, /serve\.grpc\.allow_insecure_non_loopback/);
      assert.match(err.message, /--dangerous-allow-insecure-grpc/);
      return true;
    });
  });

  test('with TLS, core binds 0.0.0.0', async () => {
    const config = testConfig({ DSN: 'memory', SERVE_GRPC_HOST: '0.0.0.0', SERVE_GRPC_TLS_CERT_PATH: server.certPath, SERVE_GRPC_TLS_KEY_PATH: server.keyPath });
    const core = await startCore({ config, logger: testLogger('core-service') });
    try {
      const port = core.grpcAddress.slice(core.grpcAddress.lastIndexOf(':') + 1);
      assert.deepEqual(await healthCheck(`127.0.0.1:${port}`, credentials.createSsl(Buffer.from(ca.cert))), SERVING);
    } finally {
      await core.close();
    }
  });

  test('an inline base64 certificate (serve.grpc.tls.cert.base64 / key.base64) serves TLS', async () => {
    const base64 = (pem: string) => Buffer.from(pem).toString('base64');
    const config = testConfig({ DSN: 'memory', SERVE_GRPC_TLS_CERT_BASE64: base64(server.cert), SERVE_GRPC_TLS_KEY_BASE64: base64(server.key) });
    const core = await startCore({ config, logger: testLogger('core-service') });
    try {
      assert.deepEqual(await healthCheck(core.grpcAddress, credentials.createSsl(Buffer.from(ca.cert))), SERVING);
      await assertRefused(healthCheck(core.grpcAddress, credentials.createInsecure()));
    } finally {
      await core.close();
    }
  });

  test('a client CA without a server certificate is refused', async () => {
    const config = testConfig({ DSN: 'memory', SERVE_GRPC_TLS_CLIENT_CA_PATH: ca.certPath });
    await assert.rejects(startCore({ config, logger: testLogger('core-service') }), /serve\.grpc\.tls\.client_ca\.path/);
  });

  const env = { DSN: 'memory', SECRETS_SYSTEM: 'tessera-test-system-secret-0123456789', SERVE_GRPC_HOST: '0.0.0.0', SERVE_GRPC_PORT: '0', SERVE_METRICS_PORT: '0', ...TEST_CALLERS_ENV };

  test('main.ts exits 1 with the message on a plaintext non-loopback bind', async () => {
    const program = runProgram('core-service/main.ts', ['serve'], env);
    assert.equal(await program.exited(), 1);
    assert.match(program.output(), /not a loopback address.*SERVE_GRPC_TLS_CERT_PATH/);
  });

  test('main.ts with --dangerous-allow-insecure-grpc serves plaintext on 0.0.0.0', async () => {
    const program = runProgram('core-service/main.ts', ['serve', '--dangerous-allow-insecure-grpc'], env);
    const line = await program.waitFor(/core gRPC listening/);
    assert.match(line, /"security":"plaintext"/);
    const port = /"address":"0\.0\.0\.0:(\d+)"/.exec(line)?.[1];
    assert.ok(port, line);
    await program.waitFor(/health SERVING/);
    assert.deepEqual(await healthCheck(`127.0.0.1:${port}`, credentials.createInsecure()), SERVING);
    const code = await program.stop('SIGTERM');
    assert.equal(code, 0, program.output());
  });
});
