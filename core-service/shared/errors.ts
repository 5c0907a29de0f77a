/**
 * Errors are values: an OAuth error code, a description for the client, a hint for the
 * operator, and the HTTP status. They are created where the decision is made and rendered once
 * at the edge (gRPC trailer in core, JSON in the gateway).
 */

/** Every error code Tessera emits; a `switch` over it is checked by the compiler. */
export type ErrorCode =
  // RFC 6749 §4.1.2.1 and §5.2
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  // RFC 6750 §3.1
  | 'invalid_token'
  | 'insufficient_scope'
  // OpenID Connect Core §3.1.2.6
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'account_selection_required'
  | 'invalid_request_uri'
  | 'invalid_request_object'
  | 'registration_not_supported'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  // RFC 7009 §2.2.1
  | 'unsupported_token_type'
  // Admin API (Hydra's error shape)
  | 'not_found'
  | 'conflict'
  | 'request_forbidden'
  // fosite's ErrRequestUnauthorized: a caller of core without valid credentials
  | 'request_unauthorized'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri';

const DEFAULT_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  account_selection_required: 400,
  invalid_request_uri: 400,
  invalid_request_object: 400,
  registration_not_supported: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  unsupported_token_type: 400,
  not_found: 404,
  conflict: 409,
  request_forbidden: 403,
  request_unauthorized: 401,
  invalid_client_metadata: 400,
  invalid_redirect_uri: 400,
};

/** Descriptions Hydra uses for the codes, so clients that match on them keep working. */
const DEFAULT_DESCRIPTION: Partial<Record<ErrorCode, string>> = {
  invalid_request:
    'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
  invalid_client:
    'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
  invalid_grant:
    'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  unauthorized_client: 'The client is not authorized to request a token using this method.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  access_denied: 'The resource owner or authorization server denied the request.',
  server_error: 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.',
  temporarily_unavailable:
    'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the authorization server.',
  not_found: 'Unable to locate the resource',
  conflict: 'Unable to process the requested resource because of conflict in the current state',
  request_forbidden: 'The request is not allowed.',
  request_unauthorized: 'The request could not be authorized.',
};

export class OAuthError extends Error {
  readonly code: ErrorCode;
  readonly description: string;
  readonly hint: string;
  readonly status: number;

  constructor(code: ErrorCode, opts: { description?: string; hint?: string; status?: number; cause?: unknown } = {}) {
    const description = opts.description ?? DEFAULT_DESCRIPTION[code] ?? code;
    super(opts.hint ? `${description} ${opts.hint}` : description, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.hint = opts.hint ?? '';
    this.status = opts.status ?? DEFAULT_STATUS[code];
  }
}

/** Shorthand constructors for the errors raised most often. */
export const errors = {
  notFound: (what: string) => new OAuthError('not_found', { hint: what }),
  conflict: (what: string) => new OAuthError('conflict', { hint: what }),
  badRequest: (hint: string) => new OAuthError('invalid_request', { hint }),
  invalidClientMetadata: (hint: string) =>
    new OAuthError('invalid_client_metadata', { description: 'The value of one of the Client Metadata fields is invalid and the server has rejected this request.', hint }),
  invalidRedirectUri: (hint: string) => new OAuthError('invalid_redirect_uri', { description: 'The value of one or more redirect_uris is invalid.', hint }),
  unavailable: (hint: string, cause?: unknown) => new OAuthError('temporarily_unavailable', { hint, cause }),
};
