/**
 * Opens MikroORM on a parsed DSN (storage/dsn.ts) for PostgreSQL, MySQL/MariaDB or SQLite
 * (libsql). Entities are EntitySchemas with explicit types, so discovery never reads decorators
 * or reflect-metadata; the schema comes only from the hand-written migrations in migrator/.
 */
import { readFileSync } from 'node:fs';
import { MetadataProvider, MikroORM, type Constructor, type EntityMetadata, type LogContext, type Logger as OrmLogger, type LoggerNamespace } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/knex';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsFor } from '../../migrator/migrations/index.js';
import type { Logger } from '../shared/logger.js';
import { parseGoDuration } from '../shared/durations.js';
import type { DatabaseTarget, Dialect } from './dsn.js';
import { allEntities } from './entities.js';

/** An ORM on one of the three SQL drivers. */
export type Orm = MikroORM<AbstractSqlDriver>;

/** Where applied migrations are recorded; Hydra's own table is left alone on a shared database. */
export const MIGRATIONS_TABLE = 'tessera_migrations';

export interface OpenOrmOptions {
  /** SQL is logged at debug (without parameters); ORM warnings and errors at their level. */
  logger?: Logger;
}

/** Types come from the EntitySchemas themselves; no reflect-metadata lookup. */
class ExplicitTypesProvider extends MetadataProvider {
  loadEntityMetadata(meta: EntityMetadata): void {
    for (const prop of meta.props) {
      if (!prop.type) throw new Error(`${meta.className}.${prop.name} has no explicit type in storage/entities.ts`);
    }
  }
}

/**
 * Opens (but does not migrate) the database the target names.
 * @example const orm = await openOrm(parseDsn(config.dsn), { logger });
 */
export async function openOrm(target: DatabaseTarget, opts: OpenOrmOptions = {}): Promise<Orm> {
  const logger = opts.logger;
  return MikroORM.init<AbstractSqlDriver>({
    driver: await driverFor(target.dialect),
    entities: allEntities,
    metadataProvider: ExplicitTypesProvider,
    metadataCache: { enabled: false },
    discovery: { requireEntitiesArray: true },
    // Only the migrator creates or changes anything; a typo in the database name must fail.
    ensureDatabase: false,
    dbName: target.database,
    ...(target.dialect === 'sqlite' ? {} : { host: target.host, port: target.port, user: target.user, password: target.password }),
    // MySQL DATETIME has no zone: read and write it as UTC whatever the server's zone is.
    ...(target.dialect === 'mysql' ? { forceUtcTimezone: true, charset: 'utf8mb4' } : {}),
    driverOptions: { connection: connectionOptions(target), pool: poolOptions(target), log: knexLog(logger) },
    extensions: [Migrator],
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: migrationsFor(target.dialect),
      snapshot: false,
      silent: true,
      // MySQL commits implicitly on every DDL statement, so a transaction there would only pretend.
      transactional: target.dialect !== 'mysql',
      allOrNothing: target.dialect !== 'mysql',
    },
    colors: false,
    // Query parameters carry secret hashes and tokens; only statements are ever logged.
    debug: logger?.isLevelEnabled('debug') ? ['query', 'info'] : false,
    loggerFactory: () => new PinoOrmLogger(logger),
  });
}

/**
 * Runs `SELECT 1`: resolves when the database answers, throws the driver's error, or an
 * ETIMEDOUT error when nothing answers within `timeoutMs` (a host that drops packets).
 */
export async function checkDatabase(orm: Orm, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    await Promise.race([orm.em.getConnection().getKnex().raw('select 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when `SELECT 1` answers within `timeoutMs`; never throws. */
export async function pingDatabase(orm: Orm, timeoutMs = 2_000): Promise<boolean> {
  return checkDatabase(orm, timeoutMs).then(
    () => true,
    () => false,
  );
}

/** Closes every pooled connection. */
export async function closeOrm(orm: Orm): Promise<void> {
  await orm.close(true);
}

async function driverFor(dialect: Dialect): Promise<Constructor<AbstractSqlDriver>> {
  // Loaded on demand so a PostgreSQL deployment never loads the native libsql binding.
  switch (dialect) {
    case 'postgres':
      return (await import('@mikro-orm/postgresql')).PostgreSqlDriver;
    case 'mysql':
      return (await import('@mikro-orm/mysql')).MySqlDriver;
    case 'sqlite':
      return (await import('@mikro-orm/libsql')).LibSqlDriver;
  }
}

/** setTimeout's ceiling; Go's `0` ("never") for idle time maps to it. */
const NEVER_MS = 2_147_483_647;

/** DSN pool parameters (Go database/sql names) → knex's tarn pool. */
function poolOptions(target: DatabaseTarget): Record<string, unknown> {
  const { max, minIdle, idleTimeoutMs, maxLifetimeMs } = target.pool;
  const upper = max ?? 10;
  // database/sql keeps 2 idle connections unless max_idle_conns says otherwise.
  const pool: Record<string, unknown> = { max: upper, min: Math.min(minIdle ?? 2, upper) };
  if (target.inMemory) {
    // The in-memory database lives in its only connection: never close it.
    return { ...pool, min: 1, max: 1, idleTimeoutMillis: NEVER_MS, afterCreate: afterCreateFor(target) };
  }
  if (idleTimeoutMs !== undefined) pool.idleTimeoutMillis = idleTimeoutMs === 0 ? NEVER_MS : idleTimeoutMs;
  // knex checks this when a connection is acquired and replaces an expired one.
  if (maxLifetimeMs !== undefined && maxLifetimeMs > 0) pool.maxConnectionLifetimeMillis = maxLifetimeMs;
  pool.afterCreate = afterCreateFor(target);
  return pool;
}

type Done = (err: Error | null, connection: unknown) => void;
interface MySqlRawConnection {
  query(sql: string, callback: (err: Error | null) => void): void;
}
interface LibSqlRawConnection {
  exec(sql: string): void;
}

/** Session settings applied to every new connection, since the pool replaces connections. */
function afterCreateFor(target: DatabaseTarget): ((connection: unknown, done: Done) => void) | undefined {
  if (target.dialect === 'mysql') {
    // NOW()/CURRENT_TIMESTAMP in UTC too, matching the UTC values the driver writes.
    return (connection, done) => (connection as MySqlRawConnection).query("SET time_zone = '+00:00'", (err) => done(err, connection));
  }
  if (target.dialect === 'sqlite') {
    const pragmas = sqlitePragmas(target.params);
    return (connection, done) => {
      try {
        for (const pragma of pragmas) (connection as LibSqlRawConnection).exec(pragma);
        done(null, connection);
      } catch (err) {
        done(err as Error, connection);
      }
    };
  }
  return undefined;
}

/** `_fk` is per connection in SQLite; MikroORM only sets it on the first one. */
function sqlitePragmas(params: Record<string, string>): string[] {
  const pragmas = [`PRAGMA foreign_keys = ${params._fk === 'false' || params._fk === '0' ? 'OFF' : 'ON'}`];
  const busy = params._busy_timeout;
  if (busy !== undefined && /^\d+$/.test(busy)) pragmas.push(`PRAGMA busy_timeout = ${busy}`);
  const journal = params._journal_mode?.toUpperCase();
  if (journal && ['DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY', 'WAL', 'OFF'].includes(journal)) pragmas.push(`PRAGMA journal_mode = ${journal}`);
  return pragmas;
}

/** Driver connection settings from the DSN's dialect parameters. */
function connectionOptions(target: DatabaseTarget): Record<string, unknown> {
  const p = target.params;
  if (target.dialect === 'postgres') {
    const options: Record<string, unknown> = {};
    const ssl = postgresSsl(p);
    if (ssl !== undefined) options.ssl = ssl;
    if (p.application_name) options.application_name = p.application_name;
    if (p.connect_timeout) options.connectionTimeoutMillis = Number(p.connect_timeout) * 1000;
    return options;
  }
  if (target.dialect === 'mysql') {
    // utf8mb4 whatever the DSN's `charset` says: client names and metadata may hold any Unicode.
    const options: Record<string, unknown> = { charset: 'utf8mb4' };
    if (p.tls === 'true') options.ssl = { rejectUnauthorized: true };
    if (p.tls === 'skip-verify' || p.tls === 'preferred') options.ssl = { rejectUnauthorized: false };
    const timeout = p.timeout === undefined ? undefined : parseGoDuration(p.timeout);
    if (timeout !== undefined) options.connectTimeout = timeout;
    return options;
  }
  return {};
}

/** libpq's sslmode; node-pg cannot fall back to plaintext, so allow/prefer connect without TLS. */
function postgresSsl(p: Record<string, string>): false | Record<string, unknown> | undefined {
  const read = (path: string | undefined) => (path ? readFileSync(path, 'utf8') : undefined);
  switch (p.sslmode) {
    case undefined:
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ca: read(p.sslrootcert), cert: read(p.sslcert), key: read(p.sslkey), checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ca: read(p.sslrootcert), cert: read(p.sslcert), key: read(p.sslkey) };
    default:
      return false;
  }
}

/** knex's own warnings (pool, transactions) go to the program's logger, not the console. */
function knexLog(logger: Logger | undefined): Record<string, (message: unknown) => void> {
  const write = (level: 'warn' | 'error' | 'debug') => (message: unknown) => logger?.[level]({ namespace: 'knex' }, String(message));
  return { warn: write('warn'), error: write('error'), deprecate: write('warn'), debug: write('debug') };
}

/** MikroORM's logger interface onto pino; silent when no logger is given. */
class PinoOrmLogger implements OrmLogger {
  private debugMode: boolean | LoggerNamespace[] = false;

  constructor(private readonly logger: Logger | undefined) {}

  log(namespace: string, message: string, context?: LogContext): void {
    if (!this.logger) return;
    if (context?.level === 'error') this.logger.error({ namespace }, message);
    else if (context?.level === 'warning') this.logger.warn({ namespace }, message);
    else if (this.isEnabled(namespace as LoggerNamespace, context)) this.logger.debug({ namespace }, message);
  }

  error(namespace: string, message: string, context?: LogContext): void {
    this.log(namespace, message, { ...context, level: 'error' });
  }

  warn(namespace: string, message: string, context?: LogContext): void {
    this.log(namespace, message, { ...context, level: 'warning' });
  }

  logQuery(context: LogContext): void {
    if (!this.logger || !this.isEnabled('query', context)) return;
    // `context.params` is deliberately not logged.
    this.logger.debug({ sql: context.query, took_ms: context.took, rows: context.results ?? context.affected }, 'sql');
  }

  setDebugMode(debugMode: boolean | LoggerNamespace[]): void {
    this.debugMode = debugMode;
  }

  isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    if (namespace === 'query-params') return false;
    if (namespace === 'deprecated') return true;
    if (context?.enabled !== undefined) return context.enabled;
    const mode = context?.debugMode ?? this.debugMode;
    return Array.isArray(mode) ? mode.includes(namespace) : mode;
  }
}
