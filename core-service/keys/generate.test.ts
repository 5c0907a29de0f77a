import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, SignJWT, compactDecrypt, importJWK, jwtVerify, type JWK } from 'jose';
import { ASYMMETRIC_SIGNING_ALGS, SYMMETRIC_SIGNING_ALGS, generateSigningKey, isSupportedAlg, publicPart } from './generate.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'priv'];

for (const alg of ASYMMETRIC_SIGNING_ALGS) {
  test(`${alg}: a JWT signed with the private JWK verifies with the public JWK only`, async () => {
    const { privateJwk, publicJwk } = await generateSigningKey(alg);
    const jwt = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg, kid: privateJwk.kid })
      .sign(await importJWK(privateJwk, alg));
    const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(publicJwk, alg));
    assert.equal(payload.sub, 'alice');
    assert.equal(protectedHeader.kid, publicJwk.kid);
  });

  test(`${alg}: both halves carry kid, alg and use; the public half has no private members`, async () => {
    const { privateJwk, publicJwk } = await generateSigningKey(alg);
    assert.equal(typeof privateJwk.d, 'string', 'the private half must hold the private key');
    for (const jwk of [privateJwk, publicJwk]) {
      assert.equal(jwk.alg, alg);
      assert.equal(jwk.use, 'sig');
      assert.match(jwk.kid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    assert.equal(publicJwk.kid, privateJwk.kid);
    for (const member of PRIVATE_MEMBERS) assert.ok(!(member in publicJwk), `public JWK leaks "${member}"`);
  });
}

test('RS256 keys are 2048-bit, ES512 keys are on P-521, EdDSA keys are Ed25519', async () => {
  const rsa = await generateSigningKey('RS256');
  assert.equal(Buffer.from(rsa.publicJwk.n ?? '', 'base64url').length * 8, 2048);
  assert.equal((await generateSigningKey('ES512')).publicJwk.crv, 'P-521');
  assert.equal((await generateSigningKey('EdDSA')).publicJwk.crv, 'Ed25519');
});

test('kid and use can be chosen; two generated keys never share a kid', async () => {
  const chosen = await generateSigningKey('ES256', { kid: 'my-key', use: 'enc' });
  assert.equal(chosen.privateJwk.kid, 'my-key');
  assert.equal(chosen.publicJwk.use, 'enc');
  const [a, b] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('ES256')]);
  assert.notEqual(a.publicJwk.kid, b.publicJwk.kid);
});

test('publicPart strips the private members of any key type and leaves the input untouched', () => {
  const rsaPrivate: JWK = { kty: 'RSA', kid: 'r', n: 'n', e: 'AQAB', d: 'd', p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi' };
  assert.deepEqual(publicPart(rsaPrivate), { kty: 'RSA', kid: 'r', n: 'n', e: 'AQAB' });
  assert.equal(rsaPrivate.d, 'd');
  assert.deepEqual(publicPart({ kty: 'oct', kid: 'o', k: 'secret' }), { kty: 'oct', kid: 'o' });
});

for (const alg of SYMMETRIC_SIGNING_ALGS) {
  test(`${alg}: an oct key as long as the hash, use sig, that signs and verifies`, async () => {
    const { privateJwk, publicJwk } = await generateSigningKey(alg);
    assert.equal(privateJwk.kty, 'oct');
    assert.equal(privateJwk.use, 'sig');
    assert.equal(Buffer.from(privateJwk.k ?? '', 'base64url').length * 8, Number(alg.slice(2)));
    const key = await importJWK(privateJwk, alg);
    const jwt = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg }).sign(key);
    assert.equal((await jwtVerify(jwt, key)).payload.sub, 'alice');
    assert.equal(publicJwk.k, undefined, 'the secret never leaves in the public part');
  });
}

test('RSA-OAEP: an encryption key (use enc) whose public part encrypts for the private part', async () => {
  const { privateJwk, publicJwk } = await generateSigningKey('RSA-OAEP');
  assert.equal(privateJwk.use, 'enc');
  assert.equal(publicJwk.d, undefined);
  const jwe = await new CompactEncrypt(new TextEncoder().encode('secret')).setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM' }).encrypt(await importJWK(publicJwk, 'RSA-OAEP'));
  const { plaintext } = await compactDecrypt(jwe, await importJWK(privateJwk, 'RSA-OAEP'));
  assert.equal(new TextDecoder().decode(plaintext), 'secret');
});

test('isSupportedAlg accepts exactly the algorithms of Hydra\'s generator plus HS* and RSA-OAEP', () => {
  for (const alg of ['RS384', 'PS512', 'ES384', 'EdDSA', 'HS512', 'RSA-OAEP']) assert.ok(isSupportedAlg(alg), alg);
  assert.ok(!isSupportedAlg('none'));
  assert.ok(!isSupportedAlg('A256GCM'));
});
