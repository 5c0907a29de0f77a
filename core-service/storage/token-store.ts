/**
 * The SQL TokenStore (Hydra's persister_oauth2.go): direct statements, indexed lookups, and
 * conditional updates whose row counts decide races (DESIGN.md, Storage).
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { JtiStore, TokenRecord, TokenStore } from '../tokens/store.js';
import type { Orm } from './orm.js';
import { JtiSchema, TokenSchema } from './token-entities.js';

export class SqlTokenStore implements TokenStore, JtiStore {
  constructor(private readonly orm: Orm) {}

  async insert(records: TokenRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.em().insertMany(TokenSchema, records.map((r) => ({ ...r })));
  }

  async get(signature: string): Promise<TokenRecord | undefined> {
    const row = await this.em().findOne(TokenSchema, { signature }, { disableIdentityMap: true });
    return row ? toRecord(row) : undefined;
  }

  async revokeRequest(requestId: string): Promise<number> {
    return this.em().nativeUpdate(TokenSchema, { request_id: requestId, active: true }, { active: false });
  }

  async revokeClient(clientId: string): Promise<number> {
    return this.em().nativeUpdate(TokenSchema, { client_id: clientId, active: true }, { active: false });
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
  };
}
