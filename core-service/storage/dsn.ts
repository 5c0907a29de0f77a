/**
 * The one DSN parser of all three programs. Accepts Hydra's forms:
 *   postgres://user:pass@host:5432/db?sslmode=disable
 *   mysql://user:pass@tcp(host:3306)/db?parseTime=true   (Go driver form)
 *   mysql://user:pass@host:3306/db                        (plain URL form)
 *   sqlite://path/to/file.sqlite?_fk=true, sqlite:///abs/path.sqlite
 *   memory                                                (in-memory SQLite)
 * Pool parameters on any DSN: max_conns, max_idle_conns, max_conn_lifetime, max_conn_idle_time,
 * pool_timeout. Timeouts on a database server's DSN (postgres, mysql; SQLite has no socket):
 * statement_timeout, tcp_keepalive. Any other parameter that the dialect does not know is
 * rejected, naming it.
 */
import { parseGoDuration } from '../shared/durations.js';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export interface PoolSettings {
  /** Upper bound of open connections (max_conns). */
  max?: number;
  /** Connections kept open while idle (max_idle_conns). */
  minIdle?: number;
  /** Close a connection this long after it was opened, in ms (max_conn_lifetime). */
  maxLifetimeMs?: number;
  /** Close a connection idle this long, in ms (max_conn_idle_time). */
  idleTimeoutMs?: number;
  /** Fail a query that waited this long for a free connection, in ms (pool_timeout; 0 = wait forever). */
  acquireTimeoutMs?: number;
}

/** How long core waits on a database server before it gives up on a statement or a socket. */
export interface ServerTimeouts {
  /** The server cancels a statement running longer, in ms (statement_timeout; 0 = no limit). */
  statementMs?: number;
  /** Idle time before TCP keepalive probes start, in ms (tcp_keepalive; 0 = no keepalive). */
  keepAliveMs?: number;
}

export interface DatabaseTarget {
  dialect: Dialect;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  /** Database name (postgres, mysql) or file path / `:memory:` (sqlite). */
  database: string;
  /** True for `memory`: the schema lives and dies with the process. */
  inMemory: boolean;
  pool: PoolSettings;
  /** Statement and socket timeouts (postgres, mysql only). */
  timeouts: ServerTimeouts;
  /** Dialect-specific parameters that were accepted (sslmode, …). */
  params: Record<string, string>;
  /** The DSN with its password replaced, safe to log. */
  redacted: string;
}

export class DsnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DsnError';
  }
}

const POOL_PARAMS = ['max_conns', 'max_idle_conns', 'max_conn_lifetime', 'max_conn_idle_time', 'pool_timeout'];
/** Accepted on the DSNs of database servers; SQLite runs in-process, with no statement to abandon. */
const SERVER_TIMEOUT_PARAMS = ['statement_timeout', 'tcp_keepalive'];

/** Parameters each dialect accepts besides the pool ones; Hydra users have these in their DSNs. */
const DIALECT_PARAMS: Record<Dialect, string[]> = {
  postgres: ['sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'application_name', 'connect_timeout'],
  mysql: ['parseTime', 'charset', 'collation', 'loc', 'timeout', 'tls', 'multiStatements'],
  sqlite: ['_fk', 'mode', 'cache', '_journal_mode', '_busy_timeout'],
};

function parsePool(params: URLSearchParams, dsnForErrors: string): PoolSettings {
  const pool: PoolSettings = {};
  const count = (name: string) => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new DsnError(`DSN parameter ${name} must be a whole number ≥ 0, got "${raw}" in ${dsnForErrors}`);
    return n;
  };
  const time = (name: string) => durationParam(params, name, dsnForErrors);
  const max = count('max_conns');
  const minIdle = count('max_idle_conns');
  const maxLifetimeMs = time('max_conn_lifetime');
  const idleTimeoutMs = time('max_conn_idle_time');
  if (max !== undefined) {
    if (max === 0) throw new DsnError(`DSN parameter max_conns must be at least 1 in ${dsnForErrors}`);
    pool.max = max;
  }
  if (minIdle !== undefined) pool.minIdle = minIdle;
  if (maxLifetimeMs !== undefined) pool.maxLifetimeMs = maxLifetimeMs;
  if (idleTimeoutMs !== undefined) pool.idleTimeoutMs = idleTimeoutMs;
  const acquireTimeoutMs = time('pool_timeout');
  if (acquireTimeoutMs !== undefined) pool.acquireTimeoutMs = acquireTimeoutMs;
  if (pool.max !== undefined && pool.minIdle !== undefined && pool.minIdle > pool.max) {
    throw new DsnError(`DSN parameter max_idle_conns (${pool.minIdle}) exceeds max_conns (${pool.max}) in ${dsnForErrors}`);
  }
  return pool;
}

/** A Go duration (`5s`, `500ms`); with `bareMs`, a bare number is milliseconds (PostgreSQL's statement_timeout unit). */
function durationParam(params: URLSearchParams, name: string, dsnForErrors: string, bareMs = false): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const ms = bareMs && /^\d+$/.test(raw) ? Number(raw) : parseGoDuration(raw);
  if (ms === undefined || ms < 0) throw new DsnError(`DSN parameter ${name} must be a duration such as 30s or 5m, got "${raw}" in ${dsnForErrors}`);
  return ms;
}

function parseTimeouts(params: URLSearchParams, dsnForErrors: string): ServerTimeouts {
  const timeouts: ServerTimeouts = {};
  const statementMs = durationParam(params, 'statement_timeout', dsnForErrors, true);
  const keepAliveMs = durationParam(params, 'tcp_keepalive', dsnForErrors);
  if (statementMs !== undefined) timeouts.statementMs = statementMs;
  if (keepAliveMs !== undefined) timeouts.keepAliveMs = keepAliveMs;
  return timeouts;
}

function checkParams(dialect: Dialect, params: URLSearchParams, dsnForErrors: string): Record<string, string> {
  const accepted: Record<string, string> = {};
  for (const [name, value] of params) {
    if (POOL_PARAMS.includes(name) || (dialect !== 'sqlite' && SERVER_TIMEOUT_PARAMS.includes(name))) continue;
    if (!DIALECT_PARAMS[dialect].includes(name)) {
      const allowed = [...POOL_PARAMS, ...(dialect === 'sqlite' ? [] : SERVER_TIMEOUT_PARAMS), ...DIALECT_PARAMS[dialect]];
      throw new DsnError(`unknown DSN parameter "${name}" for ${dialect} in ${dsnForErrors}; allowed: ${allowed.join(', ')}`);
    }
    accepted[name] = value;
  }
  return accepted;
}

// Query parameters that may carry a secret (libpq's password, sslpassword, …).
const SECRET_PARAM = /pass|secret|key$/i;

/**
 * The DSN safe to log, also when it cannot be parsed. The userinfo runs from `://` to the last
 * `@` (`@tcp(` in Go's MySQL form), as the URL parser reads a well-formed DSN; a password with
 * `@`, `:` or an unencoded `/` (which the URL parser would misread as the end of the host) is
 * hidden whole. Only the user name (up to the first `:`) is kept. An `@` in a query value makes
 * this hide more than the password, never less.
 */
export function redactDsn(dsn: string): string {
  const scheme = dsn.indexOf('://');
  if (scheme === -1) return dsn;
  const start = scheme + 3;
  const goForm = dsn.lastIndexOf('@tcp(');
  const at = goForm !== -1 ? goForm : dsn.lastIndexOf('@');
  let out = dsn;
  if (at > start) {
    const userinfo = dsn.slice(start, at);
    const colon = userinfo.indexOf(':');
    if (colon !== -1) out = `${dsn.slice(0, start)}${userinfo.slice(0, colon)}:***${dsn.slice(at)}`;
  }
  const query = out.indexOf('?', at > start ? out.indexOf('@', start) : start);
  if (query === -1) return out;
  const params = out
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq !== -1 && SECRET_PARAM.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=***` : pair;
    });
  return `${out.slice(0, query + 1)}${params.join('&')}`;
}

function splitQuery(rest: string): [string, URLSearchParams] {
  const q = rest.indexOf('?');
  return q === -1 ? [rest, new URLSearchParams()] : [rest.slice(0, q), new URLSearchParams(rest.slice(q + 1))];
}

/** Parses a DSN into a connection target. Throws DsnError with a message that names the problem. */
export function parseDsn(dsn: string): DatabaseTarget {
  const text = dsn.trim();
  if (text === '') throw new DsnError('DSN is empty; set DSN (or dsn in the config file), e.g. postgres://user:pass@host:5432/db');
  const safe = redactDsn(text);

  if (text === 'memory' || text.startsWith('memory?')) {
    const [, params] = splitQuery(text);
    return { dialect: 'sqlite', database: ':memory:', inMemory: true, pool: { ...parsePool(params, safe), max: 1 }, timeouts: {}, params: checkParams('sqlite', params, safe), redacted: safe };
  }

  if (text.startsWith('sqlite://') || text.startsWith('sqlite3://')) {
    const [path, params] = splitQuery(text.slice(text.indexOf('://') + 3));
    if (path === '') throw new DsnError(`sqlite DSN has no file path: ${safe}; use sqlite://path/to/db.sqlite?_fk=true`);
    const inMemory = path === ':memory:' || path.startsWith('file::memory:');
    // SQLite allows one writer at a time; a single connection avoids SQLITE_BUSY under load.
    return { dialect: 'sqlite', database: inMemory ? ':memory:' : path, inMemory, pool: { ...parsePool(params, safe), max: 1 }, timeouts: {}, params: checkParams('sqlite', params, safe), redacted: safe };
  }

  if (text.startsWith('mysql://')) {
    const rest = text.slice('mysql://'.length);
    const tcp = rest.lastIndexOf('@tcp(');
    if (tcp !== -1 || rest.startsWith('tcp(')) {
      // Go form: user:pass@tcp(host:port)/db?params
      const userInfo = tcp === -1 ? '' : rest.slice(0, tcp);
      const afterAt = tcp === -1 ? rest : rest.slice(tcp + 1);
      const match = /^tcp\(([^)]*)\)\/([^?]*)(\?.*)?$/.exec(afterAt);
      if (!match) throw new DsnError(`cannot parse MySQL DSN ${safe}; expected mysql://user:pass@tcp(host:3306)/db?parseTime=true`);
      const [, hostPort = '', database = '', query = ''] = match;
      const params = new URLSearchParams(query.slice(1));
      const colon = userInfo.indexOf(':');
      const [host, port] = splitHostPort(hostPort, 3306, safe);
      return {
        dialect: 'mysql',
        host,
        port,
        user: decodeURIComponent(colon === -1 ? userInfo : userInfo.slice(0, colon)),
        password: colon === -1 ? '' : userInfo.slice(colon + 1),
        database: requireDatabase(database, safe),
        inMemory: false,
        pool: parsePool(params, safe),
        timeouts: parseTimeouts(params, safe),
        params: checkParams('mysql', params, safe),
        redacted: safe,
      };
    }
    return fromUrl('mysql', text, 3306, safe);
  }

  if (text.startsWith('postgres://') || text.startsWith('postgresql://')) return fromUrl('postgres', text, 5432, safe);

  const scheme = text.includes('://') ? text.slice(0, text.indexOf('://')) : text;
  throw new DsnError(`unsupported DSN scheme "${scheme}"; use postgres://, mysql://, sqlite:// or memory`);
}

function splitHostPort(hostPort: string, defaultPort: number, safe: string): [string, number] {
  if (hostPort === '') return ['127.0.0.1', defaultPort];
  const colon = hostPort.lastIndexOf(':');
  if (colon === -1) return [hostPort, defaultPort];
  const port = Number(hostPort.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new DsnError(`invalid port in DSN ${safe}`);
  return [hostPort.slice(0, colon), port];
}

function requireDatabase(name: string, safe: string): string {
  if (name === '') throw new DsnError(`DSN names no database: ${safe}`);
  return decodeURIComponent(name);
}

const ENCODE_HINT = 'percent-encode reserved characters in the user name and password (/ as %2F, ? as %3F, # as %23, % as %25)';

function decodeUserinfo(value: string, safe: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new DsnError(`the user name or password of DSN ${safe} is not valid percent-encoding; ${ENCODE_HINT}`);
  }
}

function fromUrl(dialect: Dialect, text: string, defaultPort: number, safe: string): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DsnError(`cannot parse DSN ${safe}; ${ENCODE_HINT}`);
  }
  const database = url.pathname.replace(/^\//, '');
  // A raw '/', '?' or '#' in the password ends the authority early and pushes the rest of the
  // userinfo into the path: refuse rather than connect somewhere else.
  if (database.includes('@')) throw new DsnError(`cannot parse DSN ${safe}; ${ENCODE_HINT}`);
  return {
    dialect,
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : defaultPort,
    user: decodeUserinfo(url.username, safe),
    password: decodeUserinfo(url.password, safe),
    database: requireDatabase(database, safe),
    inMemory: false,
    pool: parsePool(url.searchParams, safe),
    timeouts: parseTimeouts(url.searchParams, safe),
    params: checkParams(dialect, url.searchParams, safe),
    redacted: safe,
  };
}
