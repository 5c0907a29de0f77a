/**
 * The token endpoint (RFC 6749 §3.2): refuses a repeated parameter, picks the grant by
 * `grant_type`, authenticates the client, checks the client may use that grant, and hands over
 * to the grant's handler.
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

/** A token request's form: every value of each parameter, in the order sent (RFC 6749 §3.2, application/x-www-form-urlencoded). */
export type TokenForm = ReadonlyMap<string, readonly string[]>;

/**
 * The parameters any token request may carry, whatever its grant: the grant type and client
 * authentication in the body (RFC 6749 §2.3.1, RFC 7523 §2.2).
 */
const COMMON_PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'client_assertion_type', 'client_assertion'] as const;

/**
 * Parameters that may be repeated: `audience`, as RFC 8693 §2.1 sends several, and fosite's
 * GetAudiences (which Hydra's token endpoint uses) takes every non-empty value of a repeated
 * one. Its values reach the grant joined by spaces, as one space-delimited value carries them.
 */
const REPEATABLE = new Set(['audience']);

/**
 * RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once", while
 * "unrecognized request parameters" are ignored: only the parameters in `names` (the common
 * ones, the grant's `parameters`) are refused when repeated.
 */
function refuseRepeated(form: TokenForm, names: readonly string[]): void {
  for (const name of names) {
    if (!REPEATABLE.has(name) && (form.get(name)?.length ?? 0) > 1) throw new OAuthError('invalid_request', { hint: `The parameter "${name}" is included more than once.` });
  }
}

/**
 * A form from its name=value pairs in the order sent, a repeated parameter keeping every value.
 * @example formOf([{ name: 'scope', value: 'a' }, { name: 'scope', value: 'b' }]) // Map { scope → ['a', 'b'] }
 */
export function formOf(pairs: Iterable<{ name: string; value: string }>): TokenForm {
  const form = new Map<string, string[]>();
  for (const { name, value } of pairs) {
    const values = form.get(name);
    if (values) values.push(value);
    else form.set(name, [value]);
  }
  return form;
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
    async exchange(credentials: PresentedCredentials, form: TokenForm, tokenEndpointUrl: string): Promise<TokenResponseBody> {
      // Before anything else, as the grant type and the client's credentials are read from these.
      refuseRepeated(form, COMMON_PARAMETERS);
      // Past the check, each parameter has one value; grants read it from `params`.
      const single = new Map<string, string>();
      for (const [name, values] of form) {
        single.set(name, REPEATABLE.has(name) && values.length > 1 ? values.filter((v) => v !== '').join(' ') : (values[0] ?? ''));
      }
      const grantType = single.get('grant_type') ?? '';
      if (grantType === '') throw new OAuthError('invalid_request', { hint: 'The "grant_type" parameter is missing.' });
      if (grantType === 'password') {
        // OAuth 2.0 Security BCP (RFC 9700) §2.4: the resource owner password credentials grant MUST NOT be used.
        throw new OAuthError('unsupported_grant_type', {
          hint: 'The resource owner password credentials grant is deliberately not supported (RFC 9700 §2.4); use the authorization code grant.',
        });
      }
      const grant = byType.get(grantType);
      if (!grant) throw new OAuthError('unsupported_grant_type', { hint: `The grant_type "${grantType}" is not supported.` });
      refuseRepeated(form, grant.parameters);
      const client = await deps.authenticator.authenticate(credentials, { tokenEndpointUrl, issuer: deps.issuer });
      if (!client.grant_types.includes(grantType)) {
        throw new OAuthError('unauthorized_client', { hint: `The client is not allowed to use the grant_type "${grantType}".` });
      }
      let issued = await grant.handle({ client, params: declaredParameters(grant, single), form: single });
      for (const populate of deps.populate ?? []) issued = populate(issued);
      deps.onIssued?.(grantType);
      return issued;
    },
  };
}

export type TokenEndpoint = ReturnType<typeof createTokenEndpoint>;
