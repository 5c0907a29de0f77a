/**
 * Prometheus metrics after real traffic: the gateway's `/admin/metrics/prometheus` counts and
 * times requests per route template, core's `/metrics` counts and times gRPC calls per method
 * and status code, counts issued tokens by grant type and shows the database pool.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCluster, unusedPort, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { clientCredentials, createClient, introspect, mintToken } from './support/oauth2.js';
import { has, scrape, valueOf, type Sample } from './support/prometheus.js';

let database: CreatedDatabase | undefined;
let cluster: Cluster | undefined;
let coreMetricsUrl = '';

before(async () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite');
  if (!sqlite) throw new Error('sqlite is always available');
  database = await sqlite.create();
  const port = await unusedPort();
  coreMetricsUrl = `http://127.0.0.1:${port}/metrics`;
  cluster = await startCluster({ dsn: database.dsn, env: { SERVE_METRICS_PORT: String(port) } });
});
after(async () => {
  await cluster?.close();
  await database?.drop();
});

const moved = (before: Sample[], after: Sample[], name: string, labels: Record<string, string>) =>
  valueOf(after, name, labels) - valueOf(before, name, labels);

test('request, gRPC and token counters move by exactly the traffic sent', async () => {
  if (!cluster) throw new Error('no cluster');
  const gatewayUrl = `${cluster.adminUrl}/admin/metrics/prometheus`;
  const gatewayBefore = (await scrape(gatewayUrl)).samples;
  const coreBefore = (await scrape(coreMetricsUrl)).samples;

  const client = await createClient(cluster.adminUrl, { grant_types: ['client_credentials'] });
  const token = await mintToken(cluster.publicUrl, client.client_id, client.client_secret);
  await mintToken(cluster.publicUrl, client.client_id, client.client_secret);
  assert.equal((await introspect(cluster.adminUrl, token)).status, 200);
  assert.equal((await clientCredentials(cluster.publicUrl, client.client_id, 'wrong-secret')).status, 401);

  const gateway = await scrape(gatewayUrl);
  assert.match(gateway.contentType, /^text\/plain; version=0\.0\.4/);
  const g = gateway.samples;
  const route = (method: string, path: string, status: string) => ({ method, route: path, status_code: status });
  assert.equal(moved(gatewayBefore, g, 'http_requests_total', route('POST', '/admin/clients', '201')), 1);
  assert.equal(moved(gatewayBefore, g, 'http_requests_total', route('POST', '/oauth2/token', '200')), 2);
  assert.equal(moved(gatewayBefore, g, 'http_requests_total', route('POST', '/oauth2/token', '401')), 1);
  assert.equal(moved(gatewayBefore, g, 'http_requests_total', route('POST', '/admin/oauth2/introspect', '200')), 1);
  assert.equal(moved(gatewayBefore, g, 'http_request_duration_seconds_count', route('POST', '/oauth2/token', '200')), 2);
  assert.equal(moved(gatewayBefore, g, 'http_request_duration_seconds_bucket', { ...route('POST', '/oauth2/token', '200'), le: '+Inf' }), 2);
  assert.ok(valueOf(g, 'http_request_duration_seconds_sum', route('POST', '/oauth2/token', '200')) > 0);
  assert.ok(!g.some((s) => s.labels.route?.includes(client.client_id)), 'routes are labelled by template, not by raw URL');
  assert.ok(has(g, 'process_resident_memory_bytes'), 'default process metrics are exported');

  const core = await scrape(coreMetricsUrl);
  assert.match(core.contentType, /^text\/plain; version=0\.0\.4/);
  const c = core.samples;
  const rpc = (service: string, method: string, code: string) => ({ grpc_service: `tessera.v1.${service}`, grpc_method: method, grpc_code: code });
  assert.equal(moved(coreBefore, c, 'grpc_server_handled_total', rpc('ClientService', 'CreateClient', 'OK')), 1);
  assert.equal(moved(coreBefore, c, 'grpc_server_handled_total', rpc('OAuth2Service', 'Token', 'OK')), 2);
  assert.equal(moved(coreBefore, c, 'grpc_server_handled_total', rpc('OAuth2Service', 'Token', 'UNAUTHENTICATED')), 1);
  assert.equal(moved(coreBefore, c, 'grpc_server_handled_total', rpc('IntrospectionService', 'Introspect', 'OK')), 1);
  assert.equal(moved(coreBefore, c, 'grpc_server_handling_seconds_count', rpc('OAuth2Service', 'Token', 'OK')), 2);
  assert.equal(moved(coreBefore, c, 'grpc_server_handling_seconds_bucket', { ...rpc('OAuth2Service', 'Token', 'UNAUTHENTICATED'), le: '+Inf' }), 1);
  assert.equal(moved(coreBefore, c, 'tessera_tokens_issued_total', { grant_type: 'client_credentials' }), 2);
  assert.ok(has(c, 'tessera_refresh_token_reuse_detected_total'));
  for (const gauge of ['tessera_db_pool_connections_used', 'tessera_db_pool_connections_free', 'tessera_db_pool_pending_acquires']) {
    assert.ok(has(c, gauge), `${gauge} is exported`);
  }
  assert.ok(valueOf(c, 'tessera_db_pool_connections_used') + valueOf(c, 'tessera_db_pool_connections_free') >= 1, 'the pool holds a connection');
  assert.ok(has(c, 'process_cpu_user_seconds_total'), 'default process metrics are exported');
});
