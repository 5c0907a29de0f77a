/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3,
 * RFC 7523 §2.2, OpenID Connect Core §9). A client uses exactly the method it registered;
 * every failure is `invalid_client` (401) without saying which part was wrong: an unknown
 * client, a wrong secret and a method the client did not register read the same, never name
 * the registered method, and cost the same hashing work, so neither the answer nor its timing
 * tells a caller which client ids exist.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { OAuthError } from '../shared/errors.js';
import type { StoredClient, TokenEndpointAuthMethod } from './client.js';
import type { JwksFetcher } from './jwks-fetcher.js';
import type { SecretHasher, VerificationCache } from './secret-hasher.js';
import type { ClientStore } from './store.js';

/** What the HTTP request presented, unparsed policy-wise (mirrors tessera.v1.ClientCredentials). */
export interface PresentedCredentials {
  authorizationHeader: string;
  clientId: string;
  clientSecret: string;
  clientAssertionType: string;
  clientAssertion: string;
}

export interface AssertionReplayStore {
  /**
   * Records a client assertion's `jti` until it expires; false when it was already used
   * (RFC 7523 §3: the server may reject a jti it has seen before).
   */
  rememberJti(key: string, expiresAt: Date): Promise<boolean>;
}

export interface AuthenticatorDeps {
  clients: Pick<ClientStore, 'get'>;
  /** `hash` makes the stand-in hash an unknown client is checked against. */
  hasher: Pick<SecretHasher, 'verify' | 'hash'>;
  verifications: VerificationCache;
  jwks: JwksFetcher;
  replay: AssertionReplayStore;
  now: () => Date;
}

const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The one answer for an unknown client, a wrong secret or a method the client did not register. */
const AUTHENTICATION_FAILED = 'The client is unknown, the credentials are wrong, or the client is not registered for this authentication method.';

/**
 * RFC 7523 §3: the server may refuse assertions whose `exp` lies unreasonably far ahead. An
 * hour bounds how long a leaked assertion stays usable and how long its jti must be remembered.
 */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
/** Tolerated difference between the client's clock and ours, for exp, nbf and iat. */
const CLOCK_SKEW_SECONDS = 60;

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
export function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

function invalidClient(hint: string): OAuthError {
  return new OAuthError('invalid_client', { hint });
}

export function createClientAuthenticator(deps: AuthenticatorDeps) {
  const { clients, now } = deps;
  // A hash of a random secret, made like every new client's, for unknown clients to be checked against.
  let standIn: Promise<string> | undefined;
  const standInHash = () => (standIn ??= deps.hasher.hash(randomBytes(32).toString('base64url')));

  /** The client `id` if it exists and registered `method`; otherwise the one generic failure. */
  async function clientUsing(id: string, method: TokenEndpointAuthMethod): Promise<StoredClient | undefined> {
    const client = id === '' ? undefined : await clients.get(id);
    return client?.token_endpoint_auth_method === method ? client : undefined;
  }

  async function loadClient(id: string, method: TokenEndpointAuthMethod): Promise<StoredClient> {
    const client = await clientUsing(id, method);
    if (!client) throw invalidClient(AUTHENTICATION_FAILED);
    return client;
  }

  /** client_secret_basic / client_secret_post: the secret must match the current or a rotated-out hash. */
  async function authenticateWithSecret(id: string, secret: string, method: TokenEndpointAuthMethod): Promise<StoredClient> {
    const client = await clientUsing(id, method);
    if (!client || client.secret_hash === '') {
      // Pay for one hash as a wrong secret does: the time taken must not tell that the client is unknown.
      await deps.hasher.verify(secret, await standInHash());
      throw invalidClient(AUTHENTICATION_FAILED);
    }
    // The current secret first, then secrets rotated out but still accepted.
    let matched = false;
    for (const hash of [client.secret_hash, ...client.rotated_secret_hashes]) {
      if (hash !== '' && (await deps.verifications.verify(deps.hasher, client.client_id, secret, hash))) {
        matched = true;
        break;
      }
    }
    if (!matched) throw invalidClient(AUTHENTICATION_FAILED);
    // Only whoever holds the secret learns that it expired.
    if (client.client_secret_expires_at > 0 && client.client_secret_expires_at * 1000 < now().getTime()) {
      throw invalidClient('The client secret has expired.');
    }
    return client;
  }

  async function checkAssertion(assertion: string, tokenEndpointUrl: string, issuer: string): Promise<StoredClient> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(assertion);
    } catch {
      throw invalidClient('The client assertion is not a JWT.');
    }
    // RFC 7523 §3: iss and sub are both the client_id.
    const clientId = typeof unverified.sub === 'string' ? unverified.sub : '';
    const client = await loadClient(clientId, 'private_key_jwt');
    // Validated as a JWK Set when the client was registered (clients/validation.ts).
    const keys = (client.jwks as JSONWebKeySet | null) ?? (client.jwks_uri ? await deps.jwks.get(client.jwks_uri) : undefined);
    if (!keys) throw invalidClient('The client has no keys to verify its assertion with.');
    const verify = (set: JSONWebKeySet) =>
      jwtVerify(assertion, createLocalJWKSet(set), {
        issuer: client.client_id,
        subject: client.client_id,
        currentDate: now(),
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'jti', 'aud'],
        ...(client.token_endpoint_auth_signing_alg ? { algorithms: [client.token_endpoint_auth_signing_alg] } : {}),
      });
    let payload: JWTPayload;
    try {
      try {
        payload = (await verify(keys)).payload;
      } catch (err) {
        // A kid the cached jwks_uri set lacks may be a key the client added since: fetch the
        // set again (OpenID Connect Core §10.1.1, key rotation by publishing new keys).
        if (!(client.jwks_uri && err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
        payload = (await verify(await deps.jwks.refresh(client.jwks_uri))).payload;
      }
    } catch (err) {
      if (err instanceof OAuthError) throw err;
      throw invalidClient(`The client assertion could not be verified: ${(err as Error).message}.`);
    }
    checkAssertionClaims(payload, [tokenEndpointUrl, issuer, issuer.replace(/\/$/, '')]);
    const key = createHash('sha256').update(`${client.client_id}\0${String(payload.jti)}`).digest('base64url');
    if (!(await deps.replay.rememberJti(key, new Date((payload.exp ?? 0) * 1000)))) {
      throw invalidClient('The client assertion was already used (jti replay).');
    }
    return client;
  }

  /** RFC 7523 §3 claims jose does not decide: the audience, and how far ahead exp and iat may lie. */
  function checkAssertionClaims(payload: JWTPayload, audiences: string[]): void {
    // RFC 7523 §3 item 3: the audience identifies this server. Nothing else may be named beside
    // it: another party that received the assertion could otherwise replay it here.
    const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (aud.length === 0 || aud.some((a) => !audiences.includes(a))) {
      throw invalidClient("The client assertion's aud must be this server's issuer or token endpoint, and nothing else.");
    }
    const nowSeconds = Math.floor(now().getTime() / 1000);
    if ((payload.exp ?? 0) > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
      throw invalidClient(`The client assertion's exp lies more than ${MAX_ASSERTION_LIFETIME_SECONDS} seconds ahead.`);
    }
    if (payload.iat !== undefined && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
      throw invalidClient("The client assertion's iat lies in the future.");
    }
  }

  return {
    /**
     * Authenticates the client of a token-endpoint style request. Throws OAuthError
     * `invalid_client` (401) or `invalid_request` (400, more than one method used).
     */
    async authenticate(presented: PresentedCredentials, ctx: { tokenEndpointUrl: string; issuer: string }): Promise<StoredClient> {
      const basic = presented.authorizationHeader ? parseBasic(presented.authorizationHeader) : undefined;
      if (presented.authorizationHeader && !basic) {
        throw invalidClient('The Authorization header is not valid HTTP Basic authentication.');
      }
      const usesAssertion = presented.clientAssertion !== '' || presented.clientAssertionType !== '';
      const methods = [basic !== undefined, presented.clientSecret !== '', usesAssertion].filter(Boolean).length;
      // RFC 6749 §2.3: the client MUST NOT use more than one authentication method per request.
      if (methods > 1) {
        throw new OAuthError('invalid_request', { hint: 'The request uses more than one client authentication method.' });
      }

      if (basic) {
        if (presented.clientId !== '' && presented.clientId !== basic.id) {
          throw new OAuthError('invalid_request', { hint: 'client_id in the body differs from the one in the Authorization header.' });
        }
        return authenticateWithSecret(basic.id, basic.secret, 'client_secret_basic');
      }
      if (usesAssertion) {
        if (presented.clientAssertionType !== JWT_BEARER_ASSERTION) {
          throw invalidClient(`client_assertion_type must be "${JWT_BEARER_ASSERTION}".`);
        }
        const client = await checkAssertion(presented.clientAssertion, ctx.tokenEndpointUrl, ctx.issuer);
        if (presented.clientId !== '' && presented.clientId !== client.client_id) {
          throw invalidClient('client_id does not match the client assertion.');
        }
        return client;
      }
      if (presented.clientSecret !== '') {
        return authenticateWithSecret(presented.clientId, presented.clientSecret, 'client_secret_post');
      }
      if (presented.clientId === '') throw invalidClient('The request carries no client authentication.');
      return loadClient(presented.clientId, 'none');
    },
  };
}

export type ClientAuthenticator = ReturnType<typeof createClientAuthenticator>;
