/**
 * The GrantTokenIssuer: mints the access token, the optional refresh token and the optional
 * ID token of one grant, and stores every row in one insert (or hands the rows to a grant that
 * stores them in its own transaction), so a failure leaves no half-issued grant behind; or an
 * ID token alone, for the front channel.
 */
import type { JWK } from 'jose';
import type { LifespanField, StoredClient } from '../clients/client.js';
import { ID_TOKEN_KEY_SET } from '../keys/service.js';
import { DEVICE_CODE_GRANT_TYPE, type GrantSession } from '../oauth2/grant-session.js';
import type { TokenResponseBody } from '../oauth2/token-response.js';
import type { Lifespan } from '../shared/config.js';
import { parseGoDuration } from '../shared/durations.js';
import type { AccessTokenMinter } from './access-token.js';
import { signIdToken } from './id-token.js';
import type { OpaqueTokenCodec } from './opaque.js';
import { refreshTokenRecord } from './records.js';
import type { TokenRecord, TokenSession, TokenStore } from './store.js';

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
 * Implemented by createGrantTokenIssuer below.
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

export interface GrantTokenIssuerDeps {
  minter: AccessTokenMinter;
  codec: OpaqueTokenCodec;
  tokens: Pick<TokenStore, 'insert'>;
  signingKey: (set: string) => Promise<JWK>;
  issuer: string;
  /** `ttl.*` in ms; refreshToken null means refresh tokens never expire (`-1`). */
  ttl: { accessToken: number; refreshToken: Lifespan; idToken: number };
  now: () => Date;
}

type GrantType = IssueForGrant['grantType'];

// Per-client lifespans by grant (Hydra's `*_grant_*_lifespan` client fields); implicit has no refresh token.
const LIFESPAN_FIELD: Record<GrantType, { access: LifespanField; id: LifespanField; refresh?: LifespanField }> = {
  authorization_code: {
    access: 'authorization_code_grant_access_token_lifespan',
    id: 'authorization_code_grant_id_token_lifespan',
    refresh: 'authorization_code_grant_refresh_token_lifespan',
  },
  refresh_token: {
    access: 'refresh_token_grant_access_token_lifespan',
    id: 'refresh_token_grant_id_token_lifespan',
    refresh: 'refresh_token_grant_refresh_token_lifespan',
  },
  implicit: { access: 'implicit_grant_access_token_lifespan', id: 'implicit_grant_id_token_lifespan' },
  [DEVICE_CODE_GRANT_TYPE]: {
    access: 'device_authorization_grant_access_token_lifespan',
    id: 'device_authorization_grant_id_token_lifespan',
    refresh: 'device_authorization_grant_refresh_token_lifespan',
  },
};

function clientLifespan(client: StoredClient, field: LifespanField | undefined): number | undefined {
  const value = field === undefined ? undefined : client.lifespans[field];
  return value ? parseGoDuration(value) : undefined;
}

/**
 * The GrantSession stored on a token row by the grant issuer (TokenSession.grant; a code's
 * CodeSession.grant); undefined for rows of other origin (client_credentials tokens) or a session
 * that does not have its shape.
 */
export function grantSessionOf(record: TokenRecord): GrantSession | undefined {
  const value: unknown = record.session.grant;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const session = value as Partial<GrantSession>;
  return typeof session.subject === 'string' && Array.isArray(session.granted_scope) ? (session as GrantSession) : undefined;
}

/**
 * Builds the issuer the code, refresh and implicit grants call once they have decided.
 *
 * @example
 * const body = await registry.grantTokenIssuer.issue({ client, session, requestId, grantType: 'authorization_code',
 *   refresh: session.granted_scope.includes('offline_access'), idToken: session.granted_scope.includes('openid') });
 */
export function createGrantTokenIssuer(deps: GrantTokenIssuerDeps): GrantTokenIssuer {
  /** The ID token of `session` for `client`, hashing what was issued with it (at_hash, c_hash). */
  async function idToken(client: StoredClient, session: GrantSession, grantType: GrantType, issuedWith: { accessToken?: string; code?: string }): Promise<string> {
    const iat = Math.floor(deps.now().getTime() / 1000);
    const lifespanMs = clientLifespan(client, LIFESPAN_FIELD[grantType].id) ?? deps.ttl.idToken;
    return signIdToken(await deps.signingKey(ID_TOKEN_KEY_SET), {
      issuer: deps.issuer,
      subject: session.obfuscated_subject || session.subject,
      clientId: client.client_id,
      iat,
      exp: iat + Math.round(lifespanMs / 1000),
      authTime: session.auth_time,
      // OIDC Core §12.2: an ID token from a refresh does not repeat the authentication's nonce.
      nonce: grantType === 'refresh_token' ? '' : session.nonce,
      acr: session.acr,
      amr: session.amr,
      sid: session.sid,
      ...issuedWith,
      extra: session.id_token_claims,
    });
  }

  const issuer: GrantTokenIssuer = {
    issueIdToken: ({ client, session, code }) => idToken(client, session, 'implicit', code === undefined ? {} : { code }),

    async issue(request) {
      const { body, records } = await issuer.mint(request);
      await deps.tokens.insert(records);
      return body;
    },

    async mint(request) {
      const { client, session, requestId, grantType } = request;
      const fields = LIFESPAN_FIELD[grantType];
      const scope = request.scope ?? session.granted_scope;
      // Both token rows carry the whole GrantSession: the refresh grant mints the next pair from
      // it, userinfo reads the subject and the consented ID token claims from the access token's row.
      const rowSession: TokenSession = { grant: session };

      const access = await deps.minter.mint({
        client,
        subject: session.subject,
        scope,
        audience: session.granted_audience,
        requestId,
        lifespanMs: clientLifespan(client, fields.access) ?? deps.ttl.accessToken,
        ext: session.access_token_claims,
        session: rowSession,
      });
      const records: TokenRecord[] = [access.record];
      const body: TokenResponseBody = {
        access_token: access.token,
        token_type: 'bearer',
        expires_in: access.expiresIn,
        scope: scope.join(' '),
      };

      if (request.refresh && fields.refresh !== undefined) {
        const minted = deps.codec.mint('ory_rt');
        const requestedAt = deps.now();
        const lifespan = clientLifespan(client, fields.refresh) ?? deps.ttl.refreshToken;
        records.push(
          refreshTokenRecord(
            {
              signature: minted.signature,
              requestId,
              clientId: client.client_id,
              subject: session.subject,
              // RFC 6749 §6: a refresh token keeps the scope originally granted, even after a narrowed refresh.
              scope: session.granted_scope,
              audience: session.granted_audience,
              requestedAt,
              expiresAt: lifespan === null ? null : new Date(requestedAt.getTime() + lifespan),
              // The one access token this refresh token's rotation deactivates within a grace period.
              accessTokenSignature: access.record.signature,
            },
            { ...rowSession, ext: session.access_token_claims },
          ),
        );
        body.refresh_token = minted.token;
      }

      if (request.idToken) {
        body.id_token = await idToken(client, session, grantType, { accessToken: access.token, ...(request.code !== undefined ? { code: request.code } : {}) });
      }

      return { body, records };
    },
  };
  return issuer;
}
