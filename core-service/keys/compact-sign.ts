/**
 * JWS Compact Serialization (RFC 7515 §7.1) signed with node:crypto for the algorithms it signs
 * directly: RS*, PS* and ES* (RFC 7518 §3.3–3.5), the ID token's per-login signature. jose signs
 * through WebCrypto, whose per-call work (algorithm normalisation, a crypto job and its promise)
 * cost about a third as much again as the RSA signature itself in the full-login profile
 * (issue 10). The bytes are those jose's SignJWT produces for the same header and claims; any
 * other algorithm (EdDSA, HS*) answers undefined and the caller signs with jose.
 */
import { constants, createPrivateKey, sign, type JsonWebKey, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { JWK } from 'jose';

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** The node:crypto signing input of a JWK whose `alg` node:crypto signs as RFC 7518 says, once per JWK object. */
const signers = new WeakMap<JWK, { hash: string; key: SignKeyObjectInput } | null>();

function signerOf(jwk: JWK): { hash: string; key: SignKeyObjectInput } | null {
  let signer = signers.get(jwk);
  if (signer !== undefined) return signer;
  const alg = jwk.alg ?? '';
  const family = alg.slice(0, 2);
  const hash = HASHES[alg.slice(2)];
  signer = null;
  if (hash !== undefined && (family === 'RS' || family === 'PS' || family === 'ES')) {
    const key: KeyObject = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    signer = {
      hash,
      // RFC 7518 §3.5: PSS with MGF1 and a salt as long as the hash; §3.4: ECDSA as R || S.
      key: family === 'PS' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : family === 'ES' ? { key, dsaEncoding: 'ieee-p1363' } : { key },
    };
  }
  signers.set(jwk, signer);
  return signer;
}

/**
 * `header.payload.signature` for `privateJwk`, or undefined when its `alg` is not one of RS*, PS*, ES*.
 * @example compactSign(jwk, { alg: 'RS256', kid: jwk.kid, typ: 'JWT' }, claims)
 */
export function compactSign(privateJwk: JWK, header: Record<string, unknown>, payload: Record<string, unknown>): string | undefined {
  const signer = signerOf(privateJwk);
  if (signer === null) return undefined;
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign(signer.hash, Buffer.from(input), signer.key).toString('base64url')}`;
}
