import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost, isLoopbackIp, isPrivateUseScheme, navigableUri } from './uris.js';

test('loopback: IP literals for any-port matching, plus localhost names for plain http', () => {
  for (const host of ['127.0.0.1', '127.8.9.10', '[::1]', '[::ffff:7f00:1]']) assert.ok(isLoopbackIp(host), host);
  for (const host of ['localhost', '10.0.0.1', '[::2]', 'app.example', '127.0.0.1.nip.io']) assert.ok(!isLoopbackIp(host), host);
  for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', '127.0.0.1', '[::1]']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['localhost.example', 'notlocalhost', '10.0.0.1']) assert.ok(!isLoopbackHost(host), host);
});

test('private-use schemes are in reverse domain form (RFC 8252 §7.1)', () => {
  for (const scheme of ['com.example.app:', 'io.tessera.ios:']) assert.ok(isPrivateUseScheme(scheme), scheme);
  for (const scheme of ['javascript:', 'data:', 'myapp:', '.app:', 'app.:', 'https:']) assert.ok(!isPrivateUseScheme(scheme), scheme);
});

test('a sink takes only web URIs (or a native app redirect), read as the browser reads them', () => {
  assert.equal(navigableUri('https://app.example/cb?a=1', { privateUse: false })?.href, 'https://app.example/cb?a=1');
  assert.equal(navigableUri('com.example.app:/cb', { privateUse: true })?.href, 'com.example.app:/cb');
  assert.equal(navigableUri('com.example.app:/cb', { privateUse: false }), undefined);
  for (const uri of ['javascript:alert(1)', ' JaVa\tScRiPt:alert(1)', '\njavascript:alert(1)', 'data:text/html,x', 'vbscript:x', '/relative', '']) {
    assert.equal(navigableUri(uri, { privateUse: true }), undefined, JSON.stringify(uri));
  }
});
