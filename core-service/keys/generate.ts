/**
 * Creation of keys as JWKs (RFC 7517): the signing keys core creates on first start, and any
 * key the admin API is asked to generate (Hydra's `createJsonWebKeySet`). Private keys leave
 * here as JWK so they can be sealed with the SecretBox and stored; public parts of asymmetric
 * keys are what `/.well-known/jwks.json` serves.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, generateSecret, type JWK } from 'jose';

/** JWS algorithms with a key pair (RFC 7518 §3.3–3.5, RFC 8037 §3.1): what Hydra's generator offers. */
export const ASYMMETRIC_SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
/** HMAC JWS algorithms (RFC 7518 §3.2): a shared `oct` secret, never published. */
export const SYMMETRIC_SIGNING_ALGS = ['HS256', 'HS384', 'HS512'] as const;
/** JWE key management algorithms (RFC 7518 §4.3): RSA-OAEP encryption keys. */
export const ENCRYPTION_ALGS = ['RSA-OAEP', 'RSA-OAEP-256'] as const;
/** Every algorithm Tessera generates keys for. */
export const SUPPORTED_ALGS = [...ASYMMETRIC_SIGNING_ALGS, ...SYMMETRIC_SIGNING_ALGS, ...ENCRYPTION_ALGS] as const;

/** One of SUPPORTED_ALGS. */
export type KeyAlg = (typeof SUPPORTED_ALGS)[number];

/** A freshly generated key and its public part (of a symmetric key: no key at all, never to publish). */
export interface GeneratedKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

// RFC 7517 §4 and RFC 7518 §6.3.2 / §6.2.2 / RFC 8037 §2: the members that hold private key
// material. `priv` is the AKP (ML-DSA) private member jose also exports.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'priv'] as const;

/** True when `alg` is one Tessera can generate keys for. */
export function isSupportedAlg(alg: string): alg is KeyAlg {
  return (SUPPORTED_ALGS as readonly string[]).includes(alg);
}

/** RFC 7517 §4.2: the `use` a key of `alg` is for, when the request names none. */
export function defaultUse(alg: KeyAlg): 'sig' | 'enc' {
  return (ENCRYPTION_ALGS as readonly string[]).includes(alg) ? 'enc' : 'sig';
}

async function generateJwk(alg: KeyAlg): Promise<JWK> {
  if ((SYMMETRIC_SIGNING_ALGS as readonly string[]).includes(alg)) {
    // RFC 7518 §3.2: a key as long as the hash output; jose sizes it from the alg.
    return exportJWK(await generateSecret(alg, { extractable: true }));
  }
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    // 2048 bits is NIST-acceptable through 2030 (SP 800-57 Pt 1 §5.6) and keeps first start fast; 4096 takes seconds per key.
    ...(alg.startsWith('RS') || alg.startsWith('PS') || alg.startsWith('RSA') ? { modulusLength: 2048 } : {}),
    // RFC 8037 §3.1: EdDSA here means Ed25519, the curve every JOSE library verifies.
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  return exportJWK(privateKey);
}

/**
 * Generates a key for `alg`; `kid` defaults to a random UUID (as Hydra's), `use` to the alg's
 * (`sig`, or `enc` for RSA-OAEP).
 *
 * @example
 * const { privateJwk, publicJwk } = await generateSigningKey('RS256');
 */
export async function generateSigningKey(alg: KeyAlg, opts: { kid?: string; use?: 'sig' | 'enc' } = {}): Promise<GeneratedKey> {
  const privateJwk: JWK = {
    ...(await generateJwk(alg)),
    kid: opts.kid ?? randomUUID(),
    alg,
    use: opts.use ?? defaultUse(alg),
  };
  return { privateJwk, publicJwk: publicPart(privateJwk) };
}

/** A copy of `jwk` without its private members (RFC 7517 §4), safe to publish in a JWKS. */
export function publicPart(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as JWK;
}
