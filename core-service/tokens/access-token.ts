/**
 * Minting access tokens in either strategy: opaque (`ory_at_…`, only a hash of the signature
 * stored) or RFC 9068 JWT (signed with the newest `hydra.jwt.access-token` key, its `jti`
 * stored so revocation and introspection still work).
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { StoredClient } from '../clients/client.js';
import { ACCESS_TOKEN_KEY_SET } from '../keys/service.js';
import type { AccessTokenStrategy } from '../shared/config.js';
import { signAccessToken, type JwtClaimsLayout } from './jwt-access-token.js';
import type { OpaqueTokenCodec } from './opaque.js';
import { accessTokenRecord } from './records.js';
import type { AccessTokenRecord, TokenSession } from './store.js';


export interface AccessTokenGrant {
  client: StoredClient;
  subject: string;
  scope: string[];
  audience: string[];
  requestId: string;
  lifespanMs: number;
  /** Extra claims from the consent session (`session.access_token`). */
  ext?: Record<string, unknown>;
  /** The grant the token continues, kept on the row (not in the token). */
  session?: Pick<TokenSession, 'grant'>;
}

export interface MintedAccessToken {
  token: string;
  record: AccessTokenRecord;
  expiresIn: number;
}

export interface AccessTokenMinterDeps {
  codec: OpaqueTokenCodec;
  signingKey: (set: string) => Promise<JWK>;
  issuer: string;
  defaultStrategy: AccessTokenStrategy;
  /** How JWT access tokens lay out scope and extra claims (Hydra's `oauth2.*_claims`, `strategies.jwt.scope_claim`). */
  claimsLayout?: JwtClaimsLayout;
  now: () => Date;
}

/** Decides the strategy for a client: its own `access_token_strategy`, else the server's. */
export function strategyFor(client: StoredClient, fallback: AccessTokenStrategy): AccessTokenStrategy {
  return client.access_token_strategy === '' ? fallback : client.access_token_strategy;
}

export function createAccessTokenMinter(deps: AccessTokenMinterDeps) {
  return {
    /** Mints a token and the row to store for it; the caller inserts the row. */
    async mint(grant: AccessTokenGrant): Promise<MintedAccessToken> {
      const requestedAt = deps.now();
      const expiresAt = new Date(requestedAt.getTime() + grant.lifespanMs);
      const ext = grant.ext ?? {};
      let token: string;
      let signature: string;
      if (strategyFor(grant.client, deps.defaultStrategy) === 'jwt') {
        const jti = randomUUID();
        token = await signAccessToken({
          privateJwk: await deps.signingKey(ACCESS_TOKEN_KEY_SET),
          issuer: deps.issuer,
          // RFC 9068 §2.2: for client_credentials the subject is the client itself.
          subject: grant.subject || grant.client.client_id,
          clientId: grant.client.client_id,
          audience: grant.audience,
          scope: grant.scope,
          jti,
          iat: Math.floor(requestedAt.getTime() / 1000),
          exp: Math.floor(expiresAt.getTime() / 1000),
          ext,
          ...deps.claimsLayout,
        });
        signature = jti;
      } else {
        const minted = deps.codec.mint('ory_at');
        token = minted.token;
        signature = minted.signature;
      }
      return {
        token,
        expiresIn: Math.round(grant.lifespanMs / 1000),
        record: accessTokenRecord(
          {
            signature,
            requestId: grant.requestId,
            clientId: grant.client.client_id,
            subject: grant.subject,
            scope: grant.scope,
            audience: grant.audience,
            requestedAt,
            expiresAt,
          },
          { ...grant.session, ext },
        ),
      };
    },
  };
}

export type AccessTokenMinter = ReturnType<typeof createAccessTokenMinter>;
