import { randomBytes } from 'node:crypto';

/** 128 random bits, base64url: ids of challenges, flows and device authorizations, and CSRF values. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}
