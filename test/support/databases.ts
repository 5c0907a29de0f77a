/**
 * The databases storage tests run on: SQLite always; PostgreSQL and MySQL/MariaDB when
 * TEST_POSTGRES_DSN / TEST_MYSQL_DSN give an admin DSN. Every create() makes a fresh, empty
 * database (`tessera_test_<random>`) so tests never see each other's rows; drop() removes it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDsn, type DatabaseTarget } from '../../core-service/storage/dsn.js';
import { closeOrm, openOrm, type Orm } from '../../core-service/storage/orm.js';
import { migrateUp } from '../../core-service/storage/schema.js';

export interface CreatedDatabase {
  dsn: string;
  drop(): Promise<void>;
}

export interface TestDatabase {
  name: 'sqlite' | 'postgres' | 'mysql';
  available: boolean;
  /** Why the dialect is skipped; pass as `{ skip: db.skipReason }`. */
  skipReason?: string;
  create(): Promise<CreatedDatabase>;
}

/** The three dialects, each saying whether this run covers it. */
export function testDatabases(env: NodeJS.ProcessEnv = process.env): TestDatabase[] {
  return [sqlite(), server('postgres', 'TEST_POSTGRES_DSN', env), server('mysql', 'TEST_MYSQL_DSN', env)];
}

/** A fresh database with every migration applied, and an ORM open on it. */
export async function migratedDatabase(db: TestDatabase): Promise<{ dsn: string; orm: Orm; drop(): Promise<void> }> {
  const created = await db.create();
  const orm = await openOrm(parseDsn(created.dsn));
  await migrateUp(orm);
  return {
    dsn: created.dsn,
    orm,
    drop: async () => {
      await closeOrm(orm);
      await created.drop();
    },
  };
}

function sqlite(): TestDatabase {
  return {
    name: 'sqlite',
    available: true,
    create: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-test-'));
      return { dsn: `sqlite://${join(dir, 'x.sqlite')}?_fk=true`, drop: () => rm(dir, { recursive: true, force: true }) };
    },
  };
}

function server(name: 'postgres' | 'mysql', variable: string, env: NodeJS.ProcessEnv): TestDatabase {
  const adminDsn = env[variable];
  if (!adminDsn) {
    return {
      name,
      available: false,
      skipReason: `${variable} is not set (an admin DSN, e.g. ${name === 'postgres' ? 'postgres://postgres@127.0.0.1:5432/postgres' : 'mysql://root@tcp(127.0.0.1:3306)/mysql'})`,
      create: () => Promise.reject(new Error(`${variable} is not set`)),
    };
  }
  const admin = parseDsn(adminDsn);
  // Identifiers cannot be bound as parameters; the name is ours, lowercase hex only.
  const quote = (id: string) => (name === 'postgres' ? `"${id}"` : `\`${id}\``);
  return {
    name,
    available: true,
    create: async () => {
      const database = `tessera_test_${randomBytes(6).toString('hex')}`;
      await asAdmin(admin, `CREATE DATABASE ${quote(database)}`);
      return {
        dsn: dsnFor(admin, database),
        // WITH (FORCE): a test that failed midway may have left a connection open.
        drop: () => asAdmin(admin, `DROP DATABASE IF EXISTS ${quote(database)}${name === 'postgres' ? ' WITH (FORCE)' : ''}`),
      };
    },
  };
}

async function asAdmin(admin: DatabaseTarget, sql: string): Promise<void> {
  const orm = await openOrm(admin);
  try {
    await orm.em.getConnection().execute(sql, [], 'run');
  } finally {
    await closeOrm(orm);
  }
}

function dsnFor(admin: DatabaseTarget, database: string): string {
  const host = `${admin.host ?? '127.0.0.1'}:${admin.port ?? (admin.dialect === 'postgres' ? 5432 : 3306)}`;
  if (admin.dialect === 'postgres') {
    const password = admin.password ? `:${encodeURIComponent(admin.password)}` : '';
    return `postgres://${encodeURIComponent(admin.user ?? '')}${password}@${host}/${database}`;
  }
  // Hydra's Go form, which carries the password as written (storage/dsn.ts).
  return `mysql://${admin.user ?? ''}${admin.password ? `:${admin.password}` : ''}@tcp(${host})/${database}?parseTime=true`;
}
