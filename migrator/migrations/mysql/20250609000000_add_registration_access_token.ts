import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: the hashed signature of a dynamically registered client's registration access token
 * (RFC 7592 §1; Hydra's `registration_access_token_signature`), base64url SHA-256, '' for
 * clients the admin API created. Never the token itself (DESIGN.md, Storage and tokens).
 */
export class AddRegistrationAccessToken extends Migration {
  override up(): void {
    this.addSql("ALTER TABLE clients ADD COLUMN registration_access_token_signature VARCHAR(64) NOT NULL DEFAULT ''");
  }

  override down(): void {
    this.addSql('ALTER TABLE clients DROP COLUMN registration_access_token_signature');
  }
}
