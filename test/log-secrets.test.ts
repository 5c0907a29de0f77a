/**
 * No secret reaches the logs (issue 6): core and gateway run as real processes at
 * LOG_LEVEL=trace while a client is created, gets a client_credentials token, has it
 * introspected and revoked; neither process's output may contain the client secret, the
 * token, its signature part, the Authorization header value or the key the gateway presents to core. With
 * LOG_LEAK_SENSITIVE_VALUES=true the request log shows headers, as in Hydra.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { TEST_CALLERS_ENV, TEST_CORE_API_KEY, TEST_SYSTEM_SECRET, unusedPort } from './support/cluster.js';
import { migratedDatabase, testDatabases } from './support/databases.js';
import { basic, createClient, introspect, mintToken, postForm } from './support/oauth2.js';
import { runProgram, type Program } from './support/processes.js';

let database: Awaited<ReturnType<typeof migratedDatabase>> | undefined;
before(async () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite');
  if (!sqlite) throw new Error('sqlite is always available');
  database = await migratedDatabase(sqlite);
});
after(async () => {
  await database?.drop();
});

interface Run {
  core: Program;
  gateway: Program;
  secrets: { clientSecret: string; token: string; signature: string; authorization: string; coreApiKey: string };
}

async function drive(leak: boolean): Promise<Run> {
  if (!database) throw new Error('no database');
  const [grpcPort, publicPort, adminPort] = [await unusedPort(), await unusedPort(), await unusedPort()];
  const env = {
    DSN: database.dsn,
    SECRETS_SYSTEM: TEST_SYSTEM_SECRET,
    LOG_LEVEL: 'trace',
    LOG_LEAK_SENSITIVE_VALUES: String(leak),
    SERVE_GRPC_HOST: '127.0.0.1',
    SERVE_GRPC_PORT: String(grpcPort),
    SERVE_METRICS_PORT: '0',
    SERVE_PUBLIC_HOST: '127.0.0.1',
    SERVE_PUBLIC_PORT: String(publicPort),
    SERVE_ADMIN_HOST: '127.0.0.1',
    SERVE_ADMIN_PORT: String(adminPort),
    ...TEST_CALLERS_ENV,
  };
  const core = runProgram('core-service/main.ts', ['serve'], env);
  await core.waitFor(/core gRPC listening/);
  const gateway = runProgram('http-gateway/main.ts', ['serve', 'all', '--dangerous-force-http'], env);
  await gateway.waitFor(/gateway listening/);
  const pub = `http://127.0.0.1:${publicPort}`;
  const admin = `http://127.0.0.1:${adminPort}`;

  const client = await createClient(admin, { grant_types: ['client_credentials'], scope: 'read' });
  const token = await mintToken(pub, client.client_id, client.client_secret, [['scope', 'read']]);
  assert.equal((await introspect(admin, token)).status, 200);
  const authorization = basic(client.client_id, client.client_secret).authorization ?? '';
  // A token in the query string too: the request log must not copy it.
  assert.equal((await postForm(pub, `/oauth2/revoke?token=${encodeURIComponent(token)}`, [['token', token]], { authorization })).status, 200);
  // A failing call exercises the error paths of both services.
  const wrong = await request(`${pub}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, `${client.client_secret}x`).authorization ?? '' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(wrong.statusCode, 401);
  await wrong.body.dump();

  await gateway.stop();
  await core.stop();
  const signature = token.slice(token.lastIndexOf('.') + 1);
  return { core, gateway, secrets: { clientSecret: client.client_secret, token, signature, authorization: authorization.replace(/^Basic /, ''), coreApiKey: TEST_CORE_API_KEY } };
}

test('with log.leak_sensitive_values off, no secret, token or Authorization value is logged at trace', async () => {
  const run = await drive(false);
  for (const [name, program] of [['core-service', run.core], ['http-gateway', run.gateway]] as const) {
    const output = program.output();
    assert.match(output, name === 'core-service' ? /"level":"debug"/ : /"msg":"incoming request"/, `${name} logged in detail`);
    for (const [what, value] of Object.entries(run.secrets)) {
      assert.ok(value.length >= 16, `${what} is long enough to be a meaningful probe`);
      assert.ok(!output.includes(value), `${name} logged the ${what}`);
    }
  }
  // The request id travels: the gateway's request log and core's lines share it.
  const gatewayIds = new Set([...run.gateway.output().matchAll(/"request_id":"([^"]+)"/g)].map((m) => m[1]));
  const coreIds = [...run.core.output().matchAll(/"request_id":"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(coreIds.length > 0, 'core logs carry request_id');
  assert.ok(coreIds.every((id) => gatewayIds.has(id)), 'every request id core logged came from the gateway');
});

test('with log.leak_sensitive_values on, the request log shows the Authorization header', async () => {
  const run = await drive(true);
  assert.ok(run.gateway.output().includes(run.secrets.authorization), 'headers are logged when leaking is allowed');
});
