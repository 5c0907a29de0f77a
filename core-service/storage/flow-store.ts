/**
 * The SQL flow stores (Hydra's persister_consent.go): single-use challenge ids decided by a
 * primary-key insert, login sessions, and granted consents. Direct parameterised statements
 * through the ORM's connection (storage/rows.ts): a login runs several of them, and the unit of
 * work's entities cost more than the statements (issue 10).
 */
import { ConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { ConsentFilter, ConsentGrant, ConsentStore, LoginSession, LoginSessionStore, UsedChallengeStore } from '../flows/store.js';
import { deletedClientError } from './deleted-client.js';
import type { Orm } from './orm.js';
import { ConsentSessionSchema, LoginSessionSchema, UsedChallengeSchema } from './flow-entities.js';
import { CompiledInsert } from './compiled-insert.js';
import { GroupCommit } from './group-commit.js';
import { converted, dbDate, jsonText, rowMapper } from './rows.js';

const USED = UsedChallengeSchema.meta.tableName;
const SESSIONS = LoginSessionSchema.meta.tableName;
const CONSENTS = ConsentSessionSchema.meta.tableName;

export class SqlFlowStore implements UsedChallengeStore, LoginSessionStore, ConsentStore {
  private readonly toSession: (row: Record<string, unknown>) => LoginSession;
  private readonly toConsent: (row: Record<string, unknown>) => ConsentGrant;

  /**
   * Concurrent marks share one multi-row INSERT (storage/group-commit.ts): four of a login's
   * eight statements are marks, and under load they are most of what the flow sends. A batch
   * with an id used before (or twice in it) is refused whole and each mark is then written
   * alone, so single use is decided by the primary key exactly as with one insert per mark.
   */
  private readonly marks: GroupCommit<{ id: string; expires_at: Date | number | null }>;
  /** Concurrent consents share one INSERT too; a row refused (its client deleted) is written alone for its own answer. */
  private readonly consents: GroupCommit<Record<string, unknown>>;

  private readonly usedInsert = new CompiledInsert(USED);
  private readonly consentInsert = new CompiledInsert(CONSENTS);

  constructor(private readonly orm: Orm) {
    this.toSession = rowMapper(orm, LoginSessionSchema);
    this.toConsent = rowMapper(orm, ConsentSessionSchema);
    this.marks = new GroupCommit(
      async (rows) => {
        try {
          await this.usedInsert.run(this.knex(), rows);
        } catch (err) {
          throw converted(orm, err);
        }
      },
      (err) => err instanceof UniqueConstraintViolationException,
    );
    this.consents = new GroupCommit(
      async (rows) => {
        try {
          await this.consentInsert.run(this.knex(), rows);
        } catch (err) {
          throw converted(orm, err);
        }
      },
      (err) => err instanceof ConstraintViolationException,
    );
  }

  private knex(): Knex {
    return this.orm.em.getKnex();
  }

  async markUsed(id: string, expiresAt: Date): Promise<boolean> {
    try {
      // The primary key decides: of two concurrent uses exactly one insert succeeds.
      await this.marks.add([{ id, expires_at: dbDate(this.orm, expiresAt) }]);
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  async isUsed(id: string): Promise<boolean> {
    const rows = await this.knex()(USED).select('id').where({ id }).limit(1);
    return rows.length > 0;
  }

  async upsertLoginSession(session: LoginSession): Promise<void> {
    const row = {
      subject: session.subject,
      authenticated_at: dbDate(this.orm, session.authenticated_at),
      remember: session.remember,
      expires_at: dbDate(this.orm, session.expires_at),
      identity_provider_session_id: session.identity_provider_session_id,
    };
    const updated = await this.knex()(SESSIONS).where({ id: session.id }).update(row);
    if (updated === 0) await this.knex()(SESSIONS).insert({ id: session.id, ...row });
  }

  async getLoginSession(id: string): Promise<LoginSession | undefined> {
    const [row] = (await this.knex()(SESSIONS).select('*').where({ id }).limit(1)) as Record<string, unknown>[];
    if (!row) return undefined;
    const s = this.toSession(row);
    return {
      id: s.id,
      subject: s.subject,
      authenticated_at: s.authenticated_at,
      remember: s.remember,
      expires_at: s.expires_at,
      identity_provider_session_id: s.identity_provider_session_id,
    };
  }

  async deleteLoginSessions(filter: { subject?: string; id?: string }): Promise<number> {
    const where: { subject?: string; id?: string } = {};
    if (filter.subject) where.subject = filter.subject;
    if (filter.id) where.id = filter.id;
    if (Object.keys(where).length === 0) return 0;
    return this.knex()(SESSIONS).where(where).delete();
  }

  async insertConsent(grant: ConsentGrant): Promise<void> {
    const row = {
      id: grant.id,
      request_id: grant.request_id,
      subject: grant.subject,
      client_id: grant.client_id,
      login_session_id: grant.login_session_id,
      login_challenge: grant.login_challenge,
      requested_scope: jsonText(grant.requested_scope),
      requested_audience: jsonText(grant.requested_audience),
      granted_scope: jsonText(grant.granted_scope),
      granted_audience: jsonText(grant.granted_audience),
      session_access_token: jsonText(grant.session_access_token),
      session_id_token: jsonText(grant.session_id_token),
      context: jsonText(grant.context),
      acr: grant.acr,
      amr: jsonText(grant.amr),
      remember: grant.remember,
      remember_for: grant.remember_for,
      skipped: grant.skipped,
      request_url: grant.request_url,
      handled_at: dbDate(this.orm, grant.handled_at),
      requested_at: dbDate(this.orm, grant.requested_at),
    };
    try {
      await this.consents.add([row]);
    } catch (err) {
      throw deletedClientError(err);
    }
  }

  async rememberedConsents(subject: string, clientId: string): Promise<ConsentGrant[]> {
    const rows = (await this.knex()(CONSENTS)
      .select('*')
      .where({ subject, client_id: clientId, remember: true, skipped: false })
      .orderBy('handled_at', 'desc')) as Record<string, unknown>[];
    return rows.map((row) => toGrant(this.toConsent(row)));
  }

  async listConsents(subject: string, loginSessionId: string, limit: number, offset: number): Promise<ConsentGrant[]> {
    const where = loginSessionId ? { subject, skipped: false, login_session_id: loginSessionId } : { subject, skipped: false };
    const query = this.knex()(CONSENTS)
      .select('*')
      .where(where)
      .orderBy([{ column: 'handled_at', order: 'desc' }, { column: 'id', order: 'asc' }]);
    if (limit > 0) void query.limit(limit);
    if (offset > 0) void query.offset(offset);
    const rows = (await query) as Record<string, unknown>[];
    return rows.map((row) => toGrant(this.toConsent(row)));
  }

  async deleteConsents(filter: ConsentFilter): Promise<string[]> {
    const where: { subject?: string; client_id?: string; id?: string } = {};
    if ('subject' in filter) where.subject = filter.subject;
    if ('clientId' in filter && filter.clientId) where.client_id = filter.clientId;
    if ('consentRequestId' in filter) where.id = filter.consentRequestId;
    const rows = (await this.knex()(CONSENTS).select('request_id').where(where)) as { request_id: string }[];
    await this.knex()(CONSENTS).where(where).delete();
    return [...new Set(rows.map((r) => r.request_id))];
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
