/**
 * The SQL side of the janitor: per batch, select up to `max` primary keys of stale rows, then
 * delete exactly those. Two short statements instead of one `DELETE … LIMIT` because MySQL
 * refuses LIMIT inside an IN subquery and PostgreSQL has no DELETE … LIMIT; each statement
 * uses the expiry index and holds its row locks only for the batch.
 */
import type { JanitorStore, JanitorTarget } from '../janitor/janitor.js';
import { DeviceCodeSchema } from './device-entities.js';
import type { Dialect } from './dsn.js';
import { LoginSessionSchema, UsedChallengeSchema } from './flow-entities.js';
import type { Orm } from './orm.js';
import { JtiSchema, RevokedGrantSchema, TokenSchema } from './token-entities.js';
import { TrustSchema } from './trust-entities.js';

/** How long a revocation marker is kept at least, whatever the cutoff: far beyond any exchange. */
const MARKER_SETTLE_MS = 60 * 60 * 1000;

export class SqlJanitorStore implements JanitorStore {
  constructor(private readonly orm: Orm) {}

  async deleteBatch(target: JanitorTarget, cutoff: Date, max: number): Promise<number> {
    const em = this.orm.em.fork({ clear: true, useContext: false });
    switch (target) {
      case 'tokens': {
        const tokens = await this.deleteStaleTokens(cutoff, max);
        return tokens >= max ? tokens : tokens + (await this.deleteSpentRevocations(cutoff, max - tokens));
      }
      case 'jtis': {
        // A client-assertion id only blocks replays until the assertion itself expires.
        const rows = await em.find(JtiSchema, { expires_at: { $lt: cutoff } }, { fields: ['key'], limit: max, disableIdentityMap: true });
        if (rows.length === 0) return 0;
        return em.nativeDelete(JtiSchema, { key: { $in: rows.map((r) => r.key) } });
      }
      case 'device_codes': {
        // RFC 8628: past its expiry a device code only answers expired_token, and its user code
        // is refused; the janitor then drops both (whatever the user answered).
        const rows = await em.find(DeviceCodeSchema, { expires_at: { $lt: cutoff } }, { fields: ['device_code_signature'], limit: max, disableIdentityMap: true });
        if (rows.length === 0) return 0;
        return em.nativeDelete(DeviceCodeSchema, { device_code_signature: { $in: rows.map((r) => r.device_code_signature) } });
      }
      case 'requests': {
        // Flow state travels in encrypted challenges; what is stored is the record that a
        // challenge was used, needed only until the challenge itself has expired.
        const rows = await em.find(UsedChallengeSchema, { expires_at: { $lt: cutoff } }, { fields: ['id'], limit: max, disableIdentityMap: true });
        const challenges = rows.length === 0 ? 0 : await em.nativeDelete(UsedChallengeSchema, { id: { $in: rows.map((r) => r.id) } });
        if (challenges >= max) return challenges;
        // Then expired login sessions: the session cookie already counts as absent once
        // expires_at has passed (flows/cookies.ts), so the row serves nothing any more. Sharing
        // the batch keeps runJanitor's "fewer than max means done" rule true for both tables.
        const sessions = await em.find(LoginSessionSchema, { expires_at: { $lt: cutoff } }, { fields: ['id'], limit: max - challenges, disableIdentityMap: true });
        if (sessions.length === 0) return challenges;
        return challenges + (await em.nativeDelete(LoginSessionSchema, { id: { $in: sessions.map((r) => r.id) } }));
      }
      case 'grants':
        // Rejected flows are never persisted (their state lives in the challenge); what can go
        // are granted consents nothing reads any more (see staleConsentSql).
        return this.deleteStaleConsents(cutoff, max);
      case 'trusts': {
        // An expired relationship admits no assertion any more (storage/trust-store.ts trustedKeys).
        const rows = await em.find(TrustSchema, { expires_at: { $lt: cutoff } }, { fields: ['id'], orderBy: { expires_at: 'asc' }, limit: max, disableIdentityMap: true });
        if (rows.length === 0) return 0;
        return em.nativeDelete(TrustSchema, { id: { $in: rows.map((r) => r.id) } });
      }
    }
  }

  /**
   * Tokens go once they expired before the cutoff, whatever their state (Hydra flushes a token
   * once its lifespan is over). An inactive token does not go earlier: a rotated-out refresh
   * token must stay until its own expiry so that a replay is detected as reuse and revokes its
   * family (RFC 9700 §4.14.2), and a used code so that a replay revokes what it issued (RFC 6749
   * §10.5); past its expiry, a replay is refused as expired either way. Each batch walks the
   * expiry index, so it costs the same at the first row and at the millionth. Rows without an
   * expiry (`ttl.* = -1`) go only once revoked: inactive and never rotated out (used_at unset).
   */
  private async deleteStaleTokens(cutoff: Date, max: number): Promise<number> {
    const em = this.orm.em.fork({ clear: true, useContext: false });
    const expired = await em.find(TokenSchema, { expires_at: { $lt: cutoff } }, { fields: ['signature'], orderBy: { expires_at: 'asc' }, limit: max, disableIdentityMap: true });
    const revokedForever =
      expired.length >= max
        ? []
        : await em.find(TokenSchema, { expires_at: null, active: false, used_at: null, requested_at: { $lt: cutoff } }, { fields: ['signature'], limit: max - expired.length, disableIdentityMap: true });
    const signatures = [...expired, ...revokedForever].map((r) => r.signature);
    if (signatures.length === 0) return 0;
    return em.nativeDelete(TokenSchema, { signature: { $in: signatures } });
  }

  /**
   * A grant's revocation marker (token-store.ts) outlives its tokens only to stop a winner that
   * is still minting; once no token of the grant is left and the marker is older than any
   * exchange can take (statement_timeout is seconds), it protects nothing.
   */
  private async deleteSpentRevocations(cutoff: Date, max: number): Promise<number> {
    const settled = new Date(cutoff.getTime() - MARKER_SETTLE_MS);
    const knex = this.orm.em.getKnex();
    const spent = (await knex(RevokedGrantSchema.meta.tableName)
      .select('request_id')
      .where('revoked_at', '<', this.orm.em.getPlatform().processDateProperty(settled) as Date | number)
      .whereNotExists(knex(TokenSchema.meta.tableName).select(knex.raw('1')).whereRaw('?? = ??', [`${TokenSchema.meta.tableName}.request_id`, `${RevokedGrantSchema.meta.tableName}.request_id`]))
      .limit(max)) as { request_id: string }[];
    if (spent.length === 0) return 0;
    return knex(RevokedGrantSchema.meta.tableName)
      .whereIn('request_id', spent.map((r) => r.request_id))
      .whereNotExists(knex(TokenSchema.meta.tableName).select(knex.raw('1')).whereRaw('?? = ??', [`${TokenSchema.meta.tableName}.request_id`, `${RevokedGrantSchema.meta.tableName}.request_id`]))
      .delete();
  }

  private async deleteStaleConsents(cutoff: Date, max: number): Promise<number> {
    const em = this.orm.em.fork({ clear: true, useContext: false });
    const { where, params } = staleConsentSql(dialectOf(this.orm), cutoff);
    const rows = await em.execute<{ id: string }[]>(`SELECT id FROM oauth2_consent_sessions WHERE ${where} ORDER BY id LIMIT ${Math.trunc(max)}`, params);
    if (rows.length === 0) return 0;
    // The conditions again: a token issued between the two statements keeps its consent.
    const result = await em.execute<{ affectedRows: number }>(
      `DELETE FROM oauth2_consent_sessions WHERE id IN (${rows.map(() => '?').join(', ')}) AND ${where}`,
      [...rows.map((r) => r.id), ...params],
      'run',
    );
    return result.affectedRows;
  }
}

/** The dialect from the driver openOrm (orm.ts) chose for it. */
function dialectOf(orm: Orm): Dialect {
  const driver = orm.config.get('driver')?.name;
  if (driver === 'PostgreSqlDriver') return 'postgres';
  if (driver === 'MySqlDriver') return 'mysql';
  if (driver === 'LibSqlDriver') return 'sqlite';
  throw new Error(`janitor: unknown database driver ${String(driver)}`);
}

/**
 * A granted consent is read (1) as remembered consent, until `handled_at + remember_for`
 * (flows/authorize.ts coveredBy; remember_for 0 = until revoked), (2) by the admin list,
 * which Hydra filters by the same expiry (persister_consent.go filterExpiredConsentRequests),
 * (3) by consent revocation, to find its tokens by request_id, and (4) by logout, to find the
 * clients of a login session (logout-store.ts). So it goes only when its memory ran out before
 * the cutoff, no token of the grant is unexpired at the cutoff (revoking it would revoke
 * nothing), and its login session row is gone (no logout can name it any more; --requests
 * deletes expired sessions first). Dates are compared the way each dialect stores them:
 * timestamptz, DATETIME(3) in UTC, and milliseconds since the epoch in SQLite.
 */
function staleConsentSql(dialect: Dialect, cutoff: Date): { where: string; params: (Date | string | number)[] } {
  const at: Date | string | number = dialect === 'postgres' ? cutoff : dialect === 'mysql' ? cutoff.toISOString().slice(0, 23).replace('T', ' ') : cutoff.getTime();
  const memoryEnds = {
    postgres: "oauth2_consent_sessions.handled_at + oauth2_consent_sessions.remember_for * INTERVAL '1 second'",
    mysql: 'TIMESTAMPADD(SECOND, oauth2_consent_sessions.remember_for, oauth2_consent_sessions.handled_at)',
    sqlite: 'oauth2_consent_sessions.handled_at + oauth2_consent_sessions.remember_for * 1000',
  }[dialect];
  const where = `oauth2_consent_sessions.remember_for > 0 AND ${memoryEnds} < ?
    AND NOT EXISTS (SELECT 1 FROM oauth2_tokens WHERE oauth2_tokens.request_id = oauth2_consent_sessions.request_id AND (oauth2_tokens.expires_at IS NULL OR oauth2_tokens.expires_at >= ?))
    AND NOT EXISTS (SELECT 1 FROM login_sessions WHERE login_sessions.id = oauth2_consent_sessions.login_session_id)`;
  return { where, params: [at, at] };
}
