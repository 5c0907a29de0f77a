/**
 * The core as a process: reflection lists the services (what `grpcurl list` shows), it refuses
 * an unmigrated database naming the migrator command, and SIGTERM stops it cleanly.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type GrpcObject, type ServiceClientConstructor, type ClientDuplexStream } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROJECT_ROOT } from '../core-service/shared/paths.js';
import { TEST_CALLERS_ENV } from './support/cluster.js';
import { runProgram, type Program } from './support/processes.js';

const SECRET = 'test-system-secret-0123456789abcdef';

function sqliteDsn(): string {
  return `sqlite://${join(mkdtempSync(join(tmpdir(), 'tessera-core-')), 'db.sqlite')}?_fk=true`;
}

async function startCoreProcess(env: Record<string, string>): Promise<{ program: Program; address: string }> {
  const program = runProgram('core-service/main.ts', ['serve'], { SERVE_GRPC_PORT: '0', SECRETS_SYSTEM: SECRET, ...TEST_CALLERS_ENV, ...env });
  const line = await program.waitFor(/core gRPC listening/);
  const { address } = JSON.parse(line) as { address: string };
  return { program, address };
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
}

function listServices(address: string): Promise<string[]> {
  const definition = loadSync(join(PROJECT_ROOT, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: true });
  const pkg = loadPackageDefinition(definition) as GrpcObject;
  const reflection = ((pkg.grpc as GrpcObject).reflection as GrpcObject).v1 as GrpcObject;
  const Client = reflection.ServerReflection as ServiceClientConstructor;
  const client = new Client(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const stream = (client as unknown as { ServerReflectionInfo(): ClientDuplexStream<object, ReflectionResponse> }).ServerReflectionInfo();
    stream.on('data', (res: ReflectionResponse) => {
      resolve((res.list_services_response?.service ?? []).map((s) => s.name));
      stream.end();
      client.close();
    });
    stream.on('error', reject);
    stream.write({ list_services: '' });
  });
}

describe('core-service process', () => {
  const running: Program[] = [];
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
  });

  test('server reflection lists the Tessera, health and reflection services (what grpcurl list shows)', async () => {
    const { program, address } = await startCoreProcess({ DSN: 'memory' });
    running.push(program);
    const services = await listServices(address);
    for (const name of ['tessera.v1.ClientService', 'tessera.v1.RegistrationService', 'tessera.v1.TrustService', 'tessera.v1.DeviceService', 'tessera.v1.CredentialService', 'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection']) {
      assert.ok(services.includes(name), `${name} missing from ${services.join(', ')}`);
    }
  });

  test('refuses an unmigrated database and names the migrator command', async () => {
    const program = runProgram('core-service/main.ts', ['serve'], { DSN: sqliteDsn(), SERVE_GRPC_PORT: '0', SECRETS_SYSTEM: SECRET, ...TEST_CALLERS_ENV });
    running.push(program);
    const code = await program.exited();
    assert.equal(code, 1);
    assert.match(program.output(), /migrator sql up/);
    assert.doesNotMatch(program.output(), /\n\s+at /, 'no stack trace');
  });

  test('dev mode on SQLite migrates itself and says so', async () => {
    const { program } = await startCoreProcess({ DSN: sqliteDsn(), DEV: 'true' });
    running.push(program);
    assert.match(program.output(), /applied migrations at start/);
  });

  test('a bad configuration value stops it with exit code 1 naming the key', async () => {
    const program = runProgram('core-service/main.ts', ['serve'], { DSN: 'memory', TTL_ACCESS_TOKEN: 'forever' });
    running.push(program);
    assert.equal(await program.exited(), 1);
    assert.match(program.output(), /ttl\.access_token \(env TTL_ACCESS_TOKEN\)/);
  });

  test('SIGTERM: stops accepting, finishes, exits 0', async () => {
    const { program } = await startCoreProcess({ DSN: 'memory' });
    running.push(program);
    assert.equal(await program.stop('SIGTERM'), 0);
    assert.match(program.output(), /"msg":"stopped"/);
  });
});
