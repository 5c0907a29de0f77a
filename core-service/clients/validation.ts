/**
 * Reading a client document (Hydra's JSON shape) into a validated client, with Hydra's
 * defaults. Every refusal names the field, so the admin API answers 400 with it.
 */
import { RESPONSE_TYPE_VALUES } from '../oauth2/response-type.js';
import { parseGoDuration } from '../shared/durations.js';
import { errors } from '../shared/errors.js';
import { parseUri } from '../shared/uris.js';
import { LIFESPAN_FIELDS, type Client, type ClientLifespans, type TokenEndpointAuthMethod } from './client.js';
import { postLogoutRedirectUriProblem, redirectUriProblem, webUriProblem, type UriPolicyOptions } from './uri-policy.js';

/** What a caller may set on a client: everything but the server-managed timestamps. */
export type ClientInput = Omit<Client, 'created_at' | 'updated_at'> & { client_secret: string };

export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'implicit',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;

const AUTH_METHODS: TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
const SIGNING_ALGS = ['', 'none', 'RS256', 'ES256', 'ES512', 'EdDSA', 'PS256'];

/**
 * Hydra gives a client without scope these scopes, unless `oidc.dynamic_client_registration.default_scope`
 * names others (driver/config/provider.go DefaultClientScope; client/validator.go applies it to every client).
 */
export const DEFAULT_CLIENT_SCOPE = 'offline_access offline openid';

/** Hydra: client secrets shorter than this are refused. */
const MIN_SECRET_LENGTH = 6;

type Doc = Record<string, unknown>;

function invalid(field: string, problem: string): Error {
  return errors.invalidClientMetadata(`Field "${field}" ${problem}.`);
}

function str(doc: Doc, field: string): string {
  const value = doc[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  return value;
}

function strList(doc: Doc, field: string): string[] {
  const value = doc[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalid(field, 'must be an array of strings');
  return value as string[];
}

function bool(doc: Doc, field: string): boolean {
  const value = doc[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid(field, 'must be true or false');
  return value;
}

function int(doc: Doc, field: string): number {
  const value = doc[field];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalid(field, 'must be a whole number ≥ 0');
  return value;
}

function object(doc: Doc, field: string): Record<string, unknown> | null {
  const value = doc[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalid(field, `must be one of ${allowed.filter(Boolean).join(', ')}`);
  return value as T;
}

/**
 * RFC 7591 §3.2.2: a bad redirection URI is `invalid_redirect_uri` (Hydra's ErrInvalidRedirectURI).
 * Hydra's client validator uses it for `redirect_uris` only; every other URI field, the
 * post-logout redirect URIs included, is `invalid_client_metadata`.
 */
function invalidRedirect(field: string, uri: string, problem: string): Error {
  return errors.invalidRedirectUri(`Field "${field}" contains "${uri}", which ${problem}.`);
}

function checkWebUri(field: string, uri: string, opts: UriPolicyOptions): void {
  const problem = webUriProblem(uri, opts);
  if (problem !== undefined) throw invalid(field, `contains "${uri}", which ${problem}`);
}

function checkOptionalUri(doc: Doc, field: string, opts: UriPolicyOptions): string {
  const value = str(doc, field);
  if (value !== '') checkWebUri(field, value, opts);
  return value;
}

function lifespans(doc: Doc): ClientLifespans {
  const out: ClientLifespans = {};
  for (const field of LIFESPAN_FIELDS) {
    const value = str(doc, field);
    if (value === '') continue;
    const ms = parseGoDuration(value);
    if (ms === undefined || ms < 0) throw invalid(field, `must be a duration such as 1h or 30m, got "${value}"`);
    out[field] = value;
  }
  return out;
}

function jwks(doc: Doc): Client['jwks'] {
  const value = object(doc, 'jwks');
  if (value === null) return null;
  const keys = value.keys;
  if (!Array.isArray(keys) || keys.some((k) => k === null || typeof k !== 'object' || Array.isArray(k))) {
    throw invalid('jwks', 'must be a JSON Web Key Set: {"keys": [ ... ]}');
  }
  return { keys: keys as Record<string, unknown>[] };
}

/**
 * Validates a client document and applies Hydra's defaults, `defaultScope` for a client without
 * scope. `client_id` may be empty (the service generates one); `client_secret` is returned as
 * given (the service hashes it). URI fields follow clients/uri-policy.ts.
 */
export function readClientDocument(input: unknown, opts: UriPolicyOptions, defaultScope = DEFAULT_CLIENT_SCOPE): ClientInput {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw errors.badRequest('The client must be a JSON object.');
  }
  const doc = input as Doc;

  const method = oneOf('token_endpoint_auth_method', str(doc, 'token_endpoint_auth_method') || 'client_secret_basic', AUTH_METHODS);
  const grantTypes = strList(doc, 'grant_types');
  for (const grant of grantTypes) oneOf('grant_types', grant, GRANT_TYPES);
  const responseTypes = strList(doc, 'response_types');
  for (const responseType of responseTypes) {
    // Hybrid types are space-separated combinations, e.g. "code id_token".
    if (responseType.split(' ').some((part) => !RESPONSE_TYPE_VALUES.has(part))) {
      throw invalid('response_types', `contains "${responseType}"; allowed are combinations of code, token, id_token, or none`);
    }
  }

  const redirectUris = strList(doc, 'redirect_uris');
  const client = { public: method === 'none' };
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri, client, opts);
    if (problem !== undefined) throw invalidRedirect('redirect_uris', uri, problem);
  }
  const postLogout = strList(doc, 'post_logout_redirect_uris');
  for (const uri of postLogout) {
    const problem = postLogoutRedirectUriProblem(uri, opts);
    if (problem !== undefined) throw invalid('post_logout_redirect_uris', `contains "${uri}", which ${problem}`);
  }
  const requestUris = strList(doc, 'request_uris');
  for (const uri of requestUris) checkWebUri('request_uris', uri, opts);
  const origins = strList(doc, 'allowed_cors_origins');
  for (const origin of origins) {
    // Hydra: an origin is https:// or http://, with nothing after the port.
    const url = parseUri(origin);
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw invalid('allowed_cors_origins', `contains "${origin}", which is not an http(s) origin`);
    }
    if (url.origin !== origin) throw invalid('allowed_cors_origins', `contains "${origin}", which is not an origin (scheme://host[:port])`);
  }

  const clientSecret = str(doc, 'client_secret');
  if (clientSecret !== '' && clientSecret.length < MIN_SECRET_LENGTH) {
    throw invalid('client_secret', `must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
  if (method === 'none' && clientSecret !== '') {
    throw invalid('client_secret', 'must be empty when token_endpoint_auth_method is "none" (public clients have no secret)');
  }

  const keySet = jwks(doc);
  const jwksUri = checkOptionalUri(doc, 'jwks_uri', opts);
  if (keySet && jwksUri) throw invalid('jwks', 'and jwks_uri must not both be set');
  if (method === 'private_key_jwt' && !keySet && !jwksUri) {
    throw invalid('token_endpoint_auth_method', 'is private_key_jwt, which needs jwks or jwks_uri');
  }

  const subjectType = oneOf('subject_type', str(doc, 'subject_type') || 'public', ['public', 'pairwise'] as const);
  const sectorUri = str(doc, 'sector_identifier_uri');
  if (sectorUri !== '' && parseUri(sectorUri)?.protocol !== 'https:') {
    throw invalid('sector_identifier_uri', `contains "${sectorUri}", which does not use https (OpenID Connect Core §8.1)`);
  }

  const clientId = str(doc, 'client_id');
  if (clientId.length > 255) throw invalid('client_id', 'must be at most 255 characters');

  return {
    client_id: clientId,
    client_secret: clientSecret,
    client_name: str(doc, 'client_name'),
    redirect_uris: redirectUris,
    grant_types: grantTypes.length > 0 ? grantTypes : ['authorization_code'],
    response_types: responseTypes.length > 0 ? responseTypes : ['code'],
    scope: str(doc, 'scope').trim() || defaultScope,
    audience: strList(doc, 'audience'),
    owner: str(doc, 'owner'),
    policy_uri: checkOptionalUri(doc, 'policy_uri', opts),
    allowed_cors_origins: origins,
    tos_uri: checkOptionalUri(doc, 'tos_uri', opts),
    client_uri: checkOptionalUri(doc, 'client_uri', opts),
    logo_uri: checkOptionalUri(doc, 'logo_uri', opts),
    contacts: strList(doc, 'contacts'),
    client_secret_expires_at: int(doc, 'client_secret_expires_at'),
    subject_type: subjectType,
    sector_identifier_uri: sectorUri,
    jwks: keySet,
    jwks_uri: jwksUri,
    token_endpoint_auth_method: method,
    token_endpoint_auth_signing_alg: oneOf('token_endpoint_auth_signing_alg', str(doc, 'token_endpoint_auth_signing_alg'), SIGNING_ALGS),
    request_object_signing_alg: oneOf('request_object_signing_alg', str(doc, 'request_object_signing_alg'), SIGNING_ALGS),
    userinfo_signed_response_alg: oneOf('userinfo_signed_response_alg', str(doc, 'userinfo_signed_response_alg'), ['', 'none', 'RS256']),
    request_uris: requestUris,
    frontchannel_logout_uri: checkOptionalUri(doc, 'frontchannel_logout_uri', opts),
    frontchannel_logout_session_required: bool(doc, 'frontchannel_logout_session_required'),
    post_logout_redirect_uris: postLogout,
    backchannel_logout_uri: checkOptionalUri(doc, 'backchannel_logout_uri', opts),
    backchannel_logout_session_required: bool(doc, 'backchannel_logout_session_required'),
    metadata: object(doc, 'metadata'),
    skip_consent: bool(doc, 'skip_consent'),
    skip_logout_consent: bool(doc, 'skip_logout_consent'),
    access_token_strategy: oneOf('access_token_strategy', str(doc, 'access_token_strategy'), ['', 'opaque', 'jwt'] as const),
    lifespans: lifespans(doc),
  };
}

/** The client as Hydra's JSON document (no secret): what JSON Patch operates on. */
export function clientToDocument(client: Client): Record<string, unknown> {
  const { lifespans: spans, created_at, updated_at, ...rest } = client;
  return { ...rest, ...spans, created_at: created_at.toISOString(), updated_at: updated_at.toISOString() };
}
