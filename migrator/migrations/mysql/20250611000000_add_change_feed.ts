import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: `tessera_changes`, the change feed of core's caches (core-service/storage/
 * change-feed.ts). A writer inserts a row per changed client or grant in its own transaction;
 * every core replica reads the rows past the last sequence number it saw, a few times a second,
 * and drops what it cached about them. Rows older than a minute are deleted by the replicas.
 */
export class AddChangeFeed extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE tessera_changes (
  seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  entry VARCHAR(300) NOT NULL,
  created_at BIGINT NOT NULL,
  INDEX tessera_changes_created_at_idx (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  override down(): void {
    this.addSql('DROP TABLE tessera_changes');
  }
}
