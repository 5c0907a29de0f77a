import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declaredParameters, formOf } from './token-endpoint.js';

test("a grant's handler gets the parameters it declared and no others", () => {
  const form = new Map([
    ['grant_type', 'authorization_code'],
    ['code', 'ory_ac_x'],
    ['code_verifier', 'v'],
    ['scope', 'openid'],
    ['client_secret', 's'],
  ]);
  const params = declaredParameters({ parameters: ['code', 'redirect_uri', 'code_verifier'] }, form);
  assert.deepEqual([...params], [
    ['code', 'ory_ac_x'],
    ['code_verifier', 'v'],
  ]);
});

test('a declared parameter the request left out stays absent, not empty', () => {
  assert.equal(declaredParameters({ parameters: ['refresh_token', 'scope'] }, new Map([['refresh_token', 'ory_rt_x']])).has('scope'), false);
});

test('a form keeps every value of a repeated parameter, in the order sent', () => {
  const form = formOf([
    { name: 'grant_type', value: 'client_credentials' },
    { name: 'audience', value: 'a' },
    { name: 'audience', value: 'b' },
  ]);
  assert.deepEqual([...form], [
    ['grant_type', ['client_credentials']],
    ['audience', ['a', 'b']],
  ]);
});
