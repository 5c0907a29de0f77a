/**
 * Finding the stored row behind a token as a client presents it, for either strategy. Any
 * malformed, foreign or tampered token yields undefined, never an error.
 */
import type { JWK } from 'jose';
import { verifyAccessToken, type AccessTokenClaims } from './jwt-access-token.js';
import { storageKey, type OpaqueTokenCodec } from './opaque.js';
import type { AccessTokenRecord, RefreshTokenRecord, TokenRecord, TokenStore } from './store.js';
import { ACCESS_TOKEN_KEY_SET } from '../keys/service.js';

export interface TokenLookupDeps {
  codec: OpaqueTokenCodec;
  store: Pick<TokenStore, 'get'>;
  /** The same array until the set changes, so jose's per-array import cache holds. */
  verificationKeys: (set: string) => Promise<readonly JWK[]>;
  issuer: string;
  now: () => Date;
}

export interface FoundToken {
  record: AccessTokenRecord | RefreshTokenRecord;
  /** Present when the token is a JWT access token. */
  claims?: AccessTokenClaims;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function createTokenLookup(deps: TokenLookupDeps) {
  return {
    /** The row of an access or refresh token, whatever its state (active, expired, revoked). */
    async find(token: string): Promise<FoundToken | undefined> {
      if (token.startsWith('ory_at_') || token.startsWith('ory_rt_')) {
        const prefix = token.startsWith('ory_at_') ? 'ory_at' : 'ory_rt';
        const signature = deps.codec.signatureOf(token, prefix);
        if (signature === undefined) return undefined;
        const record = await deps.store.get(storageKey(signature));
        const kind = prefix === 'ory_at' ? 'access_token' : 'refresh_token';
        return record && record.kind === kind ? { record } : undefined;
      }
      if (token.length < 8192 && JWT_SHAPE.test(token)) {
        const claims = await verifyAccessToken(token, await deps.verificationKeys(ACCESS_TOKEN_KEY_SET), deps.issuer, {
          currentDate: deps.now(),
        });
        if (!claims) return undefined;
        const record = await deps.store.get(storageKey(claims.jti));
        return record && record.kind === 'access_token' ? { record, claims } : undefined;
      }
      return undefined;
    },
  };
}

export type TokenLookup = ReturnType<typeof createTokenLookup>;

/** True while the token may be used: not revoked and not past its expiry. */
export function isLive(record: TokenRecord, now: Date): boolean {
  return record.active && (record.expires_at === null || record.expires_at.getTime() > now.getTime());
}
