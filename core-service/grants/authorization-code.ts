/**
 * RFC 6749 §4.1 authorization code grant with PKCE (RFC 7636). The code is opaque (`ory_ac_…`);
 * its row in oauth2_tokens carries the GrantSession, the redirect URI and the PKCE challenge.
 * The code is single use and bound to its client, redirect URI and verifier.
 */
import type { StoredClient } from '../clients/client.js';
import type { GrantSession } from '../oauth2/grant-session.js';
import { isPkceValue, pkceMatches } from '../oauth2/pkce.js';
import { OAuthError } from '../shared/errors.js';
import type { GrantTokenIssuer } from '../tokens/grant-issuer.js';
import { hookedSession, type TokenHooks } from '../tokens/token-hooks.js';
import { storageKey, type OpaqueTokenCodec } from '../tokens/opaque.js';
import { authorizationCodeRecord } from '../tokens/records.js';
import type { CodeSession, TokenStore } from '../tokens/store.js';
import type { Grant } from './grant.js';

export interface CodeRequest {
  client: StoredClient;
  session: GrantSession;
  /** The grant's request id (the flow id). */
  requestId: string;
  redirectUri: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

export interface AuthorizationCodeIssuer {
  /** Mints a code, stores its row, and returns the code for the redirect. */
  issue(request: CodeRequest): Promise<string>;
}

/** Mints and stores authorization codes (TTL `ttl.auth_code`). */
export function createAuthorizationCodeIssuer(deps: {
  codec: OpaqueTokenCodec;
  tokens: Pick<TokenStore, 'insert'>;
  ttlMs: number;
  now: () => Date;
}): AuthorizationCodeIssuer {
  return {
    async issue(request) {
      const { token, signature } = deps.codec.mint('ory_ac');
      const now = deps.now();
      const session: CodeSession = {
        grant: request.session,
        redirect_uri: request.redirectUri,
        code_challenge: request.codeChallenge,
        code_challenge_method: request.codeChallengeMethod,
      };
      const record = authorizationCodeRecord(
        {
          signature,
          requestId: request.requestId,
          clientId: request.client.client_id,
          subject: request.session.subject,
          scope: request.session.granted_scope,
          audience: request.session.granted_audience,
          requestedAt: now,
          expiresAt: new Date(now.getTime() + deps.ttlMs),
        },
        session,
      );
      await deps.tokens.insert([record]);
      return token;
    },
  };
}

export interface AuthorizationCodeDeps {
  codec: OpaqueTokenCodec;
  tokens: Pick<TokenStore, 'get' | 'redeemCode' | 'revokeRequest'>;
  issuer: GrantTokenIssuer;
  /** Hydra's token hooks, asked before the code is consumed. */
  hooks?: TokenHooks;
  now: () => Date;
}

const invalidGrant = (hint: string) => new OAuthError('invalid_grant', { hint });

export function authorizationCodeGrant(deps: AuthorizationCodeDeps): Grant {
  return {
    grantType: 'authorization_code',
    parameters: ['code', 'redirect_uri', 'code_verifier'],
    async handle({ client, params, form }) {
      const code = params.get('code') ?? '';
      if (code === '') throw new OAuthError('invalid_request', { hint: 'The "code" parameter is missing.' });
      const signature = deps.codec.signatureOf(code, 'ory_ac');
      if (signature === undefined) throw invalidGrant('The authorization code is malformed or unknown.');
      const key = storageKey(signature);
      const record = await deps.tokens.get(key);
      if (!record || record.kind !== 'authorization_code') throw invalidGrant('The authorization code is unknown.');
      if (!record.active) {
        // RFC 6749 §4.1.2 and §10.5: a code used twice means it leaked; revoke what its first use issued.
        await deps.tokens.revokeRequest(record.request_id);
        throw invalidGrant('The authorization code has already been used.');
      }
      if (record.expires_at !== null && record.expires_at.getTime() <= deps.now().getTime()) {
        throw invalidGrant('The authorization code has expired.');
      }
      // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
      if (record.client_id !== client.client_id) throw invalidGrant('The authorization code was issued to another client.');
      const { session } = record;

      // RFC 6749 §4.1.3: when the authorization request named redirect_uri, the token request must repeat it.
      const redirectUri = params.get('redirect_uri') ?? '';
      if (session.redirect_uri !== '' && redirectUri !== session.redirect_uri) {
        throw invalidGrant('The "redirect_uri" does not match the one of the authorization request.');
      }

      const verifier = params.get('code_verifier') ?? '';
      if (session.code_challenge !== '') {
        if (verifier === '') throw invalidGrant('The PKCE code_verifier is missing.');
        if (!isPkceValue(verifier)) throw invalidGrant('The PKCE code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~].');
        if (!pkceMatches(verifier, session.code_challenge)) throw invalidGrant('The PKCE code_verifier does not match the code_challenge.');
      } else if (verifier !== '') {
        // RFC 9700 §4.8.2: a verifier without a challenge is a PKCE downgrade attempt.
        throw invalidGrant('A code_verifier was sent but the authorization request had no code_challenge.');
      }

      // Hydra runs its token hooks on the valid request before consuming the code: a refusal leaves it usable.
      const grant = await hookedSession(deps.hooks, { grantType: 'authorization_code', client, form, session: session.grant });
      const granted = session.grant.granted_scope;
      const minted = await deps.issuer.mint({
        client,
        session: grant,
        requestId: record.request_id,
        grantType: 'authorization_code',
        // RFC 6749 §1.5 / OIDC Core §11: refresh tokens only for offline access, to clients allowed to refresh.
        refresh: (granted.includes('offline_access') || granted.includes('offline')) && client.grant_types.includes('refresh_token'),
        idToken: granted.includes('openid'),
      });
      // One transaction consumes the code and stores the tokens; its conditional update decides
      // concurrent redemptions, so exactly one caller wins.
      if (!(await deps.tokens.redeemCode(key, record.request_id, minted.records))) {
        // RFC 6749 §4.1.2 and §10.5, RFC 9700 §4.5: a code used twice means it leaked; revoke
        // what its first use issued, also if that is still being stored (storage/token-store.ts).
        await deps.tokens.revokeRequest(record.request_id);
        throw invalidGrant('The authorization code has already been used.');
      }
      return minted.body;
    },
  };
}
