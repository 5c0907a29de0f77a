import { Migration } from '@mikro-orm/migrations';

/**
 * SQLite: `oauth2_trusted_jwt_bearer_issuers` holds the trust relationships of the JWT-bearer
 * grant (RFC 7523 §2.1; Hydra's hydra_oauth2_trusted_jwt_bearer_issuer), each with its public
 * key (`jwk`, JSON). Unique on (key_id, issuer, subject) as Hydra's index, so the same trust
 * twice is a 409; (issuer, id) serves the admin list's issuer filter in id order, expires_at
 * the janitor and the grant's "unexpired" condition.
 */
export class CreateTrustedJwtBearerIssuers extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE oauth2_trusted_jwt_bearer_issuers (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  issuer VARCHAR(255) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  allow_any_subject BOOLEAN NOT NULL,
  scope TEXT NOT NULL,
  key_set VARCHAR(255) NOT NULL,
  key_id VARCHAR(255) NOT NULL,
  jwk TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL
)`);
    this.addSql('CREATE UNIQUE INDEX oauth2_trusted_jwt_bearer_issuers_key_uq_idx ON oauth2_trusted_jwt_bearer_issuers (key_id, issuer, subject)');
    this.addSql('CREATE INDEX oauth2_trusted_jwt_bearer_issuers_issuer_idx ON oauth2_trusted_jwt_bearer_issuers (issuer, id)');
    this.addSql('CREATE INDEX oauth2_trusted_jwt_bearer_issuers_expires_at_idx ON oauth2_trusted_jwt_bearer_issuers (expires_at)');
  }

  override down(): void {
    this.addSql('DROP TABLE oauth2_trusted_jwt_bearer_issuers');
  }
}
