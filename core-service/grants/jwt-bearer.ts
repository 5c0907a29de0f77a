/**
 * RFC 7523 §2.1 JWT-bearer authorization grant (fosite's handler/rfc7523, as Hydra configures
 * it): a client exchanges an assertion signed by a trusted issuer for an access token about the
 * assertion's subject. The signature must verify against a key the operator trusted for that
 * issuer and subject (core-service/trust/), the claims must pass RFC 7523 §3, and the scopes
 * must lie within the trust relationship's. No refresh token (RFC 7523 §2.1 does not issue one,
 * nor does fosite). Errors and their hints are fosite's, so clients matching on them keep working.
 */
import { createHash, createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWK, type JWTPayload } from 'jose';
import { audienceAllowed } from '../oauth2/audience.js';
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { parseGoDuration } from '../shared/durations.js';
import { OAuthError } from '../shared/errors.js';
import type { AccessTokenMinter } from '../tokens/access-token.js';
import type { JtiStore, TokenStore } from '../tokens/store.js';
import type { TokenHooks } from '../tokens/token-hooks.js';
import type { TrustStore } from '../trust/store.js';
import type { TrustRelationship } from '../trust/trust.js';
import type { Grant } from './grant.js';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Hydra's `oauth2.grant.jwt.*`. */
export interface JwtGrantConfig {
  /** `max_ttl` in ms: how far exp may lie after iat (or now, without iat). */
  maxTtl: number;
  /** `jti_optional`: assertions need not carry a jti (and then cannot be checked for replay). */
  jtiOptional: boolean;
  /** `iat_optional`: assertions need not carry an iat. */
  iatOptional: boolean;
  /** `omit_assertion_audience`: the assertion's aud (this server) is not copied into the access token. */
  omitAssertionAudience: boolean;
}

export interface JwtBearerDeps {
  minter: AccessTokenMinter;
  tokens: Pick<TokenStore, 'insert'>;
  trust: Pick<TrustStore, 'trustedKeys'>;
  replay: JtiStore;
  scopeStrategy: ScopeStrategy;
  config: JwtGrantConfig;
  /**
   * The values an assertion's aud may name (fosite's TokenURLProvider, fositex/config.go
   * GetTokenURLs): the discovery document's token endpoint, and the token endpoint under the
   * public URL and under the issuer.
   */
  tokenUrls: readonly string[];
  /** `ttl.access_token` in ms. */
  accessTokenTtlMs: number;
  hooks?: TokenHooks;
  now: () => Date;
}

/** fosite loads at most this many keys of one issuer and subject when the assertion names no kid. */
const MAX_CANDIDATE_KEYS = 100;

const invalidGrant = (hint: string) => new OAuthError('invalid_grant', { hint });
const INTEGRITY = "Unable to verify the integrity of the 'assertion' value.";

/** The signature algorithms a trusted key verifies: its own `alg`, or those of its type (RFC 7518 §3.1, RFC 8037 §3.1). */
function algorithmsFor(jwk: JWK): string[] {
  if (typeof jwk.alg === 'string' && jwk.alg !== '') return [jwk.alg];
  switch (jwk.kty) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return jwk.crv === 'P-384' ? ['ES384'] : jwk.crv === 'P-521' ? ['ES512'] : ['ES256'];
    case 'OKP':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}

/** The verified claims, or undefined when `key` did not sign the assertion. */
async function verifiedPayload(assertion: string, key: JWK): Promise<Uint8Array | undefined> {
  try {
    const { payload } = await compactVerify(assertion, createPublicKey({ key: key as JsonWebKey, format: 'jwk' }), { algorithms: algorithmsFor(key) });
    return payload;
  } catch {
    return undefined;
  }
}

const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const rfc3339 = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function jwtBearerGrant(deps: JwtBearerDeps): Grant {
  /** RFC 7523 §3 items 3–7, in fosite's order and with its hints. */
  function checkClaims(claims: JWTPayload): void {
    const audience = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    if (audience.length === 0) throw invalidGrant('The JWT in "assertion" request parameter MUST contain an "aud" (audience) claim.');
    if (!deps.tokenUrls.some((url) => audience.includes(url))) {
      throw invalidGrant(
        `The JWT in "assertion" request parameter MUST contain an "aud" (audience) claim containing a value "${deps.tokenUrls.join('" or "')}" that identifies the authorization server as an intended audience.`,
      );
    }
    if (claims.exp === undefined) throw invalidGrant('The JWT in "assertion" request parameter MUST contain an "exp" (expiration time) claim.');
    for (const claim of ['exp', 'nbf', 'iat'] as const) {
      if (claims[claim] !== undefined && !isNumericDate(claims[claim])) throw invalidGrant(INTEGRITY);
    }
    const nowMs = deps.now().getTime();
    const exp = claims.exp;
    if (exp * 1000 < nowMs) throw invalidGrant('The JWT in "assertion" request parameter expired.');
    if (claims.nbf !== undefined && claims.nbf * 1000 >= nowMs) {
      throw invalidGrant(
        `The JWT in "assertion" request parameter contains an "nbf" (not before) claim, that identifies the time '${rfc3339(claims.nbf)}' before which the token MUST NOT be accepted.`,
      );
    }
    if (!deps.config.iatOptional && claims.iat === undefined) throw invalidGrant('The JWT in "assertion" request parameter MUST contain an "iat" (issued at) claim.');
    const issuedMs = claims.iat !== undefined ? claims.iat * 1000 : nowMs;
    if (exp * 1000 - issuedMs > deps.config.maxTtl) {
      throw invalidGrant(
        `The JWT in "assertion" request parameter contains an "exp" (expiration time) claim with value "${rfc3339(exp)}" that is unreasonably far in the future, considering token issued at "${rfc3339(issuedMs / 1000)}".`,
      );
    }
    if (!deps.config.jtiOptional && (typeof claims.jti !== 'string' || claims.jti === '')) {
      throw invalidGrant('The JWT in "assertion" request parameter MUST contain an "jti" (JWT ID) claim.');
    }
  }

  return {
    grantType: JWT_BEARER_GRANT_TYPE,
    parameters: ['assertion', 'scope', 'audience'],
    async handle({ client, params, form }) {
      const assertion = params.get('assertion') ?? '';
      if (assertion === '') {
        throw new OAuthError('invalid_request', { hint: `The assertion request parameter must be set when using grant_type of '${JWT_BEARER_GRANT_TYPE}'.` });
      }
      let kid: string | undefined;
      let unverified: JWTPayload;
      try {
        const header = decodeProtectedHeader(assertion);
        kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
        unverified = decodeJwt(assertion);
      } catch {
        throw invalidGrant('Unable to parse JSON Web Token passed in "assertion" request parameter.');
      }
      // RFC 7523 §3 items 1 and 2: iss and sub name whose key to verify with.
      const issuer = typeof unverified.iss === 'string' ? unverified.iss : '';
      const subject = typeof unverified.sub === 'string' ? unverified.sub : '';
      if (issuer === '') throw invalidGrant('The JWT in "assertion" request parameter MUST contain an "iss" (issuer) claim.');
      if (subject === '') throw invalidGrant('The JWT in "assertion" request parameter MUST contain a "sub" (subject) claim.');

      const candidates = await deps.trust.trustedKeys({ issuer, subject, kid, now: deps.now(), limit: MAX_CANDIDATE_KEYS });
      if (candidates.length === 0) {
        throw invalidGrant(
          `No public JWK was registered for issuer "${issuer}" and subject "${subject}", and public key is required to check signature of JWT in "assertion" request parameter.`,
        );
      }
      let trusted: TrustRelationship | undefined;
      let payload: Uint8Array | undefined;
      for (const candidate of candidates) {
        payload = await verifiedPayload(assertion, candidate.jwk);
        if (payload) {
          trusted = candidate;
          break;
        }
      }
      if (!trusted || !payload) throw invalidGrant(INTEGRITY);
      let claims: JWTPayload;
      try {
        claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
      } catch {
        throw invalidGrant(INTEGRITY);
      }
      checkClaims(claims);

      const requested = splitScope(params.get('scope'));
      const beyondTrust = uncoveredScopes(deps.scopeStrategy, trusted.scope, requested);
      if (beyondTrust.length > 0) {
        throw new OAuthError('invalid_scope', {
          hint: `The public key registered for issuer "${issuer}" and subject "${subject}" is not allowed to request scope "${beyondTrust[0]}".`,
        });
      }
      // The client's registration bounds what it may obtain by any grant, this one included.
      const beyondClient = uncoveredScopes(deps.scopeStrategy, splitScope(client.scope), requested);
      if (beyondClient.length > 0) {
        throw new OAuthError('invalid_scope', { hint: `The OAuth 2.0 Client is not allowed to request scope "${beyondClient.join(' ')}".` });
      }

      // RFC 7523 §3 item 7: a jti is accepted once, until the assertion expires. The key is the
      // issuer's jti (RFC 7519 §4.1.7 makes it unique per issuer), apart from client assertions'.
      if (typeof claims.jti === 'string' && claims.jti !== '') {
        const key = createHash('sha256').update(`${JWT_BEARER_GRANT_TYPE}\0${issuer}\0${claims.jti}`).digest('base64url');
        if (!(await deps.replay.rememberJti(key, new Date((claims.exp ?? 0) * 1000)))) throw new OAuthError('jti_known');
      }

      // Hydra's token endpoint (oauth2/handler.go) grants the audiences asked for that the
      // client may request (by Hydra's audience strategy, oauth2/audience.ts) and leaves out the
      // rest, for this grant without an error.
      const audience = splitScope(params.get('audience')).filter((a) => audienceAllowed(client.audience, a));
      if (!deps.config.omitAssertionAudience) {
        const asserted = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
        for (const a of asserted) if (!audience.includes(a)) audience.push(a);
      }
      const hooked = deps.hooks
        ? await deps.hooks.run(
            { grantType: JWT_BEARER_GRANT_TYPE, client, subject, form, requestedScope: requested, grantedScope: requested, grantedAudience: audience },
            { accessToken: {}, idToken: {} },
          )
        : undefined;
      const lifespan = client.lifespans.jwt_bearer_grant_access_token_lifespan;
      const minted = await deps.minter.mint({
        client,
        subject,
        scope: requested,
        audience,
        requestId: randomUUID(),
        lifespanMs: (lifespan ? parseGoDuration(lifespan) : undefined) ?? deps.accessTokenTtlMs,
        ...(hooked ? { ext: hooked.accessToken } : {}),
      });
      await deps.tokens.insert([minted.record]);
      return { access_token: minted.token, token_type: 'bearer', expires_in: minted.expiresIn, scope: requested.join(' ') };
    },
  };
}
