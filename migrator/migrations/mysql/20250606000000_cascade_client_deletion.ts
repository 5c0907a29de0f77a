import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: deleting a client deletes its tokens, codes and consent sessions. See the
 * PostgreSQL migration for the why. The client_id columns already share the clients table's
 * utf8mb4_bin collation, which InnoDB requires of a foreign key.
 */
export class CascadeClientDeletion extends Migration {
  override up(): void {
    this.addSql('DELETE FROM oauth2_tokens WHERE NOT EXISTS (SELECT 1 FROM clients WHERE clients.client_id = oauth2_tokens.client_id)');
    this.addSql(
      'ALTER TABLE oauth2_tokens ADD CONSTRAINT oauth2_tokens_client_id_fk FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE',
    );
    this.addSql(
      'DELETE FROM oauth2_consent_sessions WHERE NOT EXISTS (SELECT 1 FROM clients WHERE clients.client_id = oauth2_consent_sessions.client_id)',
    );
    // Named here so that down() can drop it; InnoDB would otherwise create one for the key.
    this.addSql('CREATE INDEX oauth2_consent_sessions_client_id_idx ON oauth2_consent_sessions (client_id)');
    this.addSql(
      'ALTER TABLE oauth2_consent_sessions ADD CONSTRAINT oauth2_consent_sessions_client_id_fk FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE',
    );
  }

  override down(): void {
    this.addSql('ALTER TABLE oauth2_consent_sessions DROP FOREIGN KEY oauth2_consent_sessions_client_id_fk');
    this.addSql('DROP INDEX oauth2_consent_sessions_client_id_idx ON oauth2_consent_sessions');
    this.addSql('ALTER TABLE oauth2_tokens DROP FOREIGN KEY oauth2_tokens_client_id_fk');
  }
}
