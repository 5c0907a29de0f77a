/**
 * The JSON Web Key sets Tessera signs with, and Hydra's admin API over them (`/admin/keys`).
 *
 * - Every key is stored sealed with the system secret (keys/secret-box.ts, purpose `jwk`);
 *   the store never sees a private key in the clear.
 * - Rotation (DESIGN.md, Storage): the newest key of a set with private material signs; every
 *   key of the set verifies until it is deleted, so tokens signed before a rotation stay valid.
 * - Like Hydra, the admin API returns private keys (Hydra's handlers strip only HSM-opaque
 *   ones); only `/.well-known/jwks.json` and verificationKeys are public-only.
 */
import { createPublicKey } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { OAuthError, errors } from '../shared/errors.js';
import { defaultUse, generateSigningKey, isSupportedAlg, publicPart, SUPPORTED_ALGS } from './generate.js';
import { createSecretBox, SecretBoxError, type SecretBox } from './secret-box.js';
import type { KeyStore, StoredKey } from './store.js';

/** The set whose newest key signs ID tokens (Hydra's name). */
export const ID_TOKEN_KEY_SET = 'hydra.openid.id-token';
/** The set whose newest key signs JWT access tokens (Hydra's name). */
export const ACCESS_TOKEN_KEY_SET = 'hydra.jwt.access-token';
/** The sets created at start and published at `/.well-known/jwks.json` (Hydra's `webfinger.jwks.broadcast_keys` default). */
export const SIGNING_KEY_SETS = [ID_TOKEN_KEY_SET, ACCESS_TOKEN_KEY_SET] as const;

/** The algorithm of keys Tessera creates on its own (Hydra's default; every OIDC RP must accept RS256). */
const DEFAULT_ALG = 'RS256';

/** A JWK Set (RFC 7517 §5), the body of Hydra's key endpoints. */
export interface JsonWebKeySet {
  keys: JWK[];
}

/** What `POST /admin/keys/{set}` asks for (Hydra's `createJsonWebKeySet`). */
export interface CreateKeyRequest {
  alg: string;
  /** `sig` or `enc`; `sig` when empty. */
  use?: string;
  /** A random UUID when empty. */
  kid?: string;
}

/**
 * Stored keys cannot be opened with the configured SECRETS_SYSTEM. Thrown at start by
 * ensureDefaultKeys, so the core stops with this message instead of failing every token later.
 */
export class SigningKeysUnreadableError extends Error {
  constructor(set: string, cause: SecretBoxError) {
    super(
      `cannot decrypt the stored keys of JSON Web Key set "${set}" with the configured SECRETS_SYSTEM (secrets.system). ` +
        'Start with the secret the keys were created with; to rotate, put the new secret first and keep the old one in the list. ' +
        `(${cause.message})`,
      { cause },
    );
    this.name = 'SigningKeysUnreadableError';
  }
}

export interface KeyService {
  /**
   * Creates an RS256 signing key in each of SIGNING_KEY_SETS that has none, and opens every
   * stored key of those sets once. Called at core start; throws SigningKeysUnreadableError when
   * SECRETS_SYSTEM cannot open the stored keys.
   */
  ensureDefaultKeys(): Promise<void>;
  /**
   * The private JWK (with `kid` and `alg`) of the newest signing key of `set`. A set without one
   * gets a fresh RS256 key, as Hydra's GetOrGenerateKeys does. The object is frozen and shared.
   */
  signingKey(set: string): Promise<JWK>;
  /**
   * The public JWKs of every signature key of `set` (empty for an unknown set). The same frozen
   * array is returned until the set changes, so callers may cache per array (tokens/jwt-access-token.ts).
   */
  verificationKeys(set: string): Promise<readonly JWK[]>;
  /** The public keys of SIGNING_KEY_SETS, for `/.well-known/jwks.json`. */
  publicJwks(): Promise<JsonWebKeySet>;

  /** Generates a key and adds it to `set` (creating the set); the new key, private part included. */
  createKey(set: string, request: CreateKeyRequest): Promise<JsonWebKeySet>;
  /** Every key of `set`, newest first, private parts included; not_found when the set is empty. */
  getKeySet(set: string): Promise<JsonWebKeySet>;
  /** One key as a set of one; not_found when unknown. */
  getKey(set: string, kid: string): Promise<JsonWebKeySet>;
  /** Replaces the keys of `set` with `jwks` (validated: each key must import with its alg). */
  replaceKeySet(set: string, jwks: unknown): Promise<JsonWebKeySet>;
  /** Creates or replaces the key named by the JWK's own `kid` (Hydra ignores the path's kid). */
  putKey(set: string, jwk: unknown): Promise<JWK>;
  /** Deletes a whole set; nothing to delete is no error (Hydra). */
  deleteKeySet(set: string): Promise<void>;
  /** Deletes one key; nothing to delete is no error (Hydra). */
  deleteKey(set: string, kid: string): Promise<void>;
}

export interface KeyServiceDeps {
  store: KeyStore;
  /** `secrets.system`: the first seals, all open. */
  secrets: string[];
  now: () => Date;
  /** How long opened keys are reused before the store is read again; see CACHE_TTL_MS. */
  cacheTtlMs?: number;
  /** `webfinger.jwks.broadcast_keys`: more sets published at `/.well-known/jwks.json`. */
  broadcastKeySets?: readonly string[];
}

/**
 * Opened keys are cached because decrypting and parsing on every token would cap throughput.
 * Changes made through this service invalidate the cache at once; changes made by another core
 * replica are picked up within this TTL. Until then that replica may sign with the previous
 * newest key (still published, so its tokens verify) or verify with a key just deleted.
 */
export const CACHE_TTL_MS = 10_000;

const USES = ['sig', 'enc'] as const;
/** Column widths of the `jwks` table (migrator/migrations). */
const MAX_ID_LENGTH = 255;
const MAX_ALG_LENGTH = 32;
const MIN_RSA_BITS = 2048;

/** A set as read and opened: newest first. */
interface OpenedSet {
  keys: readonly JWK[];
  signing: JWK | undefined;
  verification: readonly JWK[];
  published: readonly JWK[];
}

interface CacheEntry {
  until: number;
  value: Promise<OpenedSet>;
}

/**
 * Builds the key service over a store.
 * @example
 * const keys = createKeyService({ store: new SqlKeyStore(orm), secrets: config.secrets.system, now });
 * await keys.ensureDefaultKeys();
 * const jwk = await keys.signingKey(ID_TOKEN_KEY_SET);
 */
export function createKeyService(deps: KeyServiceDeps): KeyService {
  const { store, now } = deps;
  // Built on first use, so an empty SECRETS_SYSTEM fails in ensureDefaultKeys (at start, with
  // the secret box's message naming SECRETS_SYSTEM) rather than while the registry is wired.
  let box: SecretBox | undefined;
  const secretBox = (): SecretBox => (box ??= createSecretBox(deps.secrets, 'jwk'));
  const ttl = deps.cacheTtlMs ?? CACHE_TTL_MS;
  const cache = new Map<string, CacheEntry>();
  const generating = new Map<string, Promise<JWK>>();

  const invalidate = (set: string) => {
    cache.delete(set);
  };

  /** Runs a change, then drops the cached set even when the change failed halfway. */
  async function changing<T>(set: string, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      invalidate(set);
    }
  }

  async function readSet(set: string): Promise<OpenedSet> {
    const stored = await store.listSet(set);
    const keys = stored.map((key) => Object.freeze(open(key)));
    const verification = keys.filter(verifiesSignatures).map((jwk) => Object.freeze(publicPart(jwk)));
    return {
      keys: Object.freeze(keys),
      signing: keys.find(canSign),
      verification: Object.freeze(verification),
      published: Object.freeze(keys.filter(isAsymmetric).map((jwk) => Object.freeze(publicPart(jwk)))),
    };
  }

  function open(key: StoredKey): JWK {
    try {
      return JSON.parse(secretBox().open(key.sealedJwk)) as JWK;
    } catch (err) {
      if (err instanceof SecretBoxError) throw new SigningKeysUnreadableError(key.set, err);
      throw err;
    }
  }

  function load(set: string): Promise<OpenedSet> {
    const at = now().getTime();
    const hit = cache.get(set);
    if (hit && hit.until > at) return hit.value;
    const value = readSet(set);
    const entry: CacheEntry = { until: at + ttl, value };
    cache.set(set, entry);
    // A failed read is not cached: the next call reads again.
    value.catch(() => {
      if (cache.get(set) === entry) cache.delete(set);
    });
    return value;
  }

  function seal(set: string, jwk: JWK, createdAt: Date): StoredKey {
    return { set, kid: jwk.kid ?? '', alg: jwk.alg ?? '', use: jwk.use ?? '', sealedJwk: secretBox().seal(JSON.stringify(jwk)), createdAt };
  }

  async function generateInto(set: string, alg: string, use: 'sig' | 'enc' | undefined, kid: string | undefined): Promise<JWK> {
    if (!isSupportedAlg(alg)) {
      // Hydra's jwk.ErrUnsupportedKeyAlgorithm.
      throw new OAuthError('Bad Request', { description: 'Unsupported key algorithm', debug: `The alg "${alg}" is not supported; use one of ${SUPPORTED_ALGS.join(', ')}.` });
    }
    const { privateJwk } = await generateSigningKey(alg, { use: use ?? defaultUse(alg), ...(kid ? { kid } : {}) });
    await changing(set, () => store.add(seal(set, privateJwk, now())));
    return privateJwk;
  }

  /** One generation per set at a time in this process, so concurrent first tokens share one new key. */
  function generateSigningKeyOnce(set: string): Promise<JWK> {
    let pending = generating.get(set);
    if (!pending) {
      pending = generateInto(set, DEFAULT_ALG, 'sig', undefined).finally(() => generating.delete(set));
      generating.set(set, pending);
    }
    return pending;
  }

  async function signingKey(set: string): Promise<JWK> {
    const { signing } = await load(set);
    if (signing) return signing;
    await generateSigningKeyOnce(set);
    const reloaded = await load(set);
    if (!reloaded.signing) throw new OAuthError('server_error', { hint: `No signing key could be created in set "${set}".` });
    return reloaded.signing;
  }

  return {
    async ensureDefaultKeys() {
      for (const set of SIGNING_KEY_SETS) {
        invalidate(set);
        // Opens every stored key of the set: a wrong SECRETS_SYSTEM fails here, at start.
        await signingKey(set);
      }
    },

    signingKey,

    async verificationKeys(set) {
      return (await load(set)).verification;
    },

    async publicJwks() {
      // Hydra's WellKnownKeys: the configured sets plus the two signing sets, each once; a
      // configured set with no key gets an RS256 one, as Hydra generates it on this request.
      const names = [...new Set([...(deps.broadcastKeySets ?? []), ...SIGNING_KEY_SETS])];
      const sets = await Promise.all(
        names.map(async (set) => {
          const opened = await load(set);
          if (opened.published.length > 0) return opened;
          await signingKey(set);
          return load(set);
        }),
      );
      return { keys: sets.flatMap((s) => s.published) };
    },

    async createKey(set, request) {
      checkSetName(set);
      // Hydra's generator: an empty use is `sig` (RSA-OAEP keys are for `enc`, RFC 7517 §4.2).
      const use = request.use || undefined;
      if (use !== undefined && !isUse(use)) throw errors.badRequest(`The use "${use}" is not supported; use "sig" or "enc".`);
      if (request.kid !== undefined) checkLength('kid', request.kid, MAX_ID_LENGTH);
      return { keys: [await generateInto(set, request.alg, use, request.kid)] };
    },

    async getKeySet(set) {
      // Admin reads go to the store: another replica's change must show at once, not after the TTL.
      const { keys } = await readSet(set);
      // Hydra: an empty set is x.ErrNotFound (SQLDataRows.ToJWK).
      if (keys.length === 0) throw errors.resourceNotFound(`The JSON Web Key set "${set}" does not exist.`);
      return { keys: [...keys] };
    },

    async getKey(set, kid) {
      const stored = await store.get(set, kid);
      if (!stored) throw errors.notFound(`The JSON Web Key set "${set}" holds no key with kid "${kid}".`);
      return { keys: [open(stored)] };
    },

    async replaceKeySet(set, jwks) {
      checkSetName(set);
      if (!isObject(jwks) || !Array.isArray(jwks.keys)) {
        throw errors.badRequest('The body must be a JSON Web Key Set: an object whose "keys" member is an array (RFC 7517 §5).');
      }
      const keys: JWK[] = [];
      const kids = new Set<string>();
      for (const [index, value] of jwks.keys.entries()) {
        const jwk = await readJwk(value, `keys[${index}]`);
        if (kids.has(jwk.kid ?? '')) throw errors.badRequest(`Field "keys[${index}].kid": the kid "${jwk.kid ?? ''}" appears more than once.`);
        kids.add(jwk.kid ?? '');
        keys.push(jwk);
      }
      const createdAt = now();
      await changing(set, () => store.replaceSet(set, keys.map((jwk) => seal(set, jwk, createdAt))));
      return { keys };
    },

    async putKey(set, value) {
      checkSetName(set);
      const jwk = await readJwk(value, 'key');
      await changing(set, () => store.put(seal(set, jwk, now())));
      return jwk;
    },

    // Hydra's deletes are idempotent: deleting what is not there is 204, like a DELETE that worked.
    async deleteKeySet(set) {
      await changing(set, () => store.deleteSet(set));
    },

    async deleteKey(set, kid) {
      await changing(set, () => store.delete(set, kid));
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUse(use: string): use is (typeof USES)[number] {
  return (USES as readonly string[]).includes(use);
}

function isAsymmetric(jwk: JWK): boolean {
  return jwk.kty !== 'oct';
}

function verifiesSignatures(jwk: JWK): boolean {
  return isAsymmetric(jwk) && (jwk.use === undefined || jwk.use === 'sig');
}

/** RFC 7518 §6.2.2.1 / §6.3.2.1 / RFC 8037 §2: `d` is the private member of EC, RSA and OKP keys. */
function canSign(jwk: JWK): boolean {
  return verifiesSignatures(jwk) && typeof jwk.d === 'string' && typeof jwk.alg === 'string' && typeof jwk.kid === 'string';
}

function checkLength(field: string, value: string, max: number): void {
  if (value.length > max) throw errors.badRequest(`Field "${field}" is longer than ${max} characters.`);
}

function checkSetName(set: string): void {
  if (set === '') throw errors.badRequest('The JSON Web Key set id must not be empty.');
  checkLength('set', set, MAX_ID_LENGTH);
}

/**
 * A JWK from an admin request: Hydra's `jsonWebKey` requires kty, kid, alg and use, and the key
 * must import with its alg (so a key that could never sign or verify is refused now, not at the
 * first token). Symmetric (`oct`) keys are kept like any other and never published or used to
 * sign tokens (see isAsymmetric).
 */
async function readJwk(value: unknown, where: string): Promise<JWK> {
  if (!isObject(value)) throw errors.badRequest(`Field "${where}" must be a JSON Web Key object.`);
  for (const field of ['kty', 'kid', 'alg', 'use'] as const) {
    const member = value[field];
    if (typeof member !== 'string' || member === '') throw errors.badRequest(`Field "${where}.${field}" is required and must be a non-empty string.`);
  }
  const jwk = value as JWK & { kty: string; kid: string; alg: string; use: string };
  checkLength(`${where}.kid`, jwk.kid, MAX_ID_LENGTH);
  checkLength(`${where}.alg`, jwk.alg, MAX_ALG_LENGTH);
  if (!isUse(jwk.use)) throw errors.badRequest(`Field "${where}.use" must be "sig" or "enc".`);
  try {
    await importJWK(jwk, jwk.alg);
  } catch (err) {
    throw errors.badRequest(`Field "${where}" is not a valid ${jwk.alg} key: ${err instanceof Error ? err.message : String(err)}`);
  }
  // RFC 7518 §3.3: RSA keys of 2048 bits or more. jose enforces it only when signing or verifying.
  const modulusLength =
    jwk.kty === 'RSA' ? createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }).asymmetricKeyDetails?.modulusLength : undefined;
  if (modulusLength !== undefined && modulusLength < MIN_RSA_BITS) {
    throw errors.badRequest(`Field "${where}" is a ${modulusLength}-bit RSA key; at least ${MIN_RSA_BITS} bits are required.`);
  }
  return jwk;
}
