/**
 * The SQL TrustStore (Hydra's persister_grant_jwk.go). Each relationship keeps its own public
 * key in its row: Hydra files the key under the issuer's key set, where a second relationship
 * with the same kid silently reuses the first key and deleting one relationship deletes the key
 * of the other; a key per row has neither surprise.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { JWK } from 'jose';
import { errors } from '../shared/errors.js';
import type { TrustPageQuery, TrustStore } from '../trust/store.js';
import type { TrustRelationship } from '../trust/trust.js';
import type { Orm } from './orm.js';
import { TrustSchema, type TrustRow } from './trust-entities.js';

export class SqlTrustStore implements TrustStore {
  constructor(private readonly orm: Orm) {}

  async create(relationship: TrustRelationship): Promise<void> {
    try {
      await this.em().insert(TrustSchema, toRow(relationship));
    } catch (err) {
      // The unique index on (key_id, issuer, subject), as Hydra's.
      if (err instanceof UniqueConstraintViolationException) {
        throw errors.conflict(`The issuer "${relationship.issuer}" is trusted already for this subject with the key "${relationship.public_key.kid}".`);
      }
      throw err;
    }
  }

  async get(id: string): Promise<TrustRelationship | undefined> {
    const row = await this.em().findOne(TrustSchema, { id }, { disableIdentityMap: true });
    return row ? toRelationship(row) : undefined;
  }

  async list(query: TrustPageQuery): Promise<TrustRelationship[]> {
    const where: { id?: { $gt: string }; issuer?: string } = {};
    if (query.afterId !== undefined) where.id = { $gt: query.afterId };
    if (query.issuer !== undefined) where.issuer = query.issuer;
    const rows = await this.em().find(TrustSchema, where, { orderBy: { id: 'asc' }, limit: query.limit, disableIdentityMap: true });
    return rows.map(toRelationship);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.em().nativeDelete(TrustSchema, { id })) > 0;
  }

  async trustedKeys(query: { issuer: string; subject: string; kid: string | undefined; now: Date; limit: number }): Promise<TrustRelationship[]> {
    const rows = await this.em().find(
      TrustSchema,
      {
        issuer: query.issuer,
        expires_at: { $gt: query.now },
        $or: [{ subject: query.subject }, { allow_any_subject: true }],
        ...(query.kid !== undefined ? { key_id: query.kid } : {}),
      },
      { orderBy: { created_at: 'desc', id: 'asc' }, limit: query.limit, disableIdentityMap: true },
    );
    return rows.map(toRelationship);
  }

  private em() {
    return this.orm.em.fork({ clear: true, useContext: false });
  }
}

function toRow(r: TrustRelationship): TrustRow {
  return {
    id: r.id,
    issuer: r.issuer,
    subject: r.subject,
    allow_any_subject: r.allow_any_subject,
    scope: r.scope,
    key_set: r.public_key.set,
    key_id: r.public_key.kid,
    jwk: { ...r.jwk },
    created_at: r.created_at,
    expires_at: r.expires_at,
  };
}

function toRelationship(row: TrustRow): TrustRelationship {
  return {
    id: row.id,
    issuer: row.issuer,
    subject: row.subject,
    allow_any_subject: Boolean(row.allow_any_subject),
    scope: row.scope,
    public_key: { set: row.key_set, kid: row.key_id },
    jwk: row.jwk as JWK,
    created_at: row.created_at,
    expires_at: row.expires_at,
  };
}
