/**
 * Who may call core (issue 9, §5): callers identified by an API key (`authorization: Bearer`) or
 * a mutual-TLS certificate, each limited to the services its `serve.grpc.callers` entry names;
 * health and reflection open to all; no open port outside dev mode unless forced; and, when
 * `serve.admin.auth.enabled`, the same keys on the admin HTTP API. Real gRPC and HTTP throughout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  Client,
  credentials,
  loadPackageDefinition,
  Metadata,
  status,
  type ChannelCredentials,
  type ClientDuplexStream,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { request } from 'undici';
import { startCore, type RunningCore } from '../core-service/app.js';
import { ConfigError } from '../core-service/shared/config.js';
import { createLogger } from '../core-service/shared/logger.js';
import { PROJECT_ROOT } from '../core-service/shared/paths.js';
import { ClientServiceClient } from '../proto/gen/tessera/v1/clients.js';
import { OAuthError } from '../proto/gen/tessera/v1/errors.js';
import { IntrospectionServiceClient } from '../proto/gen/tessera/v1/introspection.js';
import { JwkServiceClient } from '../proto/gen/tessera/v1/keys.js';
import { createTestCa, type CertificateFiles, type TestCa } from './support/certificates.js';
import { apiKeyHash, startCluster, TEST_CORE_API_KEY, testConfig, testLogger, unusedPort, type Cluster } from './support/cluster.js';
import { scrape, valueOf } from './support/prometheus.js';
import { runProgram } from './support/processes.js';

const BILLING_KEY = 'billing-key-0123456789abcdef0123456789abcdef';
const WRONG_KEY = 'wrong-key-0123456789abcdef0123456789abcdef00';
const INTROSPECTION = 'tessera.v1.IntrospectionService';

/** gateway (all services) and billing (introspection only), by API key. */
const KEY_CALLERS = JSON.stringify([
  { name: 'gateway', api_key_hash: apiKeyHash(TEST_CORE_API_KEY), services: ['*'] },
  { name: 'billing', api_key_hash: apiKeyHash(BILLING_KEY), services: [INTROSPECTION] },
]);

function bearer(key: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return metadata;
}

type Creds = ChannelCredentials;
const plaintext = (): Creds => credentials.createInsecure();

/** Three calls, one per kind of service: admin (clients, keys) and introspection. */
function listClients(address: string, metadata: Metadata, creds: Creds = plaintext()): Promise<unknown> {
  const client = new ClientServiceClient(address, creds);
  return new Promise((resolve, reject) => {
    client.listClients({ page_size: 1, page_token: '', client_name: '', owner: '' }, metadata, { deadline: Date.now() + 10_000 }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    });
  });
}

function getKeySet(address: string, metadata: Metadata, creds: Creds = plaintext()): Promise<unknown> {
  const client = new JwkServiceClient(address, creds);
  return new Promise((resolve, reject) => {
    client.getKeySet({ set: 'hydra.openid.id-token' }, metadata, { deadline: Date.now() + 10_000 }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    });
  });
}

function introspect(address: string, metadata: Metadata, creds: Creds = plaintext()): Promise<{ active: boolean }> {
  const client = new IntrospectionServiceClient(address, creds);
  return new Promise((resolve, reject) => {
    client.introspect({ token: 'not-a-token', scope: '' }, metadata, { deadline: Date.now() + 10_000 }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    });
  });
}

/** grpc.health.v1.Health/Check for the whole server; resolves with the raw reply. */
function healthCheck(address: string, metadata: Metadata, creds: Creds = plaintext()): Promise<Buffer> {
  const client = new Client(address, creds);
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (value: Buffer) => value,
      (bytes: Buffer) => bytes,
      Buffer.alloc(0),
      metadata,
      { deadline: Date.now() + 10_000 },
      (err, reply) => (err ? reject(err) : resolve(reply ?? Buffer.alloc(0))),
    );
  }).finally(() => client.close());
}

/** HealthCheckResponse{status: SERVING}. */
const SERVING = Buffer.from([0x08, 0x01]);

interface ReflectionReply {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
}

/** One grpc.reflection.v1 ServerReflectionInfo exchange without credentials, as grpcurl sends it. */
function reflect(address: string, question: Record<string, string>): Promise<ReflectionReply> {
  const definition = loadSync(join(PROJECT_ROOT, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: true });
  const pkg = loadPackageDefinition(definition) as GrpcObject;
  const Reflection = (((pkg.grpc as GrpcObject).reflection as GrpcObject).v1 as GrpcObject).ServerReflection as ServiceClientConstructor;
  const client = new Reflection(address, credentials.createInsecure());
  return new Promise<ReflectionReply>((resolve, reject) => {
    const stream = (client as unknown as { ServerReflectionInfo(): ClientDuplexStream<object, ReflectionReply> }).ServerReflectionInfo();
    stream.on('data', (reply: ReflectionReply) => {
      resolve(reply);
      stream.end();
    });
    stream.on('error', reject);
    stream.write(question);
  }).finally(() => client.close());
}

/** Asserts a refusal: its gRPC code and the OAuth error core put in the `tessera-error-bin` trailer. */
async function refused(call: Promise<unknown>, code: status, error: string, hint?: RegExp): Promise<void> {
  await assert.rejects(call, (err: ServiceError) => {
    assert.equal(err.code, code, `${status[err.code]}: ${err.details}`);
    const raw = err.metadata.get('tessera-error-bin')[0];
    assert.ok(raw instanceof Buffer, 'the error trailer is there');
    const decoded = OAuthError.decode(raw);
    assert.equal(decoded.error, error);
    assert.equal(decoded.status_code, code === status.UNAUTHENTICATED ? 401 : 403);
    if (hint) assert.match(decoded.error_hint, hint);
    return true;
  });
}

/** A logger whose JSON lines a test can read. */
function capturingLogger() {
  let text = '';
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { logger: createLogger('core-service', { level: 'info', format: 'json', leakSensitiveValues: false }, sink), output: () => text };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; challenge: string | undefined }> {
  const res = await request(url, { headers });
  const text = await res.body.text();
  const challenge = res.headers['www-authenticate'];
  return { status: res.statusCode, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}, challenge: typeof challenge === 'string' ? challenge : undefined };
}

describe('API-key callers on plaintext loopback', () => {
  let core: RunningCore;
  let logs: ReturnType<typeof capturingLogger>;
  before(async () => {
    logs = capturingLogger();
    const metricsPort = String(await unusedPort());
    core = await startCore({ config: testConfig({ DSN: 'memory', SERVE_GRPC_CALLERS: KEY_CALLERS, SERVE_METRICS_PORT: metricsPort }), logger: logs.logger });
  });
  after(() => core.close());

  test('the start log says the port enforces caller authorization and names the callers', () => {
    const line = logs.output().split('\n').find((l) => l.includes('core gRPC listening')) ?? '';
    assert.match(line, /"callers":"enforced"/);
    assert.match(line, /"caller_names":\["gateway","billing"\]/);
  });

  test('no key: UNAUTHENTICATED on every Tessera service', async () => {
    await refused(listClients(core.grpcAddress, new Metadata()), status.UNAUTHENTICATED, 'request_unauthorized');
    await refused(getKeySet(core.grpcAddress, new Metadata()), status.UNAUTHENTICATED, 'request_unauthorized');
    await refused(introspect(core.grpcAddress, new Metadata()), status.UNAUTHENTICATED, 'request_unauthorized');
  });

  test('a wrong key or a malformed authorization value: UNAUTHENTICATED', async () => {
    await refused(introspect(core.grpcAddress, bearer(WRONG_KEY)), status.UNAUTHENTICATED, 'request_unauthorized', /not known/);
    const basic = new Metadata();
    basic.set('authorization', `Basic ${Buffer.from(`gateway:${TEST_CORE_API_KEY}`).toString('base64')}`);
    await refused(introspect(core.grpcAddress, basic), status.UNAUTHENTICATED, 'request_unauthorized');
    // The bare key without "Bearer" is not accepted either.
    const bare = new Metadata();
    bare.set('authorization', TEST_CORE_API_KEY);
    await refused(listClients(core.grpcAddress, bare), status.UNAUTHENTICATED, 'request_unauthorized');
  });

  test('the billing key introspects, and is refused the client and key services with PERMISSION_DENIED', async () => {
    assert.equal((await introspect(core.grpcAddress, bearer(BILLING_KEY))).active, false);
    await refused(listClients(core.grpcAddress, bearer(BILLING_KEY)), status.PERMISSION_DENIED, 'request_forbidden', /"billing" may not call tessera\.v1\.ClientService/);
    await refused(getKeySet(core.grpcAddress, bearer(BILLING_KEY)), status.PERMISSION_DENIED, 'request_forbidden', /tessera\.v1\.JwkService/);
  });

  test('the gateway key calls every service', async () => {
    await listClients(core.grpcAddress, bearer(TEST_CORE_API_KEY));
    await getKeySet(core.grpcAddress, bearer(TEST_CORE_API_KEY));
    assert.equal((await introspect(core.grpcAddress, bearer(TEST_CORE_API_KEY))).active, false);
    // "Bearer" is case-insensitive (RFC 6750 §2.1 / RFC 9110 §11.1).
    const lower = new Metadata();
    lower.set('authorization', `bearer ${TEST_CORE_API_KEY}`);
    await listClients(core.grpcAddress, lower);
  });

  test('health and reflection answer without credentials (probes, grpcurl list)', async () => {
    assert.deepEqual(await healthCheck(core.grpcAddress, new Metadata()), SERVING);
    // grpcurl list
    const services = (await reflect(core.grpcAddress, { list_services: '' })).list_services_response?.service.map((s) => s.name) ?? [];
    for (const name of ['tessera.v1.ClientService', INTROSPECTION, 'grpc.health.v1.Health']) assert.ok(services.includes(name), `${name} in ${services.join(', ')}`);
    // grpcurl describe tessera.v1.ClientService
    const files = (await reflect(core.grpcAddress, { file_containing_symbol: 'tessera.v1.ClientService' })).file_descriptor_response?.file_descriptor_proto ?? [];
    assert.ok(files.some((file) => file.includes('ClientService')), 'the descriptor of ClientService comes back');
  });

  test('refusals are counted in grpc_server_handled_total by their code', async () => {
    const count = async (code: string) =>
      valueOf((await scrape(String(core.metricsUrl))).samples, 'grpc_server_handled_total', { grpc_service: 'tessera.v1.JwkService', grpc_method: 'GetKeySet', grpc_code: code });
    const [unauthenticated, denied] = [await count('UNAUTHENTICATED'), await count('PERMISSION_DENIED')];
    await refused(getKeySet(core.grpcAddress, new Metadata()), status.UNAUTHENTICATED, 'request_unauthorized');
    await refused(getKeySet(core.grpcAddress, bearer(BILLING_KEY)), status.PERMISSION_DENIED, 'request_forbidden');
    assert.equal(await count('UNAUTHENTICATED'), unauthenticated + 1);
    assert.equal(await count('PERMISSION_DENIED'), denied + 1);
  });

  test('refusals are logged with the caller and method, never with the key', () => {
    const refusals = logs.output().split('\n').filter((l) => l.includes('gRPC call refused'));
    assert.ok(refusals.some((l) => l.includes('"caller":"billing"') && l.includes('/tessera.v1.ClientService/ListClients')), refusals.join('\n'));
    assert.ok(refusals.some((l) => l.includes('"caller":null')));
    for (const key of [WRONG_KEY, BILLING_KEY, TEST_CORE_API_KEY]) assert.ok(!logs.output().includes(key), 'a key reached the log');
  });
});

describe('mutual-TLS callers identified by their certificate', () => {
  let dir: string;
  let ca: TestCa;
  let gatewayCert: CertificateFiles;
  let reportingCert: CertificateFiles;
  let spiffeCert: CertificateFiles;
  let strangerCert: CertificateFiles;
  let cluster: Cluster;
  const withCert = (cert: CertificateFiles) => credentials.createSsl(Buffer.from(ca.cert), Buffer.from(cert.key), Buffer.from(cert.cert));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-grpc-callers-'));
    ca = createTestCa(dir, 'tessera-ca');
    const server = ca.issue('core', { altNames: ['IP:127.0.0.1'], usage: 'server' });
    gatewayCert = ca.issue('tessera-gateway', { altNames: ['DNS:tessera-gateway'], usage: 'client' });
    reportingCert = ca.issue('reporting', { altNames: [], usage: 'client' });
    spiffeCert = ca.issue('workload', { altNames: ['URI:spiffe://example.org/billing'], usage: 'client' });
    strangerCert = ca.issue('stranger', { altNames: ['DNS:stranger'], usage: 'client' });
    cluster = await startCluster({
      dsn: 'memory',
      env: {
        SERVE_GRPC_TLS_CERT_PATH: server.certPath,
        SERVE_GRPC_TLS_KEY_PATH: server.keyPath,
        SERVE_GRPC_TLS_CLIENT_CA_PATH: ca.certPath,
        SERVE_GRPC_CALLERS: JSON.stringify([
          { name: 'gateway', certificate_name: 'tessera-gateway', services: ['*'] },
          { name: 'reporting', certificate_name: 'reporting', services: [INTROSPECTION, 'tessera.v1.JwkService'] },
          { name: 'billing', certificate_name: 'spiffe://example.org/billing', services: [INTROSPECTION] },
        ]),
        // The gateway proves who it is with its certificate alone, as in deploy/kubernetes.
        CORE_API_KEY: '',
        CORE_TLS_CA_PATH: ca.certPath,
        CORE_TLS_CERT_PATH: gatewayCert.certPath,
        CORE_TLS_KEY_PATH: gatewayCert.keyPath,
      },
    });
  });
  after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the gateway, known by its certificate, serves the admin API', async () => {
    assert.equal((await get(`${cluster.adminUrl}/admin/clients`)).status, 200);
    assert.equal((await get(`${cluster.adminUrl}/health/ready`)).status, 200);
  });

  test('a certificate named by CN maps to its services: introspection and keys yes, clients no', async () => {
    assert.equal((await introspect(cluster.grpcAddress, new Metadata(), withCert(reportingCert))).active, false);
    await getKeySet(cluster.grpcAddress, new Metadata(), withCert(reportingCert));
    await refused(listClients(cluster.grpcAddress, new Metadata(), withCert(reportingCert)), status.PERMISSION_DENIED, 'request_forbidden', /"reporting"/);
  });

  test('a certificate named by a URI subjectAltName (SPIFFE ID) maps to its caller', async () => {
    assert.equal((await introspect(cluster.grpcAddress, new Metadata(), withCert(spiffeCert))).active, false);
    await refused(getKeySet(cluster.grpcAddress, new Metadata(), withCert(spiffeCert)), status.PERMISSION_DENIED, 'request_forbidden', /"billing"/);
  });

  test('a valid certificate of no configured caller: UNAUTHENTICATED, but health answers', async () => {
    await refused(introspect(cluster.grpcAddress, new Metadata(), withCert(strangerCert)), status.UNAUTHENTICATED, 'request_unauthorized');
    assert.deepEqual(await healthCheck(cluster.grpcAddress, new Metadata(), withCert(strangerCert)), SERVING);
  });

  test('a key that is not known is refused even over a certificate that is', async () => {
    await refused(listClients(cluster.grpcAddress, bearer(WRONG_KEY), withCert(gatewayCert)), status.UNAUTHENTICATED, 'request_unauthorized');
  });
});

/** A core process can take long to start on a loaded CI machine; generous, since only a hang should fail. */
const SLOW_START_MS = 120_000;

describe('no open port outside dev mode', () => {
  const env = { DSN: 'memory', SECRETS_SYSTEM: 'tessera-test-system-secret-0123456789', SERVE_GRPC_PORT: '0', SERVE_METRICS_PORT: '0' };

  test('core without serve.grpc.callers exits 1 naming the keys and the flag', async () => {
    const program = runProgram('core-service/main.ts', ['serve'], env);
    // waitFor gives up as soon as the process exits; a core that starts anyway is killed, not waited for.
    const started = await program.waitFor(/core gRPC listening/, SLOW_START_MS).then(() => true, () => false);
    const code = await program.stop('SIGKILL');
    assert.equal(started, false, 'core must not serve');
    assert.equal(code, 1, program.output());
    const output = program.output();
    assert.match(output, /no caller authorization/);
    assert.match(output, /serve\.grpc\.callers \(env SERVE_GRPC_CALLERS\)/);
    assert.match(output, /serve\.grpc\.allow_unauthenticated/);
    assert.match(output, /--dangerous-allow-unauthenticated-grpc/);
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
  });

  test('--dangerous-allow-unauthenticated-grpc serves an open port and says so', async () => {
    const program = runProgram('core-service/main.ts', ['serve', '--dangerous-allow-unauthenticated-grpc'], env);
    try {
      const line = await program.waitFor(/core gRPC listening/, SLOW_START_MS);
      assert.match(line, /"callers":"open"/);
      assert.match(await program.waitFor(/ADMITS UNAUTHENTICATED CALLERS/), /"reason":"serve\.grpc\.allow_unauthenticated"/);
      const { address } = JSON.parse(line) as { address: string };
      await listClients(address, new Metadata());
    } finally {
      assert.equal(await program.stop('SIGTERM'), 0, program.output());
    }
  });

  test('dev mode without callers keeps the open loopback port, and says so', async () => {
    const logs = capturingLogger();
    const core = await startCore({ config: testConfig({ DSN: 'memory', DEV: 'true', SERVE_GRPC_CALLERS: '' }), logger: logs.logger });
    try {
      await listClients(core.grpcAddress, new Metadata());
      assert.match(logs.output(), /"callers":"open"/);
      assert.match(logs.output(), /"reason":"dev mode without serve\.grpc\.callers".*ADMITS UNAUTHENTICATED CALLERS/);
      // A key that is presented is still checked: a wrong one is no better than none.
      await refused(listClients(core.grpcAddress, bearer(WRONG_KEY)), status.UNAUTHENTICATED, 'request_unauthorized');
    } finally {
      await core.close();
    }
  });

  test('dev mode with callers configured enforces them', async () => {
    const core = await startCore({ config: testConfig({ DSN: 'memory', DEV: 'true', SERVE_GRPC_CALLERS: KEY_CALLERS }), logger: testLogger('core-service') });
    try {
      await refused(listClients(core.grpcAddress, new Metadata()), status.UNAUTHENTICATED, 'request_unauthorized');
    } finally {
      await core.close();
    }
  });

  test('callers that cannot work stop the start, naming the problem', async () => {
    const start = (callers: unknown[]) =>
      startCore({ config: testConfig({ DSN: 'memory', SERVE_GRPC_CALLERS: JSON.stringify(callers) }), logger: testLogger('core-service') });
    await assert.rejects(start([{ name: 'billing', api_key_hash: apiKeyHash(BILLING_KEY), services: ['IntrospectionService'] }]), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /unknown service "IntrospectionService".*tessera\.v1\.IntrospectionService/);
      return true;
    });
    await assert.rejects(start([{ name: 'gateway', certificate_name: 'tessera-gateway', services: ['*'] }]), /certificate_name.*serve\.grpc\.tls\.client_ca\.path/);
    await assert.rejects(
      start([
        { name: 'a', api_key_hash: apiKeyHash(BILLING_KEY), services: ['*'] },
        { name: 'b', api_key_hash: apiKeyHash(BILLING_KEY), services: ['*'] },
      ]),
      /"b" has the same api_key_hash/,
    );
  });
});

describe('the gateway with a key core does not know', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ dsn: 'memory', env: { SERVE_GRPC_CALLERS: KEY_CALLERS } });
  });
  after(() => cluster.close());

  test('public and admin routes answer 500 server_error, not a 401 that blames the client', async () => {
    const { startGateway } = await import('../http-gateway/app.js');
    const config = { ...cluster.config, core: { ...cluster.config.core, apiKey: WRONG_KEY } };
    const gateway = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all', forceHttp: true });
    try {
      const discovery = await get(`${String(gateway.publicUrl)}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 500);
      assert.equal(discovery.body.error, 'server_error');
      assert.equal((await get(`${String(gateway.adminUrl)}/admin/clients`)).status, 500);
    } finally {
      await gateway.close();
    }
  });
});

describe('admin HTTP API', () => {
  describe('off by default (Hydra compatibility)', () => {
    let cluster: Cluster;
    before(async () => {
      cluster = await startCluster({ dsn: 'memory', env: { SERVE_GRPC_CALLERS: KEY_CALLERS } });
    });
    after(() => cluster.close());

    test('admin routes answer without a key, and an Authorization header meant for a proxy is not forwarded', async () => {
      assert.equal((await get(`${cluster.adminUrl}/admin/clients`)).status, 200);
      assert.equal((await get(`${cluster.adminUrl}/admin/clients`, { authorization: `Bearer ${WRONG_KEY}` })).status, 200);
    });
  });

  describe('serve.admin.auth.enabled', () => {
    let cluster: Cluster;
    before(async () => {
      cluster = await startCluster({ dsn: 'memory', env: { SERVE_GRPC_CALLERS: KEY_CALLERS, SERVE_ADMIN_AUTH_ENABLED: 'true' } });
    });
    after(() => cluster.close());

    test('no key: 401 request_unauthorized with a Bearer challenge (RFC 6750 §3)', async () => {
      const res = await get(`${cluster.adminUrl}/admin/clients`);
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'request_unauthorized');
      assert.match(res.challenge ?? '', /^Bearer realm=/);
      assert.equal((await get(`${cluster.adminUrl}/admin/keys/hydra.openid.id-token`)).status, 401, 'the private signing keys are closed');
    });

    test('a key core does not know: 401 with the challenge', async () => {
      const res = await get(`${cluster.adminUrl}/admin/clients`, { authorization: `Bearer ${WRONG_KEY}` });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'request_unauthorized');
      assert.match(res.challenge ?? '', /^Bearer /);
    });

    test('the billing key introspects and gets 403 on clients; the gateway key gets everything', async () => {
      const form = await request(`${cluster.adminUrl}/admin/oauth2/introspect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BILLING_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=not-a-token',
      });
      assert.equal(form.statusCode, 200);
      assert.deepEqual(await form.body.json(), { active: false });
      const clients = await get(`${cluster.adminUrl}/admin/clients`, { authorization: `Bearer ${BILLING_KEY}` });
      assert.equal(clients.status, 403);
      assert.equal(clients.body.error, 'request_forbidden');
      assert.equal((await get(`${cluster.adminUrl}/admin/clients`, { authorization: `Bearer ${TEST_CORE_API_KEY}` })).status, 200);
    });

    test('health, version and metrics stay open; the public API is untouched', async () => {
      for (const path of ['/health/alive', '/health/ready', '/version', '/admin/metrics/prometheus']) {
        assert.equal((await get(`${cluster.adminUrl}${path}`)).status, 200, path);
      }
      assert.equal((await get(`${cluster.publicUrl}/.well-known/openid-configuration`)).status, 200);
    });
  });
});
