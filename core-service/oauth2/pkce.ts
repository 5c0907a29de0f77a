/**
 * PKCE (RFC 7636), as the authorization request (the code challenge) and the code exchange (the
 * code verifier) both need it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

// RFC 7636 §4.1/§4.2: code_verifier = 43*128unreserved; an S256 code_challenge is of the same alphabet.
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~] (code_verifier and code_challenge alike). */
export function isPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

/** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge, compared in constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'), 'utf8');
  const expected = Buffer.from(challenge, 'utf8');
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
