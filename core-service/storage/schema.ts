/**
 * Schema state: which migrations are pending, applying them, and the start-up check that keeps
 * the core off an unmigrated or outdated database (DESIGN.md, Storage: "the core refuses to
 * start on an unmigrated or outdated schema with a message telling the operator to run the
 * migrator").
 */
import { MIGRATIONS_TABLE, type Orm } from './orm.js';

/** Thrown at start when migrations are pending; the message is meant for the operator. */
export class SchemaNotCurrentError extends Error {
  readonly pending: string[];

  constructor(pending: string[], dsnForMessage: string) {
    super(
      `the database schema of ${dsnForMessage} is not current: ${pending.length} migration(s) pending (${pending.join(', ')}). ` +
        'Run `migrator sql up -e --yes` (with DSN in the environment) before starting Tessera.',
    );
    this.name = 'SchemaNotCurrentError';
    this.pending = pending;
  }
}

/** Names of every migration this build knows, oldest first. */
export function knownMigrations(orm: Orm): string[] {
  return (orm.config.get('migrations').migrationsList ?? []).map((m) => m.name);
}

/**
 * Names of the applied migrations, oldest first. Read-only: unlike MikroORM's Migrator, it
 * does not create the migrations table, so a status check never writes.
 */
export async function appliedMigrations(orm: Orm): Promise<string[]> {
  const knex = orm.em.getConnection().getKnex();
  if (!(await knex.schema.hasTable(MIGRATIONS_TABLE))) return [];
  const rows: unknown = await knex.select('name').from(MIGRATIONS_TABLE).orderBy('id', 'asc');
  return Array.isArray(rows) ? rows.map((row) => String((row as { name: unknown }).name)) : [];
}

/** Names of the migrations not applied yet, in the order they would run. */
export async function pendingMigrations(orm: Orm): Promise<string[]> {
  const applied = new Set(await appliedMigrations(orm));
  return knownMigrations(orm).filter((name) => !applied.has(name));
}

/** Applies every pending migration in one run; returns the names applied (empty when current). */
export async function migrateUp(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}

/** Reverts the last `steps` applied migrations, newest first; returns the names reverted. */
export async function migrateDown(orm: Orm, steps: number): Promise<string[]> {
  const applied = await appliedMigrations(orm);
  if (steps <= 0 || applied.length === 0) return [];
  // Umzug's `to` is inclusive: revert down to and including the oldest of the last `steps`.
  const to = applied[Math.max(0, applied.length - steps)];
  if (to === undefined) return [];
  const done = await orm.getMigrator().down({ to });
  return done.map((m) => m.name);
}

/** Throws SchemaNotCurrentError when any migration is pending. Call once at start. */
export async function assertSchemaCurrent(orm: Orm, dsnForMessage: string): Promise<void> {
  const pending = await pendingMigrations(orm);
  if (pending.length > 0) throw new SchemaNotCurrentError(pending, dsnForMessage);
}
