/**
 * The gateway's HTTP/2 channel against a real grpc-js server: an answer, a deadline that core
 * hears about, and a core that goes away and comes back on the same port.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { Client, ClientServiceService, type GetClientRequest, type GetClientResponse } from '../../proto/gen/tessera/v1/clients.js';
import { Http2Channel } from './http2-channel.js';

const { path, requestSerialize, responseDeserialize } = ClientServiceService.getClient;

/** A stand-in core: `ok` answers, `hang` never does (and records that it was cancelled). */
async function startCore(port = 0): Promise<{ server: Server; port: number; cancelled: string[] }> {
  const cancelled: string[] = [];
  const server = new Server();
  server.addService(ClientServiceService, {
    getClient(call: ServerUnaryCall<GetClientRequest, GetClientResponse>, callback: sendUnaryData<GetClientResponse>) {
      if (call.request.client_id === 'hang') {
        call.on('cancelled', () => cancelled.push(String(call.metadata.get('x-request-id')[0])));
        return;
      }
      callback(null, { client: Client.fromPartial({ client_id: call.request.client_id, client_name: String(call.metadata.get('authorization')[0]) }) });
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port: bound, cancelled };
}

function getClient(channel: Http2Channel, clientId: string, deadline = Date.now() + 5_000): Promise<GetClientResponse> {
  const metadata = new Metadata();
  metadata.set('x-request-id', `req-${clientId}`);
  return new Promise((resolve, reject) =>
    channel.unary(path, requestSerialize, responseDeserialize, { client_id: clientId }, metadata, deadline, (err, res) => (err ? reject(err) : res ? resolve(res) : reject(new Error('no response')))),
  );
}

const codeOf = (err: unknown): number => (err as ServiceError).code;

test('a call is answered over the session, with the channel’s authorization added', async () => {
  const core = await startCore();
  const channel = new Http2Channel({ address: `127.0.0.1:${core.port}`, authorization: 'Bearer k' });
  try {
    const [a, b] = await Promise.all([getClient(channel, 'a'), getClient(channel, 'b')]);
    assert.equal(a.client?.client_id, 'a');
    assert.equal(b.client?.client_id, 'b');
    assert.equal(a.client?.client_name, 'Bearer k');
  } finally {
    channel.close();
    core.server.forceShutdown();
  }
});

test('a call past its deadline fails with DEADLINE_EXCEEDED, and core sees it cancelled', async () => {
  const core = await startCore();
  const channel = new Http2Channel({ address: `127.0.0.1:${core.port}` });
  try {
    const started = Date.now();
    await assert.rejects(getClient(channel, 'hang', Date.now() + 200), (err) => codeOf(err) === status.DEADLINE_EXCEEDED);
    const took = Date.now() - started;
    assert.ok(took >= 190 && took < 2_000, `failed after ${took} ms`);
    for (let i = 0; i < 50 && core.cancelled.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(core.cancelled, ['req-hang']);
    // The session stays usable.
    assert.equal((await getClient(channel, 'after')).client?.client_id, 'after');
  } finally {
    channel.close();
    core.server.forceShutdown();
  }
});

test('a core that goes away fails calls with UNAVAILABLE; once it is back on the port, calls reach it again', async () => {
  const first = await startCore();
  const channel = new Http2Channel({ address: `127.0.0.1:${first.port}` });
  try {
    assert.equal((await getClient(channel, 'a')).client?.client_id, 'a');
    first.server.forceShutdown();
    await assert.rejects(getClient(channel, 'b'), (err) => codeOf(err) === status.UNAVAILABLE);
    const second = await startCore(first.port);
    try {
      // Within the backoff (at most 400 ms + 20%) a call may still fail; after it, it connects.
      let answered: GetClientResponse | undefined;
      const until = Date.now() + 3_000;
      while (answered === undefined && Date.now() < until) {
        answered = await getClient(channel, 'c').catch(() => undefined);
        if (answered === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(answered?.client?.client_id, 'c');
    } finally {
      second.server.forceShutdown();
    }
  } finally {
    channel.close();
  }
});

test('a closed channel fails new calls at once with UNAVAILABLE', async () => {
  const channel = new Http2Channel({ address: '127.0.0.1:1' });
  channel.close();
  await assert.rejects(getClient(channel, 'a'), (err) => codeOf(err) === status.UNAVAILABLE);
});
