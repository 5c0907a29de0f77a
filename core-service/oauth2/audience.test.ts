import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foreignAudiences } from './audience.js';

test('a registered audience allows itself and its sub-paths on a segment boundary, as fosite', () => {
  const registered = ['https://api.example/v1', 'urn:billing', 'my-api'];
  assert.deepEqual(
    foreignAudiences(registered, ['https://api.example/v1', 'https://api.example/v1/', 'https://api.example/v1/orders', 'urn:billing', 'my-api', 'my-api/reports']),
    [],
  );
  assert.deepEqual(
    foreignAudiences(registered, ['https://api.example/v10', 'https://api.example/', 'http://api.example/v1', 'https://api.example:8443/v1', 'https://evil.example/v1', 'urn:billingx', 'my-apix']),
    ['https://api.example/v10', 'https://api.example/', 'http://api.example/v1', 'https://api.example:8443/v1', 'https://evil.example/v1', 'urn:billingx', 'my-apix'],
  );
});

test('a host registered with a trailing slash allows the bare host and every path on it', () => {
  const registered = ['https://api.example/'];
  assert.deepEqual(foreignAudiences(registered, ['https://api.example', 'https://api.example/', 'https://api.example/anything']), []);
  assert.deepEqual(foreignAudiences(registered, ['https://api.example.evil/', 'https://api.exampl/']), ['https://api.example.evil/', 'https://api.exampl/']);
});

test('a value that is not a URL, or an entry that is not one, allows nothing', () => {
  assert.deepEqual(foreignAudiences(['https://api.example/'], ['https://exa mple/x', ':nope', 'https://api.example/\u0000']), [
    'https://exa mple/x',
    ':nope',
    'https://api.example/\u0000',
  ]);
  assert.deepEqual(foreignAudiences(['https://exa mple/', ':nope'], ['https://exa mple/', ':nope']), ['https://exa mple/', ':nope']);
  assert.deepEqual(foreignAudiences([], ['https://api.example/']), ['https://api.example/']);
});
