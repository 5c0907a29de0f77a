/**
 * Scope matching as Hydra's `strategies.scope`: `exact` grants a requested scope only if the
 * client lists it verbatim; `wildcard` (Hydra's default) is fosite's WildcardScopeStrategy: a
 * `*` segment of an allowed scope stands for exactly one non-empty segment of the requested one,
 * so `foo.*` covers `foo.bar` but neither `foo` nor `foo.bar.baz`.
 */

export type ScopeStrategy = 'exact' | 'wildcard';

/** RFC 6749 §3.3: scope is a space-delimited list. */
export function splitScope(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s.length > 0);
}

function wildcardMatch(allowed: string, requested: string): boolean {
  if (allowed === requested) return true;
  const allowedParts = allowed.split('.');
  const requestedParts = requested.split('.');
  if (allowedParts.length !== requestedParts.length) return false;
  return allowedParts.every((part, i) => {
    const asked = requestedParts[i] ?? '';
    return part === '*' ? asked.length > 0 : part === asked;
  });
}

/** Scopes of `requested` that `allowed` does not cover. */
export function uncoveredScopes(strategy: ScopeStrategy, allowed: readonly string[], requested: readonly string[]): string[] {
  return requested.filter((scope) =>
    strategy === 'exact' ? !allowed.includes(scope) : !allowed.some((a) => wildcardMatch(a, scope)),
  );
}
