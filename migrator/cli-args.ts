/**
 * The migrator's command line, parsed with node:util parseArgs. Tessera's spelling
 * (`migrator sql up|down|status [DSN]`) and Hydra's (`migrate sql [DSN] --yes`,
 * `migrate sql up|down`, `migrate status`) both work, so existing deploy scripts keep running.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../core-service/shared/config.js';
import { parseGoDuration } from '../core-service/shared/durations.js';

export type Action = 'up' | 'down' | 'status';

export interface Invocation {
  action: Action;
  /** DSN given as a positional argument. */
  dsn?: string;
  readFromEnv: boolean;
  configFile?: string;
  yes: boolean;
  /** How many migrations `down` reverts. */
  steps: number;
  /** How long an unreachable database is retried before giving up (ms). */
  waitMs: number;
  help: boolean;
}

/** `--wait`'s default: long enough for a database started alongside (compose, a Job) to come up. */
export const DEFAULT_WAIT_MS = 30_000;

/** A mistake in the command line; main prints the message and the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  migrator sql up [DSN] [--yes]              apply every pending migration
  migrator sql down [DSN] [--steps N] [--yes] revert the last N applied migrations (default 1)
  migrator sql status [DSN]                  list migrations as applied or pending
  migrator migrate sql [DSN] --yes           Hydra's spelling of "sql up"

Where the DSN comes from (first that applies):
  the DSN argument; -e, --read-from-env (env DSN, else DATABASE_URL); --config file.yaml (its dsn, overridden by env DSN)

Options:
  -y, --yes          do not ask for confirmation (required when stdin is not a terminal)
  --wait DURATION    retry an unreachable database this long, then fail (default 30s; 0s: no retry)
  -h, --help         show this text`;

const ACTIONS: readonly string[] = ['up', 'down', 'status'];

/** Parses argv (without node and the script). Throws UsageError. */
export function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'read-from-env': { type: 'boolean', short: 'e', default: false },
        config: { type: 'string', short: 'c' },
        yes: { type: 'boolean', short: 'y', default: false },
        steps: { type: 'string' },
        wait: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        // Accepted so Hydra command lines keep working; Tessera sends no usage statistics.
        'sqa-opt-out': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values } = parsed;
  const invocation: Invocation = {
    action: 'up',
    readFromEnv: values['read-from-env'],
    yes: values.yes,
    steps: parseSteps(values.steps),
    waitMs: parseWait(values.wait),
    help: values.help,
  };
  if (values.config !== undefined) invocation.configFile = values.config;
  if (invocation.help) return invocation;

  const words = [...parsed.positionals];
  if (words[0] === 'migrate') words.shift();
  if (words[0] === 'status') {
    // Hydra: `migrate status [DSN]`.
    words[0] = 'sql';
    words.splice(1, 0, 'status');
  }
  if (words.shift() !== 'sql') throw new UsageError('expected a command such as "sql up", "sql down" or "sql status"');
  const next = words[0];
  if (next !== undefined && ACTIONS.includes(next)) {
    invocation.action = next as Action;
    words.shift();
  }
  if (words.length > 1) throw new UsageError(`unexpected arguments: ${words.slice(1).join(' ')}`);
  if (words[0] !== undefined) invocation.dsn = words[0];
  if (values.steps !== undefined && invocation.action !== 'down') throw new UsageError('--steps applies to "sql down" only');
  return invocation;
}

function parseSteps(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const steps = Number(raw);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps must be a whole number ≥ 1, got "${raw}"`);
  return steps;
}

function parseWait(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_WAIT_MS;
  const ms = parseGoDuration(raw);
  if (ms === undefined || ms < 0) throw new UsageError(`--wait must be a duration such as 30s or 2m, got "${raw}"`);
  return ms;
}

/** The DSN to migrate: the argument, else env DSN (or DATABASE_URL) with -e, else the config file's. */
export function resolveDsn(invocation: Invocation, env: NodeJS.ProcessEnv): string {
  if (invocation.dsn !== undefined) return invocation.dsn;
  if (invocation.readFromEnv) {
    // DATABASE_URL: the older name Hydra's FAQ still uses, read only when DSN is unset.
    const dsn = env.DSN || env.DATABASE_URL;
    if (!dsn) throw new UsageError('-e/--read-from-env was given but the environment variable DSN is not set (nor DATABASE_URL)');
    return dsn;
  }
  if (invocation.configFile !== undefined) {
    const dsn = loadConfig({ file: invocation.configFile, env }).dsn;
    if (!dsn) throw new UsageError(`${invocation.configFile} sets no dsn (and DSN is not set in the environment)`);
    return dsn;
  }
  throw new UsageError('no database given: pass a DSN, or -e with DSN in the environment, or --config file.yaml');
}
