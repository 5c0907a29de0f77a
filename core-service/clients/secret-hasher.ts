/**
 * Client secret hashing, as Hydra's `oauth2.hashers`: PBKDF2-SHA256 by default, bcrypt
 * selectable. Hashes use the encodings Hydra (ory/x hasherx) writes, so client rows copied from
 * a Hydra database keep authenticating, and `verify` reads the algorithm from the stored hash,
 * so switching `oauth2.hashers.algorithm` only affects secrets hashed from then on.
 */
import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import type { Config } from '../shared/config.js';
import { errors } from '../shared/errors.js';

/** Hashes new client secrets and checks presented ones against a stored hash. */
export interface SecretHasher {
  /** Hashes `secret` with the configured algorithm; the result is what the client row stores. */
  hash(secret: string): Promise<string>;
  /** True when `secret` matches `hash`, whichever supported algorithm produced it; false for an unknown format. */
  verify(secret: string, hash: string): Promise<boolean>;
}

const pbkdf2Async = promisify(pbkdf2);

// Hydra's PBKDF2 defaults: 16-byte salt, 32-byte key.
const PBKDF2_SALT_BYTES = 16;
const PBKDF2_KEY_BYTES = 32;
// `$pbkdf2-<digest>$i=<iterations>,l=<key length>$<salt>$<hash>`, base64 without padding (Go's RawStdEncoding).
const PBKDF2_FORMAT = /^\$pbkdf2-(sha256|sha512)\$i=(\d{1,9}),l=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
// Go's bcrypt writes $2a$, bcryptjs writes $2b$, PHP and others $2y$; all are the same algorithm.
const BCRYPT_FORMAT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
// bcrypt reads only the first 72 bytes of its input; longer secrets would match on a prefix.
const BCRYPT_MAX_BYTES = 72;

function rawBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

async function hashPbkdf2(secret: string, iterations: number): Promise<string> {
  const salt = randomBytes(PBKDF2_SALT_BYTES);
  const key = await pbkdf2Async(secret, salt, iterations, PBKDF2_KEY_BYTES, 'sha256');
  return `$pbkdf2-sha256$i=${iterations},l=${PBKDF2_KEY_BYTES}$${rawBase64(salt)}$${rawBase64(key)}`;
}

async function verifyPbkdf2(secret: string, stored: string): Promise<boolean> {
  const match = PBKDF2_FORMAT.exec(stored);
  if (!match) return false;
  const [, digest, iterationsText, lengthText, saltText, hashText] = match;
  if (digest === undefined || saltText === undefined || hashText === undefined) return false;
  const iterations = Number(iterationsText);
  const length = Number(lengthText);
  const expected = Buffer.from(hashText, 'base64');
  if (iterations < 1 || length < 1 || expected.length !== length) return false;
  const actual = await pbkdf2Async(secret, Buffer.from(saltText, 'base64'), iterations, length, digest);
  // Constant time: an early-exit compare would tell an attacker how many leading bytes matched.
  return timingSafeEqual(actual, expected);
}

async function verifyBcrypt(secret: string, stored: string): Promise<boolean> {
  if (!BCRYPT_FORMAT.test(stored) || Buffer.byteLength(secret, 'utf8') > BCRYPT_MAX_BYTES) return false;
  // bcryptjs compares the full digest without early exit.
  return bcrypt.compare(secret, stored);
}

/**
 * Builds the hasher for `oauth2.hashers`.
 *
 * @example
 * const hasher = createSecretHasher(config.oauth2.hashers);
 * const stored = await hasher.hash(secret);
 * if (!(await hasher.verify(presented, stored))) throw new OAuthError('invalid_client');
 */
export function createSecretHasher(cfg: Config['oauth2']['hashers']): SecretHasher {
  return {
    async hash(secret) {
      if (cfg.algorithm === 'pbkdf2') return hashPbkdf2(secret, cfg.pbkdf2Iterations);
      if (Buffer.byteLength(secret, 'utf8') > BCRYPT_MAX_BYTES) {
        // Hydra refuses these too: bcrypt would silently ignore everything after byte 72.
        throw errors.invalidClientMetadata(`client_secret must be at most ${BCRYPT_MAX_BYTES} bytes when oauth2.hashers.algorithm is bcrypt`);
      }
      return bcrypt.hash(secret, cfg.bcryptCost);
    },

    async verify(secret, hash) {
      if (hash.startsWith('$pbkdf2-')) return verifyPbkdf2(secret, hash);
      if (hash.startsWith('$2')) return verifyBcrypt(secret, hash);
      return false;
    },
  };
}

/** Remembers recent successful verifications so a busy client does not pay the KDF on every request. */
export interface VerificationCache {
  /**
   * `hasher.verify(secret, storedHash)`, answered from the cache when this exact client, secret
   * and stored hash verified within the TTL.
   */
  verify(hasher: Pick<SecretHasher, 'verify'>, clientId: string, secret: string, storedHash: string): Promise<boolean>;
  /** Number of entries currently held (expired ones included until they are touched or evicted). */
  readonly size: number;
}

/**
 * A bounded, expiring cache of successful client secret verifications. The key is a SHA-256 of
 * client id, secret and stored hash, so the secret is never held in memory in clear, and a new
 * secret or hash for the client (rotation, update) misses the cache at once.
 *
 * @param ttlMs how long a success is trusted; 0 disables the cache.
 * @param maxEntries the most entries held; the least recently used is evicted first.
 * @param now the clock, in milliseconds; injectable for tests.
 */
export function createVerificationCache(ttlMs: number, maxEntries: number, now: () => number = Date.now): VerificationCache {
  // Map keeps insertion order; re-inserting on a hit makes the first key the least recently used.
  const entries = new Map<string, number>();

  function keyOf(clientId: string, secret: string, storedHash: string): string {
    // Should a NUL inside a client id or secret blur the boundaries, the stored hash still pins
    // the entry to one client: hashes are salted, so no two clients share one.
    return createHash('sha256').update(`${clientId}\0${secret}\0${storedHash}`, 'utf8').digest('base64url');
  }

  return {
    async verify(hasher, clientId, secret, storedHash) {
      if (ttlMs <= 0 || maxEntries <= 0) return hasher.verify(secret, storedHash);
      const key = keyOf(clientId, secret, storedHash);
      const expiresAt = entries.get(key);
      if (expiresAt !== undefined) {
        entries.delete(key);
        if (expiresAt > now()) {
          entries.set(key, expiresAt);
          return true;
        }
      }
      const ok = await hasher.verify(secret, storedHash);
      // Failures are never cached: a wrong guess must always pay the full KDF cost.
      if (ok) {
        entries.set(key, now() + ttlMs);
        while (entries.size > maxEntries) {
          const oldest = entries.keys().next();
          if (oldest.done === true) break;
          entries.delete(oldest.value);
        }
      }
      return ok;
    },

    get size() {
      return entries.size;
    },
  };
}
