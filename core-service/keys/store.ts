/**
 * Persistence of JSON Web Key sets (Hydra's persister_jwk.go). One SQL implementation
 * (core-service/storage/key-store.ts); the domain never imports the ORM. The store never sees a
 * private key in the clear: the key service seals every JWK before it gets here.
 */

/** One key of a named set, as stored. */
export interface StoredKey {
  /** The key set id, e.g. `hydra.openid.id-token`. */
  set: string;
  kid: string;
  alg: string;
  /** RFC 7517 §4.2: `sig` or `enc`. */
  use: string;
  /** The whole JWK (private members included), sealed with the system secret (keys/secret-box.ts). */
  sealedJwk: string;
  createdAt: Date;
}

export interface KeyStore {
  /** The keys of `set`, newest first (the first one signs); empty when the set does not exist. */
  listSet(set: string): Promise<StoredKey[]>;
  get(set: string, kid: string): Promise<StoredKey | undefined>;
  /** Adds a key to its set; rejects with OAuthError `conflict` when the set already holds its kid. */
  add(key: StoredKey): Promise<void>;
  /** Inserts the key, or replaces the one with the same set and kid, atomically. */
  put(key: StoredKey): Promise<void>;
  /**
   * Replaces every key of `set` with `keys`, atomically. `keys[0]` becomes the newest, so
   * listSet returns them in the order given.
   */
  replaceSet(set: string, keys: StoredKey[]): Promise<void>;
  /** Deletes every key of `set`; false when it held none. */
  deleteSet(set: string): Promise<boolean>;
  /** Deletes one key; false when `set` holds no key `kid`. */
  delete(set: string, kid: string): Promise<boolean>;
}
