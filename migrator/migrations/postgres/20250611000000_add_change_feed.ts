import { Migration } from '@mikro-orm/migrations';

/**
 * PostgreSQL: nothing to create. Core's caches learn of changes made by other replicas through
 * LISTEN/NOTIFY (core-service/storage/change-feed.ts); MySQL and SQLite need a table for the
 * same, created by the migration of the same name. Kept so every dialect lists the same names.
 */
export class AddChangeFeed extends Migration {
  override up(): void {
    // Intentionally empty: see above.
  }

  override down(): void {
    // Intentionally empty: see above.
  }
}
