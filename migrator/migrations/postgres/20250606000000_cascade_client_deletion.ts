import { Migration } from '@mikro-orm/migrations';

/**
 * PostgreSQL: deleting a client deletes its tokens, codes and consent sessions in the same
 * statement, as Hydra's foreign keys do (`hydra_oauth2_access_client_id_fk … ON DELETE CASCADE`).
 * The database decides, so a deletion is seen by every replica at once, and a token request that
 * authenticated its client just before the deletion cannot insert a token for it afterwards (the
 * foreign key check waits for the deleting transaction, then fails). Rows of clients deleted
 * before this migration are deleted first: they belong to no client and must not stay usable.
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
    // The cascade finds a client's consents by this index instead of scanning the table.
    this.addSql('CREATE INDEX oauth2_consent_sessions_client_id_idx ON oauth2_consent_sessions (client_id)');
    this.addSql(
      'ALTER TABLE oauth2_consent_sessions ADD CONSTRAINT oauth2_consent_sessions_client_id_fk FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE',
    );
  }

  override down(): void {
    this.addSql('ALTER TABLE oauth2_consent_sessions DROP CONSTRAINT oauth2_consent_sessions_client_id_fk');
    this.addSql('DROP INDEX oauth2_consent_sessions_client_id_idx');
    this.addSql('ALTER TABLE oauth2_tokens DROP CONSTRAINT oauth2_tokens_client_id_fk');
  }
}
