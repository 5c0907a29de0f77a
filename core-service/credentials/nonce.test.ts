import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OAuthError } from '../shared/errors.js';
import { createCredentialNonces } from './nonce.js';

const OLD = 'old-system-secret-0123456789';
const NEW = 'new-system-secret-abcdefghij';
const HOUR = 3_600_000;

/** Asserts `check` refuses with invalid_request and the hint Hydra gives. */
function refuses(check: () => void, hint: string): void {
  assert.throws(check, (err: unknown) => {
    assert.ok(err instanceof OAuthError, String(err));
    assert.equal(err.code, 'invalid_request');
    assert.equal(err.hint, hint);
    return true;
  });
}

test('a nonce is valid for the access token it was issued for until ttl.vc_nonce has passed, then "The nonce has expired."', () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const nonces = createCredentialNonces({ systemSecrets: [NEW], ttlMs: HOUR, now: () => now });
  const { nonce, expiresIn } = nonces.issue('ory_at_holder');
  assert.equal(expiresIn, 3600);
  assert.doesNotThrow(() => nonces.check('ory_at_holder', nonce));
  now = new Date(now.getTime() + HOUR);
  assert.doesNotThrow(() => nonces.check('ory_at_holder', nonce), 'valid through its last second');
  now = new Date(now.getTime() + 1000);
  refuses(() => nonces.check('ory_at_holder', nonce), 'The nonce has expired.');
});

test('a nonce of another access token, a forged or a tampered one is "The nonce is invalid."', () => {
  const nonces = createCredentialNonces({ systemSecrets: [NEW], ttlMs: HOUR, now: () => new Date() });
  const { nonce } = nonces.issue('ory_at_holder');
  refuses(() => nonces.check('ory_at_someone_else', nonce), 'The nonce is invalid.');
  refuses(() => nonces.check('ory_at_holder', 'invalid nonce'), 'The nonce is invalid.');
  const tampered = `${nonce.slice(0, -2)}${nonce.endsWith('A') ? 'B' : 'A'}${nonce.slice(-1)}`;
  refuses(() => nonces.check('ory_at_holder', tampered), 'The nonce is invalid.');
  // Sealed under another system secret: not this server's.
  const foreign = createCredentialNonces({ systemSecrets: ['another-server-secret-0123'], ttlMs: HOUR, now: () => new Date() }).issue('ory_at_holder');
  refuses(() => nonces.check('ory_at_holder', foreign.nonce), 'The nonce is invalid.');
});

test('nonces survive a rotation of secrets.system (the first seals, all open)', () => {
  const before = createCredentialNonces({ systemSecrets: [OLD], ttlMs: HOUR, now: () => new Date() }).issue('ory_at_holder');
  const rotated = createCredentialNonces({ systemSecrets: [NEW, OLD], ttlMs: HOUR, now: () => new Date() });
  assert.doesNotThrow(() => rotated.check('ory_at_holder', before.nonce));
});
