import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER_CODE_ALPHABET, createUserCodeHasher, generateUserCode, normalizeUserCode } from './user-code.js';

test('user codes are 8 letters of RFC 8628 §6.1 base-20 alphabet, shown as XXXX-XXXX, and differ', () => {
  const codes = new Set(Array.from({ length: 200 }, () => generateUserCode()));
  assert.ok(codes.size > 195, 'codes are random');
  for (const code of codes) {
    assert.match(code, /^[A-Z]{4}-[A-Z]{4}$/);
    for (const c of code.replace('-', '')) assert.ok(USER_CODE_ALPHABET.includes(c), `${c} in the alphabet`);
    assert.doesNotMatch(code, /[AEIOUY]/, 'no vowels, so no words');
  }
});

test('a code typed in any case, with spaces or without the dash, is the same code', () => {
  assert.equal(normalizeUserCode('wdjb-mjht'), 'WDJBMJHT');
  assert.equal(normalizeUserCode(' WDJB MJHT '), 'WDJBMJHT');
  const hasher = createUserCodeHasher(['first-secret-0123456789abcdef', 'older-secret-0123456789abcdef']);
  assert.equal(hasher.sign('wdjbmjht'), hasher.sign('WDJB-MJHT'));
  assert.notEqual(hasher.sign('WDJB-MJHT'), hasher.sign('WDJB-MJHB'));
});

test('user codes are stored as a keyed hash: another secret gives another hash, and rotated secrets are still looked up', () => {
  const old = createUserCodeHasher(['older-secret-0123456789abcdef']);
  const rotated = createUserCodeHasher(['first-secret-0123456789abcdef', 'older-secret-0123456789abcdef']);
  const stored = old.sign('WDJB-MJHT');
  assert.notEqual(rotated.sign('WDJB-MJHT'), stored);
  assert.ok(rotated.candidates('wdjb-mjht').includes(stored));
  assert.doesNotMatch(stored, /WDJB/);
});
