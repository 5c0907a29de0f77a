/**
 * How one core replica learns that another changed a row it may have cached (issue 11): a
 * client (updated, deleted, secret rotated) or a grant's tokens (revoked, rotated, reuse
 * detected). A writer publishes its changes inside its own transaction, so they reach other
 * replicas exactly when the change commits, never before and never without it:
 * - PostgreSQL: `pg_notify` in the transaction; every replica LISTENs on a connection of its
 *   own, and PostgreSQL delivers the notification at commit (milliseconds).
 * - MySQL/MariaDB: a row in `tessera_changes` in the transaction; every replica reads the
 *   rows it has not seen every POLL_MS (a primary-key range scan).
 * - SQLite: the embedded database is one core process's file; its changes are applied
 *   in-process, and `PRAGMA data_version`, read every POLL_MS, empties the caches should
 *   another process have written to the file.
 * The writing replica applies its changes to its own caches right after its commit, before it
 * answers, so its own caller never reads the old row.
 *
 * Staleness bound (what the caches promise): a change committed on one replica is seen by
 * every other one within STALE_AFTER_MS (1 s). A cache is used only while its feed is current,
 * i.e. the LISTEN connection answered a ping, or a poll succeeded, within STALE_AFTER_MS;
 * otherwise every read goes to the database, and when the feed is back every cache is emptied
 * (changes may have been missed meanwhile).
 */
import type { Knex } from '@mikro-orm/knex';
import type { Logger } from '../shared/logger.js';
import type { Orm } from './orm.js';

/** A client row changed (or was deleted) together with everything cached about its tokens. */
export interface ClientChanged {
  topic: 'client';
  clientId: string;
}
/** The tokens of one grant (request id) changed: revoked, rotated, or the grant marked revoked. */
export interface GrantChanged {
  topic: 'grant';
  requestId: string;
}
export type Change = ClientChanged | GrantChanged;

/** What a cache hears: one change, or "changes may have been missed: forget everything". */
export type ChangeListener = (change: Change | 'all') => void;

export interface ChangeFeed {
  /** Records `changes` in the writer's transaction `trx`; other replicas see them once it commits. */
  publish(trx: Knex, changes: readonly Change[]): Promise<void>;
  /** Applies `changes` to this replica's caches; call after the transaction that published them committed. */
  applyLocally(changes: readonly Change[]): void;
  subscribe(listener: ChangeListener): void;
  /** True while changes from other replicas are known to arrive within STALE_AFTER_MS. */
  current(): boolean;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The documented staleness bound: a replica sees another's committed change within this. */
export const STALE_AFTER_MS = 1_000;
/** How often MySQL replicas read new rows of `tessera_changes` (SQLite: its data_version). */
export const POLL_MS = 200;
/** How long an unseen sequence number below a seen one is waited for (a transaction still open). */
const GAP_WAIT_MS = 10_000;
/** Rows of `tessera_changes` older than this are deleted by whichever replica polls. */
const KEEP_ROWS_MS = 60_000;
/** More unseen numbers than this at once: rather than track them, every cache is emptied. */
const MAX_GAPS = 1_000;
const CHANNEL = 'tessera_changes';
/** PostgreSQL's notification payload limit is 8000 bytes; larger sets are sent as "forget everything". */
const MAX_PAYLOAD = 7_900;

const encode = (change: Change): string => (change.topic === 'client' ? `c:${change.clientId}` : `g:${change.requestId}`);
function decode(text: string): Change | 'all' {
  if (text.startsWith('c:')) return { topic: 'client', clientId: text.slice(2) };
  if (text.startsWith('g:')) return { topic: 'grant', requestId: text.slice(2) };
  return 'all';
}

/**
 * What the three feeds share: fanning changes out to this replica's caches, and a check that
 * repeats every `intervalMs`, one run at a time, until close().
 */
abstract class FeedBase implements ChangeFeed {
  private readonly listeners: ChangeListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  protected closed = false;

  constructor(protected readonly deps: ChangeFeedDeps) {}

  abstract publish(trx: Knex, changes: readonly Change[]): Promise<void>;
  abstract current(): boolean;
  abstract start(): Promise<void>;

  applyLocally(changes: readonly Change[]): void {
    for (const change of changes) this.deliver(change);
  }

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  protected deliver(change: Change | 'all'): void {
    this.deps.onReceived?.(change);
    for (const listener of this.listeners) listener(change);
  }

  /** Runs `check` every `intervalMs` (never two at once) until close(). */
  protected repeat(check: () => Promise<void>, intervalMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= check().finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Logs why the feed stopped being current, once, as it stops. */
  protected warnLost(wasCurrent: boolean, err: unknown, what: string): void {
    if (wasCurrent) this.deps.logger.warn({ error: err instanceof Error ? err.message : String(err) }, `change feed: ${what}; caches bypassed until it succeeds`);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
  }
}

export interface ChangeFeedDeps {
  orm: Orm;
  logger: Logger;
  /** Counts every change this replica applies (metrics: invalidations received). */
  onReceived?: (change: Change | 'all') => void;
}

/** The feed for the ORM's dialect. */
export function createChangeFeed(deps: ChangeFeedDeps): ChangeFeed {
  const driver = deps.orm.config.get('driver')?.name;
  if (driver === 'PostgreSqlDriver') return new PostgresChangeFeed(deps);
  if (driver === 'MySqlDriver') return new PollingChangeFeed(deps);
  return new SqliteChangeFeed(deps);
}

/**
 * SQLite: the embedded database is meant for one core process, whose own changes reach its
 * caches in-process. Should a second process share the file, SQLite's cheap version check
 * tells: `PRAGMA data_version` changes when another connection committed anything, and then
 * every cache is emptied (coarse, but nothing stale is served). Core's SQLite pool is one
 * connection, so its own commits never move the number.
 */
class SqliteChangeFeed extends FeedBase {
  private version: number | undefined;
  private lastPollAt = -Infinity;

  publish = async (): Promise<void> => undefined;

  current(): boolean {
    return this.version !== undefined && performance.now() - this.lastPollAt < STALE_AFTER_MS;
  }

  async start(): Promise<void> {
    await this.poll();
    this.repeat(() => this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    const wasCurrent = this.current();
    try {
      const rows = (await this.deps.orm.em.getKnex().raw('PRAGMA data_version')) as Array<{ data_version?: unknown }>;
      const version = Number(rows[0]?.data_version);
      if (version !== this.version || !wasCurrent) this.deliver('all');
      this.version = version;
      this.lastPollAt = performance.now();
    } catch (err) {
      this.warnLost(wasCurrent, err, 'PRAGMA data_version failed');
    }
  }
}

/** A feed for stores built without caches (tools, tests): publishes nothing, is never current. */
export const NO_CHANGE_FEED: ChangeFeed = {
  publish: async () => undefined,
  applyLocally: () => undefined,
  subscribe: () => undefined,
  current: () => false,
  start: async () => undefined,
  close: async () => undefined,
};

interface PgNotification {
  channel: string;
  payload?: string;
}
interface PgClient {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (n: PgNotification) => void): void;
  on(event: 'error' | 'end', listener: (err?: Error) => void): void;
}

class PostgresChangeFeed extends FeedBase {
  private connection: PgClient | undefined;
  private lastAnswerAt = -Infinity;

  async publish(trx: Knex, changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    const payload = changes.map(encode).join('\n');
    // Delivered at commit, to every session listening, this replica's own included.
    await trx.raw('select pg_notify(?, ?)', [CHANNEL, Buffer.byteLength(payload) > MAX_PAYLOAD ? '*' : payload]);
  }

  current(): boolean {
    return this.connection !== undefined && performance.now() - this.lastAnswerAt < STALE_AFTER_MS;
  }

  async start(): Promise<void> {
    await this.connect();
    // A LISTEN connection that goes silent delivers nothing and reports nothing: ping it, so
    // current() turns false within the bound and caches stop answering.
    this.repeat(() => this.ping(), STALE_AFTER_MS / 4);
  }

  /** knex's driver client: connections opened and closed outside the pool. */
  private client(): { acquireRawConnection(): Promise<PgClient>; destroyRawConnection(c: PgClient): Promise<void> } {
    return this.deps.orm.em.getConnection().getKnex().client as ReturnType<PostgresChangeFeed['client']>;
  }

  private drop(connection: PgClient): Promise<void> {
    return this.client().destroyRawConnection(connection).catch(() => undefined);
  }

  private async connect(): Promise<void> {
    try {
      const connection = await this.client().acquireRawConnection();
      connection.on('notification', (n) => {
        if (n.channel !== CHANNEL) return;
        for (const line of (n.payload ?? '*').split('\n')) this.deliver(decode(line));
      });
      const lost = (err?: Error) => {
        if (this.connection !== connection) return;
        this.connection = undefined;
        if (!this.closed) this.deps.logger.warn({ error: err?.message }, 'change feed: LISTEN connection lost; caches bypassed until it is back');
        void this.drop(connection);
      };
      connection.on('error', lost);
      connection.on('end', lost);
      await connection.query(`LISTEN ${CHANNEL}`);
      if (this.closed) {
        await this.drop(connection);
        return;
      }
      this.connection = connection;
      this.lastAnswerAt = performance.now();
      // Whatever changed while nobody listened is unknown.
      this.deliver('all');
    } catch (err) {
      this.deps.logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'change feed: cannot LISTEN; caches bypassed until it can');
    }
  }

  private async ping(): Promise<void> {
    if (this.closed) return;
    if (this.connection === undefined) {
      await this.connect();
      return;
    }
    const connection = this.connection;
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      connection.query('select 1').then(() => true, () => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), STALE_AFTER_MS);
      }),
    ]);
    clearTimeout(timer);
    if (answered) this.lastAnswerAt = performance.now();
    else if (this.connection === connection) {
      this.connection = undefined;
      void this.drop(connection);
    }
  }

  override async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    // Stops the pings first; dropping the connection then ends one in flight at once.
    const stopped = super.close();
    if (connection) await this.drop(connection);
    await stopped;
  }
}

interface ChangeRow {
  seq: number | string;
  entry: string;
}

/**
 * MySQL/MariaDB. Sequence numbers are handed out at insert but become visible at
 * commit, so a later number can be read before an earlier one (two transactions in flight).
 * A number skipped below the highest one read is therefore looked for again on every poll
 * until it shows up or GAP_WAIT_MS passes (a rolled-back insert leaves a hole for good).
 */
class PollingChangeFeed extends FeedBase {
  private highest = 0;
  /** Sequence numbers below `highest` not read yet → when they were first missed. */
  private readonly gaps = new Map<number, number>();
  private lastPollAt = -Infinity;
  private lastPruneAt = 0;
  private started = false;

  private knex(): Knex {
    return this.deps.orm.em.getKnex();
  }

  async publish(trx: Knex, changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    await trx(CHANNEL).insert(changes.map((change) => ({ entry: encode(change), created_at: Date.now() })));
  }

  current(): boolean {
    return this.started && performance.now() - this.lastPollAt < STALE_AFTER_MS;
  }

  async start(): Promise<void> {
    try {
      const row = await this.knex()(CHANNEL).max({ seq: 'seq' }).first();
      this.highest = Number((row as { seq?: unknown } | undefined)?.seq ?? 0);
      this.lastPollAt = performance.now();
      this.started = true;
    } catch (err) {
      this.warnLost(true, err, 'cannot read tessera_changes');
    }
    this.repeat(() => this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    const wasCurrent = this.current();
    try {
      const knex = this.knex();
      const gaps = [...this.gaps.keys()];
      const rows = (await knex(CHANNEL)
        .select('seq', 'entry')
        .where('seq', '>', this.highest)
        .modify((q) => {
          if (gaps.length > 0) void q.orWhereIn('seq', gaps);
        })
        .orderBy('seq')) as ChangeRow[];
      const now = performance.now();
      if (!this.started || !wasCurrent) {
        // Whatever changed while the feed was not being read is unknown.
        this.started = true;
        this.deliver('all');
      }
      for (const row of rows) {
        const seq = Number(row.seq);
        this.gaps.delete(seq);
        if (seq - this.highest > MAX_GAPS) this.deliver('all');
        else for (let missing = this.highest + 1; missing < seq; missing += 1) this.gaps.set(missing, now);
        if (seq > this.highest) this.highest = seq;
        this.deliver(decode(row.entry));
      }
      for (const [seq, since] of this.gaps) if (now - since > GAP_WAIT_MS) this.gaps.delete(seq);
      this.lastPollAt = now;
      if (Date.now() - this.lastPruneAt > KEEP_ROWS_MS / 4) {
        this.lastPruneAt = Date.now();
        await knex(CHANNEL).where('created_at', '<', Date.now() - KEEP_ROWS_MS).delete();
      }
    } catch (err) {
      this.warnLost(wasCurrent, err, 'polling tessera_changes failed');
    }
  }
}
