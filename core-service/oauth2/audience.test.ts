import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foreignAudiences } from './audience.js';

test('an audience the client did not register is foreign; matching is exact', () => {
  const registered = ['https://api.example/', 'urn:billing'];
  assert.deepEqual(foreignAudiences(registered, ['urn:billing', 'https://api.example/']), []);
  assert.deepEqual(foreignAudiences(registered, ['https://api.example', 'urn:billing', 'urn:other']), ['https://api.example', 'urn:other']);
});
