import { Migration } from '@mikro-orm/migrations';

/**
 * SQLite: issued tokens and codes (`oauth2_tokens`, keyed by a hash of the signature) and
 * client-assertion ids seen (`oauth2_jti`). See the PostgreSQL migration for the why.
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
  requested_at DATETIME NOT NULL,
  expires_at DATETIME NULL,
  active BOOLEAN NOT NULL,
  session TEXT NOT NULL
)`);
    this.addSql('CREATE INDEX oauth2_tokens_request_id_idx ON oauth2_tokens (request_id)');
    this.addSql('CREATE INDEX oauth2_tokens_client_id_idx ON oauth2_tokens (client_id)');
    this.addSql('CREATE INDEX oauth2_tokens_expires_at_idx ON oauth2_tokens (expires_at)');
    this.addSql(`CREATE TABLE oauth2_jti (
  key VARCHAR(64) NOT NULL PRIMARY KEY,
  expires_at DATETIME NOT NULL
)`);
    this.addSql('CREATE INDEX oauth2_jti_expires_at_idx ON oauth2_jti (expires_at)');
  }

  override down(): void {
    this.addSql('DROP TABLE oauth2_jti');
    this.addSql('DROP TABLE oauth2_tokens');
  }
}
