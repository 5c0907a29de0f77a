/**
 * HTTPS by default: the gateway refuses to start without a certificate unless plain HTTP is
 * explicitly forced, and serves TLS with a certificate from a file or inline PEM.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { startGateway } from '../http-gateway/app.js';
import { TlsConfigError } from '../http-gateway/tls.js';
import { runProgram } from './support/processes.js';
import { testConfig, testLogger, unusedPort } from './support/cluster.js';

describe('gateway TLS', () => {
  let dir: string;
  let certPath: string;
  let keyPath: string;
  let cert: string;
  let agent: Agent;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
    certPath = join(dir, 'cert.pem');
    keyPath = join(dir, 'key.pem');
    // A throwaway self-signed certificate for 127.0.0.1, trusted only by this test's agent.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    cert = readFileSync(certPath, 'utf8');
    agent = new Agent({ connect: { ca: cert } });
  });
  after(async () => {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('refuses to start without a certificate, saying how to provide one', async () => {
    const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()) });
    await assert.rejects(startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' }), (err: unknown) => {
      assert.ok(err instanceof TlsConfigError);
      assert.match(err.message, /HTTPS_TLS_CERT_PATH/);
      assert.match(err.message, /--https-tls-cert-path/);
      assert.match(err.message, /--dangerous-force-http/);
      return true;
    });
  });

  test('a certificate without its key is refused', async () => {
    const config = testConfig({ HTTPS_TLS_CERT_PATH: certPath });
    await assert.rejects(startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' }), TlsConfigError);
  });

  for (const [source, env] of [
    ['files', () => ({ HTTPS_TLS_CERT_PATH: certPath, HTTPS_TLS_KEY_PATH: keyPath })],
    ['inline PEM', () => ({ HTTPS_TLS_CERT: cert, HTTPS_TLS_KEY: readFileSync(keyPath, 'utf8') })],
  ] as const) {
    test(`serves HTTPS on both listeners with a certificate from ${source}`, async () => {
      const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), ...env() });
      const gw = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' });
      try {
        for (const url of [gw.publicUrl, gw.adminUrl]) {
          assert.match(String(url), /^https:\/\/127\.0\.0\.1:\d+$/);
          const res = await request(`${url}/health/alive`, { dispatcher: agent });
          assert.equal(res.statusCode, 200);
          assert.deepEqual(await res.body.json(), { status: 'ok' });
        }
      } finally {
        await gw.close();
      }
    });
  }

  test('serve public / serve admin start only that listener', async () => {
    const config = testConfig({ HTTPS_TLS_CERT_PATH: certPath, HTTPS_TLS_KEY_PATH: keyPath });
    const pub = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'public' });
    const adm = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'admin' });
    try {
      assert.ok(pub.publicUrl);
      assert.equal(pub.adminUrl, undefined);
      assert.ok(adm.adminUrl);
      assert.equal(adm.publicUrl, undefined);
    } finally {
      await Promise.all([pub.close(), adm.close()]);
    }
  });

  describe('main.ts', () => {
    const env = { SERVE_PUBLIC_PORT: '0', SERVE_ADMIN_PORT: '0', SERVE_PUBLIC_HOST: '127.0.0.1', SERVE_ADMIN_HOST: '127.0.0.1' };

    test('exits 1 with the how-to message when no certificate is given', async () => {
      const program = runProgram('http-gateway/main.ts', ['serve', 'all'], env);
      assert.equal(await program.exited(), 1);
      assert.match(program.output(), /--dangerous-force-http/);
    });

    test('with --https-tls-*-path flags serves HTTPS and exits 0 on SIGTERM', async () => {
      const program = runProgram('http-gateway/main.ts', ['serve', 'all', '--https-tls-cert-path', certPath, '--https-tls-key-path', keyPath], env);
      const line = await program.waitFor(/gateway listening/);
      assert.match(line, /https:\/\/127\.0\.0\.1/);
      assert.equal(await program.stop('SIGTERM'), 0);
    });

    test('with --dangerous-force-http warns loudly and serves HTTP', async () => {
      const program = runProgram('http-gateway/main.ts', ['serve', 'admin', '--dangerous-force-http'], env);
      const line = await program.waitFor(/gateway listening/);
      assert.match(line, /http:\/\/127\.0\.0\.1/);
      assert.match(program.output(), /"level":"warn".*PLAIN HTTP/);
      assert.equal(await program.stop('SIGINT'), 0);
    });

    test('an unknown serve target is a usage error', async () => {
      const program = runProgram('http-gateway/main.ts', ['serve', 'everything'], env);
      assert.equal(await program.exited(), 1);
      assert.match(program.output(), /usage: /);
    });
  });
});
