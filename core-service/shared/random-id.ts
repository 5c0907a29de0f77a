import { randomBytesPooled } from './random.js';

/**
 * 128 random bits, base64url: ids of challenges, flows and device authorizations, and CSRF
 * values. Drawn from the pooled CSPRNG (random.ts): a login takes about seven ids, and a
 * randomBytes call each cost ~17 µs on the bench machine (issue 10).
 */
export function randomId(): string {
  return randomBytesPooled(16).toString('base64url');
}
