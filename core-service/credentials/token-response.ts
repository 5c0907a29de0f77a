/**
 * The token response's credential nonce: when the token endpoint grants both `openid` and
 * `userinfo_credential_draft_00`, the response carries `c_nonce_draft_00` and
 * `c_nonce_expires_in_draft_00`, so the holder can prove possession of its key at
 * `POST /credentials` without a priming request (Hydra's fosite/handler/verifiable/handler.go).
 */
import type { TokenResponseBody } from '../oauth2/token-response.js';
import type { CredentialNonces } from './nonce.js';

/** The scope that asks for a UserInfo Verifiable Credential (Hydra's `draftScope`). */
export const CREDENTIAL_SCOPE = 'userinfo_credential_draft_00';

/** Whether a granted scope list allows a credential: fosite's `GetGrantedScopes().Has("openid", draftScope)`. */
export function grantsCredential(scope: readonly string[]): boolean {
  return scope.includes('openid') && scope.includes(CREDENTIAL_SCOPE);
}

/**
 * `body` with the credential nonce added when its scope asks for one, unchanged otherwise.
 *
 * @example
 * const body = withCredentialNonce(nonces, await grant.handle(ctx));
 */
export function withCredentialNonce(nonces: CredentialNonces, body: TokenResponseBody): TokenResponseBody {
  if (!grantsCredential(body.scope.split(' '))) return body;
  const { nonce, expiresIn } = nonces.issue(body.access_token);
  return { ...body, c_nonce_draft_00: nonce, c_nonce_expires_in_draft_00: expiresIn };
}
