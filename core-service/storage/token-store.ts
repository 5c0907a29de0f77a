/**
 * The SQL TokenStore (Hydra's persister_oauth2.go): direct statements, indexed lookups, and
 * conditional updates whose row counts decide races (DESIGN.md, Storage).
 */
import { UniqueConstraintViolationException, raw, type EntityData, type FilterQuery } from '@mikro-orm/core';
import type { SecretBox } from '../keys/secret-box.js';
import type { JtiStore, RotationGrace, RotationOutcome, TokenRecord, TokenStore } from '../tokens/store.js';
import { deletedClientError } from './deleted-client.js';
import type { Orm } from './orm.js';
import { JsonTextType } from './json-text-type.js';
import { JtiSchema, TokenSchema } from './token-entities.js';

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
  ) {}

  async insert(records: TokenRecord[]): Promise<void> {
    if (records.length === 0) return;
    // The token endpoint's hot path. em.insertMany built entities, propagation and change sets
    // (~14% of core's CPU under test/bench token-opaque); one knex INSERT with the values
    // converted as TokenSchema's types would is the same row for get() to read back.
    // No fork: nothing here touches an identity map, and forking cost ~1% of core's CPU.
    const em = this.orm.em;
    const platform = em.getPlatform();
    const date = (d: Date | null): Date | number | null => (d === null ? null : (platform.processDateProperty(d) as Date | number));
    // Every row spells out the rotation columns so one multi-row INSERT has one column list.
    const rows = records.map((r) => ({
      signature: r.signature,
      kind: r.kind,
      request_id: r.request_id,
      client_id: r.client_id,
      subject: r.subject,
      scope: jsonText(r.scope),
      audience: jsonText(r.audience),
      requested_at: date(r.requested_at),
      expires_at: date(r.expires_at),
      active: r.active,
      session: this.sealSession(r.session),
      used_at: date(r.used_at ?? null),
      reuse_count: r.reuse_count ?? 0,
    }));
    try {
      await em.getKnex()(TokenSchema.meta.tableName).insert(rows);
    } catch (err) {
      // The ORM's own exception classes (UniqueConstraintViolationException, …), as insertMany threw.
      throw deletedClientError(err instanceof Error ? em.getDriver().convertException(err) : err);
    }
  }

  async get(signature: string): Promise<TokenRecord | undefined> {
    // The introspection hot path. findOne cost ~3× the CPU of this primary-key SELECT mapped by
    // the ORM's own per-dialect conversion (em.map): 456 → 160 µs per lookup (test/bench).
    const em = this.em();
    const row = await em.getConnection().execute<EntityData<TokenRecord>>('select * from oauth2_tokens where signature = ? limit 1', [signature], 'get');
    return row ? toRecord(em.map(TokenSchema, Object.assign(row, { session: this.openSession(row.session as unknown) }))) : undefined;
  }

  private sealSession(session: Record<string, unknown>): string | null {
    const json = jsonText(session);
    return json !== null && this.sessions?.encrypt ? this.sessions.box.seal(json) : json;
  }

  /** The session column as JSON text: rows written in the clear (before encryption, or with it off) are JSON already, as Hydra tells them apart. */
  private openSession(stored: unknown): unknown {
    if (typeof stored !== 'string' || stored.startsWith('{') || stored === 'null' || !this.sessions) return stored;
    return this.sessions.box.open(stored);
  }

  async revokeRequest(requestId: string): Promise<number> {
    return this.revokeWhere({ request_id: requestId });
  }

  async revokeClient(clientId: string): Promise<number> {
    return this.revokeWhere({ client_id: clientId });
  }

  async useRefreshToken(signature: string, requestId: string, now: Date, grace: RotationGrace, wasLive: boolean): Promise<RotationOutcome> {
    const em = this.em();
    // The first use wins only while the row is still active and unused; the row count decides races.
    const rotated = await em.nativeUpdate(
      TokenSchema,
      { signature, kind: 'refresh_token', active: true, used_at: null },
      { active: false, used_at: now },
    );
    let outcome: RotationOutcome;
    if (rotated === 1) {
      outcome = 'rotated';
    } else if (grace.usedSince !== undefined && (await this.acceptGraceReuse(signature, grace.usedSince, grace.maxReuse)) === 1) {
      outcome = 'grace';
    } else {
      return wasLive ? 'lost' : 'reused';
    }
    // fosite's refresh handler revokes the grant's earlier access tokens before minting new ones.
    await em.nativeUpdate(TokenSchema, { request_id: requestId, kind: 'access_token', active: true }, { active: false });
    return outcome;
  }

  private acceptGraceReuse(signature: string, usedSince: Date, maxReuse: number): Promise<number> {
    const where: FilterQuery<TokenRecord> = {
      signature,
      kind: 'refresh_token',
      active: false,
      used_at: { $gte: usedSince },
      ...(maxReuse > 0 ? { reuse_count: { $lt: maxReuse } } : {}),
    };
    // Incrementing in SQL, not read-modify-write, so concurrent reuses cannot exceed maxReuse.
    return this.em().nativeUpdate(TokenSchema, where, { reuse_count: raw('reuse_count + 1') });
  }

  /**
   * Deactivates matching rows; rotated refresh tokens lose their grace (used_at cleared) so a
   * revoked grant's tokens are never accepted again. Returns how many rows were active.
   */
  private async revokeWhere(where: { request_id: string } | { client_id: string }): Promise<number> {
    const em = this.em();
    const active = await em.nativeUpdate(TokenSchema, { ...where, active: true }, { active: false, used_at: null });
    await em.nativeUpdate(TokenSchema, { ...where, used_at: { $ne: null } }, { used_at: null });
    return active;
  }

  async deactivate(signature: string): Promise<boolean> {
    return (await this.em().nativeUpdate(TokenSchema, { signature, active: true }, { active: false })) === 1;
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
  return {
    signature: row.signature,
    kind: row.kind,
    request_id: row.request_id,
    client_id: row.client_id,
    subject: row.subject,
    scope: row.scope,
    audience: row.audience,
    requested_at: row.requested_at,
    expires_at: row.expires_at,
    active: row.active,
    session: row.session ?? {},
    used_at: row.used_at ?? null,
    reuse_count: row.reuse_count ?? 0,
  };
}
