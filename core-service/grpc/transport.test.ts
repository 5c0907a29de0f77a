import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../shared/config.js';
import { isLoopbackHost } from '../shared/uris.js';
import { grpcServerTransport } from './transport.js';

test('loopback means 127.0.0.0/8, ::1 and localhost; nothing else', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ['0.0.0.0', '::', '', '10.0.0.1', '128.0.0.1', 'core', 'localhost.example.com', '::2']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('plaintext on a non-loopback bind needs serve.grpc.allow_insecure_non_loopback', () => {
  const grpc = (env: Record<string, string>) => loadConfig({ env: { SERVE_GRPC_HOST: '0.0.0.0', ...env } }).serve.grpc;
  assert.throws(() => grpcServerTransport(grpc({})), /SERVE_GRPC_TLS_CERT_PATH/);
  assert.equal(grpcServerTransport(grpc({ SERVE_GRPC_ALLOW_INSECURE_NON_LOOPBACK: 'true' })).security, 'plaintext');
  assert.equal(grpcServerTransport(loadConfig({ env: {} }).serve.grpc).security, 'plaintext', 'the default bind is 127.0.0.1');
});

test('a certificate without its key, or an unreadable one, is refused naming the key', () => {
  const grpc = (env: Record<string, string>) => loadConfig({ env }).serve.grpc;
  assert.throws(() => grpcServerTransport(grpc({ SERVE_GRPC_TLS_CERT_PATH: '/nonexistent/cert.pem' })), /serve\.grpc\.tls\.cert\.path/);
  assert.throws(() => grpcServerTransport(grpc({ SERVE_GRPC_TLS_CERT_BASE64: Buffer.from('x').toString('base64') })), /key is missing/);
});
