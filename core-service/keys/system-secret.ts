/**
 * What `secrets.system` must be before core uses it. Every secret of the list opens challenges,
 * verifiers, sessions and the signing keys, so one guessable secret anywhere in it lets anybody
 * forge a consent verifier and get an ID token for any subject. Outside dev mode core refuses a
 * secret shorter than 32 characters, or one that was ever published as an example.
 */
import { ConfigError } from '../shared/config.js';

/** Shorter secrets are refused outside dev mode (32 characters: `openssl rand -hex 16` and up). */
export const MIN_SYSTEM_SECRET_LENGTH = 32;

/**
 * Every example value of `secrets.system` that Tessera's README.md or deploy/ ever showed.
 * test/system-secret.test.ts reads those files and fails when one of their example values is
 * missing here, so a new example cannot become a working secret unnoticed.
 */
export const PUBLISHED_SYSTEM_SECRETS: readonly string[] = [
  'compose-example-secret-change-me-0123456789',
  'change-me-to-a-long-random-secret',
  'a-long-random-secret-at-least-16-chars',
];

/** A value that says it is to be replaced is a placeholder wherever it was published. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me/i;

/** Why `secret` may not be used outside dev mode, or undefined when it may. */
export function systemSecretProblem(secret: string): string | undefined {
  if (PUBLISHED_SYSTEM_SECRETS.includes(secret.trim())) return 'is an example value published with Tessera, known to everybody';
  if (PLACEHOLDER.test(secret)) return 'is a placeholder ("change me")';
  if (secret.length < MIN_SYSTEM_SECRET_LENGTH) return `is shorter than ${MIN_SYSTEM_SECRET_LENGTH} characters`;
  return undefined;
}

/**
 * Throws a ConfigError naming the position of the first unusable secret (never the secret).
 * Dev mode keeps the 16-character minimum the loader enforces, so local setups keep working.
 */
export function assertSystemSecrets(secrets: readonly string[], opts: { dev: boolean }): void {
  if (opts.dev) return;
  secrets.forEach((secret, i) => {
    const problem = systemSecretProblem(secret);
    if (problem !== undefined) {
      throw new ConfigError(
        `secrets.system (env SECRETS_SYSTEM) is invalid: secret #${i + 1} of the list ${problem}. ` +
          'Make a new one with: openssl rand -hex 32',
      );
    }
  });
}
