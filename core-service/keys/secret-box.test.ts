import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretBox, SecretBoxError } from './secret-box.js';

const A = 'first-system-secret-0123456789';
const B = 'second-system-secret-abcdefghij';

function rejects(fn: () => unknown, code: SecretBoxError['code'], message?: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SecretBoxError, `expected SecretBoxError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('what is sealed opens to the same text, including non-ASCII and empty text', () => {
  const box = createSecretBox([A], 'jwk');
  for (const text of ['{"kty":"EC","d":"secret"}', 'grüße 🔑', '']) {
    const sealed = box.seal(text);
    assert.ok(!sealed.includes(text) || text === '', 'plaintext must not appear in the sealed value');
    assert.equal(box.open(sealed), text);
  }
});

test('sealing the same text twice gives different values (fresh nonce)', () => {
  const box = createSecretBox([A], 'jwk');
  assert.notEqual(box.seal('same'), box.seal('same'));
});

test('the sealed value names the key, never the secret', () => {
  const sealed = createSecretBox([A], 'jwk').seal('x');
  assert.match(sealed, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
  assert.ok(!sealed.includes(A));
});

test('rotation: a value sealed under the old secret opens once a new secret is prepended', () => {
  const old = createSecretBox([A], 'jwk').seal('payload');
  const rotated = createSecretBox([B, A], 'jwk');
  assert.equal(rotated.open(old), 'payload');
  // New values are sealed under the new first secret: they no longer open with the old one alone.
  rejects(() => createSecretBox([A], 'jwk').open(rotated.seal('fresh')), 'no_matching_secret');
  assert.equal(createSecretBox([B], 'jwk').open(rotated.seal('fresh')), 'fresh');
});

test('dropping the old secret gives an error that tells the operator what happened', () => {
  const sealed = createSecretBox([A], 'jwk').seal('payload');
  rejects(() => createSecretBox([B], 'jwk').open(sealed), 'no_matching_secret', /none of the configured secrets\.system values matches; was SECRETS_SYSTEM changed without keeping the old secret\?/);
});

test('any altered byte of nonce, ciphertext, tag or header is detected', () => {
  const box = createSecretBox([A], 'jwk');
  const sealed = box.seal('a value long enough to have several ciphertext bytes');
  const [version, kid, nonce, body] = sealed.split('.');
  assert.ok(version !== undefined && kid !== undefined && nonce !== undefined && body !== undefined);
  const flip = (text: string, at: number) => {
    const bytes = Buffer.from(text, 'base64url');
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    return bytes.toString('base64url');
  };
  rejects(() => box.open([version, kid, flip(nonce, 0), body].join('.')), 'tampered', /altered or corrupted/);
  rejects(() => box.open([version, kid, nonce, flip(body, 0)].join('.')), 'tampered');
  rejects(() => box.open([version, kid, nonce, flip(body, Buffer.from(body, 'base64url').length - 1)].join('.')), 'tampered');
  rejects(() => box.open([version, kid, nonce, body.slice(0, -6)].join('.')), 'tampered');
  rejects(() => box.open([version, kid, nonce, body.slice(0, 10)].join('.')), 'malformed');
  rejects(() => box.open(['v2', kid, nonce, body].join('.')), 'malformed');
});

test('garbage is reported as malformed, not as a crash', () => {
  const box = createSecretBox([A], 'jwk');
  for (const garbage of ['', 'v1', 'v1.a.b', 'v1.kid.nonce.body.extra', 'v1.k!d.AAAAAAAAAAAAAAAA.AAAA', 'v1.kid.AAAA.AAAAAAAAAAAAAAAAAAAAAAAA']) {
    rejects(() => box.open(garbage), 'malformed');
  }
});

test('purposes are separated: a value sealed for one purpose does not open as another', () => {
  const sealed = createSecretBox([A], 'jwk').seal('private key');
  assert.throws(() => createSecretBox([A], 'flow').open(sealed), SecretBoxError);
});

test('no secret configured is an error at construction, naming the setting', () => {
  rejects(() => createSecretBox([], 'jwk'), 'no_secrets', /SECRETS_SYSTEM/);
});
