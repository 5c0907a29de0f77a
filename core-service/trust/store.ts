/** Persistence of trust relationships (Hydra's trust.GrantManager and RFC7523KeyStorage). */
import type { TrustRelationship } from './trust.js';

export interface TrustPageQuery {
  /** At most this many rows, ordered by id. */
  limit: number;
  afterId?: string;
  issuer?: string;
}

export interface TrustStore {
  /** Stores a relationship; throws a 409 when its issuer, subject and key id are trusted already. */
  create(relationship: TrustRelationship): Promise<void>;
  get(id: string): Promise<TrustRelationship | undefined>;
  list(query: TrustPageQuery): Promise<TrustRelationship[]>;
  /** False when there was no such relationship. */
  delete(id: string): Promise<boolean>;
  /**
   * The relationships unexpired at `now` that admit assertions of `issuer` about `subject`
   * (theirs or any subject), limited to key `kid` when given, newest first, at most `limit`.
   */
  trustedKeys(query: { issuer: string; subject: string; kid: string | undefined; now: Date; limit: number }): Promise<TrustRelationship[]>;
}
