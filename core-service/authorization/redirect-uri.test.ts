import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchRedirectUri } from './redirect-uri.js';

test('exact match, and any port for a registered loopback IP (RFC 8252 §7.3)', () => {
  assert.equal(matchRedirectUri('https://app.example/cb', ['https://app.example/cb']), 'https://app.example/cb');
  assert.equal(matchRedirectUri('http://127.0.0.1:53211/cb', ['http://127.0.0.1/cb']), 'http://127.0.0.1:53211/cb');
  assert.equal(matchRedirectUri('http://127.0.0.1:53211/cb', ['http://127.0.0.1:8080/cb']), 'http://127.0.0.1:53211/cb');
  assert.equal(matchRedirectUri('http://[::1]:61000/cb?x=1', ['http://[::1]/cb?x=1']), 'http://[::1]:61000/cb?x=1');
});

test('everything but the port must still match, and only for http on a loopback IP literal', () => {
  const refused: [string, string][] = [
    ['http://127.0.0.1:5/other', 'http://127.0.0.1/cb'],
    ['http://127.0.0.1:5/cb?x=1', 'http://127.0.0.1/cb'],
    ['http://127.0.0.2:5/cb', 'http://127.0.0.1/cb'],
    ['http://user@127.0.0.1:5/cb', 'http://127.0.0.1/cb'],
    ['https://127.0.0.1:5/cb', 'https://127.0.0.1/cb'],
    ['http://127.0.0.1:5/cb', 'https://127.0.0.1/cb'],
    // fosite: `localhost` is not an IP literal, so its port is fixed (RFC 8252 §8.3 advises against it).
    ['http://localhost:5/cb', 'http://localhost/cb'],
    ['https://app.example:8443/cb', 'https://app.example/cb'],
    ['http://127.0.0.1:5/cb#x', 'http://127.0.0.1/cb'],
  ];
  for (const [requested, registered] of refused) assert.equal(matchRedirectUri(requested, [registered]), undefined, `${requested} vs ${registered}`);
});
