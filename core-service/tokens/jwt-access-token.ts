/**
 * JWT access tokens (RFC 9068), used when `strategies.access_token` is `jwt`. Claims follow
 * Hydra's shape so resource servers written for Hydra keep working: scope as the `scp` array,
 * the session's extra claims under `ext`, `aud` always an array.
 */
import { SignJWT, createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { importedKey } from '../keys/imported-key.js';
import type { JwtScopeClaim } from '../shared/config.js';

/** RFC 9068 §2.1: the `typ` header that tells access tokens apart from ID tokens signed by the same keys. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** How the claims are laid out: Hydra's `oauth2.*_claims` and `strategies.jwt.scope_claim` settings. */
export interface JwtClaimsLayout {
  /**
   * Extra claims also copied to the top level (Hydra's `oauth2.allowed_top_level_claims`); the
   * registered claims are never overwritten.
   */
  allowedTopLevelClaims?: string[];
  /** Keep every extra claim under `ext` as well (`oauth2.mirror_top_level_claims`, default true). */
  mirrorTopLevelClaims?: boolean;
  /** Without mirroring, `ext` still holds the claims not promoted, when there are any (`oauth2.preserve_ext_claims`). */
  preserveExtClaims?: boolean;
  /** Leave `nbf` out (`oauth2.exclude_not_before_claim`). */
  excludeNotBeforeClaim?: boolean;
  /** `scp` array (`list`, the default), space-separated `scope` (`string`), or both. */
  scopeClaim?: JwtScopeClaim;
}

/** What an access token says; times are NumericDate (seconds since the epoch, RFC 7519 §2). */
export interface AccessTokenInput extends JwtClaimsLayout {
  /** The signing key; it must carry `kid` and `alg`. */
  privateJwk: JWK;
  issuer: string;
  subject: string;
  clientId: string;
  audience: string[];
  scope: string[];
  jti: string;
  iat: number;
  exp: number;
  /** The session's extra claims (Hydra's `session.access_token`), placed under `ext`. */
  ext?: Record<string, unknown>;
}

/** The claims of a verified access token. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  client_id: string;
  scp: string[];
  ext: Record<string, unknown>;
}

// The claims this module sets itself; extra claims can never replace them (Hydra's reserved list,
// plus `scope`, which the scope_claim setting may emit).
const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id', 'scp', 'scope', 'ext']);

/**
 * Signs an RFC 9068 access token with `privateJwk`.
 *
 * @example
 * const at = await signAccessToken({ privateJwk, issuer, subject: 'alice', clientId: 'app',
 *   audience: [], scope: ['openid'], jti: randomUUID(), iat: now, exp: now + 3600 });
 */
export async function signAccessToken(input: AccessTokenInput): Promise<string> {
  const { privateJwk } = input;
  if (privateJwk.alg === undefined || privateJwk.kid === undefined) {
    throw new Error('signAccessToken: the signing JWK must carry "alg" and "kid" so resource servers can select the key');
  }
  const ext = input.ext ?? {};
  const promoted = (input.allowedTopLevelClaims ?? []).filter((claim) => !RESERVED_CLAIMS.has(claim));
  const topLevel: Record<string, unknown> = {};
  for (const claim of promoted) {
    if (Object.hasOwn(ext, claim)) topLevel[claim] = ext[claim];
  }
  const scopeClaim = input.scopeClaim ?? 'list';
  const claims: JWTPayload = {
    ...topLevel,
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    exp: input.exp,
    iat: input.iat,
    // Hydra sets nbf = iat (the token is valid from the moment it is issued) unless told to leave it out.
    ...(input.excludeNotBeforeClaim ? {} : { nbf: input.iat }),
    jti: input.jti,
    client_id: input.clientId,
    ...(scopeClaim === 'string' ? {} : { scp: input.scope }),
    ...(scopeClaim === 'list' ? {} : { scope: input.scope.join(' ') }),
  };
  // Hydra's Session.GetJWTClaims: ext mirrors every extra claim, or (preserve_ext_claims) only those not promoted.
  if (input.mirrorTopLevelClaims ?? true) {
    claims.ext = ext;
  } else if (input.preserveExtClaims) {
    const rest = Object.fromEntries(Object.entries(ext).filter(([name]) => !promoted.includes(name)));
    if (Object.keys(rest).length > 0) claims.ext = rest;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid, typ: ACCESS_TOKEN_TYP })
    .sign(await importedKey(privateJwk));
}

// jose caches imported keys per JWK set object; reusing the set for the same array keeps that cache.
const keySets = new WeakMap<readonly JWK[], ReturnType<typeof createLocalJWKSet>>();

function keySetOf(publicJwks: readonly JWK[]): ReturnType<typeof createLocalJWKSet> {
  let set = keySets.get(publicJwks);
  if (set === undefined) {
    set = createLocalJWKSet({ keys: [...publicJwks] });
    keySets.set(publicJwks, set);
  }
  return set;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * The claims of `token` when it is an access token of `issuer` signed by one of `publicJwks`
 * (selected by `kid`), unexpired and well formed; undefined otherwise. Never throws.
 *
 * Pass the same array between key changes: the imported keys are cached per array.
 */
export async function verifyAccessToken(
  token: string,
  publicJwks: readonly JWK[],
  issuer: string,
  opts: { currentDate?: Date } = {},
): Promise<AccessTokenClaims | undefined> {
  let payload: JWTPayload;
  try {
    // RFC 9068 §4: check typ, so an ID token (same keys, typ JWT) is never accepted as an access token.
    // createLocalJWKSet only accepts asymmetric algorithms, which rules out `none` and HS* confusion (RFC 8725 §3.1).
    ({ payload } = await jwtVerify(token, keySetOf(publicJwks), {
      issuer,
      typ: ACCESS_TOKEN_TYP,
      requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id'],
      ...(opts.currentDate ? { currentDate: opts.currentDate } : {}),
    }));
  } catch {
    return undefined;
  }
  const { sub, exp, iat, jti, client_id: clientId, ext } = payload;
  // strategies.jwt.scope_claim `string` issues only the space-separated `scope`.
  const scp = payload.scp ?? (typeof payload.scope === 'string' ? payload.scope.split(' ').filter((s) => s !== '') : undefined);
  // RFC 7519 §4.1.3: aud may be a single string; callers always get an array.
  const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  if (
    typeof sub !== 'string' || typeof exp !== 'number' || typeof iat !== 'number' || typeof jti !== 'string' ||
    typeof clientId !== 'string' || !isStringArray(aud) || (scp !== undefined && !isStringArray(scp)) ||
    (ext !== undefined && (ext === null || typeof ext !== 'object' || Array.isArray(ext)))
  ) {
    return undefined;
  }
  return {
    ...payload,
    iss: issuer,
    sub,
    aud,
    exp,
    iat,
    nbf: typeof payload.nbf === 'number' ? payload.nbf : iat,
    jti,
    client_id: clientId,
    scp: scp ?? [],
    ext: (ext ?? {}) as Record<string, unknown>,
  };
}
