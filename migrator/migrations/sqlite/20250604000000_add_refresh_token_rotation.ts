import { Migration } from '@mikro-orm/migrations';

/**
 * SQLite: refresh token rotation state on `oauth2_tokens`. `used_at` is when a refresh token
 * was first exchanged (rotated out); `reuse_count` counts the reuses accepted within the grace
 * period (`oauth2.grant.refresh_token.rotation_grace_period` / `rotation_grace_reuse_count`).
 */
export class AddRefreshTokenRotation extends Migration {
  override up(): void {
    this.addSql('ALTER TABLE oauth2_tokens ADD COLUMN used_at DATETIME NULL');
    this.addSql('ALTER TABLE oauth2_tokens ADD COLUMN reuse_count INTEGER NOT NULL DEFAULT 0');
  }

  override down(): void {
    this.addSql('ALTER TABLE oauth2_tokens DROP COLUMN reuse_count');
    this.addSql('ALTER TABLE oauth2_tokens DROP COLUMN used_at');
  }
}
