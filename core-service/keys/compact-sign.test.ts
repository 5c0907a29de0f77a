import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { SignJWT, importJWK, jwtVerify, type JWK } from 'jose';
import { compactSign } from './compact-sign.js';

const claims = { iss: 'https://issuer.example', sub: 'alice', aud: ['app'], iat: 1_700_000_000, exp: 1_700_003_600, nonce: 'n-é', at_hash: 'abc' };

function jwkOf(type: 'rsa' | 'ec', alg: string, options: object): JWK {
  const { privateKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), alg, kid: `kid-${alg}` };
}

test('RS256: the very bytes jose signs (PKCS#1 v1.5 is deterministic)', async () => {
  const jwk = jwkOf('rsa', 'RS256', { modulusLength: 2048 });
  const header = { alg: 'RS256', kid: 'kid-RS256', typ: 'JWT' };
  const ours = compactSign(jwk, header, claims);
  const jose = await new SignJWT(claims).setProtectedHeader(header).sign(await importJWK(jwk, 'RS256'));
  assert.equal(ours, jose);
});

test('PS256, ES256 and ES384 verify with jose; other algorithms are left to jose', async () => {
  for (const [jwk, alg] of [
    [jwkOf('rsa', 'PS256', { modulusLength: 2048 }), 'PS256'],
    [jwkOf('ec', 'ES256', { namedCurve: 'P-256' }), 'ES256'],
    [jwkOf('ec', 'ES384', { namedCurve: 'P-384' }), 'ES384'],
  ] as const) {
    const token = compactSign(jwk, { alg, kid: jwk.kid, typ: 'JWT' }, claims);
    assert.ok(token !== undefined, alg);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(publicJwk, alg), { currentDate: new Date(1_700_000_100_000) });
    assert.equal(protectedHeader.alg, alg);
    assert.deepEqual(payload, claims);
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const ed = { ...(privateKey.export({ format: 'jwk' }) as JWK), alg: 'EdDSA', kid: 'ed' };
  assert.equal(compactSign(ed, { alg: 'EdDSA', kid: 'ed' }, claims), undefined);
});
