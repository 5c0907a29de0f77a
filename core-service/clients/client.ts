/**
 * The OAuth 2.0 client as the domain sees it. Field names are Hydra's JSON names (RFC 7591
 * metadata plus Hydra's extensions), the same in proto, code, columns and docs.
 */

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
] as const;

export type LifespanField = (typeof LIFESPAN_FIELDS)[number];

/** Per-grant lifespans as Go durations (`1h`); a missing field means the `ttl.*` default. */
export type ClientLifespans = Partial<Record<LifespanField, string>>;

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface Client {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  /** Space-separated. */
  scope: string;
  audience: string[];
  owner: string;
  policy_uri: string;
  allowed_cors_origins: string[];
  tos_uri: string;
  client_uri: string;
  logo_uri: string;
  contacts: string[];
  /** Seconds since the epoch; 0 means the secret never expires. */
  client_secret_expires_at: number;
  subject_type: 'public' | 'pairwise';
  sector_identifier_uri: string;
  /** A JWKS document (RFC 7517 §5), or null. */
  jwks: { keys: Record<string, unknown>[] } | null;
  jwks_uri: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  token_endpoint_auth_signing_alg: string;
  request_object_signing_alg: string;
  userinfo_signed_response_alg: string;
  request_uris: string[];
  frontchannel_logout_uri: string;
  frontchannel_logout_session_required: boolean;
  post_logout_redirect_uris: string[];
  backchannel_logout_uri: string;
  backchannel_logout_session_required: boolean;
  /** Free-form JSON the operator attaches. */
  metadata: Record<string, unknown> | null;
  skip_consent: boolean;
  skip_logout_consent: boolean;
  /** '' means the server's `strategies.access_token`. */
  access_token_strategy: '' | 'opaque' | 'jwt';
  lifespans: ClientLifespans;
  created_at: Date;
  updated_at: Date;
}

/** A client as stored: the domain client plus the hashes of its secrets (never the secrets). */
export interface StoredClient extends Client {
  /** Hash of the current secret ('' for clients without one). */
  secret_hash: string;
  /** Hashes of secrets rotated out but still accepted (`/admin/clients/{id}/secrets/rotate`). */
  rotated_secret_hashes: string[];
  /**
   * storageKey() of the signature of the client's registration access token (RFC 7592 §1), ''
   * for clients not registered dynamically. Hydra's column of the same name.
   */
  registration_access_token_signature: string;
}
