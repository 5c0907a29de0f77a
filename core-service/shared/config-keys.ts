/**
 * Hydra's configuration keys that Tessera does not read as settings: those it refuses because
 * their feature does not exist yet, and the few it accepts because they cannot change what
 * Tessera does. Every other key of Hydra's schema is one Tessera honours (config.ts KEYS); a key
 * in neither list is unknown and refused with the nearest known key (config-check.ts).
 *
 * Paths name a key or a whole section (`hsm` covers `hsm.library`, `hsm.pin`, …); `*` stands
 * for one listener (`serve.*.socket` is `serve.public.socket` and `serve.admin.socket`).
 */

/** A key or section whose feature Tessera lacks: setting it stops the program at start. */
export interface RefusedKey {
  path: string;
  /** What is missing, said after "Tessera does not support `<key>` (yet): ". */
  feature: string;
  /**
   * The key that switches the section's feature on, and its values that leave the feature off.
   * With the switch off, Hydra ignores the rest of the section too, so Tessera accepts it:
   * nothing would behave differently. Without a switch, any value but null is refused.
   */
  switch?: { path: string; harmless: readonly unknown[] };
}

/** A key that has no effect in Tessera by nature, accepted so Hydra's files load; README says why. */
export interface InertKey {
  path: string;
  reason: string;
}

export const REFUSED_KEYS: readonly RefusedKey[] = [
  { path: 'hsm', feature: 'keys in a hardware security module (PKCS#11)', switch: { path: 'hsm.enabled', harmless: [false, 'false', ''] } },
  {
    path: 'tracing',
    feature: 'distributed tracing (OpenTelemetry); leave tracing.provider empty',
    switch: { path: 'tracing.provider', harmless: [''] },
  },
  { path: 'profiling', feature: 'Go profiling (cpu, mem); use node --cpu-prof or --heap-prof', switch: { path: 'profiling', harmless: [''] } },
  {
    path: 'feature_flags.legacy_allow_insecure_origins',
    feature: 'unbounded wildcard CORS origins (an Ory Network flag)',
    switch: { path: 'feature_flags.legacy_allow_insecure_origins', harmless: [false, 'false', ''] },
  },
  { path: 'feature_flags', feature: 'Ory Network feature flags' },
  {
    path: 'oauth2.device_authorization.user_code',
    feature: "other user-code alphabets; Tessera's user codes are 8 characters of RFC 8628 §6.1's case-insensitive base-20 alphabet",
  },
  { path: 'urls.registration', feature: 'a registration page (prompt=registration)' },
  { path: 'urls.identity_provider', feature: 'logging out of Ory Kratos with the Hydra session' },
  { path: 'serve.*.base_url', feature: 'a per-listener base URL; set urls.self.public and urls.self.admin' },
  {
    path: 'serve.*.cors.options_passthrough',
    feature: 'passing preflight requests on to the handlers; the gateway answers them',
    switch: { path: 'serve.*.cors.options_passthrough', harmless: [false, 'false', ''] },
  },
];

export const INERT_KEYS: readonly InertKey[] = [
  { path: 'sqa', reason: 'Tessera sends no usage statistics, opted out or not' },
  { path: 'version', reason: "the version of Hydra's configuration schema a file was written for" },
  { path: 'cgroups.v1.auto_max_procs_enabled', reason: 'sets GOMAXPROCS, a Go runtime setting with no Node.js counterpart' },
  { path: 'db.ignore_unknown_table_columns', reason: 'Tessera reads named columns, so extra columns never stop it' },
];

/** Whether `path` is `pattern` or inside it (`*` matches one segment). */
export function isUnder(path: string, pattern: string): boolean {
  const p = path.split('.');
  const q = pattern.split('.');
  return q.length <= p.length && q.every((part, i) => part === '*' || part === p[i]);
}

/** The message every refusal carries, as the issue and README quote it. */
export function refusal(path: string, entry: RefusedKey): string {
  return `Tessera does not support \`${path}\` (yet): ${entry.feature}`;
}
