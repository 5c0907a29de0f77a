/**
 * Scope matching as Hydra's `strategies.scope`: `exact` (the default) grants a requested scope
 * only if the client lists it verbatim; `wildcard` also lets `foo.*` cover `foo.bar`.
 */

export type ScopeStrategy = 'exact' | 'wildcard';

/** RFC 6749 §3.3: scope is a space-delimited list. */
export function splitScope(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s.length > 0);
}

function wildcardMatch(allowed: string, requested: string): boolean {
  if (allowed === requested) return true;
  if (!allowed.endsWith('.*')) return false;
  const prefix = allowed.slice(0, -1);
  return requested.startsWith(prefix) && requested.length > prefix.length;
}

/** Scopes of `requested` that `allowed` does not cover. */
export function uncoveredScopes(strategy: ScopeStrategy, allowed: readonly string[], requested: readonly string[]): string[] {
  return requested.filter((scope) =>
    strategy === 'exact' ? !allowed.includes(scope) : !allowed.some((a) => wildcardMatch(a, scope)),
  );
}
