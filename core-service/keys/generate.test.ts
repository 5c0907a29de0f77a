import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, importJWK, jwtVerify, type JWK } from 'jose';
import { SUPPORTED_ALGS, generateSigningKey, isSupportedAlg, publicPart } from './generate.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'priv'];

for (const alg of SUPPORTED_ALGS) {
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

test('isSupportedAlg accepts exactly the supported algorithms', () => {
  assert.ok(isSupportedAlg('ES256'));
  assert.ok(!isSupportedAlg('HS256'));
  assert.ok(!isSupportedAlg('none'));
});
