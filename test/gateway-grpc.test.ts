/**
 * The gateway's side of the gRPC contract, against a stand-in core: request ids and deadlines
 * travel with every call, and core's errors come back as Hydra JSON without internals.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { request } from 'undici';
import { Client, ClientServiceService, type GetClientRequest, type GetClientResponse } from '../proto/gen/tessera/v1/clients.js';
import { OAuthError } from '../proto/gen/tessera/v1/errors.js';
import { startGateway, type RunningGateway } from '../http-gateway/app.js';
import { testConfig, testLogger } from './support/cluster.js';

interface Seen {
  requestId: string | undefined;
  deadlineMs: number;
}

let server: Server;
let gateway: RunningGateway;
let admin = '';
const seen: Seen[] = [];

function fail(callback: sendUnaryData<GetClientResponse>, code: status, details: string, trailer?: OAuthError): void {
  const metadata = new Metadata();
  if (trailer) metadata.set('tessera-error-bin', Buffer.from(OAuthError.encode(trailer).finish()));
  callback({ code, details, metadata });
}

/** getClient answers by id: `ok`, `forbidden` (a decided error), `crash` (an undecided one). */
function getClient(call: ServerUnaryCall<GetClientRequest, GetClientResponse>, callback: sendUnaryData<GetClientResponse>): void {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  seen.push({ requestId: call.metadata.get('x-request-id')[0]?.toString(), deadlineMs: at - Date.now() });
  switch (call.request.client_id) {
    case 'ok':
      return callback(null, { client: Client.fromPartial({ client_id: 'ok', client_name: 'fine' }) });
    case 'forbidden':
      return fail(callback, status.PERMISSION_DENIED, 'x', { error: 'request_forbidden', error_description: 'The request is not allowed.', error_hint: 'Owner mismatch.', status_code: 403, error_debug: '' });
    default:
      return fail(callback, status.INTERNAL, 'TypeError: boom at /srv/core-service/clients/service.ts:42');
  }
}

before(async () => {
  server = new Server();
  server.addService(ClientServiceService, { getClient });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  const config = testConfig({ SERVE_GRPC_PORT: String(port) });
  gateway = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'admin', forceHttp: true });
  admin = gateway.adminUrl ?? '';
});
after(async () => {
  await gateway.close();
  server.forceShutdown();
});

test('the request id and a deadline travel with the call', async () => {
  seen.length = 0;
  const res = await request(`${admin}/admin/clients/ok`, { headers: { 'x-request-id': 'trace-42' } });
  assert.equal(res.statusCode, 200);
  assert.equal(((await res.body.json()) as { client_name: string }).client_name, 'fine');
  assert.equal(seen[0]?.requestId, 'trace-42');
  const deadline = seen[0]?.deadlineMs ?? 0;
  assert.ok(deadline > 0 && deadline <= 10_000, `deadline ${deadline} ms`);

  const generated = await request(`${admin}/admin/clients/ok`);
  await generated.body.dump();
  assert.equal(seen[1]?.requestId, generated.headers['x-request-id']);
});

test('a decided error from core keeps its code, status and hint', async () => {
  const res = await request(`${admin}/admin/clients/forbidden`);
  assert.equal(res.statusCode, 403);
  assert.deepEqual(await res.body.json(), {
    error: 'request_forbidden',
    error_description: 'The request is not allowed. Owner mismatch.',
    error_hint: 'Owner mismatch.',
    status_code: 403,
  });
});

test('an undecided failure is a 500 server_error that shows nothing of core', async () => {
  const res = await request(`${admin}/admin/clients/crash`);
  assert.equal(res.statusCode, 500);
  const text = await res.body.text();
  assert.equal((JSON.parse(text) as { error: string }).error, 'server_error');
  assert.doesNotMatch(text, /TypeError|service\.ts|srv/);
});

test('a method core does not implement is a 500, not a crash', async () => {
  const res = await request(`${admin}/admin/clients?page_size=1`);
  assert.equal(res.statusCode, 500);
  await res.body.dump();
});
