import { isPkceValue } from '../oauth2/pkce.js';
import { OAuthError } from '../shared/errors.js';
import { clientOf, invalid, type Context } from './context.js';

/** RFC 7636 §4.3/§4.4.1, RFC 9700 §2.1.1: S256 only; required for public clients (or all, when enforced). */
export function checkPkce(ctx: Context): void {
  const client = clientOf(ctx);
  const challenge = ctx.raw.get('code_challenge') ?? '';
  const method = ctx.raw.get('code_challenge_method') ?? '';
  // PKCE protects the code; a pure implicit response has none.
  if (challenge === '' && !(ctx.params.response_type ?? []).includes('code')) {
    ctx.params.code_challenge = '';
    ctx.params.code_challenge_method = '';
    return;
  }
  if (challenge === '') {
    if (method !== '') throw invalid('The "code_challenge_method" parameter was given without "code_challenge".');
    const isPublic = client.token_endpoint_auth_method === 'none';
    // fosite's pkce handler: the hint for everyone, the configuration only in the debug detail.
    if (ctx.deps.pkce.enforced) {
      throw new OAuthError('invalid_request', {
        hint: 'Clients must include a code_challenge when performing the authorize code flow, but it is missing.',
        debug: 'The server is configured in a way that enforces PKCE for clients.',
      });
    }
    if (isPublic && ctx.deps.pkce.enforcedForPublicClients) {
      throw new OAuthError('invalid_request', {
        hint: 'This client must include a code_challenge when performing the authorize code flow, but it is missing.',
        debug: 'The server is configured in a way that enforces PKCE for this client.',
      });
    }
    ctx.params.code_challenge = '';
    ctx.params.code_challenge_method = '';
    return;
  }
  // RFC 7636 §4.3: an absent method means `plain`, which this server refuses.
  const effective = method || 'plain';
  if (effective === 'plain') {
    throw new OAuthError('invalid_request', {
      hint: 'Clients must use code_challenge_method=S256, plain is not allowed.',
      debug: 'The server is configured in a way that enforces PKCE S256 as challenge method for clients.',
    });
  }
  if (effective !== 'S256') throw invalid('The code_challenge_method is not supported, use S256 instead.');
  if (!isPkceValue(challenge)) throw invalid('The "code_challenge" must be 43 to 128 characters of [A-Za-z0-9-._~].');
  ctx.params.code_challenge = challenge;
  ctx.params.code_challenge_method = 'S256';
}
