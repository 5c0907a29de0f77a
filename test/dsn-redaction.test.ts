/**
 * A database password never reaches the logs (issue 9 §4): the migrator and core run as real
 * processes, at LOG_LEVEL=trace, with a DSN whose password holds `@`, `:` and `/`, on the
 * PostgreSQL and MariaDB servers of this run. Whether the server accepts the password (trust
 * authentication) or refuses it, no line either program writes may carry any part of it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDsn } from '../core-service/storage/dsn.js';
import { TEST_CALLERS_ENV, TEST_SYSTEM_SECRET } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { runProgram, type Program } from './support/processes.js';

const PASSWORD = 'Pw@x:y/z-7f3a';
/** Fragments of the password, raw and percent-encoded, that must appear nowhere. */
const FRAGMENTS = ['Pw@x', 'x:y', 'y/z', 'y%2Fz', 'z-7f3a', 'Pw%40x'];

/** Waits until the program is serving or has exited, then stops it; returns everything it wrote. */
async function runToEnd(program: Program, ready?: RegExp): Promise<string> {
  if (ready) await program.waitFor(ready, 60_000).catch(() => undefined);
  await program.stop();
  return program.output();
}

for (const db of testDatabases().filter((d) => d.name !== 'sqlite')) {
  describe(`DSN password in the logs on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let dsn = '';

    before(async () => {
      database = await db.create();
      const target = parseDsn(database.dsn);
      const at = `${target.host ?? '127.0.0.1'}:${target.port ?? 0}`;
      // PostgreSQL takes URLs, where '/' must be percent-encoded; Hydra's MySQL form takes the password as written.
      dsn =
        db.name === 'postgres'
          ? `postgres://${target.user ?? ''}:${PASSWORD.replace('/', '%2F')}@${at}/${target.database}`
          : `mysql://${target.user ?? ''}:${PASSWORD}@tcp(${at})/${target.database}?parseTime=true`;
    });
    after(async () => {
      await database?.drop();
    });

    test('neither the migrator nor core logs any part of the password at start', async () => {
      const env = { DSN: dsn, LOG_LEVEL: 'trace', SECRETS_SYSTEM: TEST_SYSTEM_SECRET, SERVE_GRPC_PORT: '0', SERVE_METRICS_PORT: '0', ...TEST_CALLERS_ENV };
      const migrator = await runToEnd(runProgram('migrator/main.ts', ['sql', 'up', '-e', '--yes'], env));
      const core = await runToEnd(runProgram('core-service/main.ts', ['serve'], env), /core gRPC listening|exit|refus|fail/i);
      assert.match(core, /opening database/, core);
      assert.match(core, /:\*\*\*@/, 'the DSN is logged, redacted');
      for (const [name, output] of [
        ['migrator', migrator],
        ['core', core],
      ] as const) {
        for (const fragment of FRAGMENTS) assert.ok(!output.includes(fragment), `${name} logged "${fragment}":\n${output}`);
      }
    });
  });
}
