/**
 * Creation of signing keys as JWKs (RFC 7517), for the JWKS core creates on first start and
 * on rotation through the admin API. Private keys leave here as JWK so they can be sealed with
 * the SecretBox and stored; public keys are what `/.well-known/jwks.json` serves.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** The JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1) Tessera generates keys for. */
export const SUPPORTED_ALGS = ['RS256', 'ES256', 'ES512', 'EdDSA'] as const;

/** One of SUPPORTED_ALGS. */
export type SigningAlg = (typeof SUPPORTED_ALGS)[number];

/** A freshly generated key pair; both halves carry the same kid, alg and use. */
export interface GeneratedKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

// RFC 7517 §4 and RFC 7518 §6.3.2 / §6.2.2 / RFC 8037 §2: the members that hold private key
// material. `priv` is the AKP (ML-DSA) private member jose also exports.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'priv'] as const;

/** True when `alg` is one Tessera can generate keys for. */
export function isSupportedAlg(alg: string): alg is SigningAlg {
  return (SUPPORTED_ALGS as readonly string[]).includes(alg);
}

/**
 * Generates a key pair for `alg`; `kid` defaults to a random UUID (as Hydra's), `use` to `sig`.
 *
 * @example
 * const { privateJwk, publicJwk } = await generateSigningKey('RS256');
 */
export async function generateSigningKey(alg: SigningAlg, opts: { kid?: string; use?: 'sig' | 'enc' } = {}): Promise<GeneratedKey> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    // 2048 bits is NIST-acceptable through 2030 (SP 800-57 Pt 1 §5.6) and keeps first start fast; 4096 takes seconds per key.
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
    // RFC 8037 §3.1: EdDSA here means Ed25519, the curve every JOSE library verifies.
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const privateJwk: JWK = {
    ...(await exportJWK(privateKey)),
    kid: opts.kid ?? randomUUID(),
    alg,
    use: opts.use ?? 'sig',
  };
  return { privateJwk, publicJwk: publicPart(privateJwk) };
}

/** A copy of `jwk` without its private members (RFC 7517 §4), safe to publish in a JWKS. */
export function publicPart(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as JWK;
}
