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
  // OAuth 2.0 Multiple Response Types §2 (fosite's ErrUnsupportedResponseMode)
  | 'unsupported_response_mode'
  // fosite: `state` or `nonce` shorter than the minimum entropy
  | 'invalid_state'
  | 'insufficient_entropy'
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
  // RFC 8628 §3.5
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  // Admin API (Hydra's error shape)
  | 'not_found'
  // fosite's ErrRequestUnauthorized: an expired challenge, or a caller of core without valid credentials
  | 'request_unauthorized'
  // Hydra renders these Go errors with their message as `error` (x.ErrNotFound, sqlcon.ErrNoRows,
  // jwk.ErrUnsupportedKeyAlgorithm); clients of Hydra's admin API see exactly these strings.
  | 'Not Found'
  | 'Unable to locate the resource'
  | 'Bad Request'
  | 'conflict'
  | 'request_forbidden'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  // herodot's ErrNotFound, ErrUnauthorized, ErrForbidden and ErrBadRequest: Hydra renders them with
  // their message as `error` and the reason as `error_description` (x/error_enhancer.go). Its
  // dynamic client registration handlers (client/handler.go) answer with these.
  | 'The requested resource could not be found'
  | 'The request could not be authorized'
  | 'The requested action was forbidden'
  | 'The request was malformed or contained invalid parameters'
  // Hydra's trust.ErrMissingRequiredParameter (oauth2/trust/error.go)
  | 'missing_required_parameter'
  // fosite's ErrJTIKnown: an assertion's jti was used before (RFC 7523 §3 item 7)
  | 'jti_known';

const DEFAULT_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  unsupported_response_mode: 400,
  invalid_state: 400,
  insufficient_entropy: 400,
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
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  not_found: 404,
  request_unauthorized: 401,
  'Not Found': 404,
  'Unable to locate the resource': 404,
  'Bad Request': 400,
  conflict: 409,
  request_forbidden: 403,
  invalid_client_metadata: 400,
  invalid_redirect_uri: 400,
  'The requested resource could not be found': 404,
  'The request could not be authorized': 401,
  'The requested action was forbidden': 403,
  'The request was malformed or contained invalid parameters': 400,
  missing_required_parameter: 400,
  jti_known: 400,
};

/**
 * The descriptions fosite (ory/fosite errors.go) and Hydra give each code, so no response ever
 * carries a placeholder such as `error_description=login_required`, and clients that match on
 * the text keep working. A hint, when there is one, is appended to these (fosite's GetDescription).
 */
const DEFAULT_DESCRIPTION: Record<ErrorCode, string> = {
  invalid_request:
    'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
  invalid_client:
    'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
  invalid_grant:
    'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  unauthorized_client: 'The client is not authorized to request a token using this method.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  unsupported_response_type: 'The authorization server does not support obtaining a token using this method.',
  unsupported_response_mode: 'The authorization server does not support obtaining a response using this response mode.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  invalid_state: 'The state is missing or does not have enough characters and is therefore considered too weak.',
  insufficient_entropy: 'The request used a security parameter (e.g., anti-replay, anti-csrf) with insufficient entropy.',
  access_denied: 'The resource owner or authorization server denied the request.',
  server_error: 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.',
  temporarily_unavailable:
    'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.',
  invalid_token: 'Invalid token format.',
  insufficient_scope: 'The request requires higher privileges than provided by the access token.',
  login_required: 'The Authorization Server requires End-User authentication.',
  consent_required: 'The Authorization Server requires End-User consent.',
  interaction_required: 'The Authorization Server requires End-User interaction of some form to proceed.',
  account_selection_required: 'The End-User is required to select a session at the Authorization Server.',
  invalid_request_uri: 'The request_uri in the Authorization Request returns an error or contains invalid data.',
  invalid_request_object: 'The request parameter contains an invalid Request Object.',
  registration_not_supported: 'The OP does not support use of the registration parameter.',
  request_not_supported: 'The OP does not support use of the request parameter.',
  request_uri_not_supported: 'The OP does not support use of the request_uri parameter.',
  unsupported_token_type: 'The authorization server does not support the revocation of the presented token type.',
  authorization_pending: "The authorization request is still pending as the end user hasn't yet completed the user-interaction steps.",
  slow_down: 'The authorization request was rate-limited to prevent system overload.',
  expired_token: 'The device_code has expired, and the device authorization session has concluded.',
  not_found: 'Could not find the requested resource(s).',
  request_unauthorized: 'The request could not be authorized.',
  'Not Found': 'Unable to locate the requested resource',
  'Unable to locate the resource': '',
  'Bad Request': 'The request was malformed or contained invalid parameters',
  conflict: 'Unable to process the requested resource because of conflict in the current state',
  request_forbidden: 'The request is not allowed.',
  invalid_client_metadata:
    "The value of one of the Client Metadata fields is invalid and the server has rejected this request. Note that an Authorization Server MAY choose to substitute a valid value for any requested parameter of a Client's Metadata.",
  invalid_redirect_uri: 'The value of one or more redirect_uris is invalid.',
  // herodot errors carry their text in `error`; the description is the reason each call site gives.
  'The requested resource could not be found': '',
  'The request could not be authorized': '',
  'The requested action was forbidden': '',
  'The request was malformed or contained invalid parameters': '',
  missing_required_parameter: 'One of the required parameters is missing. Check your request parameters.',
  jti_known: 'The jti was already used.',
};

export class OAuthError extends Error {
  readonly code: ErrorCode;
  readonly description: string;
  readonly hint: string;
  readonly status: number;
  /**
   * Detail for whoever debugs the server (which id was not found, what failed inside). Logged;
   * shown to clients only with `oauth2.expose_internal_errors` (fosite's error_debug).
   */
  readonly debug: string;

  constructor(code: ErrorCode, opts: { description?: string; hint?: string; debug?: string; status?: number; cause?: unknown } = {}) {
    const description = opts.description ?? DEFAULT_DESCRIPTION[code];
    super(opts.hint ? `${description} ${opts.hint}` : description, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.hint = opts.hint ?? '';
    this.status = opts.status ?? DEFAULT_STATUS[code];
    this.debug = opts.debug ?? '';
  }
}

/** Shorthand constructors for the errors raised most often. */
export const errors = {
  /** Hydra's answer for a row that does not exist (sqlcon.ErrNoRows): unknown client, unknown kid. */
  notFound: (debug: string) => new OAuthError('Unable to locate the resource', { debug }),
  /** Hydra's x.ErrNotFound: an unknown or undecryptable challenge, an empty key set. */
  resourceNotFound: (debug: string, hint = '') => new OAuthError('Not Found', { hint, debug }),
  conflict: (what: string) => new OAuthError('conflict', { hint: what }),
  badRequest: (hint: string) => new OAuthError('invalid_request', { hint }),
  invalidClientMetadata: (hint: string) => new OAuthError('invalid_client_metadata', { hint }),
  invalidRedirectUri: (hint: string) => new OAuthError('invalid_redirect_uri', { hint }),
  unavailable: (hint: string, cause?: unknown) => new OAuthError('temporarily_unavailable', { hint, cause }),
};
