/**
 * The SQL ClientStore (Hydra's persister_client.go). Direct statements through a fresh
 * EntityManager fork per call, no unit-of-work change tracking (DESIGN.md, Storage: hot paths
 * use direct inserts/updates and indexed lookups). The entity schema converts JSON columns,
 * booleans, bigint and dates for each dialect.
 */
import { UniqueConstraintViolationException, type EntityData } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { StoredClient } from '../clients/client.js';
import type { ClientPageQuery, ClientStore } from '../clients/store.js';
import { errors } from '../shared/errors.js';
import { ClientSchema } from './entities.js';
import { ConsentSessionSchema } from './flow-entities.js';
import { NO_CHANGE_FEED, type Change, type ChangeFeed } from './change-feed.js';
import type { Orm } from './orm.js';
import { TokenSchema } from './token-entities.js';

/** Rows of a deleted client's tokens or consents removed per statement before its own row goes. */
const CASCADE_BATCH = 1000;

export class SqlClientStore implements ClientStore {
  constructor(
    private readonly orm: Orm,
    /** Where updates and deletions are announced to the caches of every core replica. */
    private readonly feed: ChangeFeed = NO_CHANGE_FEED,
  ) {}

  async create(client: StoredClient): Promise<void> {
    try {
      await this.em().insert(ClientSchema, { ...client });
    } catch (err) {
      // The primary key decides, not a prior lookup: two concurrent creates cannot both win.
      if (err instanceof UniqueConstraintViolationException) throw errors.conflict(`a client with id "${client.client_id}" already exists`);
      throw err;
    }
  }

  async get(clientId: string): Promise<StoredClient | undefined> {
    // Every token request authenticates its client here. A primary-key SELECT mapped by the
    // ORM's own per-dialect conversion (em.map) costs about a third of findOne's CPU, as measured
    // for the same change in token-store.ts (test/bench).
    const em = this.em();
    const row = await em.getConnection().execute<EntityData<StoredClient>>('select * from clients where client_id = ? limit 1', [clientId], 'get');
    return row ? toStoredClient(em.map(ClientSchema, row)) : undefined;
  }

  async list(query: ClientPageQuery): Promise<StoredClient[]> {
    const where: { client_id?: { $gt: string }; client_name?: string; owner?: string } = {};
    if (query.afterId !== undefined) where.client_id = { $gt: query.afterId };
    if (query.clientName !== undefined) where.client_name = query.clientName;
    if (query.owner !== undefined) where.owner = query.owner;
    const rows = await this.em().find(ClientSchema, where, {
      orderBy: { client_id: 'asc' },
      limit: query.limit,
      disableIdentityMap: true,
    });
    return rows.map(toStoredClient);
  }

  async update(client: StoredClient, registrationToken?: string): Promise<boolean> {
    // created_at records the registration and never changes (RFC 7591 §3.2.1 client_id_issued_at).
    const { client_id, created_at: _createdAt, ...changes } = client;
    // The token condition makes rotation atomic: of two updates presenting one token, one wins.
    const where = registrationToken === undefined ? { client_id } : { client_id, registration_access_token_signature: registrationToken };
    return this.announced([{ topic: 'client', clientId: client_id }], async (em) => (await em.nativeUpdate(ClientSchema, where, changes)) > 0);
  }

  async delete(clientId: string): Promise<boolean> {
    const em = this.em();
    // Deleting the client's row deletes its tokens and consents with it (ON DELETE CASCADE). A
    // client may hold millions of them, more than one statement deletes within the DSN's
    // statement_timeout, so they go first in batches of short statements; the cascade then takes
    // whatever a request racing this deletion stored meanwhile. They die a moment early either way.
    for (const [schema, key] of [[TokenSchema, 'signature'], [ConsentSessionSchema, 'id']] as const) {
      for (let batch = CASCADE_BATCH; batch === CASCADE_BATCH; ) {
        const rows = await em.getConnection().execute<Record<string, string>[]>(`SELECT ${key} FROM ${schema.meta.tableName} WHERE client_id = ? LIMIT ${CASCADE_BATCH}`, [clientId]);
        const keys = rows.map((row) => row[key]);
        batch = keys.length;
        if (batch > 0) await em.getConnection().execute(`DELETE FROM ${schema.meta.tableName} WHERE ${key} IN (${keys.map(() => '?').join(', ')})`, keys, 'run');
      }
    }
    return this.announced([{ topic: 'client', clientId }], async (tem) => (await tem.nativeDelete(ClientSchema, { client_id: clientId })) > 0);
  }

  /** Runs `work` in a transaction that also publishes `changes`, then applies them to this replica's caches. */
  private async announced<T>(changes: Change[], work: (em: ReturnType<SqlClientStore['em']>) => Promise<T>): Promise<T> {
    const result = await this.em().transactional(async (em) => {
      const outcome = await work(em);
      await this.feed.publish(em.getTransactionContext<Knex.Transaction>() ?? em.getKnex(), changes);
      return outcome;
    });
    this.feed.applyLocally(changes);
    return result;
  }

  private em() {
    return this.orm.em.fork({ clear: true, useContext: false });
  }
}

/** A plain object, detached from the ORM's entity class. */
function toStoredClient(row: StoredClient): StoredClient {
  return { ...row };
}
