import { Migration } from '@mikro-orm/migrations';

/**
 * SQLite: the clients table and the signing keys (`jwks`). Dates are stored as the ORM writes
 * them on SQLite (milliseconds since the epoch), booleans as 0/1.
 */
export class CreateClientsAndJwks extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE clients (
  client_id VARCHAR(255) NOT NULL PRIMARY KEY,
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
  frontchannel_logout_session_required BOOLEAN NOT NULL DEFAULT 0,
  post_logout_redirect_uris TEXT NOT NULL,
  backchannel_logout_uri TEXT NOT NULL,
  backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT 0,
  metadata TEXT NULL,
  skip_consent BOOLEAN NOT NULL DEFAULT 0,
  skip_logout_consent BOOLEAN NOT NULL DEFAULT 0,
  access_token_strategy VARCHAR(16) NOT NULL,
  lifespans TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  secret_hash TEXT NOT NULL,
  rotated_secret_hashes TEXT NOT NULL
)`);
    this.addSql('CREATE INDEX clients_owner_idx ON clients (owner)');
    this.addSql('CREATE INDEX clients_client_name_idx ON clients (client_name)');
    this.addSql('CREATE INDEX clients_created_at_idx ON clients (created_at)');
    this.addSql(`CREATE TABLE jwks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  set_id VARCHAR(255) NOT NULL,
  kid VARCHAR(255) NOT NULL,
  alg VARCHAR(32) NOT NULL,
  use VARCHAR(8) NOT NULL,
  key_data TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  CONSTRAINT jwks_set_id_kid_key UNIQUE (set_id, kid)
)`);
    this.addSql('CREATE INDEX jwks_set_id_idx ON jwks (set_id)');
  }

  override down(): void {
    this.addSql('DROP TABLE jwks');
    this.addSql('DROP TABLE clients');
  }
}
