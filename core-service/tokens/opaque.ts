/**
 * Hydra-style opaque tokens: `<prefix>_<random>.<signature>`, both parts base64url. The random
 * part carries the token's entropy; the signature is an HMAC over prefix and random part, so a
 * forged or mistyped token is rejected before any database lookup, and the database keys on a
 * hash of the signature only (DESIGN: tokens are never stored in the clear).
 */
import { createHash, createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ConfigError } from '../shared/config.js';
import { randomBytesPooled } from '../shared/random.js';

/** Hydra's prefixes: access token, refresh token, authorization code, device code (RFC 8628). */
export type OpaqueTokenPrefix = 'ory_at' | 'ory_rt' | 'ory_ac' | 'ory_dc';

/** A newly minted token: `token` goes to the client, `signature` (through storageKey) to the database. */
export interface MintedToken {
  token: string;
  signature: string;
}

/** Mints opaque tokens and checks presented ones. */
export interface OpaqueTokenCodec {
  /** A new token of the given kind, signed under the first system secret. */
  mint(prefix: OpaqueTokenPrefix): MintedToken;
  /**
   * The signature part of `token` when its HMAC verifies under any configured system secret and
   * (if given) its prefix is `expectedPrefix`; undefined for anything else. Never throws.
   */
  signatureOf(token: string, expectedPrefix?: OpaqueTokenPrefix): string | undefined;
}

const PREFIXES: readonly OpaqueTokenPrefix[] = ['ory_at', 'ory_rt', 'ory_ac', 'ory_dc'];
// RFC 6749 §10.10 asks for a guessing probability of at most 2^-128; 256 bits leaves margin.
const RANDOM_BYTES = 32;
const KEY_BYTES = 32;
const HKDF_SALT = 'tessera/opaque-token/v1';
const HKDF_INFO = 'opaque-token-hmac';
// 32 bytes in unpadded base64url are exactly 43 characters; the HMAC-SHA256 output as well.
const PART = '[A-Za-z0-9_-]{43}';
const TOKEN_FORMAT = new RegExp(`^(ory_at|ory_rt|ory_ac|ory_dc)_(${PART})\\.(${PART})$`);
const TOKEN_LENGTH = 'ory_at_'.length + 43 + 1 + 43;

function isPrefix(value: string | undefined): value is OpaqueTokenPrefix {
  return value !== undefined && (PREFIXES as readonly string[]).includes(value);
}

function sign(key: KeyObject, prefix: OpaqueTokenPrefix, random: string): string {
  // The prefix is signed too: an access token relabelled `ory_rt_` must not pass as a refresh token.
  return createHmac('sha256', key).update(`${prefix}_${random}`, 'utf8').digest('base64url');
}

/**
 * Builds the codec from `secrets.system` (the first signs, all verify, so secrets rotate).
 *
 * @example
 * const codec = createOpaqueTokenCodec(config.secrets.system);
 * const { token, signature } = codec.mint('ory_at');
 * await tokens.insert({ key: storageKey(signature), ... });
 * const presented = codec.signatureOf(bearer, 'ory_at'); // undefined → invalid_token
 */
export function createOpaqueTokenCodec(systemSecrets: string[]): OpaqueTokenCodec {
  // KeyObjects, made once: an HMAC keyed by a Buffer imports the key again on every call.
  const keys = systemSecrets.map((secret) => createSecretKey(Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, KEY_BYTES))));
  const signing = keys[0];
  if (signing === undefined) {
    throw new ConfigError('cannot sign tokens: secrets.system (env SECRETS_SYSTEM) is empty; set at least one secret of 16 or more characters');
  }

  return {
    mint(prefix) {
      const random = randomBytesPooled(RANDOM_BYTES).toString('base64url');
      const signature = sign(signing, prefix, random);
      return { token: `${prefix}_${random}.${signature}`, signature };
    },

    signatureOf(token, expectedPrefix) {
      // Checked before the regex so a megabyte of garbage costs nothing.
      if (typeof token !== 'string' || token.length !== TOKEN_LENGTH) return undefined;
      const match = TOKEN_FORMAT.exec(token);
      if (!match) return undefined;
      const [, prefix, random, signature] = match;
      if (!isPrefix(prefix) || random === undefined || signature === undefined) return undefined;
      if (expectedPrefix !== undefined && prefix !== expectedPrefix) return undefined;
      // Comparing the encoded text, not decoded bytes, also rejects non-canonical base64url
      // spellings of a valid signature, which would otherwise map to a different storage key.
      const presented = Buffer.from(signature, 'utf8');
      let valid = false;
      for (const key of keys) {
        // Every key is tried even after a match, so timing does not reveal which secret signed.
        if (timingSafeEqual(Buffer.from(sign(key, prefix, random), 'utf8'), presented)) valid = true;
      }
      return valid ? signature : undefined;
    },
  };
}

/**
 * What the database stores for a token: base64url SHA-256 of its signature part. A database
 * leak then yields neither usable tokens nor their signatures.
 */
export function storageKey(signature: string): string {
  return createHash('sha256').update(signature, 'utf8').digest('base64url');
}
