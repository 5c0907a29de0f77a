/**
 * The authorization request checks (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2.1) as a pipeline
 * of small named steps listed in one table (node-oidc-provider's
 * lib/actions/authorization/index.js). Each step reads the raw parameters and fills in the
 * validated request. Until `redirect_uri` has run, an error is shown to the user; after it, the
 * redirect URI is verified for this client and errors go back to the client (RFC 6749 §4.1.2.1).
 */
import type { StoredClient } from '../clients/client.js';
import { AuthorizationRequestError, type AuthorizationParams } from '../oauth2/authorization-request.js';
import type { RedirectTarget } from '../oauth2/response.js';
import { OAuthError } from '../shared/errors.js';
import { checkAudience } from './check-audience.js';
import { checkClient } from './check-client.js';
import { minimumEntropy } from './check-entropy.js';
import { checkIdTokenHint } from './check-id-token-hint.js';
import { checkMaxAge } from './check-max-age.js';
import { checkPkce } from './check-pkce.js';
import { checkPrompt } from './check-prompt.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { checkResponseMode } from './check-response-mode.js';
import { checkResponseType } from './check-response-type.js';
import { checkScope } from './check-scope.js';
import { checkUnsupportedParameters } from './check-unsupported-parameters.js';
import { collectOidcHints } from './collect-oidc-hints.js';
import type { Check, CheckDeps, Context } from './context.js';

export type { CheckDeps };

/** The pipeline, in order. A reader sees here which check runs for every request. */
export const AUTHORIZATION_CHECKS: ReadonlyArray<readonly [name: string, check: Check]> = [
  ['client', checkClient],
  ['redirect_uri', checkRedirectUri],
  ['unsupported_parameters', checkUnsupportedParameters],
  ['response_type', checkResponseType],
  ['response_mode', checkResponseMode],
  ['state', minimumEntropy('state')],
  ['nonce', minimumEntropy('nonce')],
  ['scope', checkScope],
  ['audience', checkAudience],
  ['pkce', checkPkce],
  ['prompt', checkPrompt],
  ['max_age', checkMaxAge],
  ['id_token_hint', checkIdTokenHint],
  ['oidc_hints', collectOidcHints],
];

/** Runs every check; the validated request and its client, or an AuthorizationRequestError. */
export async function checkAuthorizationRequest(
  raw: ReadonlyMap<string, string>,
  deps: CheckDeps,
): Promise<{ client: StoredClient; params: AuthorizationParams; redirect: RedirectTarget }> {
  const ctx: Context = { raw, deps, params: {} };
  for (const [, check] of AUTHORIZATION_CHECKS) {
    try {
      await check(ctx);
    } catch (err) {
      if (err instanceof OAuthError) throw new AuthorizationRequestError(err, ctx.redirect);
      throw err;
    }
  }
  const { client, redirect } = ctx;
  if (!client || !redirect) throw new Error('authorization checks ended without client or redirect URI');
  // Every check above filled its fields; the pipeline table is the proof.
  return { client, params: ctx.params as AuthorizationParams, redirect: { ...redirect, mode: ctx.params.response_mode ?? redirect.mode } };
}
