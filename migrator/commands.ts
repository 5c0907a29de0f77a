/**
 * What `sql up`, `sql down` and `sql status` do, written against an open ORM and two output
 * functions so tests and main share them. Human-readable lines on stdout; nothing else writes.
 */
import type { Orm } from '../core-service/storage/orm.js';
import { appliedMigrations, knownMigrations, migrateDown, migrateUp, pendingMigrations } from '../core-service/storage/schema.js';

export interface Output {
  out(line: string): void;
}

/** Asks the operator to go ahead with a plan; false leaves the database alone. */
export type Confirm = (question: string) => Promise<boolean>;

/** Prints every migration as applied or pending. */
export async function status(orm: Orm, target: string, io: Output): Promise<number> {
  const applied = new Set(await appliedMigrations(orm));
  io.out(`Migrations of ${target}:`);
  for (const name of knownMigrations(orm)) io.out(`  ${applied.has(name) ? 'applied' : 'pending'}  ${name}`);
  const pending = (await pendingMigrations(orm)).length;
  io.out(pending === 0 ? 'The database is up to date.' : `${pending} migration(s) pending.`);
  return 0;
}

/** Applies the pending migrations after confirmation. */
export async function up(orm: Orm, target: string, io: Output, confirm: Confirm): Promise<number> {
  const pending = await pendingMigrations(orm);
  if (pending.length === 0) {
    io.out(`The database ${target} is already up to date; nothing to do.`);
    return 0;
  }
  io.out(`Pending migrations of ${target}:`);
  for (const name of pending) io.out(`  ${name}`);
  if (!(await confirm(`Apply ${pending.length} migration(s)?`))) {
    io.out('Aborted; nothing was changed.');
    return 1;
  }
  for (const name of await migrateUp(orm)) io.out(`  applied  ${name}`);
  io.out('The database is up to date.');
  return 0;
}

/** Reverts the last `steps` applied migrations after confirmation. */
export async function down(orm: Orm, target: string, steps: number, io: Output, confirm: Confirm): Promise<number> {
  const planned = (await appliedMigrations(orm)).slice(-steps).reverse();
  if (planned.length === 0) {
    io.out(`No migration of ${target} is applied; nothing to revert.`);
    return 0;
  }
  io.out(`Migrations of ${target} to revert, newest first:`);
  for (const name of planned) io.out(`  ${name}`);
  if (!(await confirm(`Revert ${planned.length} migration(s)? Their tables and data are dropped.`))) {
    io.out('Aborted; nothing was changed.');
    return 1;
  }
  for (const name of await migrateDown(orm, steps)) io.out(`  reverted  ${name}`);
  return 0;
}
