/**
 * The SQL TokenStore (Hydra's persister_oauth2.go): direct statements, indexed lookups, and
 * conditional updates whose row counts decide races (DESIGN.md, Storage).
 *
 * Why no token of a grant is active once reuse is detected, whatever the interleaving
 * (RFC 6749 §10.4 and RFC 9700 §4.14.2 for refresh tokens, RFC 6749 §4.1.2 and RFC 9700 §4.5
 * for codes): the request that detects the reuse may run while the request that won the race
 * is between its rotation and the insert of the new pair, on another connection or another
 * core, so deactivating the grant's rows can never be sure to catch rows still to come. It
 * therefore first commits a row in `oauth2_revoked_grants`, and a token is active only when
 * its row says so AND its grant has no such row: get() reads both in one statement. Every
 * token of the grant, stored before or after, reads as inactive from that commit on, on every
 * dialect and every core, without any lock. The exchanges' conditional updates also require
 * that no such row exists, so a request that comes after the revocation stores nothing.
 *
 * Deadlocks (issue 15 §3): a refresh exchange locks the presented token's row first (its
 * conditional update, which also decides the race, so losers wait there holding nothing), then
 * the access token rows it deactivates, then inserts; MySQL runs it at READ COMMITTED, so the
 * insert takes no gap locks that a concurrent revocation's scan could hold. A code redemption
 * is two single statements outside any transaction (redeemCode), so it holds no lock between
 * them. A revocation writes its row in `oauth2_revoked_grants` before it touches token rows. What still deadlocks or fails to
 * serialise is retried whole (storage/transient.ts): a rolled-back exchange consumed nothing.
 */
import { ConstraintViolationException, UniqueConstraintViolationException, type EntityData } from '@mikro-orm/core';
import { OAuthError } from '../shared/errors.js';
import type { Knex } from '@mikro-orm/knex';
import type { SecretBox } from '../keys/secret-box.js';
import type { JtiStore, RefreshExchange, RotationOutcome, TokenRecord, TokenStore } from '../tokens/store.js';
import { deletedClientError } from './deleted-client.js';
import { NO_CHANGE_FEED, type Change, type ChangeFeed } from './change-feed.js';
import type { Orm } from './orm.js';
import { JsonTextType } from './json-text-type.js';
import { JtiSchema, RevokedGrantSchema, TokenSchema } from './token-entities.js';
import { CompiledInsert } from './compiled-insert.js';
import { GroupCommit } from './group-commit.js';
import { retryOnConflict } from './transient.js';
import { rowMapper } from './rows.js';

const TOKENS = TokenSchema.meta.tableName;
const REVOKED = RevokedGrantSchema.meta.tableName;
/** At most this many unread codes are held in memory (see freshCodes). */
const FRESH_CODES_MAX = 10_000;

/**
 * Hydra's `oauth2.session.encrypt_at_rest`: the session column (claims, nonce, PKCE challenge)
 * sealed with the system secret. `box` opens sealed rows whatever `encrypt` says, so the
 * setting can be turned off (or on) with rows of both kinds in the table.
 */
export interface SessionEncryption {
  box: SecretBox;
  /** Seal the sessions of new rows. */
  encrypt: boolean;
}

export class SqlTokenStore implements TokenStore, JtiStore {
  constructor(
    private readonly orm: Orm,
    private readonly sessions?: SessionEncryption,
    /** Where deactivations are announced to the token caches of every core replica. */
    private readonly feed: ChangeFeed = NO_CHANGE_FEED,
    /** Callers per group-committed insert (the batch-size metric). */
    onBatch?: (callers: number) => void,
  ) {
    this.toRow = rowMapper(orm, TokenSchema);
    // No fork: nothing here touches an identity map, and forking cost ~1% of core's CPU.
    this.inserts = new GroupCommit(
      (rows) => this.insertRows(this.orm.em.getKnex(), rows),
      // insertRows turns a foreign-key refusal (the client was deleted) into this OAuthError.
      (err) => err instanceof ConstraintViolationException || err instanceof OAuthError,
      onBatch,
    );
  }

  private readonly toRow: (row: Record<string, unknown>) => TokenRecord;

  /** The insert compiled once per batch size (storage/compiled-insert.ts). */
  private readonly tokenInsert = new CompiledInsert(TOKENS);

  /** Concurrent inserts share one multi-row statement (storage/group-commit.ts). */
  private readonly inserts: GroupCommit<TokenRecord>;

  async insert(records: TokenRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.inserts.add(records);
    for (const record of records) if (record.kind === 'authorization_code') this.rememberCode(record);
  }

  /**
   * Codes this replica stored and nobody has read yet, for the token request that usually
   * follows within a second on the same replica: its read of the code row is answered from
   * memory (issue 10, one statement less per login). Safe because a code row never changes but
   * to be deactivated, and deactivation is never decided by this read: redeemCode's conditional
   * update is, and it also refuses a grant revoked meanwhile. An entry is taken by its first
   * read (a second presentation reads the row, so a replay is seen as one), and dropped at
   * the code's expiry or when FRESH_CODES_MAX newer ones are waiting.
   */
  private readonly freshCodes = new Map<string, TokenRecord>();

  private rememberCode(record: TokenRecord): void {
    this.freshCodes.set(record.signature, { ...record });
    for (const [signature, held] of this.freshCodes) {
      if (this.freshCodes.size <= FRESH_CODES_MAX && (held.expires_at === null || held.expires_at.getTime() > Date.now())) break;
      this.freshCodes.delete(signature);
    }
  }

  /**
   * The token endpoint's hot path. em.insertMany built entities, propagation and change sets
   * (~14% of core's CPU under test/bench token-opaque); one knex INSERT with the values
   * converted as TokenSchema's types would is the same row for get() to read back.
   */
  private async insertRows(knex: Knex, records: TokenRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Every row spells out the rotation columns so one multi-row INSERT has one column list.
    const rows = records.map((r) => ({
      signature: r.signature,
      kind: r.kind,
      request_id: r.request_id,
      client_id: r.client_id,
      subject: r.subject,
      scope: jsonText(r.scope),
      audience: jsonText(r.audience),
      requested_at: this.date(r.requested_at),
      expires_at: this.date(r.expires_at),
      active: r.active,
      session: this.sealSession(r.session),
      used_at: this.date(r.used_at ?? null),
      reuse_count: r.reuse_count ?? 0,
      access_token_signature: r.access_token_signature ?? null,
    }));
    try {
      await this.tokenInsert.run(knex, rows);
    } catch (err) {
      // The ORM's own exception classes (UniqueConstraintViolationException, …), as insertMany threw.
      throw deletedClientError(err instanceof Error ? this.orm.em.getDriver().convertException(err) : err);
    }
  }

  /** Inserts token rows in another store's transaction (the device code's redemption, storage/device-store.ts). */
  insertWithin(trx: Knex, records: TokenRecord[]): Promise<void> {
    return this.insertRows(trx, records);
  }

  private date(d: Date | null): Date | number | null {
    return d === null ? null : (this.orm.em.getPlatform().processDateProperty(d) as Date | number);
  }

  async get(signature: string): Promise<TokenRecord | undefined> {
    const fresh = this.freshCodes.get(signature);
    if (fresh !== undefined) {
      this.freshCodes.delete(signature);
      return fresh;
    }
    // The introspection hot path. findOne cost ~3× the CPU of this primary-key SELECT mapped by
    // the ORM's own per-dialect conversion: 456 → 160 µs per lookup (test/bench); rowMapper
    // converts as em.map did, without merging an entity into an identity map.
    // The join reads the grant's revocation in the same statement (see the top of this file).
    const row = await this.orm.em
      .getConnection()
      .execute<EntityData<TokenRecord> & { grant_revoked: unknown }>(
        `select t.*, case when r.request_id is null then 0 else 1 end as grant_revoked from ${TOKENS} t left join ${REVOKED} r on r.request_id = t.request_id where t.signature = ? limit 1`,
        [signature],
        'get',
      );
    if (!row) return undefined;
    const revoked = Number(row.grant_revoked) === 1;
    delete (row as { grant_revoked?: unknown }).grant_revoked;
    const record = toRecord(this.toRow(Object.assign(row, { session: this.openSession(row.session as unknown) })));
    return revoked ? { ...record, active: false } : record;
  }

  private sealSession(session: TokenRecord['session']): string | null {
    const json = jsonText(session);
    return json !== null && this.sessions?.encrypt ? this.sessions.box.seal(json) : json;
  }

  /** The session column as JSON text: rows written in the clear (before encryption, or with it off) are JSON already, as Hydra tells them apart. */
  private openSession(stored: unknown): unknown {
    if (typeof stored !== 'string' || stored.startsWith('{') || stored === 'null' || !this.sessions) return stored;
    return this.sessions.box.open(stored);
  }

  async revokeRequest(requestId: string): Promise<number> {
    const knex = this.orm.em.getKnex();
    const changes: Change[] = [{ topic: 'grant', requestId }];
    // The revocation is this row; once committed, no token of the grant reads as active, and
    // every replica's cache hears of it (storage/change-feed.ts).
    await retryOnConflict(() =>
      knex.transaction(async (trx) => {
        await trx(REVOKED).insert({ request_id: requestId, revoked_at: this.date(new Date()) }).onConflict('request_id').ignore();
        await this.feed.publish(trx, changes);
      }),
    );
    this.feed.applyLocally(changes);
    // Tidying the rows themselves (the janitor and the grace check read the columns) may still
    // conflict with an exchange in flight; it is retried, and the revocation holds regardless.
    return retryOnConflict(() => this.revokeWhere({ request_id: requestId }));
  }

  async revokeClient(clientId: string): Promise<number> {
    const changes: Change[] = [{ topic: 'client', clientId }];
    const active = await retryOnConflict(() =>
      this.orm.em.getKnex().transaction(async (trx) => {
        const count = await this.revokeWhere({ client_id: clientId }, trx);
        await this.feed.publish(trx, changes);
        return count;
      }),
    );
    this.feed.applyLocally(changes);
    return active;
  }

  async exchangeRefreshToken(exchange: RefreshExchange): Promise<RotationOutcome> {
    const { signature, requestId, now, grace } = exchange;
    return this.transaction(async (trx) => {
      // One conditional update, so the row lock that orders racers is the first lock taken:
      // the first use (active and unused) or, within the grace period, a reuse while the count
      // allows one (Hydra's count covers every exchange, so fewer than maxUses - 1 reuses so far),
      // never for a revoked grant. Incrementing in SQL, so concurrent reuses cannot exceed the count.
      const exchanged = await trx(TOKENS)
        .where({ signature, kind: 'refresh_token' })
        .whereNotExists(trx(REVOKED).select(trx.raw('1')).where({ request_id: requestId }))
        .where((use) => {
          void use.where((first) => void first.where({ active: true }).whereNull('used_at'));
          if (grace.usedSince === undefined) return;
          const usedSince = this.date(grace.usedSince);
          void use.orWhere((reuse) => {
            void reuse.where({ active: false }).where('used_at', '>=', usedSince);
            if (grace.maxUses > 0) void reuse.where('reuse_count', '<', grace.maxUses - 1);
          });
        })
        // Assigned in this order: MySQL reads used_at as already updated in later assignments.
        .update({
          active: false,
          reuse_count: trx.raw('case when used_at is null then reuse_count else reuse_count + 1 end'),
          used_at: trx.raw('coalesce(used_at, ?)', [this.date(now)]),
        });
      if (exchanged !== 1) return exchange.wasLive ? 'lost' : 'reused';

      const access = trx(TOKENS).where({ kind: 'access_token', active: true });
      if (grace.usedSince !== undefined && exchange.pairedAccessToken !== null) {
        // Hydra's graceful rotation: only the access token issued with this refresh token. The
        // ones concurrent exchanges of it just handed out stay active.
        await access.where({ signature: exchange.pairedAccessToken }).update({ active: false });
      } else {
        // fosite's strict rotation (and Hydra's fallback for rows without the pairing): every access token of the grant.
        await access.where({ request_id: requestId }).update({ active: false });
      }
      await this.insertRows(trx, exchange.issued);
      await this.feed.publish(trx, [{ topic: 'grant', requestId }]);
      return 'exchanged' as const;
    }).then((outcome) => {
      // The presented refresh token and the access tokens it replaced are no longer active.
      if (outcome === 'exchanged') this.feed.applyLocally([{ topic: 'grant', requestId }]);
      return outcome;
    });
  }

  async redeemCode(signature: string, requestId: string, issued: TokenRecord[]): Promise<boolean> {
    // Two statements and no transaction (issue 10): the new rows first, through the group
    // commit, then the conditional update that decides, as before, which of concurrent
    // redemptions wins. Until that update nobody holds the new tokens (they are random and only
    // their hashes are stored), so rows stored before it decides are harmless; if it refuses
    // (the code was used, or its grant revoked) or fails, they are deleted again, and the caller
    // revokes the grant, which makes any row left inactive (get()). A failure leaves the code usable.
    await this.insert(issued);
    let redeemed: number;
    try {
      redeemed = await this.orm.em
        .getKnex()(TOKENS)
        .where({ signature, kind: 'authorization_code', active: true })
        .whereNotExists(this.orm.em.getKnex()(REVOKED).select(this.orm.em.getKnex().raw('1')).where({ request_id: requestId }))
        .update({ active: false });
    } catch (err) {
      await this.forget(issued);
      throw err;
    }
    if (redeemed === 1) return true;
    await this.forget(issued);
    return false;
  }

  /** Deletes rows of tokens never handed out (best effort: a row left behind is one nobody can present). */
  private async forget(rows: TokenRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.orm.em
      .getKnex()(TOKENS)
      .whereIn('signature', rows.map((r) => r.signature))
      .delete()
      .catch(() => undefined);
  }

  /**
   * One exchange as a transaction, run again whole on a deadlock or serialisation failure.
   * MySQL's default REPEATABLE READ takes gap locks on the request_id index for the insert,
   * which deadlock with a revocation scanning the same grant; READ COMMITTED takes none.
   */
  private transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const knex = this.orm.em.getKnex();
    const config = this.orm.config.get('driver')?.name === 'MySqlDriver' ? { isolationLevel: 'read committed' as const } : {};
    return retryOnConflict(() => knex.transaction(work, config));
  }

  /**
   * Deactivates matching rows; rotated refresh tokens lose their grace (used_at cleared) so a
   * revoked grant's tokens are never accepted again. Returns how many rows were active.
   */
  private async revokeWhere(where: { request_id: string } | { client_id: string }, knex: Knex = this.orm.em.getKnex()): Promise<number> {
    const active = await knex(TOKENS).where({ ...where, active: true }).update({ active: false, used_at: null });
    await knex(TOKENS).where(where).whereNotNull('used_at').update({ used_at: null });
    return active;
  }

  async rememberJti(key: string, expiresAt: Date): Promise<boolean> {
    const em = this.em();
    // A jti past its expiry may be recorded again; clear it first so the insert decides.
    await em.nativeDelete(JtiSchema, { key, expires_at: { $lte: new Date() } });
    try {
      await em.insert(JtiSchema, { key, expires_at: expiresAt });
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  private em() {
    return this.orm.em.fork({ clear: true, useContext: false });
  }
}

/** TokenSchema's JSON columns: JSON in a plain text column on every dialect. */
const JSON_TEXT = new JsonTextType();
const jsonText = (value: unknown): string | null => JSON_TEXT.convertToDatabaseValue(value);

function toRecord(row: TokenRecord): TokenRecord {
  const columns = {
    signature: row.signature,
    request_id: row.request_id,
    client_id: row.client_id,
    subject: row.subject,
    scope: row.scope,
    audience: row.audience,
    requested_at: row.requested_at,
    expires_at: row.expires_at,
    active: row.active,
    used_at: row.used_at ?? null,
    reuse_count: row.reuse_count ?? 0,
    access_token_signature: row.access_token_signature ?? null,
  };
  // The kind column says which session the JSON column holds (tokens/store.ts TokenRecord).
  switch (row.kind) {
    case 'authorization_code':
      return { ...columns, kind: row.kind, session: row.session };
    case 'access_token':
    case 'refresh_token':
      return { ...columns, kind: row.kind, session: row.session ?? {} };
  }
}
