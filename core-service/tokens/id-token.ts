/**
 * OpenID Connect ID tokens (OIDC Core §2): the claims Hydra puts in them and their signature
 * with the newest key of `hydra.openid.id-token`. Pure functions; the caller passes the key
 * and the clock.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, type JWK, type JWTPayload } from 'jose';
import { importedKey } from '../keys/imported-key.js';

/** What an ID token says; times are NumericDate (seconds since the epoch). */
export interface IdTokenInput {
  issuer: string;
  /** The subject as this client sees it (pairwise when configured, OIDC Core §8). */
  subject: string;
  clientId: string;
  iat: number;
  exp: number;
  /** OIDC Core §2 auth_time; omitted when 0. */
  authTime: number;
  /** Omitted when ''. */
  nonce: string;
  /** Omitted when ''. */
  acr: string;
  /** Omitted when empty. */
  amr: string[];
  /** Login session id (Front-Channel Logout §3, Back-Channel Logout §2.4); omitted when ''. */
  sid: string;
  /** The access token issued with this ID token, for at_hash. */
  accessToken?: string;
  /** The authorization code issued with this ID token, for c_hash (hybrid flow). */
  code?: string;
  /** The consent's `session.id_token` claims; they never replace a registered claim. */
  extra?: Record<string, unknown>;
  /** Unique id of this token; a random UUID when absent. */
  jti?: string;
}

// Claims this module sets itself; consent claims can never replace them (Hydra's reserved list).
const REGISTERED_CLAIMS = new Set([
  'iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp',
  'at_hash', 'c_hash', 'sid', 'rat',
]);

/** The hash function of a JWS alg: SHA-2 of the alg's own size (RS256 → SHA-256). */
function hashOf(alg: string): 'sha256' | 'sha384' | 'sha512' {
  if (alg.endsWith('384')) return 'sha384';
  // Ed25519 signs with SHA-512 (OIDC Core errata set 2, §3.1.3.6 for EdDSA).
  if (alg.endsWith('512') || alg === 'EdDSA') return 'sha512';
  return 'sha256';
}

/**
 * OIDC Core §3.1.3.6 / §3.3.2.11: base64url of the left half of the hash of the ASCII octets
 * of `value`, with the hash function of the ID token's `alg`. Used for at_hash and c_hash.
 *
 * @example
 * leftHalfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'); // '77QmUPtjPfzWtF2AnpK9RQ'
 */
export function leftHalfHash(value: string, alg: string): string {
  const digest = createHash(hashOf(alg)).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** The claims set of an ID token, registered claims winning over the consent's extras. */
export function idTokenClaims(input: IdTokenInput, alg: string): JWTPayload {
  const claims: JWTPayload = {};
  for (const [name, value] of Object.entries(input.extra ?? {})) {
    if (!REGISTERED_CLAIMS.has(name)) claims[name] = value;
  }
  Object.assign(claims, {
    iss: input.issuer,
    sub: input.subject,
    // OIDC Core §2: aud contains the client_id; Hydra issues exactly [client_id].
    aud: [input.clientId],
    exp: input.exp,
    iat: input.iat,
    // Hydra (fosite) adds `rat`, the time the token was requested.
    rat: input.iat,
    jti: input.jti ?? randomUUID(),
  });
  if (input.authTime > 0) claims.auth_time = input.authTime;
  if (input.nonce !== '') claims.nonce = input.nonce;
  if (input.acr !== '') claims.acr = input.acr;
  if (input.amr.length > 0) claims.amr = input.amr;
  if (input.sid !== '') claims.sid = input.sid;
  if (input.accessToken !== undefined) claims.at_hash = leftHalfHash(input.accessToken, alg);
  if (input.code !== undefined) claims.c_hash = leftHalfHash(input.code, alg);
  return claims;
}

/**
 * Signs an ID token with `privateJwk` (it must carry `kid` and `alg`; RS256 for Tessera's own keys).
 *
 * @example
 * const idToken = await signIdToken(await keys.signingKey(ID_TOKEN_KEY_SET), { issuer, subject: 'alice',
 *   clientId: 'app', iat, exp: iat + 3600, authTime, nonce: '', acr: '', amr: [], sid: '', accessToken });
 */
export async function signIdToken(privateJwk: JWK, input: IdTokenInput): Promise<string> {
  if (privateJwk.alg === undefined || privateJwk.kid === undefined) {
    throw new Error('signIdToken: the signing JWK must carry "alg" and "kid" so relying parties can select the key');
  }
  return new SignJWT(idTokenClaims(input, privateJwk.alg))
    .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid, typ: 'JWT' })
    .sign(await importedKey(privateJwk));
}
