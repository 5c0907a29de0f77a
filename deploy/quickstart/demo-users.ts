/**
 * The quickstart's user directory: one demo user, shown on the login page. An operator replaces
 * this file with their own user store; the rest of the login/consent app stays as it is.
 */
import { timingSafeEqual } from 'node:crypto';

/** A user as the login and consent pages need it. */
export interface DemoUser {
  /** The OpenID Connect `sub`: stable, never reassigned. Hydra's own example uses the email. */
  subject: string;
  email: string;
  password: string;
  name: string;
  givenName: string;
  familyName: string;
}

/** The demo user the login page advertises. */
export const DEMO_USER: DemoUser = {
  subject: 'foo@bar.com',
  email: 'foo@bar.com',
  password: 'foobar',
  name: 'Foo Bar',
  givenName: 'Foo',
  familyName: 'Bar',
};

const USERS: readonly DemoUser[] = [DEMO_USER];

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user with this email and password, or undefined. */
export function authenticate(email: string, password: string): DemoUser | undefined {
  const user = USERS.find((u) => u.email.toLowerCase() === email.trim().toLowerCase());
  return user && sameText(user.password, password) ? user : undefined;
}

/** The user behind a subject (for consent, after login). */
export function findBySubject(subject: string): DemoUser | undefined {
  return USERS.find((u) => u.subject === subject);
}

/**
 * ID token claims for the granted scopes (OpenID Connect Core §5.4: `email` → email,
 * email_verified; `profile` → name, given_name, family_name, …). Only what was granted leaves.
 */
export function idTokenClaims(user: DemoUser | undefined, grantedScopes: readonly string[]): Record<string, unknown> {
  if (user === undefined) return {};
  const claims: Record<string, unknown> = {};
  if (grantedScopes.includes('email')) {
    claims.email = user.email;
    claims.email_verified = true;
  }
  if (grantedScopes.includes('profile')) {
    claims.name = user.name;
    claims.given_name = user.givenName;
    claims.family_name = user.familyName;
  }
  return claims;
}
