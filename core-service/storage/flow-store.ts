/**
 * The SQL flow stores (Hydra's persister_consent.go): single-use challenge ids decided by a
 * primary-key insert, login sessions, and granted consents. Direct statements on a fresh fork.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { ConsentFilter, ConsentGrant, ConsentStore, LoginSession, LoginSessionStore, UsedChallengeStore } from '../flows/store.js';
import { deletedClientError } from './deleted-client.js';
import type { Orm } from './orm.js';
import { ConsentSessionSchema, LoginSessionSchema, UsedChallengeSchema } from './flow-entities.js';

export class SqlFlowStore implements UsedChallengeStore, LoginSessionStore, ConsentStore {
  constructor(private readonly orm: Orm) {}

  async markUsed(id: string, expiresAt: Date): Promise<boolean> {
    try {
      // The primary key decides: of two concurrent uses exactly one insert succeeds.
      await this.em().insert(UsedChallengeSchema, { id, expires_at: expiresAt });
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  async isUsed(id: string): Promise<boolean> {
    return (await this.em().count(UsedChallengeSchema, { id })) > 0;
  }

  async upsertLoginSession(session: LoginSession): Promise<void> {
    const em = this.em();
    const updated = await em.nativeUpdate(LoginSessionSchema, { id: session.id }, { ...session });
    if (updated === 0) await em.insert(LoginSessionSchema, { ...session });
  }

  async getLoginSession(id: string): Promise<LoginSession | undefined> {
    const row = await this.em().findOne(LoginSessionSchema, { id }, { disableIdentityMap: true });
    return row
      ? {
          id: row.id,
          subject: row.subject,
          authenticated_at: row.authenticated_at,
          remember: row.remember,
          expires_at: row.expires_at,
          identity_provider_session_id: row.identity_provider_session_id,
        }
      : undefined;
  }

  async deleteLoginSessions(filter: { subject?: string; id?: string }): Promise<number> {
    const where: { subject?: string; id?: string } = {};
    if (filter.subject) where.subject = filter.subject;
    if (filter.id) where.id = filter.id;
    if (Object.keys(where).length === 0) return 0;
    return this.em().nativeDelete(LoginSessionSchema, where);
  }

  async insertConsent(grant: ConsentGrant): Promise<void> {
    try {
      await this.em().insert(ConsentSessionSchema, { ...grant });
    } catch (err) {
      throw deletedClientError(err);
    }
  }

  async rememberedConsents(subject: string, clientId: string): Promise<ConsentGrant[]> {
    const rows = await this.em().find(
      ConsentSessionSchema,
      { subject, client_id: clientId, remember: true, skipped: false },
      { orderBy: { handled_at: 'desc' }, disableIdentityMap: true },
    );
    return rows.map(toGrant);
  }

  async listConsents(subject: string, loginSessionId: string, limit: number, offset: number): Promise<ConsentGrant[]> {
    const where = loginSessionId ? { subject, skipped: false, login_session_id: loginSessionId } : { subject, skipped: false };
    const rows = await this.em().find(ConsentSessionSchema, where, {
      orderBy: { handled_at: 'desc', id: 'asc' },
      limit,
      offset,
      disableIdentityMap: true,
    });
    return rows.map(toGrant);
  }

  async deleteConsents(filter: ConsentFilter): Promise<string[]> {
    const where: { subject?: string; client_id?: string; id?: string } = {};
    if ('subject' in filter) where.subject = filter.subject;
    if ('clientId' in filter && filter.clientId) where.client_id = filter.clientId;
    if ('consentRequestId' in filter) where.id = filter.consentRequestId;
    const em = this.em();
    const rows = await em.find(ConsentSessionSchema, where, { fields: ['request_id'], disableIdentityMap: true });
    await em.nativeDelete(ConsentSessionSchema, where);
    return [...new Set(rows.map((r) => r.request_id))];
  }

  private em() {
    return this.orm.em.fork({ clear: true, useContext: false });
  }
}

function toGrant(row: ConsentGrant): ConsentGrant {
  return {
    id: row.id,
    request_id: row.request_id,
    subject: row.subject,
    client_id: row.client_id,
    login_session_id: row.login_session_id,
    login_challenge: row.login_challenge,
    requested_scope: row.requested_scope,
    requested_audience: row.requested_audience,
    granted_scope: row.granted_scope,
    granted_audience: row.granted_audience,
    session_access_token: row.session_access_token ?? {},
    session_id_token: row.session_id_token ?? {},
    context: row.context ?? null,
    acr: row.acr,
    amr: row.amr,
    remember: row.remember,
    remember_for: row.remember_for,
    skipped: row.skipped,
    request_url: row.request_url,
    handled_at: row.handled_at,
    requested_at: row.requested_at,
  };
}
