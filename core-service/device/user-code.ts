/**
 * RFC 8628 user codes: what a person reads off a television and types into a phone. Eight
 * characters of the base-20 alphabet RFC 8628 §6.1 recommends (consonants without vowels, so no
 * word is spelled, and none that is confused with a digit), shown as `BCDF-GHJK`. Case, spaces
 * and dashes do not matter when typed back (§6.1: "compare case-insensitively" and ignore
 * punctuation). 20^8 ≈ 2^34.6 codes against a handful live at a time for `ttl.device_user_code`
 * is the §5.1 entropy the RFC describes for an 8-character code.
 *
 * Stored only as an HMAC under a key derived from `secrets.system` (never the code itself): the
 * code space is small enough that a bare hash in a leaked database would be reversed by trying
 * every code; without the secret it cannot be.
 */
import { createHmac, hkdfSync, randomInt } from 'node:crypto';

/** RFC 8628 §6.1's example alphabet: "BCDFGHJKLMNPQRSTVWXZ". */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

const HKDF_SALT = 'tessera/user-code/v1';

/** A fresh user code in its display form, e.g. `WDJB-MJHT`. */
export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The code as typed, reduced to what identifies it: upper case, without spaces or dashes. */
export function normalizeUserCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

export interface UserCodeHasher {
  /** The signature new codes are stored under (the first secret's). */
  sign(code: string): string;
  /** Every signature the code may be stored under, one per secret, so secrets rotate. */
  candidates(code: string): string[];
}

/** Keyed hashes of user codes from `secrets.system` (the first signs, all are looked up). */
export function createUserCodeHasher(systemSecrets: string[]): UserCodeHasher {
  const keys = systemSecrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, 'user-code-hmac', 32)));
  const hmac = (key: Buffer, code: string) => createHmac('sha256', key).update(normalizeUserCode(code), 'utf8').digest('base64url');
  return {
    sign(code) {
      const key = keys[0];
      if (key === undefined) throw new Error('secrets.system is empty');
      return hmac(key, code);
    },
    candidates: (code) => keys.map((key) => hmac(key, code)),
  };
}
