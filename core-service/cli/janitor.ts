/**
 * `core-service janitor [DSN] [--read-from-env] [--config file] [--batch-size N] [--limit N]
 * [--keep-if-younger DURATION] [--tokens] [--requests] [--grants] [--yes]` — Hydra's
 * `hydra janitor` flags. Connects to the database directly (like the migrator), refuses a
 * schema that is not current, runs one pass and prints what it deleted.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_BATCH_SIZE, DEFAULT_LIMIT, JanitorOptionsError, runJanitor, validateJanitorOptions, type JanitorOptions } from '../janitor/janitor.js';
import { loadConfig } from '../shared/config.js';
import { parseGoDuration } from '../shared/durations.js';
import { parseDsn } from '../storage/dsn.js';
import { SqlJanitorStore } from '../storage/janitor-store.js';
import { closeOrm, openOrm } from '../storage/orm.js';
import { assertSchemaCurrent } from '../storage/schema.js';

export const JANITOR_USAGE = `usage: core-service janitor [DSN] [--read-from-env] [--config file] [--batch-size N] [--limit N]
                           [--keep-if-younger DURATION] [--tokens] [--requests] [--grants] [--yes]

  DSN                      the database; or --read-from-env (DSN) / --config
  --tokens                 delete tokens that expired before the cutoff, and expired assertion ids
                           (client assertions, JWT-bearer grants);
                           rotated-out refresh tokens and used codes stay until they expire, so a replay
                           is still detected as reuse and revokes its grant
  --requests               delete stale login, consent and logout requests and expired login sessions
  --grants                 delete expired consents whose tokens and login session are gone,
                           and expired trust relationships of the JWT-bearer grant
  --batch-size N           rows per DELETE statement (default ${DEFAULT_BATCH_SIZE}); between batches the janitor
                           rests as long as the batch took, so live traffic keeps its latency
  --limit N                delete at most N rows per table in this run, then stop (default ${DEFAULT_LIMIT},
                           as Hydra); run it again to continue
  --keep-if-younger D      keep rows younger than D, a Go duration such as 24h (default 0s)
  --yes                    do not ask for confirmation`;

const whole = (flag: string, text: string | undefined, def: number): number => {
  if (text === undefined) return def;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new JanitorOptionsError(`${flag} must be a whole number, not "${text}"`);
  return n;
};

/** Runs the command; returns the exit code. Output goes to `out`, problems to `err`. */
export async function janitorCommand(argv: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): Promise<number> {
  let options: JanitorOptions;
  let dsn: string;
  let yes: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'read-from-env': { type: 'boolean', short: 'e' },
        config: { type: 'string', short: 'c' },
        'batch-size': { type: 'string' },
        limit: { type: 'string' },
        'keep-if-younger': { type: 'string' },
        tokens: { type: 'boolean' },
        requests: { type: 'boolean' },
        grants: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out.write(`${JANITOR_USAGE}\n`);
      return 0;
    }
    const keep = values['keep-if-younger'] === undefined ? 0 : parseGoDuration(values['keep-if-younger']);
    if (keep === undefined) throw new JanitorOptionsError(`--keep-if-younger must be a Go duration such as 24h, not "${values['keep-if-younger']}"`);
    options = {
      tokens: values.tokens ?? false,
      requests: values.requests ?? false,
      grants: values.grants ?? false,
      batchSize: whole('--batch-size', values['batch-size'], DEFAULT_BATCH_SIZE),
      limit: whole('--limit', values.limit, DEFAULT_LIMIT),
      keepIfYoungerMs: keep,
    };
    validateJanitorOptions(options);
    if (positionals.length > 1) throw new JanitorOptionsError('give at most one DSN');
    if (positionals[0] !== undefined && (values['read-from-env'] || values.config)) {
      throw new JanitorOptionsError('give the DSN either as an argument or with --read-from-env/--config, not both');
    }
    dsn = positionals[0] ?? (values['read-from-env'] || values.config ? loadConfig({ env: io.env, ...(values.config ? { file: values.config } : {}) }).dsn : '');
    if (!dsn) throw new JanitorOptionsError('give a DSN, or --read-from-env to read it from DSN');
    yes = values.yes ?? false;
  } catch (err) {
    io.err.write(`core-service janitor: ${(err as Error).message}\n${JANITOR_USAGE}\n`);
    return 2;
  }

  const target = parseDsn(dsn);
  if (!yes && !(await confirm(`Delete stale rows from ${target.redacted}? [y/N] `, io))) {
    io.err.write('core-service janitor: not confirmed; pass --yes to run without asking\n');
    return 1;
  }
  const orm = await openOrm(target);
  try {
    await assertSchemaCurrent(orm, target.redacted);
    const report = await runJanitor(new SqlJanitorStore(orm), options, new Date());
    io.out.write(`janitor deleted: ${report.tokens} tokens, ${report.jtis} assertion ids, ${report.device_codes} device codes, ${report.requests} requests, ${report.grants} grants, ${report.trusts} trust relationships\n`);
    const capped = (Object.keys(report) as (keyof typeof report)[]).filter((target) => report[target] >= options.limit);
    if (capped.length > 0) io.out.write(`janitor stopped at --limit ${options.limit} for ${capped.join(', ')}; more may be left: run it again\n`);
    return 0;
  } finally {
    await closeOrm(orm);
  }
}

/** Asks on a terminal; without one there is nobody to ask, so the answer is no. */
async function confirm(question: string, io: { out: NodeJS.WritableStream }): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: io.out });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
