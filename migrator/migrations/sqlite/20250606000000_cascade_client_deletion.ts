import { Migration } from '@mikro-orm/migrations';

/** The tables whose rows belong to a client, and the index the cascade looks consents up by. */
const TABLES = ['oauth2_tokens', 'oauth2_consent_sessions'] as const;
const CONSENT_CLIENT_INDEX = 'oauth2_consent_sessions_client_id_idx';
const foreignKey = (table: string) => `CONSTRAINT ${table}_client_id_fk FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE`;

/**
 * SQLite: deleting a client deletes its tokens, codes and consent sessions. See the PostgreSQL
 * migration for the why. SQLite cannot add a constraint to an existing table, so each table is
 * rebuilt the documented way (https://www.sqlite.org/lang_altertable.html#otheralter: create the
 * new table, copy, drop the old one, rename). The new definition is the stored one with the
 * foreign key appended, so columns other migrations added are kept whatever their order. The
 * key is enforced with `_fk=true`, the default of SQLite DSNs (storage/orm.ts).
 */
export class CascadeClientDeletion extends Migration {
  override async up(): Promise<void> {
    for (const table of TABLES) {
      // Rows of clients deleted before this migration stay behind: they must not stay usable.
      await this.rebuild(table, (create) => create.replace(/\)\s*$/, `,\n  ${foreignKey(table)}\n)`), 'WHERE client_id IN (SELECT client_id FROM clients)', () => true);
    }
    this.addSql(`CREATE INDEX ${CONSENT_CLIENT_INDEX} ON oauth2_consent_sessions (client_id)`);
  }

  override async down(): Promise<void> {
    for (const table of TABLES) {
      await this.rebuild(table, (create) => create.replace(`,\n  ${foreignKey(table)}\n)`, '\n)'), '', (index) => !index.includes(CONSENT_CLIENT_INDEX));
    }
  }

  /** Queues the rebuild of `table` with its definition changed by `change`, copying the rows `filter` selects. */
  private async rebuild(table: string, change: (create: string) => string, filter: string, keepIndex: (sql: string) => boolean): Promise<void> {
    const [definition] = await this.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]);
    const create = typeof definition?.sql === 'string' ? definition.sql : '';
    const changed = change(create);
    if (create === '' || changed === create) throw new Error(`cannot change the definition of ${table}: ${create}`);
    const indexes = await this.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]);
    this.addSql(changed.replace(/^CREATE TABLE\s+["`]?\w+["`]?/, `CREATE TABLE ${table}_rebuild`));
    this.addSql(`INSERT INTO ${table}_rebuild SELECT * FROM ${table} ${filter}`);
    this.addSql(`DROP TABLE ${table}`);
    this.addSql(`ALTER TABLE ${table}_rebuild RENAME TO ${table}`);
    for (const index of indexes) {
      if (typeof index.sql === 'string' && keepIndex(index.sql)) this.addSql(index.sql);
    }
  }
}
