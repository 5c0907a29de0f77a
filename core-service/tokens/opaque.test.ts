import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpaqueTokenCodec, storageKey } from './opaque.js';

const A = 'first-system-secret-0123456789';
const B = 'second-system-secret-abcdefghij';

test('a minted token has Hydra\'s shape and verifies to its signature', () => {
  const codec = createOpaqueTokenCodec([A]);
  for (const prefix of ['ory_at', 'ory_rt', 'ory_ac'] as const) {
    const { token, signature } = codec.mint(prefix);
    assert.match(token, new RegExp(`^${prefix}_[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}$`));
    assert.ok(token.endsWith(`.${signature}`));
    assert.equal(codec.signatureOf(token), signature);
    assert.equal(codec.signatureOf(token, prefix), signature);
  }
});

test('every minted token is different', () => {
  const codec = createOpaqueTokenCodec([A]);
  const seen = new Set(Array.from({ length: 1000 }, () => codec.mint('ory_at').token));
  assert.equal(seen.size, 1000);
});

test('a token presented as the wrong kind is rejected, even with its prefix rewritten', () => {
  const codec = createOpaqueTokenCodec([A]);
  const { token } = codec.mint('ory_at');
  assert.equal(codec.signatureOf(token, 'ory_rt'), undefined);
  assert.equal(codec.signatureOf(token.replace(/^ory_at_/, 'ory_rt_'), 'ory_rt'), undefined);
  assert.equal(codec.signatureOf(token.replace(/^ory_at_/, 'ory_rt_')), undefined);
});

test('a tampered random part or signature is rejected', () => {
  const codec = createOpaqueTokenCodec([A]);
  const { token } = codec.mint('ory_at');
  const swap = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
  assert.equal(codec.signatureOf(swap(token, 10)), undefined, 'random part');
  assert.equal(codec.signatureOf(swap(token, token.length - 5)), undefined, 'signature');
  // Last character of each part: it also carries padding bits that a lenient decoder would ignore.
  assert.equal(codec.signatureOf(swap(token, token.indexOf('.') - 1)), undefined, 'last char of random part');
  assert.equal(codec.signatureOf(swap(token, token.length - 1)), undefined, 'last char of signature');
});

test('garbage never throws and never verifies', () => {
  const codec = createOpaqueTokenCodec([A]);
  const { token } = codec.mint('ory_rt');
  const garbage = [
    '', '.', 'ory_at_', 'no-dot-at-all', token.replace('.', ''), token + '.', token + 'A', `${token} `,
    token.replace('.', '!'), `Bearer ${token}`, 'ory_xx' + token.slice(6), 'x'.repeat(10_000_000),
    'é' + token.slice(1),
  ];
  for (const input of garbage) assert.equal(codec.signatureOf(input), undefined, input.slice(0, 40));
});

test('a token from another deployment (other secret) is rejected', () => {
  const { token } = createOpaqueTokenCodec([B]).mint('ory_at');
  assert.equal(createOpaqueTokenCodec([A]).signatureOf(token), undefined);
});

test('rotation: tokens minted under the old secret verify while it is still configured', () => {
  const old = createOpaqueTokenCodec([A]).mint('ory_rt');
  const rotated = createOpaqueTokenCodec([B, A]);
  assert.equal(rotated.signatureOf(old.token, 'ory_rt'), old.signature);
  // New tokens are signed with the new first secret.
  const fresh = rotated.mint('ory_rt');
  assert.equal(createOpaqueTokenCodec([B]).signatureOf(fresh.token), fresh.signature);
  assert.equal(createOpaqueTokenCodec([A]).signatureOf(fresh.token), undefined);
  // Once the old secret is removed, its tokens stop working.
  assert.equal(createOpaqueTokenCodec([B]).signatureOf(old.token), undefined);
});

test('storageKey reveals neither token nor signature, and is stable per signature', () => {
  const { token, signature } = createOpaqueTokenCodec([A]).mint('ory_at');
  const key = storageKey(signature);
  assert.match(key, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(!token.includes(key) && key !== signature);
  assert.equal(storageKey(signature), key);
  assert.notEqual(storageKey(createOpaqueTokenCodec([A]).mint('ory_at').signature), key);
});

test('no system secret is a configuration error naming the setting', () => {
  assert.throws(() => createOpaqueTokenCodec([]), /SECRETS_SYSTEM/);
});
