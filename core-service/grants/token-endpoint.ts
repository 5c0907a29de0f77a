/**
 * The token endpoint (RFC 6749 §3.2): picks the grant by `grant_type`, authenticates the
 * client, checks the client may use that grant, and hands over to the grant's handler.
 */
import type { ClientAuthenticator, PresentedCredentials } from '../clients/authenticate.js';
import type { TokenResponseBody } from '../oauth2/token-response.js';
import { OAuthError } from '../shared/errors.js';
import type { Grant } from './grant.js';

export interface TokenEndpointDeps {
  authenticator: ClientAuthenticator;
  grants: readonly Grant[];
  issuer: string;
  /**
   * Add members to every successful response, in order (fosite's PopulateTokenEndpointResponse
   * handlers), such as the credential nonce of credentials/token-response.ts.
   */
  populate?: readonly ((body: TokenResponseBody) => TokenResponseBody)[];
  /** Told the grant type of every successful exchange (the tokens-issued metric). */
  onIssued?: (grantType: string) => void;
}

/**
 * The form's parameters the grant declared: a grant reads nothing it did not list in `parameters`.
 * @example declaredParameters({ parameters: ['code'], … }, new Map([['code', 'x'], ['scope', 'y']])) // Map { code → x }
 */
export function declaredParameters(grant: Pick<Grant, 'parameters'>, form: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  const params = new Map<string, string>();
  for (const name of grant.parameters) {
    const value = form.get(name);
    if (value !== undefined) params.set(name, value);
  }
  return params;
}

export function createTokenEndpoint(deps: TokenEndpointDeps) {
  const byType = new Map(deps.grants.map((grant) => [grant.grantType, grant]));
  return {
    async exchange(credentials: PresentedCredentials, form: ReadonlyMap<string, string>, tokenEndpointUrl: string): Promise<TokenResponseBody> {
      const grantType = form.get('grant_type') ?? '';
      if (grantType === '') throw new OAuthError('invalid_request', { hint: 'The "grant_type" parameter is missing.' });
      if (grantType === 'password') {
        // OAuth 2.0 Security BCP (RFC 9700) §2.4: the resource owner password credentials grant MUST NOT be used.
        throw new OAuthError('unsupported_grant_type', {
          hint: 'The resource owner password credentials grant is deliberately not supported (RFC 9700 §2.4); use the authorization code grant.',
        });
      }
      const grant = byType.get(grantType);
      if (!grant) throw new OAuthError('unsupported_grant_type', { hint: `The grant_type "${grantType}" is not supported.` });
      const client = await deps.authenticator.authenticate(credentials, { tokenEndpointUrl, issuer: deps.issuer });
      if (!client.grant_types.includes(grantType)) {
        throw new OAuthError('unauthorized_client', { hint: `The client is not allowed to use the grant_type "${grantType}".` });
      }
      let issued = await grant.handle({ client, params: declaredParameters(grant, form), form });
      for (const populate of deps.populate ?? []) issued = populate(issued);
      deps.onIssued?.(grantType);
      return issued;
    },
  };
}

export type TokenEndpoint = ReturnType<typeof createTokenEndpoint>;
