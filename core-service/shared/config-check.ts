/**
 * Hydra validates its configuration against its JSON schema and stops on a key it does not
 * know; Tessera does the same, so a typo or an unsupported feature is never silently ignored.
 * Each key of the file (and each environment variable in a Hydra section) is one Tessera
 * honours, one it refuses because its feature does not exist yet, one that cannot change
 * anything (config-keys.ts), or unknown: refused naming the nearest known key.
 */
import { INERT_KEYS, REFUSED_KEYS, isUnder, refusal, type RefusedKey } from './config-keys.js';

/** `ttl.access_token` → `TTL_ACCESS_TOKEN` (Hydra's mapping of keys to environment variables). */
export function envName(path: string): string {
  return path.toUpperCase().replace(/[.-]/g, '_');
}

/**
 * Environment variables with these prefixes belong to Hydra's sections, so one Tessera does not
 * know is a typo. Shorter, common prefixes (`LOG_`, `DB_`) are left alone: other software sets them.
 */
const CHECKED_ENV_PREFIXES = ['SERVE_', 'OAUTH2_', 'TTL_', 'URLS_', 'SECRETS_', 'STRATEGIES_', 'OIDC_', 'WEBFINGER_', 'HSM_', 'TRACING_'];

/** Every leaf of a parsed YAML/JSON document as [path, value]; lists and empty maps are leaves. */
function leaves(node: unknown, prefix: string, out: [string, unknown][]): [string, unknown][] {
  if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.push([prefix, node]);
  }
  return out;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The known key closest to `unknown` (ties: the first in `known`). */
export function nearestKey(unknown: string, known: readonly string[]): string {
  let best = known[0] ?? '';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(unknown, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function lookup(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The refused entry covering `path` (most specific first, as listed), if any. */
function refusedEntry(path: string): RefusedKey | undefined {
  return REFUSED_KEYS.find((entry) => isUnder(path, entry.path));
}

export interface KeyCatalogue {
  /** Every key path Tessera reads (config.ts KEYS). */
  honoured: readonly string[];
}

/** All key paths worth suggesting: honoured, then refused and inert ones (`*` as `public`). */
function suggestions(catalogue: KeyCatalogue): string[] {
  const others = [...REFUSED_KEYS.map((e) => e.path), ...INERT_KEYS.map((e) => e.path)].map((p) => p.replace('*', 'public'));
  return [...catalogue.honoured, ...others];
}

/**
 * One problem per unknown or refused key of the file, each naming the key; a refused section
 * whose feature switch is off is accepted, as Hydra ignores it then.
 */
export function checkDocument(doc: unknown, catalogue: KeyCatalogue): string[] {
  const honoured = new Set(catalogue.honoured);
  const problems: string[] = [];
  const reported = new Set<RefusedKey>();
  for (const [path, value] of leaves(doc, '', [])) {
    if (honoured.has(path)) continue;
    // A section given as an empty map or null, above honoured keys (`serve: {}`), sets nothing.
    if ((value === null || isEmptyMap(value)) && catalogue.honoured.some((k) => k.startsWith(`${path}.`))) continue;
    if (INERT_KEYS.some((entry) => isUnder(path, entry.path))) continue;
    const refused = refusedEntry(path);
    if (refused) {
      if (value === null || reported.has(refused)) continue;
      if (refused.switch) {
        const switchPath = concrete(refused.switch.path, path);
        const switchValue = lookup(doc, switchPath);
        if (switchValue === undefined || switchValue === null || refused.switch.harmless.includes(switchValue)) continue;
        reported.add(refused);
        problems.push(refusal(switchPath, refused));
      } else {
        problems.push(refusal(path, refused));
      }
      continue;
    }
    problems.push(`unknown key \`${path}\`; did you mean \`${nearestKey(path, suggestions(catalogue))}\`?`);
  }
  return problems;
}

/** `pattern` with its `*` taken from `path` (`serve.*.socket`, `serve.admin.socket.mode` → `serve.admin.socket`). */
function concrete(pattern: string, path: string): string {
  const segments = path.split('.');
  return pattern
    .split('.')
    .map((part, i) => (part === '*' ? (segments[i] ?? part) : part))
    .join('.');
}

function isEmptyMap(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

/**
 * The same rules for environment variables in Hydra's sections: refused features by their
 * variables (`TRACING_PROVIDER=jaeger`), unknown names as typos (`SERVE_PUBLIC_PROT`).
 */
export function checkEnvironment(env: NodeJS.ProcessEnv, catalogue: KeyCatalogue): string[] {
  const honoured = new Set(catalogue.honoured.map(envName));
  const problems: string[] = [];
  const reported = new Set<RefusedKey>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || honoured.has(name)) continue;
    if (!CHECKED_ENV_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const refused = REFUSED_KEYS.find((entry) => envMatches(name, entry.path));
    if (refused) {
      if (value === '' || reported.has(refused)) continue;
      const listener = ['public', 'admin'].find((l) => name.startsWith(`${envName(refused.path.replace('*', l))}`)) ?? 'public';
      const switchPath = refused.switch?.path.replace('*', listener);
      if (switchPath !== undefined && refused.switch) {
        const switchValue = env[envName(switchPath)];
        if (switchValue === undefined || refused.switch.harmless.includes(switchValue.trim().toLowerCase())) continue;
      }
      reported.add(refused);
      problems.push(`${refusal(switchPath ?? refused.path.replace('*', listener), refused)} (env ${name})`);
      continue;
    }
    if (INERT_KEYS.some((entry) => envMatches(name, entry.path))) continue;
    const nearest = nearestKey(name, [...honoured]);
    problems.push(`unknown environment variable ${name}; did you mean ${nearest}?`);
  }
  return problems;
}

/** Whether variable `name` is the key `pattern` or inside it (`*` matches one listener). */
function envMatches(name: string, pattern: string): boolean {
  return ['PUBLIC', 'ADMIN'].some((listener) => {
    const base = envName(pattern.replace('*', listener.toLowerCase()));
    return name === base || name.startsWith(`${base}_`);
  });
}
