/**
 * The migrator as operators run it: a real process per command, stdin not a terminal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { parseDsn } from '../core-service/storage/dsn.js';
import { migrationsFor } from '../migrator/migrations/index.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Every migration, oldest first (names are the same in every dialect). */
const MIGRATIONS = migrationsFor('sqlite').map((m) => m.name);
const FIRST = MIGRATIONS[0] ?? '';
const LAST = MIGRATIONS.at(-1) ?? '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `migrator ...args` with stdin closed (no TTY), as in CI or a Kubernetes Job. */
function migrator(args: string[], env: Record<string, string> = {}, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'migrator/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DSN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const statusLine = (state: 'applied' | 'pending', name = FIRST) => new RegExp(`^\\s*${state}\\s+${name}$`, 'm');

describe('migrator CLI, checks before any database work', { concurrency: true }, () => {
  it('stops on a bad DSN with the parser message and no stack trace', async () => {
    const run = await migrator(['sql', 'up', 'mysql://root@tcp(127.0.0.1:3306/db', '--yes']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot parse MySQL DSN/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('rejects an unknown DSN parameter by name', async () => {
    const run = await migrator(['sql', 'status', 'postgres://u@127.0.0.1/db?sslmod=disable']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /unknown DSN parameter "sslmod"/);
  });

  it('says what is missing when -e is given without DSN', async () => {
    const run = await migrator(['sql', 'up', '-e', '--yes']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /DSN is not set/);
  });

  it('shows usage for an unknown command', async () => {
    const run = await migrator(['schema', 'up']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Usage:/);
  });

  it('rejects a --wait that is not a duration', async () => {
    const run = await migrator(['sql', 'status', 'postgres://u@127.0.0.1/db', '--wait', 'soon']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--wait must be a duration/);
  });

  // The release artefact ops run once: an unreachable database is retried for a bounded time,
  // each attempt said on stderr, then the run fails naming the database and the driver's reason.
  for (const [dialect, dsn] of [
    ['PostgreSQL', (port: number) => `postgres://tessera@127.0.0.1:${port}/tessera?sslmode=disable`],
    ['MySQL', (port: number) => `mysql://root@tcp(127.0.0.1:${port})/tessera`],
  ] as const) {
    it(`gives up on an unreachable ${dialect} database after --wait, with a clear message`, async () => {
      const port = await closedPort();
      const started = Date.now();
      const run = await migrator(['sql', 'up', '-e', '--yes', '--wait', '2s'], { DSN: dsn(port) });
      const elapsed = Date.now() - started;
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /not reachable \(connect ECONNREFUSED [^)]*\); attempt 1, retrying in/);
      assert.match(run.stderr, new RegExp(`cannot reach the database \\S+:${port}\\S* \\((\\d+) attempts in \\d+ s\\): connect ECONNREFUSED`));
      const [, attempts, seconds] = /\((\d+) attempts in (\d+) s\)/.exec(run.stderr) ?? [];
      assert.ok(Number(attempts) >= 3, `retried (${attempts ?? '?'} attempts)`);
      assert.ok(elapsed >= 2_000, `waited the 2 s (${elapsed} ms)`);
      // The bound as the migrator measured it from its first attempt (process start-up on a
      // loaded machine is not part of it); generous for timers that fire late under load.
      assert.ok(Number(seconds) >= 2 && Number(seconds) <= 12, `gave up after the bound (${seconds ?? '?'} s)`);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    });
  }

  // The refusal comes before connecting, so one dialect shows it for all.
  for (const action of ['up', 'down']) {
    it(`${action} refuses without --yes when stdin is not a terminal, touching nothing`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-migrator-'));
      try {
        const file = join(dir, 'x.sqlite');
        const run = await migrator(['sql', action, `sqlite://${file}?_fk=true`]);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /stdin is not a terminal\. Pass --yes/);
        assert.equal(existsSync(file), false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('migrator CLI per dialect', { concurrency: true }, () => {
  for (const db of testDatabases()) {
    describe(db.name, { skip: db.skipReason, concurrency: 1 }, () => {
      let created: CreatedDatabase | undefined;
      let dsn = '';
      before(async () => {
        created = await db.create();
        dsn = created.dsn;
      });
      after(() => created?.drop());

      it('status lists the migration as pending', async () => {
        const run = await migrator(['sql', 'status', dsn]);
        assert.equal(run.code, 0, run.stderr);
        for (const name of MIGRATIONS) assert.match(run.stdout, statusLine('pending', name));
      });

      it('sql up -e --yes applies it, taking the DSN from the environment', async () => {
        const run = await migrator(['sql', 'up', '-e', '--yes'], { DSN: dsn });
        assert.equal(run.code, 0, run.stderr);
        for (const name of MIGRATIONS) assert.match(run.stdout, new RegExp(`applied\\s+${name}`));
      });

      it('up again says the database is already up to date and changes nothing', async () => {
        const run = await migrator(['sql', 'up', dsn, '--yes']);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /already up to date/);
        assert.doesNotMatch(run.stdout, /applied/);
      });

      it('status lists it as applied', async () => {
        const run = await migrator(['sql', 'status', dsn]);
        assert.equal(run.code, 0, run.stderr);
        for (const name of MIGRATIONS) assert.match(run.stdout, statusLine('applied', name));
        assert.match(run.stdout, /up to date/);
      });

      it('down --steps 1 reverts the newest, and status shows only it pending again', async () => {
        const run = await migrator(['sql', 'down', dsn, '--steps', '1', '--yes']);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, new RegExp(`reverted\\s+${LAST}`));
        const status = (await migrator(['sql', 'status', dsn])).stdout;
        assert.match(status, statusLine('pending', LAST));
        if (FIRST !== LAST) assert.match(status, statusLine('applied', FIRST));
      });

      it('down --steps N reverts them all, leaving every migration pending', async () => {
        const run = await migrator(['sql', 'down', dsn, '--steps', String(MIGRATIONS.length), '--yes']);
        assert.equal(run.code, 0, run.stderr);
        const status = (await migrator(['sql', 'status', dsn])).stdout;
        for (const name of MIGRATIONS) assert.match(status, statusLine('pending', name));
      });

      it('waits for a database that comes up during --wait, then migrates', { skip: db.name === 'sqlite' && 'a file needs no network' }, async () => {
        const target = parseDsn(dsn);
        const proxy = await startTcpProxy(target.host ?? '127.0.0.1', target.port ?? (db.name === 'postgres' ? 5432 : 3306));
        try {
          proxy.cut();
          const viaProxy = dsn.replace(`:${target.port ?? ''}`, `:${proxy.port}`);
          assert.notEqual(viaProxy, dsn);
          // The database comes back once the migrator has said it is retrying.
          const run = await migrator(['sql', 'status', viaProxy, '--wait', '120s'], {}, (stderr) => {
            if (/attempt 1, retrying/.test(stderr)) proxy.restore();
          });
          assert.equal(run.code, 0, run.stderr);
          assert.match(run.stderr, /not reachable/);
          assert.match(run.stdout, /Migrations of /);
        } finally {
          await proxy.close();
        }
      });

      // The spelling is parsed before any dialect matters; SQLite (always run) covers both forms.
      it("accepts Hydra's spelling: migrate sql DSN --yes, then migrate sql -e --yes", { skip: db.name !== 'sqlite' && 'covered on sqlite' }, async () => {
        const run = await migrator(['migrate', 'sql', dsn, '--yes']);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, new RegExp(`applied\\s+${LAST}`));
        const again = await migrator(['migrate', 'sql', '-e', '--yes'], { DSN: dsn });
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /already up to date/);
      });
    });
  }
});
