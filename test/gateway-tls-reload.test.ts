/**
 * Certificate rotation on the gateway's HTTPS listeners: replacing the certificate files (or
 * SIGHUP) makes new TLS connections see the new certificate while a keep-alive connection
 * opened before keeps working; a broken new certificate is refused and the old one kept.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../http-gateway/app.js';
import { createTestCa, type CertificateFiles, type TestCa } from './support/certificates.js';
import { testConfig, testLogger, unusedPort } from './support/cluster.js';
import { runProgram } from './support/processes.js';

let dir: string;
let ca: TestCa;
let certA: CertificateFiles;
let certB: CertificateFiles;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-tls-reload-'));
  ca = createTestCa(dir, 'reload-ca');
  certA = ca.issue('cert-a', { altNames: ['IP:127.0.0.1'], usage: 'server' });
  certB = ca.issue('cert-b', { altNames: ['IP:127.0.0.1'], usage: 'server' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Installs `cert` as the served certificate files in `folder` (key first, as a deploy script would). */
function install(folder: string, cert: CertificateFiles): { certPath: string; keyPath: string } {
  const paths = { certPath: join(folder, 'tls.crt'), keyPath: join(folder, 'tls.key') };
  copyFileSync(cert.keyPath, paths.keyPath);
  copyFileSync(cert.certPath, paths.certPath);
  return paths;
}

/** The SHA-256 fingerprint of the certificate a fresh TLS connection to `url` is shown. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: ca.cert }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

async function waitForFingerprint(url: string, expected: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await servedFingerprint(url)) === expected) return;
    if (Date.now() > deadline) assert.fail(`still not serving ${expected} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** GET over `agent`; reports whether the request reused a kept-alive socket and that socket's certificate. */
function getAlive(url: string, agent: Agent): Promise<{ status: number; reused: boolean; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/health/alive`, { agent }, (res) => {
      // Read now: once the body is consumed the socket goes back to the agent's pool.
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, fingerprint }));
    });
    req.once('error', reject);
  });
}

test('a replaced certificate file is served to new connections; a kept-alive connection keeps working', async () => {
  const folder = mkdtempSync(join(dir, 'watched-'));
  const paths = install(folder, certA);
  const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), HTTPS_TLS_CERT_PATH: paths.certPath, HTTPS_TLS_KEY_PATH: paths.keyPath });
  const gateway = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: ca.cert });
  try {
    const url = String(gateway.publicUrl);
    const first = await getAlive(url, agent);
    assert.deepEqual([first.status, first.fingerprint], [200, certA.fingerprint]);

    install(folder, certB);
    await waitForFingerprint(url, certB.fingerprint);
    await waitForFingerprint(String(gateway.adminUrl), certB.fingerprint);

    const second = await getAlive(url, agent);
    assert.equal(second.status, 200);
    assert.equal(second.reused, true, 'the request went over the connection opened before the reload');
    assert.equal(second.fingerprint, certA.fingerprint, 'an open connection keeps the certificate it was opened with');

    // A broken certificate is refused; the current one stays in service.
    writeFileSync(paths.certPath, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    assert.equal(gateway.reloadTls('SIGHUP'), false);
    assert.equal(await servedFingerprint(url), certB.fingerprint);
  } finally {
    agent.destroy();
    await gateway.close();
  }
});

test('main.ts reloads the certificate on SIGHUP', async () => {
  const folder = mkdtempSync(join(dir, 'sighup-'));
  const paths = install(folder, certA);
  const program = runProgram('http-gateway/main.ts', ['serve', 'public', '--https-tls-cert-path', paths.certPath, '--https-tls-key-path', paths.keyPath], {
    SERVE_PUBLIC_HOST: '127.0.0.1',
    SERVE_PUBLIC_PORT: '0',
    SERVE_GRPC_PORT: String(await unusedPort()),
  });
  try {
    const line = await program.waitFor(/gateway listening/);
    const url = /"publicUrl":"(https:\/\/[^"]+)"/.exec(line)?.[1];
    assert.ok(url, line);
    assert.equal(await servedFingerprint(url), certA.fingerprint);

    install(folder, certB);
    program.child.kill('SIGHUP');
    await program.waitFor(/"trigger":"SIGHUP"/);
    assert.equal(await servedFingerprint(url), certB.fingerprint);
  } finally {
    assert.equal(await program.stop('SIGTERM'), 0);
  }
});
