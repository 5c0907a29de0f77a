import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: issued tokens and codes (`oauth2_tokens`, keyed by a hash of the signature)
 * and client-assertion ids seen (`oauth2_jti`). See the PostgreSQL migration for the why.
 */
export class CreateOAuth2Tokens extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE oauth2_tokens (
  signature VARCHAR(128) NOT NULL PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  client_id VARCHAR(255) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  scope TEXT NOT NULL,
  audience TEXT NOT NULL,
  requested_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NULL,
  active TINYINT(1) NOT NULL,
  session MEDIUMTEXT NOT NULL,
  INDEX oauth2_tokens_request_id_idx (request_id),
  INDEX oauth2_tokens_client_id_idx (client_id),
  INDEX oauth2_tokens_expires_at_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    this.addSql(`CREATE TABLE oauth2_jti (
  \`key\` VARCHAR(64) NOT NULL PRIMARY KEY,
  expires_at DATETIME(3) NOT NULL,
  INDEX oauth2_jti_expires_at_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  override down(): void {
    this.addSql('DROP TABLE oauth2_jti');
    this.addSql('DROP TABLE oauth2_tokens');
  }
}
