import { Migration } from '@mikro-orm/migrations';

/**
 * SQLite: nothing to create. The embedded database belongs to one core process, so its caches
 * learn of every change in-process (core-service/storage/change-feed.ts); MySQL needs a table
 * for replicas to tell each other, created by the migration of the same name. Kept so every
 * dialect lists the same names.
 */
export class AddChangeFeed extends Migration {
  override up(): void {
    // Intentionally empty: see above.
  }

  override down(): void {
    // Intentionally empty: see above.
  }
}
