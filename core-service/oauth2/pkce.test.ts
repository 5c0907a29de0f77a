import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPkceValue, pkceMatches } from './pkce.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

test('RFC 7636 Appendix B: the S256 challenge of the example verifier matches, another does not', () => {
  assert.equal(pkceMatches(VERIFIER, CHALLENGE), true);
  assert.equal(pkceMatches(`${VERIFIER.slice(0, -1)}l`, CHALLENGE), false);
  assert.equal(pkceMatches(VERIFIER, CHALLENGE.slice(0, -1)), false);
});

test('RFC 7636 §4.1: 43 to 128 unreserved characters', () => {
  assert.equal(isPkceValue(VERIFIER), true);
  assert.equal(isPkceValue('a'.repeat(42)), false);
  assert.equal(isPkceValue('a'.repeat(128)), true);
  assert.equal(isPkceValue('a'.repeat(129)), false);
  assert.equal(isPkceValue(`${'a'.repeat(42)}+`), false);
});
