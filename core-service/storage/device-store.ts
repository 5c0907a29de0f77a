/**
 * The SQL DeviceCodeStore (Hydra's persister for device auth codes): direct statements, and
 * conditional updates whose row counts decide races, as storage/token-store.ts.
 */
import { UniqueConstraintViolationException, type EntityData } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { DeviceCodeRecord, DeviceCodeStore } from '../device/store.js';
import type { GrantSession } from '../oauth2/grant-session.js';
import type { TokenRecord } from '../tokens/store.js';
import { deletedClientError } from './deleted-client.js';
import { DeviceCodeSchema, type DeviceCodeRow } from './device-entities.js';
import type { Orm } from './orm.js';
import type { SessionEncryption, SqlTokenStore } from './token-store.js';
import { retryOnConflict } from './transient.js';

const TABLE = DeviceCodeSchema.meta.tableName;

export class SqlDeviceCodeStore implements DeviceCodeStore {
  constructor(
    private readonly orm: Orm,
    private readonly tokens: SqlTokenStore,
    private readonly sessions?: SessionEncryption,
  ) {}

  private date(d: Date | null): Date | number | null {
    return d === null ? null : (this.orm.em.getPlatform().processDateProperty(d) as Date | number);
  }

  async insert(record: DeviceCodeRecord): Promise<boolean> {
    const row = {
      device_code_signature: record.device_code_signature,
      user_code_signature: record.user_code_signature,
      request_id: record.request_id,
      client_id: record.client_id,
      scope: JSON.stringify(record.scope),
      audience: JSON.stringify(record.audience),
      requested_at: this.date(record.requested_at),
      expires_at: this.date(record.expires_at),
      state: record.state,
      polling_interval: record.polling_interval,
      last_polled_at: this.date(record.last_polled_at),
      session: this.seal(record.session),
    };
    try {
      await this.orm.em.getKnex()(TABLE).insert(row);
      return true;
    } catch (err) {
      const converted = err instanceof Error ? this.orm.em.getDriver().convertException(err) : err;
      // fosite's ErrExistingUserCodeSignature: the caller retries with another user code.
      if (converted instanceof UniqueConstraintViolationException && /user_code/i.test(String(converted.message))) return false;
      throw deletedClientError(converted);
    }
  }

  getByDeviceCode(deviceCodeSignature: string): Promise<DeviceCodeRecord | undefined> {
    return this.find((q) => q.where({ device_code_signature: deviceCodeSignature }));
  }

  async getByUserCode(userCodeSignatures: string[]): Promise<DeviceCodeRecord | undefined> {
    if (userCodeSignatures.length === 0) return undefined;
    return this.find((q) => q.whereIn('user_code_signature', userCodeSignatures));
  }

  async recordPoll(deviceCodeSignature: string, previous: Date | null, now: Date, interval: number): Promise<boolean> {
    const q = this.orm.em.getKnex()(TABLE).where({ device_code_signature: deviceCodeSignature });
    if (previous === null) void q.whereNull('last_polled_at');
    else void q.where('last_polled_at', this.date(previous) as Date | number);
    return (await q.update({ last_polled_at: this.date(now), polling_interval: interval })) === 1;
  }

  async accept(requestId: string, session: GrantSession, now: Date): Promise<boolean> {
    const updated = await this.orm.em
      .getKnex()(TABLE)
      .where({ request_id: requestId, state: 'pending' })
      .where('expires_at', '>', this.date(now) as Date | number)
      .update({ state: 'accepted', session: this.seal(session) });
    return updated === 1;
  }

  async reject(requestId: string): Promise<boolean> {
    return (await this.orm.em.getKnex()(TABLE).where({ request_id: requestId, state: 'pending' }).update({ state: 'rejected' })) === 1;
  }

  redeem(deviceCodeSignature: string, issued: TokenRecord[]): Promise<boolean> {
    const knex = this.orm.em.getKnex();
    // As the token store's exchanges: MySQL at READ COMMITTED so the inserts take no gap locks.
    const config = this.orm.config.get('driver')?.name === 'MySqlDriver' ? { isolationLevel: 'read committed' as const } : {};
    return retryOnConflict(() =>
      knex.transaction(async (trx) => {
        const redeemed = await trx(TABLE).where({ device_code_signature: deviceCodeSignature, state: 'accepted' }).update({ state: 'used' });
        if (redeemed !== 1) return false;
        await this.tokens.insertWithin(trx, issued);
        return true;
      }, config),
    );
  }

  private async find(where: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<DeviceCodeRecord | undefined> {
    const em = this.orm.em.fork({ clear: true, useContext: false });
    const rows = (await where(em.getKnex()(TABLE).select('*')).limit(1)) as EntityData<DeviceCodeRow>[];
    const [row] = rows;
    if (row === undefined) return undefined;
    const mapped = em.map(DeviceCodeSchema, row);
    return {
      device_code_signature: mapped.device_code_signature,
      user_code_signature: mapped.user_code_signature,
      request_id: mapped.request_id,
      client_id: mapped.client_id,
      scope: mapped.scope,
      audience: mapped.audience,
      requested_at: mapped.requested_at,
      expires_at: mapped.expires_at,
      state: mapped.state,
      polling_interval: mapped.polling_interval,
      last_polled_at: mapped.last_polled_at,
      session: this.open(mapped.session),
    };
  }

  private seal(session: GrantSession | null): string | null {
    if (session === null) return null;
    const json = JSON.stringify(session);
    return this.sessions?.encrypt ? this.sessions.box.seal(json) : json;
  }

  /** Rows written in the clear are JSON already (as the token store tells them apart). */
  private open(stored: string | null): GrantSession | null {
    if (stored === null) return null;
    const json = stored.startsWith('{') || !this.sessions ? stored : this.sessions.box.open(stored);
    return JSON.parse(json) as GrantSession;
  }
}
