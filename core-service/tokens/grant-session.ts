/**
 * What an authorization grant remembers between the consent and later token requests: who
 * the subject is, what was granted, and the claims the consent app attached. It is stored on
 * the authorization code row and on every refresh token row (TokenRecord.session), so the code
 * exchange and each refresh can mint the same tokens without reading the flow again.
 */
import type { StoredClient } from '../clients/client.js';
import type { TokenResponseBody } from '../oauth2/token-response.js';
import type { TokenRecord } from './store.js';

/** RFC 8628 §3.4: the device access token request's grant_type. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export interface GrantSession {
  subject: string;
  /** The subject as the client sees it (pairwise identifier when the client asks for it). */
  obfuscated_subject: string;
  granted_scope: string[];
  granted_audience: string[];
  /** Consent `session.access_token`: claims put under `ext` of access tokens and introspection. */
  access_token_claims: Record<string, unknown>;
  /** Consent `session.id_token`: extra claims of ID tokens. */
  id_token_claims: Record<string, unknown>;
  /** Seconds since the epoch at which the subject authenticated (OIDC Core §2 auth_time). */
  auth_time: number;
  acr: string;
  amr: string[];
  /** The authorization request's nonce ('' when none). */
  nonce: string;
  /** The login session id (`sid` claim; front/back-channel logout). */
  sid: string;
  /** The consent request's challenge id, so consent sessions can revoke their grants. */
  consent_challenge_id: string;
}

export interface IssueForGrant {
  client: StoredClient;
  session: GrantSession;
  /** The grant (request) id every token of this authorization carries. */
  requestId: string;
  /** Which grant is asking, for per-client lifespans (`authorization_code`, `refresh_token`, `implicit`, RFC 8628's device_code). */
  grantType: 'authorization_code' | 'refresh_token' | 'implicit' | typeof DEVICE_CODE_GRANT_TYPE;
  /** Mint a refresh token (offline_access/offline granted and the client may refresh). */
  refresh: boolean;
  /** Mint an ID token (`openid` granted). */
  idToken: boolean;
  /** The authorization code, for the ID token's c_hash (hybrid flow), when there is one. */
  code?: string;
  /**
   * The access token's scope when narrower than session.granted_scope (RFC 6749 §6: a refresh
   * may ask for less). The refresh token always keeps session.granted_scope.
   */
  scope?: string[];
}

/** The response body of a grant and the token rows to store for it. */
export interface MintedGrant {
  body: TokenResponseBody;
  records: TokenRecord[];
}

/** An ID token alone from the authorization endpoint (`id_token`, `code id_token`). */
export interface IdTokenForGrant {
  client: StoredClient;
  session: GrantSession;
  /** The authorization code issued with it, for c_hash (OIDC Core §3.3.2.11). */
  code?: string;
}

/**
 * Mints and stores the tokens of one grant: access token (opaque or JWT), optional refresh
 * token (opaque `ory_rt_`, its row carrying the GrantSession), optional ID token.
 * Implemented in core-service/tokens/grant-issuer.ts.
 */
export interface GrantTokenIssuer {
  issue(request: IssueForGrant): Promise<TokenResponseBody>;
  /**
   * Mints the same tokens as issue() without storing them: the refresh and code grants store
   * `records` in the transaction that consumes the refresh token or code (fosite's order), so
   * a failure leaves that usable and a success never leaves it consumed without tokens.
   */
  mint(request: IssueForGrant): Promise<MintedGrant>;
  /**
   * Mints an ID token without an access token (OIDC Core §3.2.2.5 `id_token`, §3.3.2.5
   * `code id_token`): nothing is stored, so it has no at_hash; it lives as long as the
   * client's implicit ID token lifespan says (fosite uses the implicit one for hybrid flows too).
   */
  issueIdToken(request: IdTokenForGrant): Promise<string>;
}
