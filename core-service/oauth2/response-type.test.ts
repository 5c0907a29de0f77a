import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultResponseMode, responseTypeValues, SUPPORTED_RESPONSE_TYPES } from './response-type.js';

test('Multiple Response Types §3: order and repetition do not matter', () => {
  assert.deepEqual(responseTypeValues('token  id_token code token'), ['code', 'id_token', 'token']);
  assert.ok(SUPPORTED_RESPONSE_TYPES.includes(responseTypeValues('id_token code').join(' ')));
});

test('Multiple Response Types §5: code alone answers in the query, anything with a token in the fragment', () => {
  assert.equal(defaultResponseMode('code'), 'query');
  assert.equal(defaultResponseMode('code id_token'), 'fragment');
  assert.equal(defaultResponseMode('token'), 'fragment');
});
