/**
 * The SQL KeyStore (Hydra's persister_jwk.go) on the `jwks` table. Direct statements through a
 * fresh EntityManager fork per call, no unit-of-work change tracking, like client-store.ts.
 * Replacing keys is one transaction, so a reader never sees a set half replaced.
 */
import { UniqueConstraintViolationException, type RequiredEntityData } from '@mikro-orm/core';
import type { KeyStore, StoredKey } from '../keys/store.js';
import { errors } from '../shared/errors.js';
import { JsonWebKeySchema, type JsonWebKeyRow } from './entities.js';
import type { Orm } from './orm.js';

/** A row to insert: `id` is assigned by the database. */
type NewRow = RequiredEntityData<JsonWebKeyRow>;

export class SqlKeyStore implements KeyStore {
  constructor(private readonly orm: Orm) {}

  async listSet(set: string): Promise<StoredKey[]> {
    const rows = await this.em().find(
      JsonWebKeySchema,
      { set_id: set },
      // `id` breaks ties between keys created in the same millisecond: the later insert is newer.
      { orderBy: [{ created_at: 'desc' }, { id: 'desc' }], disableIdentityMap: true },
    );
    return rows.map(toStoredKey);
  }

  async get(set: string, kid: string): Promise<StoredKey | undefined> {
    const row = await this.em().findOne(JsonWebKeySchema, { set_id: set, kid }, { disableIdentityMap: true });
    return row ? toStoredKey(row) : undefined;
  }

  async add(key: StoredKey): Promise<void> {
    try {
      await this.em().insert<JsonWebKeyRow>(JsonWebKeySchema, toRow(key));
    } catch (err) {
      // The unique (set_id, kid) constraint decides, not a prior lookup: two creates cannot both win.
      throw duplicateAsConflict(err, key);
    }
  }

  async put(key: StoredKey): Promise<void> {
    try {
      await this.em().transactional(async (em) => {
        await em.nativeDelete(JsonWebKeySchema, { set_id: key.set, kid: key.kid });
        await em.insert<JsonWebKeyRow>(JsonWebKeySchema, toRow(key));
      });
    } catch (err) {
      throw duplicateAsConflict(err, key);
    }
  }

  async replaceSet(set: string, keys: StoredKey[]): Promise<void> {
    // Inserted last to first: with equal created_at the higher id is newer, so keys[0] lists first.
    const rows = [...keys].reverse().map((key) => toRow({ ...key, set }));
    try {
      await this.em().transactional(async (em) => {
        await em.nativeDelete(JsonWebKeySchema, { set_id: set });
        for (const row of rows) await em.insert<JsonWebKeyRow>(JsonWebKeySchema, row);
      });
    } catch (err) {
      const first = keys[0];
      throw first ? duplicateAsConflict(err, first) : err;
    }
  }

  async deleteSet(set: string): Promise<boolean> {
    return (await this.em().nativeDelete(JsonWebKeySchema, { set_id: set })) > 0;
  }

  async delete(set: string, kid: string): Promise<boolean> {
    return (await this.em().nativeDelete(JsonWebKeySchema, { set_id: set, kid })) > 0;
  }

  private em() {
    return this.orm.em.fork({ clear: true, useContext: false });
  }
}

function duplicateAsConflict(err: unknown, key: StoredKey): unknown {
  if (err instanceof UniqueConstraintViolationException) {
    return errors.conflict(`The key set "${key.set}" already holds a key with kid "${key.kid}".`);
  }
  return err;
}

function toRow(key: StoredKey): NewRow {
  return { set_id: key.set, kid: key.kid, alg: key.alg, use: key.use, key_data: key.sealedJwk, created_at: key.createdAt };
}

function toStoredKey(row: JsonWebKeyRow): StoredKey {
  return { set: row.set_id, kid: row.kid, alg: row.alg, use: row.use, sealedJwk: row.key_data, createdAt: row.created_at };
}
