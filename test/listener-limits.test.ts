/**
 * Issue 9 §1: the listeners' timeouts and connection cap are set on purpose and configurable.
 * A client that sends its headers or body too slowly is cut (408 in Hydra's shape), an idle
 * kept-alive connection is closed, a listener holds at most `limits.max_connections`, and
 * oversized headers answer 431. Short limits are configured so the test does not wait long.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startGatewayWithoutCore } from './support/cluster.js';
import { waitUntil } from './support/wait.js';

type Gateway = Awaited<ReturnType<typeof startGatewayWithoutCore>>;

/** Generous against a loaded machine, and still far below Node's defaults (60 s headers, 300 s body). */
const CUT_WITHIN_MS = 4_000;

interface Conversation {
  socket: Socket;
  /** Everything the server sent until it closed the connection, and after how long. */
  closed: Promise<{ text: string; ms: number }>;
}

function open(base: string): Promise<Conversation> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const started = performance.now();
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      const closed = new Promise<{ text: string; ms: number }>((done) => socket.once('close', () => done({ text, ms: performance.now() - started })));
      socket.on('error', () => undefined);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

/** The status line and the JSON body of a raw HTTP/1.1 answer. */
function answerOf(text: string): { status: number; body: Record<string, unknown> } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status, body: JSON.parse(body) as Record<string, unknown> };
}

describe('listener timeouts and connection cap', () => {
  let gw: Gateway;
  before(async () => {
    gw = await startGatewayWithoutCore({
      SERVE_PUBLIC_TIMEOUTS_READ_HEADER: '500ms',
      SERVE_PUBLIC_TIMEOUTS_READ: '1s',
      SERVE_PUBLIC_TIMEOUTS_IDLE: '500ms',
      SERVE_ADMIN_LIMITS_MAX_CONNECTIONS: '2',
      SERVE_PUBLIC_LIMITS_MAX_HEADER_BYTES: '4096',
    });
  });
  after(() => gw.close());

  test('the configuration reaches the listeners', () => {
    assert.deepEqual(gw.config.serve.public.limits, {
      maxConnections: 10_000,
      maxHeaderBytes: 4096,
      maxFormParameters: 1_000,
      maxQueryParameters: 100,
      readHeaderTimeout: 500,
      readTimeout: 1_000,
      idleTimeout: 500,
    });
    assert.equal(gw.config.serve.admin.limits.maxConnections, 2);
    assert.equal(gw.config.serve.admin.limits.readHeaderTimeout, 10_000);
  });

  test('headers that never finish are cut with 408 after timeouts.read_header', async () => {
    const c = await open(gw.publicUrl ?? '');
    c.socket.write('GET /health/alive HTTP/1.1\r\nHost: tessera\r\nX-Slow: ');
    const { text, ms } = await c.closed;
    assert.ok(ms < CUT_WITHIN_MS, `cut after ${ms.toFixed(0)} ms`);
    const answer = answerOf(text);
    assert.equal(answer.status, 408, text);
    assert.equal(answer.body.error, 'invalid_request');
    assert.match(String(answer.body.error_description), /headers within 0\.5s, the whole request within 1s/);
  });

  test('a body that never finishes is cut with 408 after timeouts.read', async () => {
    const c = await open(gw.publicUrl ?? '');
    c.socket.write('POST /oauth2/token HTTP/1.1\r\nHost: tessera\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type');
    const { text, ms } = await c.closed;
    assert.ok(ms < CUT_WITHIN_MS, `cut after ${ms.toFixed(0)} ms`);
    assert.equal(answerOf(text).status, 408, text);
  });

  test('an idle kept-alive connection is closed after timeouts.idle', async () => {
    const c = await open(gw.publicUrl ?? '');
    c.socket.write('GET /health/alive HTTP/1.1\r\nHost: tessera\r\n\r\n');
    const { text, ms } = await c.closed;
    assert.match(text, /^HTTP\/1\.1 200/, 'the request was answered first');
    // Node's own default is 5 s; the gateway used it before keep-alive was configured.
    assert.ok(ms < 3_000, `closed after ${ms.toFixed(0)} ms`);
  });

  test('headers past limits.max_header_bytes answer 431 in Hydra’s shape', async () => {
    const res = await request(`${gw.publicUrl}/health/alive`, { headers: { cookie: `c=${'x'.repeat(5000)}` } });
    const body = (await res.body.json()) as Record<string, unknown>;
    assert.equal(res.statusCode, 431);
    assert.equal(body.error, 'invalid_request');
    assert.match(String(body.error_description), /4096 bytes/);
  });

  test('the admin listener holds at most limits.max_connections connections', async () => {
    const admin = gw.adminUrl ?? '';
    const held: Conversation[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await open(admin);
      held.push(c);
      // An answer proves the server accepted and counts this connection; it stays open (keep-alive).
      const answered = new Promise<void>((resolve) => c.socket.once('data', () => resolve()));
      c.socket.write('GET /health/alive HTTP/1.1\r\nHost: tessera\r\n\r\n');
      await answered;
    }
    const third = await open(admin);
    third.socket.write('GET /health/alive HTTP/1.1\r\nHost: tessera\r\n\r\n');
    const refused = await third.closed;
    assert.equal(refused.text, '', 'the connection past the cap is closed unanswered');

    held[0]?.socket.destroy();
    // Once a held connection is gone, new ones are served again.
    await waitUntil(
      async () => {
        try {
          const res = await request(`${admin}/health/alive`, { reset: true });
          await res.body.dump();
          return res.statusCode === 200;
        } catch {
          return false;
        }
      },
      10_000,
      'a connection slot is free again',
    );
    for (const c of held) c.socket.destroy();
  });
});
