/**
 * OIDC Core §3.1.2.1 `id_token_hint`: an ID token this server issued earlier, passed back as a
 * hint about the end-user's session. Its signature and issuer must verify; its expiry does
 * not matter (the spec allows expired hints), so it is checked as of its own `iat`.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK } from 'jose';
import { OAuthError } from '../shared/errors.js';

export interface IdTokenHintDeps {
  issuer: string;
  /** The public keys of `hydra.openid.id-token`. */
  verificationKeys: () => Promise<readonly JWK[]>;
}

/** Returns a function that verifies a hint and yields its claims, or throws invalid_request. */
export function createIdTokenHintVerifier(deps: IdTokenHintDeps): (token: string) => Promise<Record<string, unknown>> {
  return async (token) => {
    const invalid = (cause?: unknown) =>
      new OAuthError('invalid_request', { hint: 'The "id_token_hint" is not a valid ID token issued by this server.', cause });
    let iat: number;
    try {
      const claims = decodeJwt(token);
      iat = typeof claims.iat === 'number' ? claims.iat : 0;
    } catch (err) {
      throw invalid(err);
    }
    try {
      const jwks = createLocalJWKSet({ keys: [...(await deps.verificationKeys())] });
      const { payload } = await jwtVerify(token, jwks, { issuer: deps.issuer, currentDate: new Date(iat * 1000) });
      return { ...payload };
    } catch (err) {
      throw invalid(err);
    }
  };
}
