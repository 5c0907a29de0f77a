import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningKey } from '../keys/generate.js';
import { idTokenClaims, leftHalfHash, signIdToken, type IdTokenInput } from './id-token.js';

const base: IdTokenInput = {
  issuer: 'https://op.example/',
  subject: 'alice',
  clientId: 'app',
  iat: 1_700_000_000,
  exp: 1_700_003_600,
  authTime: 1_699_999_990,
  nonce: 'n-0S6_WzA2Mj',
  acr: 'urn:acr:pwd',
  amr: ['pwd'],
  sid: 'session-1',
};

describe('ID token hashes (OIDC Core §3.1.3.6, §3.3.2.11)', () => {
  it('matches the at_hash of the OIDC Core Appendix A examples', () => {
    assert.equal(leftHalfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'), '77QmUPtjPfzWtF2AnpK9RQ');
  });

  it('matches the c_hash of the OIDC Core Appendix A examples', () => {
    assert.equal(leftHalfHash('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk', 'RS256'), 'LDktKdoQak3Pk0cnXxCltA');
  });

  it('uses the hash size of the alg', () => {
    assert.equal(Buffer.from(leftHalfHash('token', 'ES384'), 'base64url').length, 24);
    assert.equal(Buffer.from(leftHalfHash('token', 'RS512'), 'base64url').length, 32);
  });
});

describe('ID token claims', () => {
  it('carries the registered claims Hydra sets', () => {
    const claims = idTokenClaims({ ...base, accessToken: 'at', code: 'c', jti: 'j1' }, 'RS256');
    assert.deepEqual(
      { ...claims },
      {
        iss: 'https://op.example/', sub: 'alice', aud: ['app'], exp: 1_700_003_600, iat: 1_700_000_000, rat: 1_700_000_000,
        jti: 'j1', auth_time: 1_699_999_990, nonce: 'n-0S6_WzA2Mj', acr: 'urn:acr:pwd', amr: ['pwd'], sid: 'session-1',
        at_hash: leftHalfHash('at', 'RS256'), c_hash: leftHalfHash('c', 'RS256'),
      },
    );
  });

  it('omits empty optional claims', () => {
    const claims = idTokenClaims({ ...base, nonce: '', acr: '', amr: [], sid: '', authTime: 0 }, 'RS256');
    for (const name of ['nonce', 'acr', 'amr', 'sid', 'auth_time', 'at_hash', 'c_hash']) assert.equal(name in claims, false, name);
  });

  it('adds consent claims but never lets them replace registered ones', () => {
    const claims = idTokenClaims({ ...base, extra: { email: 'a@example.com', sub: 'mallory', iss: 'evil', nonce: 'x' } }, 'RS256');
    assert.equal(claims.email, 'a@example.com');
    assert.equal(claims.sub, 'alice');
    assert.equal(claims.iss, 'https://op.example/');
    assert.equal(claims.nonce, 'n-0S6_WzA2Mj');
  });

  it('signs with the key alg and kid, verifiable by its public key', async () => {
    const { privateJwk, publicJwk } = await generateSigningKey('RS256', { use: 'sig' });
    const token = await signIdToken(privateJwk, { ...base, accessToken: 'at' });
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', kid: privateJwk.kid, typ: 'JWT' });
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [publicJwk] }), {
      issuer: 'https://op.example/',
      audience: 'app',
      currentDate: new Date(1_700_000_100_000),
    });
    assert.equal(payload.at_hash, leftHalfHash('at', 'RS256'));
  });
});
