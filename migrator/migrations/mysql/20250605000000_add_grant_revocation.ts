import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: `oauth2_revoked_grants` marks a grant (request id) whose tokens are all revoked,
 * written when reuse is detected (RFC 9700 §4.14.2, RFC 6749 §10.5) or the grant is revoked.
 * A token is active only while its grant has no such row, so tokens inserted after the
 * revocation (by a request that won the rotation race) are dead too. `access_token_signature`
 * on a refresh token row names the access token issued with it, which is the only one its
 * rotation deactivates (Hydra's column of the same name), so concurrent exchanges within the
 * grace period do not kill each other's access tokens.
 */
export class AddGrantRevocation extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE oauth2_revoked_grants (
  request_id VARCHAR(64) NOT NULL PRIMARY KEY,
  revoked_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    this.addSql('ALTER TABLE oauth2_tokens ADD COLUMN access_token_signature VARCHAR(128) NULL');
  }

  override down(): void {
    this.addSql('ALTER TABLE oauth2_tokens DROP COLUMN access_token_signature');
    this.addSql('DROP TABLE oauth2_revoked_grants');
  }
}
