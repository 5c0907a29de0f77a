/**
 * `serve.tls.allow_termination_from` (Hydra's TLS termination by a proxy) and `serve.tls.enabled: false`:
 * the gateway serves plain HTTP without --dangerous-force-http; with the list set it answers only
 * requests from the listed networks that say `X-Forwarded-Proto: https`, and the health checks always.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../http-gateway/app.js';
import { runProgram } from './support/processes.js';
import { testConfig, testLogger, unusedPort } from './support/cluster.js';

/** Hydra's body for the refusal: its error enhancer's rendering of a plain Go error (status 502 nonetheless). */
const REFUSED = { error: 'error', error_description: 'The error is unrecognizable', status_code: 500 };

async function withGateway(env: Record<string, string>, run: (gw: RunningGateway) => Promise<void>): Promise<void> {
  const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), ...env });
  const gw = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' });
  try {
    await run(gw);
  } finally {
    await gw.close();
  }
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await request(url, { headers });
  const text = await res.body.text();
  const json = (res.headers['content-type'] ?? '').toString().startsWith('application/json');
  return { status: res.statusCode, body: json ? JSON.parse(text) : text };
}

describe('serve.tls.allow_termination_from', () => {
  test('serves plain HTTP to a listed network that says X-Forwarded-Proto: https, on both listeners', async () => {
    await withGateway({ SERVE_TLS_ALLOW_TERMINATION_FROM: '10.0.0.0/8,127.0.0.0/8' }, async (gw) => {
      for (const url of [gw.publicUrl, gw.adminUrl]) {
        assert.match(String(url), /^http:\/\//);
        const res = await get(`${url}/version`, { 'x-forwarded-proto': 'https' });
        assert.equal(res.status, 200);
        assert.equal(typeof (res.body as { version: unknown }).version, 'string');
      }
    });
  });

  test('refuses a listed network without X-Forwarded-Proto: https, with Hydra’s 502', async () => {
    await withGateway({ SERVE_TLS_ALLOW_TERMINATION_FROM: '127.0.0.1/32' }, async (gw) => {
      assert.deepEqual(await get(`${gw.publicUrl}/version`), { status: 502, body: REFUSED });
      assert.deepEqual(await get(`${gw.publicUrl}/version`, { 'x-forwarded-proto': 'http' }), { status: 502, body: REFUSED });
    });
  });

  test('with oauth2.expose_internal_errors the refusal says why, in Hydra’s words', async () => {
    await withGateway({ SERVE_TLS_ALLOW_TERMINATION_FROM: '127.0.0.1/32', OAUTH2_EXPOSE_INTERNAL_ERRORS: 'true' }, async (gw) => {
      const missing = await get(`${gw.publicUrl}/version`);
      assert.equal(missing.status, 502);
      assert.equal((missing.body as { error_description: string }).error_description, 'The error is unrecognizable can not serve request over insecure http');
      const wrong = await get(`${gw.publicUrl}/version`, { 'x-forwarded-proto': 'http' });
      assert.match((wrong.body as { error_description: string }).error_description, /expected X-Forwarded-Proto header to be https but got: http$/);
    });
  });

  test('refuses a peer outside the networks even with X-Forwarded-Proto: https and a forged X-Forwarded-For', async () => {
    await withGateway({ SERVE_TLS_ALLOW_TERMINATION_FROM: '10.0.0.0/8,fd00::/8' }, async (gw) => {
      for (const url of [gw.publicUrl, gw.adminUrl]) {
        const res = await get(`${url}/version`, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.1.2.3' });
        assert.deepEqual(res, { status: 502, body: REFUSED });
      }
    });
  });

  test('the health checks answer from anywhere, without the header', async () => {
    await withGateway({ SERVE_TLS_ALLOW_TERMINATION_FROM: '10.0.0.0/8' }, async (gw) => {
      for (const url of [gw.publicUrl, gw.adminUrl]) assert.deepEqual(await get(`${url}/health/alive`), { status: 200, body: { status: 'ok' } });
      assert.equal((await get(`${gw.adminUrl}/admin/metrics/prometheus`)).status, 200);
      // No core runs here: readiness says so itself rather than being refused as insecure.
      assert.notEqual((await get(`${gw.publicUrl}/health/ready`)).status, 502);
    });
  });

  test('an IPv6 network matches an IPv6 peer', async () => {
    await withGateway({ SERVE_TLS_ALLOW_TERMINATION_FROM: '::1/128', SERVE_PUBLIC_HOST: '::1' }, async (gw) => {
      assert.match(String(gw.publicUrl), /^http:\/\/\[::1\]:/);
      assert.equal((await get(`${gw.publicUrl}/version`, { 'x-forwarded-proto': 'https' })).status, 200);
      // The IPv4 loopback listener (admin) is outside ::1/128.
      assert.equal((await get(`${gw.adminUrl}/admin/version`, { 'x-forwarded-proto': 'https' })).status, 502);
    });
  });

  test('a malformed network is refused at start, naming it', async () => {
    assert.throws(() => testConfig({ SERVE_TLS_ALLOW_TERMINATION_FROM: '10.0.0.0/8,10.0.0/33' }), /serve\.tls\.allow_termination_from \(env SERVE_TLS_ALLOW_TERMINATION_FROM\) is invalid: "10\.0\.0\/33"/);
  });

  test('main.ts serves plain HTTP with the list set and no --dangerous-force-http, saying which requests it answers', async () => {
    const program = runProgram('http-gateway/main.ts', ['serve', 'public'], {
      SERVE_PUBLIC_PORT: '0',
      SERVE_PUBLIC_HOST: '127.0.0.1',
      SERVE_TLS_ALLOW_TERMINATION_FROM: '127.0.0.0/8',
    });
    const line = await program.waitFor(/gateway listening/);
    assert.match(line, /http:\/\/127\.0\.0\.1/);
    assert.match(program.output(), /"level":"warn".*allow_termination_from with X-Forwarded-Proto: https/);
    const url = /"publicUrl":"([^"]+)"/.exec(line)?.[1];
    assert.ok(url, line);
    assert.equal((await get(`${url}/version`, { 'x-forwarded-proto': 'https' })).status, 200);
    assert.deepEqual(await get(`${url}/version`), { status: 502, body: REFUSED });
    assert.equal(await program.stop('SIGTERM'), 0);
  });
});

describe('serve.tls.enabled: false', () => {
  test('main.ts serves plain HTTP to anyone without --dangerous-force-http, with the same loud warning', async () => {
    const program = runProgram('http-gateway/main.ts', ['serve', 'public'], { SERVE_PUBLIC_PORT: '0', SERVE_PUBLIC_HOST: '127.0.0.1', SERVE_TLS_ENABLED: 'false' });
    const line = await program.waitFor(/gateway listening/);
    assert.match(program.output(), /"level":"warn".*"reason":"disabled".*PLAIN HTTP/);
    const url = /"publicUrl":"(http:[^"]+)"/.exec(line)?.[1];
    assert.ok(url, line);
    assert.equal((await get(`${url}/version`)).status, 200);
    assert.equal(await program.stop('SIGTERM'), 0);
  });

  test('wins over a configured certificate, as in Hydra', async () => {
    // The certificate is never read: a path that does not exist would otherwise stop the start.
    await withGateway({ SERVE_TLS_ENABLED: 'false', HTTPS_TLS_CERT_PATH: '/nonexistent/cert.pem', HTTPS_TLS_KEY_PATH: '/nonexistent/key.pem' }, async (gw) => {
      assert.match(String(gw.publicUrl), /^http:\/\//);
      assert.equal((await get(`${gw.publicUrl}/version`)).status, 200);
    });
  });

  test('true (the default) keeps refusing to start without a certificate', async () => {
    const program = runProgram('http-gateway/main.ts', ['serve', 'public'], { SERVE_PUBLIC_PORT: '0', SERVE_PUBLIC_HOST: '127.0.0.1', SERVE_TLS_ENABLED: 'true' });
    assert.equal(await program.exited(), 1);
    assert.match(program.output(), /allow_termination_from/);
  });
});
