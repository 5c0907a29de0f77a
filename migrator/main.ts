/**
 * `migrator`: the only program that changes the schema (DESIGN.md, Shape). Wiring only: parse
 * the command line, find the DSN, open the database, run the command, set the exit code.
 * Run with `npx tsx migrator/main.ts sql up -e --yes`.
 */
import { createInterface } from 'node:readline/promises';
import { parseDsn } from '../core-service/storage/dsn.js';
import { parseInvocation, resolveDsn, USAGE, UsageError } from './cli-args.js';
import type { Confirm, Output } from './commands.js';

const io: Output = { out: (line) => process.stdout.write(`${line}\n`) };
const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err)) || 'no reason given';
const fail = (message: string) => {
  process.stderr.write(`migrator: ${message}\n`);
  return 1;
};

/** y/N on the terminal; only called when stdin is a TTY. */
const askOnTerminal: Confirm = async (question) => {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
};

async function main(argv: string[]): Promise<number> {
  const invocation = parseInvocation(argv);
  if (invocation.help) {
    io.out(USAGE);
    return 0;
  }
  const target = parseDsn(resolveDsn(invocation, process.env));
  const changes = invocation.action !== 'status';
  if (changes && !invocation.yes && !process.stdin.isTTY) {
    return fail(`refusing to run "sql ${invocation.action}" without confirmation: stdin is not a terminal. Pass --yes to confirm.`);
  }
  const confirm: Confirm = invocation.yes ? async () => true : askOnTerminal;

  // Loaded only now, so usage and DSN mistakes are answered without loading the ORM (~1 s).
  const { checkDatabase, closeOrm, openOrm } = await import('../core-service/storage/orm.js');
  const { isConnectionFailure, retryWhileUnreachable, StillUnreachableError } = await import('../core-service/storage/retry.js');
  const { down, status, up } = await import('./commands.js');
  // A migration may run for minutes (an index on a big table): no statement timeout here.
  const orm = await openOrm(target, { unboundedStatements: true });
  try {
    // A database started alongside (compose, a Kubernetes Job before its Service resolves) may
    // not answer yet: retry a while, then end with a reason, as a job that must finish.
    try {
      await retryWhileUnreachable(() => checkDatabase(orm, 10_000), {
        retryable: isConnectionFailure,
        giveUpAfterMs: invocation.waitMs,
        onRetry: (err, attempt, delayMs) =>
          process.stderr.write(`migrator: database ${target.redacted} not reachable (${reason(err)}); attempt ${attempt}, retrying in ${(delayMs / 1000).toFixed(1)} s\n`),
      });
    } catch (err) {
      const tried = err instanceof StillUnreachableError ? ` (${err.attempts} attempts in ${Math.round(err.elapsedMs / 1000)} s)` : '';
      const cause = err instanceof StillUnreachableError ? err.cause : err;
      return fail(`cannot reach the database ${target.redacted}${tried}: ${reason(cause)} (is it running, are the credentials right, does the database exist?)`);
    }
    switch (invocation.action) {
      case 'status':
        return await status(orm, target.redacted, io);
      case 'up':
        return await up(orm, target.redacted, io, confirm);
      case 'down':
        return await down(orm, target.redacted, invocation.steps, io, confirm);
    }
  } finally {
    await closeOrm(orm);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Operators get the reason (DsnError, ConfigError, a driver error), not a stack trace.
    const message = err instanceof Error ? err.message : String(err);
    process.exitCode = fail(err instanceof UsageError ? `${message}\n\n${USAGE}` : message);
  },
);
