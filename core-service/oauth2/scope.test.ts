import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uncoveredScopes } from './scope.js';

test("wildcard is fosite's strategy: `*` stands for exactly one non-empty segment", () => {
  const allowed = ['openid', 'photos.*', 'api.*.read'];
  assert.deepEqual(uncoveredScopes('wildcard', allowed, ['openid', 'photos.read', 'api.users.read']), []);
  assert.deepEqual(uncoveredScopes('wildcard', allowed, ['photos', 'photos.', 'photos.a.b', 'api.users.write', 'api..read', 'offline']), [
    'photos',
    'photos.',
    'photos.a.b',
    'api.users.write',
    'api..read',
    'offline',
  ]);
});

test('exact grants only what the client lists verbatim', () => {
  assert.deepEqual(uncoveredScopes('exact', ['openid', 'photos.*'], ['openid', 'photos.read', 'photos.*']), ['photos.read']);
});
