/**
 * Hydra's `audience` rule: a client may only ask for (and be granted) audiences it registered.
 * The authorization request, the consent, the client credentials and device grants, and every
 * refresh check it the same way; each caller words its own error, as Hydra does.
 */

/** The values of `requested` that the client's registered `allowed` audience does not list (exact match). */
export function foreignAudiences(allowed: readonly string[], requested: readonly string[]): string[] {
  return requested.filter((audience) => !allowed.includes(audience));
}
