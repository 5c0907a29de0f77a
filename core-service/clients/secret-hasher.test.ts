import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OAuthError } from '../shared/errors.js';
import { createSecretHasher, createVerificationCache, type SecretHasher } from './secret-hasher.js';

// Low work factors keep the suite fast; the format and logic do not depend on them.
const pbkdf2 = createSecretHasher({ algorithm: 'pbkdf2', pbkdf2Iterations: 1000, bcryptCost: 4 });
const bcrypt = createSecretHasher({ algorithm: 'bcrypt', pbkdf2Iterations: 1000, bcryptCost: 4 });

test('pbkdf2: the hash has Hydra\'s encoding and verifies the secret, not another', async () => {
  const hash = await pbkdf2.hash('s3cret-value');
  assert.match(hash, /^\$pbkdf2-sha256\$i=1000,l=32\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.equal(await pbkdf2.verify('s3cret-value', hash), true);
  assert.equal(await pbkdf2.verify('s3cret-valuE', hash), false);
  assert.equal(await pbkdf2.verify('', hash), false);
});

test('bcrypt: the hash is a bcrypt hash with the configured cost and verifies the secret, not another', async () => {
  const hash = await bcrypt.hash('s3cret-value');
  assert.match(hash, /^\$2[ab]\$04\$/);
  assert.equal(await bcrypt.verify('s3cret-value', hash), true);
  assert.equal(await bcrypt.verify('s3cret-valuE', hash), false);
});

test('the same secret hashes differently each time (random salt)', async () => {
  assert.notEqual(await pbkdf2.hash('same'), await pbkdf2.hash('same'));
  assert.notEqual(await bcrypt.hash('same'), await bcrypt.hash('same'));
});

test('switching the algorithm keeps clients hashed under the old one working', async () => {
  const oldPbkdf2 = await pbkdf2.hash('client-secret');
  const oldBcrypt = await bcrypt.hash('client-secret');
  assert.equal(await bcrypt.verify('client-secret', oldPbkdf2), true);
  assert.equal(await pbkdf2.verify('client-secret', oldBcrypt), true);
  assert.equal(await bcrypt.verify('other', oldPbkdf2), false);
});

test('verifies hashes written by other implementations (Hydra\'s Go encoding, crypt_blowfish vectors)', async () => {
  // PBKDF2-HMAC-SHA256("hydra-secret", "0123456789abcdef", 25000, 32) from Python's hashlib, in Go's RawStdEncoding.
  const goStyle = '$pbkdf2-sha256$i=25000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$/+vqtEyURpgdhn+Zf9sf2DvEmXhpFHLa1HH0pCFbLns';
  assert.equal(await pbkdf2.verify('hydra-secret', goStyle), true);
  assert.equal(await pbkdf2.verify('hydra-secreT', goStyle), false);
  // Openwall crypt_blowfish test vector; Go's x/crypto/bcrypt also writes $2a$, PHP writes $2y$.
  const vector = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
  assert.equal(await pbkdf2.verify('U*U', vector), true);
  assert.equal(await pbkdf2.verify('U*U', vector.replace('$2a$', '$2y$')), true);
  assert.equal(await pbkdf2.verify('U*V', vector), false);
});

test('unknown or broken stored hashes never verify', async () => {
  const good = await pbkdf2.hash('x');
  for (const stored of ['', 'x', 'plain-text-secret', '$argon2id$v=19$m=65536,t=3,p=4$abc$def', good.replace('l=32', 'l=16'), good.slice(0, -4), '$2a$04$short']) {
    assert.equal(await pbkdf2.verify('x', stored), false, stored);
  }
});

test('bcrypt refuses secrets it would silently truncate', async () => {
  const long = 'a'.repeat(73);
  await assert.rejects(bcrypt.hash(long), (err: unknown) => err instanceof OAuthError && err.code === 'invalid_client_metadata');
  // A 72-byte prefix match must not authenticate a longer secret.
  const hash72 = await bcrypt.hash('a'.repeat(72));
  assert.equal(await bcrypt.verify(long, hash72), false);
});

/** A hasher that counts how often the expensive verification really runs. */
function counting(inner: SecretHasher): { hasher: SecretHasher; calls: () => number } {
  let calls = 0;
  return {
    hasher: { hash: (s) => inner.hash(s), verify: (s, h) => { calls += 1; return inner.verify(s, h); } },
    calls: () => calls,
  };
}

test('cache: a repeated successful verification does not recompute the hash', async () => {
  const { hasher, calls } = counting(pbkdf2);
  const cache = createVerificationCache(60_000, 100);
  const stored = await pbkdf2.hash('secret');
  assert.equal(await cache.verify(hasher, 'client-a', 'secret', stored), true);
  assert.equal(await cache.verify(hasher, 'client-a', 'secret', stored), true);
  assert.equal(calls(), 1);
});

test('cache: failures are not cached and a cached success does not admit a wrong secret', async () => {
  const { hasher, calls } = counting(pbkdf2);
  const cache = createVerificationCache(60_000, 100);
  const stored = await pbkdf2.hash('secret');
  await cache.verify(hasher, 'client-a', 'secret', stored);
  assert.equal(await cache.verify(hasher, 'client-a', 'wrong', stored), false);
  assert.equal(await cache.verify(hasher, 'client-a', 'wrong', stored), false);
  assert.equal(calls(), 3);
});

test('cache: a new stored hash (secret rotated) is verified again, and the old secret fails', async () => {
  const { hasher, calls } = counting(pbkdf2);
  const cache = createVerificationCache(60_000, 100);
  const before = await pbkdf2.hash('old-secret');
  assert.equal(await cache.verify(hasher, 'client-a', 'old-secret', before), true);
  const after = await pbkdf2.hash('new-secret');
  assert.equal(await cache.verify(hasher, 'client-a', 'old-secret', after), false);
  assert.equal(await cache.verify(hasher, 'client-a', 'new-secret', after), true);
  assert.equal(calls(), 3);
});

test('cache: an entry expires after the TTL (injected clock)', async () => {
  const { hasher, calls } = counting(pbkdf2);
  let clock = 1_000;
  const cache = createVerificationCache(5_000, 100, () => clock);
  const stored = await pbkdf2.hash('secret');
  await cache.verify(hasher, 'c', 'secret', stored);
  clock += 4_999;
  await cache.verify(hasher, 'c', 'secret', stored);
  assert.equal(calls(), 1);
  clock += 1;
  await cache.verify(hasher, 'c', 'secret', stored);
  assert.equal(calls(), 2);
});

test('cache: size stays bounded and the least recently used entry is evicted', async () => {
  const { hasher, calls } = counting(pbkdf2);
  const cache = createVerificationCache(60_000, 2);
  const stored = await pbkdf2.hash('secret');
  await cache.verify(hasher, 'a', 'secret', stored);
  await cache.verify(hasher, 'b', 'secret', stored);
  await cache.verify(hasher, 'a', 'secret', stored); // hit: a becomes most recently used
  await cache.verify(hasher, 'c', 'secret', stored); // evicts b
  assert.equal(cache.size, 2);
  assert.equal(calls(), 3);
  await cache.verify(hasher, 'a', 'secret', stored);
  assert.equal(calls(), 3, 'a should still be cached');
  await cache.verify(hasher, 'b', 'secret', stored);
  assert.equal(calls(), 4, 'b should have been evicted');
});

test('cache: a TTL of 0 disables caching', async () => {
  const { hasher, calls } = counting(pbkdf2);
  const cache = createVerificationCache(0, 100);
  const stored = await pbkdf2.hash('secret');
  await cache.verify(hasher, 'a', 'secret', stored);
  await cache.verify(hasher, 'a', 'secret', stored);
  assert.equal(calls(), 2);
  assert.equal(cache.size, 0);
});
