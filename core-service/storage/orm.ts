/**
 * Opens MikroORM on a parsed DSN (storage/dsn.ts) for PostgreSQL, MySQL/MariaDB or SQLite
 * (libsql). Entities are EntitySchemas with explicit types, so discovery never reads decorators
 * or reflect-metadata; the schema comes only from the hand-written migrations in migrator/.
 *
 * A database that goes silent (a partition, a proxy that keeps the socket open and forwards
 * nothing) must not wedge the pool: every wait is bounded. A new connection gets
 * `connect_timeout`, a query waiting for a free connection `pool_timeout`, a statement the
 * server's `statement_timeout`; a connection that stays silent past that is destroyed (never
 * returned to the pool), and with it every connection opened before it, which shared its path.
 */
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
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
  /** Migrations may run for minutes: no statement timeout and no silence deadline. */
  unboundedStatements?: boolean;
  /**
   * `log.leak_sensitive_values`: a failed statement's error message carries the SQL with its
   * parameter values (subjects, session claims, signature hashes). Off: the statement's shape only.
   */
  leakSensitiveValues?: boolean;
}

/** `pool_timeout` when the DSN does not say: a query waits this long for a free connection, then fails (503). */
export const DEFAULT_POOL_TIMEOUT_MS = 5_000;
/** `statement_timeout` when the DSN does not say; well inside the gateway's 10 s deadline. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
/** `connect_timeout` (PostgreSQL) / `timeout` (MySQL) when the DSN does not say. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** `tcp_keepalive` when the DSN does not say: idle time before the kernel's keepalive probes start. */
export const DEFAULT_TCP_KEEPALIVE_MS = 15_000;
/**
 * How long after the server's own statement timeout core still waits for an answer. The server
 * normally reports its timeout at once; silence past this means nothing is listening.
 */
const SILENCE_MARGIN_MS = 1_000;

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
  const limits = serverLimits(target, opts.unboundedStatements ?? false);
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
    driverOptions: {
      connection: connectionOptions(target, limits),
      pool: poolOptions(target, limits, logger),
      log: knexLog(logger),
      // knex prefixes a failed statement's error message with the statement; with its values only when allowed.
      compileSqlOnError: opts.leakSensitiveValues ?? false,
    },
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

/**
 * True when a new connection, opened outside the pool, answers `SELECT 1` within `timeoutMs`;
 * never throws. Tells "the database is down" (false) from "our pool is stuck" (true while the
 * pool's own ping fails). Always false on SQLite, which has no connection to open apart.
 */
export async function pingOutsidePool(orm: Orm, dialect: Dialect, timeoutMs = 2_000): Promise<boolean> {
  if (dialect === 'sqlite') return false;
  const client = orm.em.getConnection().getKnex().client;
  let timer: NodeJS.Timeout | undefined;
  let connection: unknown;
  const attempt = (async () => {
    connection = await client.acquireRawConnection();
    const socket = typeof connection === 'object' && connection !== null ? socketOf(connection) : undefined;
    // The probe itself must not hang on a silent socket after we stopped waiting for it.
    if (socket) watchForSilence(socket, timeoutMs, () => undefined);
    await client.query(connection, { sql: 'select 1', bindings: [] });
    return true;
  })().catch(() => false);
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
    void attempt.then(() => (connection === undefined ? undefined : client.destroyRawConnection(connection).catch(() => undefined)));
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

/** The waits of one database, resolved from the DSN and the defaults above; 0 means unbounded. */
interface ServerLimits {
  statementMs: number;
  /** How long a connection may stay silent while core awaits its answer. */
  silenceMs: number;
  connectMs: number;
  keepAliveMs: number;
}

function serverLimits(target: DatabaseTarget, unboundedStatements: boolean): ServerLimits {
  const statementMs = unboundedStatements ? 0 : (target.timeouts.statementMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  const p = target.params;
  const dialectConnect = target.dialect === 'postgres' ? (p.connect_timeout ? Number(p.connect_timeout) * 1000 : undefined) : p.timeout ? parseGoDuration(p.timeout) : undefined;
  return {
    statementMs,
    silenceMs: statementMs === 0 ? 0 : statementMs + SILENCE_MARGIN_MS,
    connectMs: dialectConnect ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepAliveMs: target.timeouts.keepAliveMs ?? DEFAULT_TCP_KEEPALIVE_MS,
  };
}

/** DSN pool parameters (Go database/sql names) → knex's tarn pool. */
function poolOptions(target: DatabaseTarget, limits: ServerLimits, logger: Logger | undefined): Record<string, unknown> {
  const { max, minIdle, idleTimeoutMs, maxLifetimeMs, acquireTimeoutMs } = target.pool;
  const upper = max ?? 10;
  // database/sql keeps 2 idle connections unless max_idle_conns says otherwise.
  const pool: Record<string, unknown> = { max: upper, min: Math.min(minIdle ?? 2, upper) };
  // A query never queues for ever behind a stuck pool: it fails (503) and the caller retries.
  const acquire = acquireTimeoutMs ?? DEFAULT_POOL_TIMEOUT_MS;
  pool.acquireTimeoutMillis = acquire === 0 ? NEVER_MS : acquire;
  if (target.inMemory) {
    // The in-memory database lives in its only connection: never close it.
    return { ...pool, min: 1, max: 1, idleTimeoutMillis: NEVER_MS, afterCreate: afterCreateFor(target, limits) };
  }
  if (idleTimeoutMs !== undefined) pool.idleTimeoutMillis = idleTimeoutMs === 0 ? NEVER_MS : idleTimeoutMs;
  // knex checks this when a connection is acquired and replaces an expired one.
  if (maxLifetimeMs !== undefined && maxLifetimeMs > 0) pool.maxConnectionLifetimeMillis = maxLifetimeMs;
  const silence = new SilenceWatch(limits.silenceMs, logger);
  const afterCreate = afterCreateFor(target, limits);
  pool.afterCreate = (connection: unknown, done: Done) => {
    silence.watch(connection);
    if (afterCreate) afterCreate(connection, done);
    else done(null, connection);
  };
  // Checked when a free connection is handed out: one opened before a connection went silent
  // is replaced instead of handed to a request that would wait on it.
  pool.validate = (connection: unknown) => silence.trusted(connection);
  return pool;
}

/**
 * Destroys a connection that does not answer: a request was written and nothing came back for
 * `silenceMs`. TCP alone would wait for its retransmission timeout (15 minutes on Linux), and a
 * proxy that keeps the socket open never errors at all. Only the socket is watched, so it works
 * the same for node-postgres and mysql2 and inside or outside a transaction.
 */
class SilenceWatch {
  /** When each pooled connection was opened (performance.now()). */
  private readonly openedAt = new WeakMap<object, number>();
  /** When a connection was last found silent; connections opened before then are suspect. */
  private silentAt = -1;

  constructor(
    private readonly silenceMs: number,
    private readonly logger: Logger | undefined,
  ) {}

  watch(connection: unknown): void {
    if (typeof connection !== 'object' || connection === null) return;
    this.openedAt.set(connection, performance.now());
    const socket = socketOf(connection);
    if (!socket || this.silenceMs === 0) return;
    watchForSilence(socket, this.silenceMs, () => {
      this.silentAt = performance.now();
      this.logger?.warn({ silent_ms: this.silenceMs }, 'database connection silent while awaiting an answer: destroyed it and every connection opened before it');
    });
  }

  trusted(connection: unknown): boolean {
    if (typeof connection !== 'object' || connection === null) return true;
    return (this.openedAt.get(connection) ?? Infinity) > this.silentAt;
  }
}

/** The driver's socket: node-postgres keeps it at `client.connection.stream`, mysql2 at `stream`. */
function socketOf(connection: object): Socket | undefined {
  const pg = (connection as { connection?: { stream?: unknown } }).connection?.stream;
  if (pg instanceof Socket) return pg;
  const mysql = (connection as { stream?: unknown }).stream;
  return mysql instanceof Socket ? mysql : undefined;
}

/**
 * Calls `onSilent` and destroys the socket when bytes were written and nothing was read for
 * `silenceMs`. An idle connection (everything asked was answered) is left alone. The error
 * carries ETIMEDOUT, so the query fails as "database unreachable" (503, grpc/errors.ts).
 */
function watchForSilence(socket: Socket, silenceMs: number, onSilent: () => void): void {
  let writtenWhenLastAnswered = socket.bytesWritten;
  socket.on('data', () => {
    writtenWhenLastAnswered = socket.bytesWritten;
  });
  socket.setTimeout(silenceMs);
  socket.on('timeout', () => {
    if (socket.destroyed || socket.bytesWritten <= writtenWhenLastAnswered) return;
    onSilent();
    socket.destroy(Object.assign(new Error(`the database did not answer within ${silenceMs} ms (ETIMEDOUT)`), { code: 'ETIMEDOUT' }));
  });
}

type Done = (err: Error | null, connection: unknown) => void;
interface MySqlRawConnection {
  query(sql: string, callback: (err: Error | null) => void): void;
}
interface LibSqlRawConnection {
  exec(sql: string): void;
}

/** Session settings applied to every new connection, since the pool replaces connections. */
function afterCreateFor(target: DatabaseTarget, limits: ServerLimits): ((connection: unknown, done: Done) => void) | undefined {
  if (target.dialect === 'mysql') {
    return (connection, done) => {
      const mysql = connection as MySqlRawConnection;
      // NOW()/CURRENT_TIMESTAMP in UTC too, matching the UTC values the driver writes.
      if (limits.statementMs === 0) return mysql.query("SET time_zone = '+00:00'", (err) => done(err, connection));
      // Row-lock waits (50 s by default) end with the statement timeout too.
      const lockWait = Math.max(1, Math.ceil(limits.statementMs / 1000));
      mysql.query(`SET time_zone = '+00:00', innodb_lock_wait_timeout = ${lockWait}`, (err) => {
        if (err) return done(err, connection);
        // MariaDB limits every statement (seconds); MySQL has only max_execution_time (ms, SELECT).
        mysql.query(`SET SESSION max_statement_time = ${limits.statementMs / 1000}`, (mariaErr) => {
          if (!mariaErr) return done(null, connection);
          if ((mariaErr as { code?: string }).code !== 'ER_UNKNOWN_SYSTEM_VARIABLE') return done(mariaErr, connection);
          mysql.query(`SET SESSION max_execution_time = ${limits.statementMs}`, (mysqlErr) => done(mysqlErr, connection));
        });
      });
    };
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

/** `_busy_timeout` when the DSN does not say: go-sqlite3's default. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** `_fk` is per connection in SQLite; MikroORM only sets it on the first one. */
function sqlitePragmas(params: Record<string, string>): string[] {
  const pragmas = [`PRAGMA foreign_keys = ${params._fk === 'false' || params._fk === '0' ? 'OFF' : 'ON'}`];
  // mattn/go-sqlite3, Hydra's driver, waits 5 s for a lock unless `_busy_timeout` says otherwise;
  // without it a read beside another process's write fails at once with "database is locked".
  const busy = params._busy_timeout;
  pragmas.push(`PRAGMA busy_timeout = ${busy !== undefined && /^\d+$/.test(busy) ? busy : DEFAULT_SQLITE_BUSY_TIMEOUT_MS}`);
  const journal = params._journal_mode?.toUpperCase();
  if (journal && ['DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY', 'WAL', 'OFF'].includes(journal)) pragmas.push(`PRAGMA journal_mode = ${journal}`);
  return pragmas;
}

/** Driver connection settings from the DSN's dialect parameters. */
function connectionOptions(target: DatabaseTarget, limits: ServerLimits): Record<string, unknown> {
  const p = target.params;
  const keepAlive = limits.keepAliveMs > 0;
  if (target.dialect === 'postgres') {
    // TCP keepalive finds a peer that vanished while the connection sat idle in the pool.
    const options: Record<string, unknown> = { connectionTimeoutMillis: limits.connectMs, keepAlive, keepAliveInitialDelayMillis: limits.keepAliveMs };
    const ssl = postgresSsl(p);
    if (ssl !== undefined) options.ssl = ssl;
    if (p.application_name) options.application_name = p.application_name;
    // A startup parameter, so it holds for every statement of the session.
    if (limits.statementMs > 0) options.statement_timeout = limits.statementMs;
    return options;
  }
  if (target.dialect === 'mysql') {
    // utf8mb4 whatever the DSN's `charset` says: client names and metadata may hold any Unicode.
    const options: Record<string, unknown> = { charset: 'utf8mb4', connectTimeout: limits.connectMs, enableKeepAlive: keepAlive, keepAliveInitialDelay: limits.keepAliveMs };
    if (p.tls === 'true') options.ssl = { rejectUnauthorized: true };
    if (p.tls === 'skip-verify' || p.tls === 'preferred') options.ssl = { rejectUnauthorized: false };
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
