import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientAllowsOrigin, configAllowsOrigin, isUnboundedWildcard } from './cors-origins.js';

test('a listener list: empty or * allows all, exact origins case-insensitively, one * as any run', () => {
  assert.equal(configAllowsOrigin([], 'https://anything.example'), true);
  assert.equal(configAllowsOrigin(['https://a.example', '*'], 'https://b.example'), true);
  assert.equal(configAllowsOrigin(['https://App.Example'], 'https://app.example'), true);
  assert.equal(configAllowsOrigin(['https://app.example'], 'https://app.example:8443'), false);
  assert.equal(configAllowsOrigin(['https://app.example'], 'http://app.example'), false);
  // corsx.CheckOrigin: prefix and suffix around the *, which may span labels.
  assert.equal(configAllowsOrigin(['https://*.example.com'], 'https://a.example.com'), true);
  assert.equal(configAllowsOrigin(['https://*.example.com'], 'https://a.b.example.com'), true);
  assert.equal(configAllowsOrigin(['https://*.example.com'], 'https://example.com'), false);
  assert.equal(configAllowsOrigin(['https://*.example.com'], 'https://evil.com'), false);
  assert.equal(configAllowsOrigin(['https://*.example.com:8443'], 'https://a.example.com:8443'), true);
});

test('wildcards anyone could register a match for are ignored', () => {
  for (const pattern of ['https://*foo.com', 'https://*.com', 'https://*.co.uk', 'https://*.vercel.app', 'https://www.ory.*', 'https://*']) {
    assert.equal(isUnboundedWildcard(pattern), true, pattern);
  }
  for (const pattern of ['https://*.example.com', 'https://*.example.co.uk', 'https://*.app.vercel.app', 'https://exact.example.com']) {
    assert.equal(isUnboundedWildcard(pattern), false, pattern);
  }
  assert.equal(configAllowsOrigin(['https://*foo.com'], 'https://evilfoo.com'), false);
  assert.equal(configAllowsOrigin(['https://*.com'], 'https://evil.com'), false);
  assert.equal(clientAllowsOrigin(['https://*foo.com'], 'https://evilfoo.com'), false);
});

test("a client's list: * and scheme://* allow all, and * stays within one DNS label", () => {
  assert.equal(clientAllowsOrigin([], 'https://app.example'), false, 'an empty client list allows nothing');
  assert.equal(clientAllowsOrigin(['*'], 'https://app.example'), true);
  assert.equal(clientAllowsOrigin(['https://*'], 'https://app.example'), true);
  assert.equal(clientAllowsOrigin(['https://*'], 'http://app.example'), false);
  assert.equal(clientAllowsOrigin(['https://SPA.example'], 'https://spa.example'), true);
  assert.equal(clientAllowsOrigin(['https://spa.example'], 'https://spa.example.evil'), false);
  assert.equal(clientAllowsOrigin(['https://*.example.com'], 'https://a.example.com'), true);
  assert.equal(clientAllowsOrigin(['https://*.example.com'], 'https://a.b.example.com'), false);
  assert.equal(clientAllowsOrigin(['https://*.example.com'], 'https://aexample.com'), false);
  assert.equal(clientAllowsOrigin(['http://127.0.0.1:5555'], 'http://127.0.0.1:5555'), true);
});
