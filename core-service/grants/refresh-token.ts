/**
 * RFC 6749 §6 refresh token grant with rotation and reuse detection (RFC 9700 §4.14.2,
 * DESIGN.md Storage): each use deactivates the presented token and issues a new pair for the
 * same grant; replaying a rotated token outside the grace period revokes the whole grant,
 * including a pair a concurrent request is storing at that moment (storage/token-store.ts).
 *
 * The grace period is Hydra's (`rotation_grace_period`, `rotation_grace_reuse_count`): within
 * it a rotated token may be exchanged again, at most `rotation_grace_reuse_count` times in all
 * when that is set, and each exchange deactivates only the access token issued with the
 * presented refresh token, so concurrent exchanges keep the tokens they were just given.
 * A reuse past the period or the count is a replay.
 */
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';
import { grantSessionOf, type GrantTokenIssuer } from '../tokens/grant-issuer.js';
import { hookedSession, type TokenHooks } from '../tokens/token-hooks.js';
import { storageKey, type OpaqueTokenCodec } from '../tokens/opaque.js';
import type { TokenStore } from '../tokens/store.js';
import { checkRefreshAllowed } from './client-registration.js';
import type { Grant } from './grant.js';

export interface RefreshTokenDeps {
  codec: OpaqueTokenCodec;
  tokens: Pick<TokenStore, 'get' | 'exchangeRefreshToken' | 'revokeRequest'>;
  issuer: GrantTokenIssuer;
  scopeStrategy: ScopeStrategy;
  /** `oauth2.refreshTokenRotation`: grace period in ms (0: none) and how many exchanges of one token it allows in all (0: no limit). */
  grace: { gracePeriod: number; graceReuseCount: number };
  /** Hydra's token hooks (refresh_token_hook, then token_hook), asked before the refresh token is rotated. */
  hooks?: TokenHooks;
  now: () => Date;
  /** Told of every detected reuse (the refresh-token reuse metric). */
  onReuseDetected?: () => void;
}

const invalidGrant = (hint: string) => new OAuthError('invalid_grant', { hint });

export function refreshTokenGrant(deps: RefreshTokenDeps): Grant {
  return {
    grantType: 'refresh_token',
    parameters: ['refresh_token', 'scope'],
    async handle({ client, params, form }) {
      const presented = params.get('refresh_token') ?? '';
      if (presented === '') throw new OAuthError('invalid_request', { hint: 'The "refresh_token" parameter is missing.' });
      const signature = deps.codec.signatureOf(presented, 'ory_rt');
      const record = signature === undefined ? undefined : await deps.tokens.get(storageKey(signature));
      const session = record ? grantSessionOf(record) : undefined;
      if (!record || record.kind !== 'refresh_token' || !session) throw invalidGrant('The refresh token is malformed or unknown.');
      // RFC 6749 §6: the refresh token must have been issued to the authenticated client. Not a
      // replay by the grant's own client, so the grant is left alone.
      if (record.client_id !== client.client_id) throw invalidGrant('The refresh token was issued to another client.');
      checkRefreshAllowed(client, { scope: session.granted_scope, audience: session.granted_audience }, deps.scopeStrategy);
      const now = deps.now();
      if (record.expires_at !== null && record.expires_at.getTime() <= now.getTime()) throw invalidGrant('The refresh token has expired.');

      // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
      const requested = splitScope(params.get('scope'));
      const widened = uncoveredScopes(deps.scopeStrategy, record.scope, requested);
      if (widened.length > 0) {
        throw new OAuthError('invalid_scope', { hint: `The scope "${widened.join(' ')}" was not granted to this refresh token.` });
      }

      const scope = requested.length > 0 ? requested : record.scope;
      // Hydra runs its hooks on the valid request before rotating: a refusal leaves the refresh token usable.
      const hooked = await hookedSession(deps.hooks, { grantType: 'refresh_token', client, form, session, scope });
      // fosite's order: mint first, then rotate and store in one transaction, so a failure
      // leaves the refresh token usable (issue 15 §3).
      const minted = await deps.issuer.mint({
        client,
        session: hooked,
        requestId: record.request_id,
        grantType: 'refresh_token',
        refresh: true,
        // OIDC Core §12.2: a refresh returns a fresh ID token when the grant is an OpenID one.
        idToken: scope.includes('openid'),
        scope,
      });
      const { gracePeriod, graceReuseCount } = deps.grace;
      const outcome = await deps.tokens.exchangeRefreshToken({
        signature: record.signature,
        requestId: record.request_id,
        now,
        grace: { usedSince: gracePeriod > 0 ? new Date(now.getTime() - gracePeriod) : undefined, maxUses: graceReuseCount },
        wasLive: record.active && !record.used_at,
        pairedAccessToken: record.access_token_signature ?? null,
        issued: minted.records,
      });
      if (outcome === 'lost') {
        // Two requests raced on a live token; the other one rotated it. Not evidence of theft.
        throw invalidGrant('The refresh token was used by a concurrent request.');
      }
      if (outcome === 'reused') {
        // RFC 6749 §10.4, RFC 9700 §4.14.2: a rotated-out refresh token came back; either party
        // may be an attacker, so the whole grant (every access and refresh token of it, also
        // those a concurrent winner is storing now) is revoked.
        deps.onReuseDetected?.();
        await deps.tokens.revokeRequest(record.request_id);
        throw invalidGrant('The refresh token was already used or revoked; every token of its grant has been revoked.');
      }
      return minted.body;
    },
  };
}
