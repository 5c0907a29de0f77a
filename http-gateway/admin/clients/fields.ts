/**
 * The OAuth 2.0 client document's fields grouped by JSON type, as in Hydra's `oAuth2Client`
 * schema (reference/hydra-openapi.json). Both the request schemas and the JSON ↔ proto mapping
 * are derived from these lists, so a field is added in one place.
 */
import type { Client, ClientLifespans } from '../../../proto/gen/tessera/v1/clients.js';

type KeysOfType<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T];

/** Fields that are JSON strings and proto strings under the same name. */
export const STRING_FIELDS = [
  'client_id',
  'client_name',
  'client_secret',
  'scope',
  'owner',
  'policy_uri',
  'tos_uri',
  'client_uri',
  'logo_uri',
  'subject_type',
  'sector_identifier_uri',
  'jwks_uri',
  'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg',
  'request_object_signing_alg',
  'userinfo_signed_response_alg',
  'frontchannel_logout_uri',
  'backchannel_logout_uri',
  'access_token_strategy',
] as const satisfies readonly KeysOfType<Client, string>[];

/** Fields that are arrays of strings. */
export const STRING_LIST_FIELDS = [
  'redirect_uris',
  'grant_types',
  'response_types',
  'audience',
  'allowed_cors_origins',
  'contacts',
  'request_uris',
  'post_logout_redirect_uris',
] as const satisfies readonly KeysOfType<Client, string[]>[];

export const BOOLEAN_FIELDS = [
  'frontchannel_logout_session_required',
  'backchannel_logout_session_required',
  'skip_consent',
  'skip_logout_consent',
] as const satisfies readonly KeysOfType<Client, boolean>[];

export const INTEGER_FIELDS = ['client_secret_expires_at'] as const satisfies readonly KeysOfType<Client, number>[];

/** Per-grant token lifespans: flat in Hydra's JSON, the `lifespans` message in proto. */
export const LIFESPAN_FIELDS = [
  'authorization_code_grant_access_token_lifespan',
  'authorization_code_grant_id_token_lifespan',
  'authorization_code_grant_refresh_token_lifespan',
  'client_credentials_grant_access_token_lifespan',
  'implicit_grant_access_token_lifespan',
  'implicit_grant_id_token_lifespan',
  'jwt_bearer_grant_access_token_lifespan',
  'refresh_token_grant_access_token_lifespan',
  'refresh_token_grant_id_token_lifespan',
  'refresh_token_grant_refresh_token_lifespan',
  'device_authorization_grant_access_token_lifespan',
  'device_authorization_grant_id_token_lifespan',
  'device_authorization_grant_refresh_token_lifespan',
] as const satisfies readonly (keyof ClientLifespans)[];

/** Hydra's `NullDuration` pattern: Go durations such as `1h`, `30m`, `1h30m`. */
export const DURATION_PATTERN = '^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$';
