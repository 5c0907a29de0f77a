import { Migration } from '@mikro-orm/migrations';

/**
 * PostgreSQL: the clients table and the signing keys (`jwks`). client_id uses the "C"
 * collation so ids sort byte by byte (keyset pagination), as on MySQL (utf8mb4_bin) and SQLite.
 */
export class CreateClientsAndJwks extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE clients (
  client_id VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
  client_name VARCHAR(255) NOT NULL,
  redirect_uris TEXT NOT NULL,
  grant_types TEXT NOT NULL,
  response_types TEXT NOT NULL,
  scope TEXT NOT NULL,
  audience TEXT NOT NULL,
  owner VARCHAR(255) NOT NULL,
  policy_uri TEXT NOT NULL,
  allowed_cors_origins TEXT NOT NULL,
  tos_uri TEXT NOT NULL,
  client_uri TEXT NOT NULL,
  logo_uri TEXT NOT NULL,
  contacts TEXT NOT NULL,
  client_secret_expires_at BIGINT NOT NULL DEFAULT 0,
  subject_type VARCHAR(16) NOT NULL,
  sector_identifier_uri TEXT NOT NULL,
  jwks TEXT NULL,
  jwks_uri TEXT NOT NULL,
  token_endpoint_auth_method VARCHAR(32) NOT NULL,
  token_endpoint_auth_signing_alg VARCHAR(16) NOT NULL,
  request_object_signing_alg VARCHAR(16) NOT NULL,
  userinfo_signed_response_alg VARCHAR(16) NOT NULL,
  request_uris TEXT NOT NULL,
  frontchannel_logout_uri TEXT NOT NULL,
  frontchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE,
  post_logout_redirect_uris TEXT NOT NULL,
  backchannel_logout_uri TEXT NOT NULL,
  backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE,
  metadata TEXT NULL,
  skip_consent BOOLEAN NOT NULL DEFAULT FALSE,
  skip_logout_consent BOOLEAN NOT NULL DEFAULT FALSE,
  access_token_strategy VARCHAR(16) NOT NULL,
  lifespans TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  secret_hash TEXT NOT NULL,
  rotated_secret_hashes TEXT NOT NULL
)`);
    this.addSql('CREATE INDEX clients_owner_idx ON clients (owner)');
    this.addSql('CREATE INDEX clients_client_name_idx ON clients (client_name)');
    this.addSql('CREATE INDEX clients_created_at_idx ON clients (created_at)');
    this.addSql(`CREATE TABLE jwks (
  id SERIAL PRIMARY KEY,
  set_id VARCHAR(255) NOT NULL,
  kid VARCHAR(255) NOT NULL,
  alg VARCHAR(32) NOT NULL,
  use VARCHAR(8) NOT NULL,
  key_data TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT jwks_set_id_kid_key UNIQUE (set_id, kid)
)`);
    this.addSql('CREATE INDEX jwks_set_id_idx ON jwks (set_id)');
  }

  override down(): void {
    this.addSql('DROP TABLE jwks');
    this.addSql('DROP TABLE clients');
  }
}
