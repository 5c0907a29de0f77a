/**
 * The SQL side of the janitor: per batch, select up to `max` primary keys of stale rows, then
 * delete exactly those. Two short statements instead of one `DELETE … LIMIT` because MySQL
 * refuses LIMIT inside an IN subquery and PostgreSQL has no DELETE … LIMIT; each statement
 * uses the expiry index and holds its row locks only for the batch.
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { JanitorStore, JanitorTarget } from '../janitor/janitor.js';
import type { TokenRecord } from '../tokens/store.js';
import { UsedChallengeSchema } from './flow-entities.js';
import type { Orm } from './orm.js';
import { JtiSchema, TokenSchema } from './token-entities.js';

export class SqlJanitorStore implements JanitorStore {
  constructor(private readonly orm: Orm) {}

  async deleteBatch(target: JanitorTarget, cutoff: Date, max: number): Promise<number> {
    const em = this.orm.em.fork({ clear: true, useContext: false });
    switch (target) {
      case 'tokens': {
        // Expired, or inactive (revoked or rotated out) and issued before the cutoff.
        const where: FilterQuery<TokenRecord> = { $or: [{ expires_at: { $lt: cutoff } }, { active: false, requested_at: { $lt: cutoff } }] };
        const rows = await em.find(TokenSchema, where, { fields: ['signature'], limit: max, disableIdentityMap: true });
        if (rows.length === 0) return 0;
        return em.nativeDelete(TokenSchema, { signature: { $in: rows.map((r) => r.signature) } });
      }
      case 'jtis': {
        // A client-assertion id only blocks replays until the assertion itself expires.
        const rows = await em.find(JtiSchema, { expires_at: { $lt: cutoff } }, { fields: ['key'], limit: max, disableIdentityMap: true });
        if (rows.length === 0) return 0;
        return em.nativeDelete(JtiSchema, { key: { $in: rows.map((r) => r.key) } });
      }
      case 'requests': {
        // Flow state travels in encrypted challenges; what is stored is the record that a
        // challenge was used, needed only until the challenge itself has expired.
        const rows = await em.find(UsedChallengeSchema, { expires_at: { $lt: cutoff } }, { fields: ['id'], limit: max, disableIdentityMap: true });
        if (rows.length === 0) return 0;
        return em.nativeDelete(UsedChallengeSchema, { id: { $in: rows.map((r) => r.id) } });
      }
      case 'grants':
        // Rejected flows are never persisted (their state lives in the challenge), and there is
        // no table of expiring grants yet: nothing to delete.
        return 0;
    }
  }
}
