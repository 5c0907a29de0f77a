import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { generateSigningKey } from '../keys/generate.js';
import { signAccessToken, verifyAccessToken, type AccessTokenInput } from './jwt-access-token.js';

const ISSUER = 'https://auth.example.com/';
const NOW = 1_700_000_000;
const AT = new Date(NOW * 1000 + 1000);

function input(privateJwk: JWK, overrides: Partial<AccessTokenInput> = {}): AccessTokenInput {
  return {
    privateJwk, issuer: ISSUER, subject: 'alice', clientId: 'my-app', audience: ['https://api.example.com'],
    scope: ['openid', 'offline'], jti: 'a1b2c3', iat: NOW, exp: NOW + 3600, ...overrides,
  };
}

test('round trip: the verified claims are Hydra\'s JWT access token claims', async () => {
  const key = await generateSigningKey('RS256');
  const token = await signAccessToken(input(key.privateJwk, { ext: { tenant: 't1' } }));
  const header = decodeProtectedHeader(token);
  assert.equal(header.typ, 'at+jwt');
  assert.equal(header.kid, key.publicJwk.kid);
  assert.equal(header.alg, 'RS256');
  const claims = await verifyAccessToken(token, [key.publicJwk], ISSUER, { currentDate: AT });
  assert.ok(claims);
  assert.deepEqual(
    { iss: claims.iss, sub: claims.sub, aud: claims.aud, exp: claims.exp, iat: claims.iat, nbf: claims.nbf, jti: claims.jti, client_id: claims.client_id, scp: claims.scp, ext: claims.ext },
    { iss: ISSUER, sub: 'alice', aud: ['https://api.example.com'], exp: NOW + 3600, iat: NOW, nbf: NOW, jti: 'a1b2c3', client_id: 'my-app', scp: ['openid', 'offline'], ext: { tenant: 't1' } },
  );
  assert.equal('tenant' in claims, false, 'extra claims stay under ext unless allowed at the top level');
});

test('allowed top-level claims are copied out of ext but never replace registered claims', async () => {
  const key = await generateSigningKey('ES256');
  const token = await signAccessToken(input(key.privateJwk, { ext: { tenant: 't1', sub: 'mallory' }, allowedTopLevelClaims: ['tenant', 'sub'] }));
  const claims = await verifyAccessToken(token, [key.publicJwk], ISSUER, { currentDate: AT });
  assert.equal(claims?.['tenant'], 't1');
  assert.equal(claims?.sub, 'alice');
  assert.deepEqual(claims?.ext, { tenant: 't1', sub: 'mallory' });
});

test('key rotation: a token of the old key verifies while the old key is published, not after', async () => {
  const oldKey = await generateSigningKey('ES256');
  const newKey = await generateSigningKey('ES256');
  const token = await signAccessToken(input(oldKey.privateJwk));
  assert.ok(await verifyAccessToken(token, [newKey.publicJwk, oldKey.publicJwk], ISSUER, { currentDate: AT }));
  assert.equal(await verifyAccessToken(token, [newKey.publicJwk], ISSUER, { currentDate: AT }), undefined);
});

test('expired, not yet valid, other issuer, tampered or garbage tokens give undefined', async () => {
  const key = await generateSigningKey('EdDSA');
  const keys = [key.publicJwk];
  const token = await signAccessToken(input(key.privateJwk));
  assert.equal(await verifyAccessToken(token, keys, ISSUER, { currentDate: new Date((NOW + 3600) * 1000) }), undefined, 'expired');
  assert.equal(await verifyAccessToken(token, keys, ISSUER, { currentDate: new Date((NOW - 60) * 1000) }), undefined, 'issued in the future');
  assert.equal(await verifyAccessToken(token, keys, 'https://other.example.com/', { currentDate: AT }), undefined, 'issuer');
  const [h, p, s] = token.split('.');
  assert.ok(h !== undefined && p !== undefined && s !== undefined);
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), sub: 'admin' })).toString('base64url');
  assert.equal(await verifyAccessToken(`${h}.${forged}.${s}`, keys, ISSUER, { currentDate: AT }), undefined, 'payload changed');
  assert.equal(await verifyAccessToken(`${h}.${p}.${s.slice(0, -4)}AAAA`, keys, ISSUER, { currentDate: AT }), undefined, 'signature changed');
  for (const garbage of ['', 'a.b.c', 'not a jwt', `${h}.${p}.`, 'x'.repeat(100_000)]) {
    assert.equal(await verifyAccessToken(garbage, keys, ISSUER, { currentDate: AT }), undefined, garbage.slice(0, 20));
  }
});

test('an ID token signed by the same key is not accepted as an access token (RFC 9068 §4)', async () => {
  const key = await generateSigningKey('RS256');
  const idToken = await new SignJWT({ iss: ISSUER, sub: 'alice', aud: 'my-app', jti: 'x', client_id: 'my-app', iat: NOW, exp: NOW + 3600 })
    .setProtectedHeader({ alg: 'RS256', kid: key.privateJwk.kid, typ: 'JWT' })
    .sign(await importJWK(key.privateJwk, 'RS256'));
  assert.equal(await verifyAccessToken(idToken, [key.publicJwk], ISSUER, { currentDate: AT }), undefined);
});

test('a token signed with alg "none" or an HMAC over the public key is rejected', async () => {
  const key = await generateSigningKey('RS256');
  const header = (alg: string) => Buffer.from(JSON.stringify({ alg, kid: key.publicJwk.kid, typ: 'at+jwt' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'admin', jti: 'x', client_id: 'c', iat: NOW, exp: NOW + 3600 })).toString('base64url');
  assert.equal(await verifyAccessToken(`${header('none')}.${payload}.`, [key.publicJwk], ISSUER, { currentDate: AT }), undefined);
  const hs = await new SignJWT({ iss: ISSUER, sub: 'admin', jti: 'x', client_id: 'c', iat: NOW, exp: NOW + 3600 })
    .setProtectedHeader({ alg: 'HS256', kid: key.publicJwk.kid, typ: 'at+jwt' })
    .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
  assert.equal(await verifyAccessToken(hs, [key.publicJwk], ISSUER, { currentDate: AT }), undefined);
});

test('a signing key without kid or alg is refused rather than producing an unselectable token', async () => {
  const { privateJwk } = await generateSigningKey('ES256');
  const { kid: _kid, ...withoutKid } = privateJwk;
  await assert.rejects(signAccessToken(input(withoutKid)), /kid/);
});

/** The payload as signed, without verification (to see exactly which claims are present). */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('strategies.jwt.scope_claim: scp array (list), space-separated scope (string), or both; verification reads either', async () => {
  const key = await generateSigningKey('ES256');
  const list = payloadOf(await signAccessToken(input(key.privateJwk, { scopeClaim: 'list' })));
  assert.deepEqual([list.scp, list.scope], [['openid', 'offline'], undefined]);
  const string = await signAccessToken(input(key.privateJwk, { scopeClaim: 'string' }));
  assert.deepEqual([payloadOf(string).scp, payloadOf(string).scope], [undefined, 'openid offline']);
  assert.deepEqual((await verifyAccessToken(string, [key.publicJwk], ISSUER, { currentDate: AT }))?.scp, ['openid', 'offline']);
  const both = payloadOf(await signAccessToken(input(key.privateJwk, { scopeClaim: 'both', ext: { scope: 'admin' }, allowedTopLevelClaims: ['scope'] })));
  assert.deepEqual([both.scp, both.scope], [['openid', 'offline'], 'openid offline'], 'an extra claim named scope never replaces it');
});

test('mirror_top_level_claims false drops ext; preserve_ext_claims keeps only what was not promoted; exclude_not_before_claim drops nbf', async () => {
  const key = await generateSigningKey('ES256');
  const ext = { tenant: 't1', role: 'admin' };
  const mirrored = payloadOf(await signAccessToken(input(key.privateJwk, { ext, allowedTopLevelClaims: ['tenant'] })));
  assert.deepEqual([mirrored.tenant, mirrored.ext, mirrored.nbf], ['t1', ext, NOW]);
  const unmirrored = payloadOf(await signAccessToken(input(key.privateJwk, { ext, allowedTopLevelClaims: ['tenant'], mirrorTopLevelClaims: false })));
  assert.equal(unmirrored.tenant, 't1');
  assert.equal('ext' in unmirrored, false);
  const preserved = payloadOf(await signAccessToken(input(key.privateJwk, { ext, allowedTopLevelClaims: ['tenant'], mirrorTopLevelClaims: false, preserveExtClaims: true })));
  assert.deepEqual([preserved.tenant, preserved.ext], ['t1', { role: 'admin' }]);
  const allPromoted = payloadOf(await signAccessToken(input(key.privateJwk, { ext, allowedTopLevelClaims: ['tenant', 'role'], mirrorTopLevelClaims: false, preserveExtClaims: true })));
  assert.equal('ext' in allPromoted, false, 'an empty ext is left out');
  const noNbf = await signAccessToken(input(key.privateJwk, { excludeNotBeforeClaim: true }));
  assert.equal('nbf' in payloadOf(noNbf), false);
  assert.ok(await verifyAccessToken(noNbf, [key.publicJwk], ISSUER, { currentDate: AT }), 'a token without nbf still verifies');
});
