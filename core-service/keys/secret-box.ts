/**
 * Encryption at rest for what core stores secret (signing keys, and anything else that must be
 * readable again, unlike client secrets which are hashed). AES-256-GCM under a key derived from
 * each `secrets.system` value: the first secret seals, every secret opens, so an operator
 * rotates by prepending a new secret and keeping the old one until everything is re-sealed.
 *
 * Sealed format: `v1.<kid>.<nonce>.<ciphertext+tag>`, all parts base64url. `kid` names the
 * derived key (not the secret) so `open` tries one key instead of all of them.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { randomBytesPooled } from '../shared/random.js';

/** Why a seal or open failed; a `switch` over it is checked by the compiler. */
export type SecretBoxErrorCode = 'no_secrets' | 'malformed' | 'no_matching_secret' | 'tampered';

/** Thrown when a value cannot be sealed or opened; `code` says why, the message tells the operator what to do. */
export class SecretBoxError extends Error {
  readonly code: SecretBoxErrorCode;

  constructor(code: SecretBoxErrorCode, message: string) {
    super(message);
    this.name = 'SecretBoxError';
    this.code = code;
  }
}

/** Seals and opens strings under the configured system secrets, for one purpose. */
export interface SecretBox {
  /** Encrypts `plaintext` under the first system secret; a fresh nonce each call. */
  seal(plaintext: string): string;
  /** Decrypts a sealed value with whichever configured secret sealed it; throws SecretBoxError otherwise. */
  open(sealed: string): string;
}

const VERSION = 'v1';
const KEY_BYTES = 32;
// NIST SP 800-38D §8.2.2: a random 96-bit IV; the default GCM nonce size.
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KID_BYTES = 6;
// A fixed, public salt for HKDF-Extract (RFC 5869 §3.1): it separates Tessera's keys from any
// other use of the same secret; the secret itself supplies the entropy.
const HKDF_SALT = 'tessera/secret-box/v1';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface DerivedKey {
  kid: string;
  key: Buffer;
}

function deriveKey(secret: string, purpose: string): DerivedKey {
  // RFC 5869 §3.2: `info` binds the key to its purpose, so a value sealed for one purpose
  // (say, JWKs) can never be opened as another (say, flow state).
  const key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, `tessera/${purpose}`, KEY_BYTES));
  const kid = createHash('sha256').update('kid').update(key).digest().subarray(0, KID_BYTES).toString('base64url');
  return { kid, key };
}

/**
 * Builds a SecretBox for one purpose from `secrets.system` (first seals, all open).
 *
 * @example
 * const box = createSecretBox(config.secrets.system, 'jwk');
 * const stored = box.seal(JSON.stringify(privateJwk));
 * const jwk = JSON.parse(box.open(stored));
 */
export function createSecretBox(systemSecrets: string[], purpose: string): SecretBox {
  const keys = systemSecrets.map((secret) => deriveKey(secret, purpose));
  const sealing = keys[0];
  if (sealing === undefined) {
    throw new SecretBoxError('no_secrets', 'cannot encrypt or decrypt: secrets.system (env SECRETS_SYSTEM) is empty; set at least one secret of 16 or more characters');
  }

  return {
    seal(plaintext) {
      const nonce = randomBytesPooled(NONCE_BYTES);
      const header = `${VERSION}.${sealing.kid}`;
      const cipher = createCipheriv('aes-256-gcm', sealing.key, nonce, { authTagLength: TAG_BYTES });
      // The header is authenticated data, so a value cannot be relabelled to another key or version.
      cipher.setAAD(Buffer.from(header, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${header}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
    },

    open(sealed) {
      const parts = sealed.split('.');
      const [version, kid, nonceText, bodyText] = parts;
      if (
        parts.length !== 4 || version !== VERSION || kid === undefined || nonceText === undefined || bodyText === undefined ||
        !BASE64URL.test(kid) || !BASE64URL.test(nonceText) || !BASE64URL.test(bodyText)
      ) {
        throw new SecretBoxError('malformed', `cannot decrypt ${purpose} value: it is not a sealed value of this version (expected ${VERSION}.<kid>.<nonce>.<ciphertext>)`);
      }
      const nonce = Buffer.from(nonceText, 'base64url');
      const body = Buffer.from(bodyText, 'base64url');
      if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) {
        throw new SecretBoxError('malformed', `cannot decrypt ${purpose} value: the nonce or ciphertext has the wrong length`);
      }

      // The kid is public (it is written beside the ciphertext), so a plain comparison leaks nothing.
      const candidates = keys.filter((k) => k.kid === kid);
      if (candidates.length === 0) {
        throw new SecretBoxError(
          'no_matching_secret',
          `cannot decrypt ${purpose} value: none of the configured secrets.system values matches; was SECRETS_SYSTEM changed without keeping the old secret?`,
        );
      }

      const ciphertext = body.subarray(0, body.length - TAG_BYTES);
      const tag = body.subarray(body.length - TAG_BYTES);
      // A short kid can collide between two secrets; each candidate gets its chance.
      for (const candidate of candidates) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', candidate.key, nonce, { authTagLength: TAG_BYTES });
          decipher.setAAD(Buffer.from(`${version}.${kid}`, 'utf8'));
          decipher.setAuthTag(tag);
          return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
        } catch {
          // Authentication failed under this key; try the next candidate.
        }
      }
      throw new SecretBoxError('tampered', `cannot decrypt ${purpose} value: it was altered or corrupted after it was sealed (authentication tag mismatch)`);
    },
  };
}
