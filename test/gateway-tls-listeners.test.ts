/**
 * `serve.public.tls` / `serve.admin.tls`: a listener's own certificate (or TLS switch, or proxy
 * networks) overrides the shared `serve.tls`, as in Hydra.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../http-gateway/app.js';
import { runProgram } from './support/processes.js';
import { testConfig, testLogger, unusedPort } from './support/cluster.js';

/** The common name in the certificate a listener presents. */
async function presentedName(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // Only the certificate's name is read; trust is not what this test is about.
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const name = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve(String(name));
    });
    socket.on('error', reject);
  });
}

describe('per-listener TLS', () => {
  let dir: string;
  const pair = (name: string) => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-listener-tls-'));
    for (const name of ['shared', 'public-own', 'admin-own']) {
      const { cert, key } = pair(name);
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`,
      ], { stdio: 'ignore' });
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function withGateway(env: Record<string, string>, run: (gw: RunningGateway) => Promise<void>): Promise<void> {
    const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), ...env });
    const gw = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' });
    try {
      await run(gw);
    } finally {
      await gw.close();
    }
  }

  test("a listener's own certificate (path) overrides the shared one; the other listener keeps the shared one", async () => {
    const shared = pair('shared');
    const own = pair('public-own');
    await withGateway({ HTTPS_TLS_CERT_PATH: shared.cert, HTTPS_TLS_KEY_PATH: shared.key, SERVE_PUBLIC_TLS_CERT_PATH: own.cert, SERVE_PUBLIC_TLS_KEY_PATH: own.key }, async (gw) => {
      assert.equal(await presentedName(String(gw.publicUrl)), 'public-own');
      assert.equal(await presentedName(String(gw.adminUrl)), 'shared');
    });
  });

  test('each listener presents its own certificate, from a path and from base64', async () => {
    const pub = pair('public-own');
    const adm = pair('admin-own');
    const b64 = (file: string) => readFileSync(file).toString('base64');
    await withGateway(
      { SERVE_PUBLIC_TLS_CERT_PATH: pub.cert, SERVE_PUBLIC_TLS_KEY_PATH: pub.key, SERVE_ADMIN_TLS_CERT_BASE64: b64(adm.cert), SERVE_ADMIN_TLS_KEY_BASE64: b64(adm.key) },
      async (gw) => {
        assert.equal(await presentedName(String(gw.publicUrl)), 'public-own');
        assert.equal(await presentedName(String(gw.adminUrl)), 'admin-own');
      },
    );
  });

  test('half a pair on a listener is refused at start, not completed from the shared certificate', async () => {
    const shared = pair('shared');
    const config = testConfig({ HTTPS_TLS_CERT_PATH: shared.cert, HTTPS_TLS_KEY_PATH: shared.key, SERVE_ADMIN_TLS_CERT_PATH: pair('admin-own').cert });
    await assert.rejects(startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' }), /a TLS key is missing/);
  });

  test('serve.<listener>.tls.enabled and allow_termination_from apply to that listener only', async () => {
    const shared = pair('shared');
    await withGateway(
      { HTTPS_TLS_CERT_PATH: shared.cert, HTTPS_TLS_KEY_PATH: shared.key, SERVE_ADMIN_TLS_ENABLED: 'false', SERVE_ADMIN_TLS_ALLOW_TERMINATION_FROM: '10.0.0.0/8' },
      async (gw) => {
        assert.equal(await presentedName(String(gw.publicUrl)), 'shared');
        assert.match(String(gw.adminUrl), /^http:\/\//);
        const res = await request(`${gw.adminUrl}/version`, { headers: { 'x-forwarded-proto': 'https' } });
        assert.equal(res.statusCode, 502);
        await res.body.dump();
      },
    );
  });

  test('main.ts: the two listeners of one process present their own certificates', async () => {
    const pub = pair('public-own');
    const adm = pair('admin-own');
    const program = runProgram('http-gateway/main.ts', ['serve', 'all'], {
      SERVE_PUBLIC_PORT: '0', SERVE_ADMIN_PORT: '0', SERVE_PUBLIC_HOST: '127.0.0.1', SERVE_ADMIN_HOST: '127.0.0.1',
      SERVE_PUBLIC_TLS_CERT_PATH: pub.cert, SERVE_PUBLIC_TLS_KEY_PATH: pub.key, SERVE_ADMIN_TLS_CERT_PATH: adm.cert, SERVE_ADMIN_TLS_KEY_PATH: adm.key,
    });
    const line = await program.waitFor(/gateway listening/);
    const url = (name: string) => new RegExp(`"${name}Url":"(https:[^"]+)"`).exec(line)?.[1] ?? assert.fail(line);
    assert.equal(await presentedName(url('public')), 'public-own');
    assert.equal(await presentedName(url('admin')), 'admin-own');
    assert.equal(await program.stop('SIGTERM'), 0);
  });
});
