import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: the clients table and the signing keys (`jwks`). utf8mb4_bin so ids compare
 * byte for byte, as they do on PostgreSQL and SQLite (a case-insensitive collation would let
 * `App` and `app` collide). `use` is a reserved word in MySQL, hence the backticks.
 */
export class CreateClientsAndJwks extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE clients (
  client_id VARCHAR(255) NOT NULL,
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
  jwks MEDIUMTEXT NULL,
  jwks_uri TEXT NOT NULL,
  token_endpoint_auth_method VARCHAR(32) NOT NULL,
  token_endpoint_auth_signing_alg VARCHAR(16) NOT NULL,
  request_object_signing_alg VARCHAR(16) NOT NULL,
  userinfo_signed_response_alg VARCHAR(16) NOT NULL,
  request_uris TEXT NOT NULL,
  frontchannel_logout_uri TEXT NOT NULL,
  frontchannel_logout_session_required TINYINT(1) NOT NULL DEFAULT 0,
  post_logout_redirect_uris TEXT NOT NULL,
  backchannel_logout_uri TEXT NOT NULL,
  backchannel_logout_session_required TINYINT(1) NOT NULL DEFAULT 0,
  metadata MEDIUMTEXT NULL,
  skip_consent TINYINT(1) NOT NULL DEFAULT 0,
  skip_logout_consent TINYINT(1) NOT NULL DEFAULT 0,
  access_token_strategy VARCHAR(16) NOT NULL,
  lifespans TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  secret_hash TEXT NOT NULL,
  rotated_secret_hashes TEXT NOT NULL,
  PRIMARY KEY (client_id),
  INDEX clients_owner_idx (owner),
  INDEX clients_client_name_idx (client_name),
  INDEX clients_created_at_idx (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    this.addSql(`CREATE TABLE jwks (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  set_id VARCHAR(255) NOT NULL,
  kid VARCHAR(255) NOT NULL,
  alg VARCHAR(32) NOT NULL,
  \`use\` VARCHAR(8) NOT NULL,
  key_data TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY jwks_set_id_kid_key (set_id, kid),
  INDEX jwks_set_id_idx (set_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  override down(): void {
    this.addSql('DROP TABLE jwks');
    this.addSql('DROP TABLE clients');
  }
}
