/**
 * `npx tsx test/bench/janitor-load.ts`: what a janitor run costs live traffic (issue 15 §5).
 * Creates a fresh database (MariaDB by default), starts core as its own process, mints live
 * tokens, then for each janitor variant: stores BENCH_JANITOR_ROWS expired tokens, drives gRPC
 * introspection of live tokens at BENCH_JANITOR_CONCURRENCY for a baseline window, runs the
 * janitor command as its own process (as an operator does) while the load continues, and prints
 * the janitor's duration and the introspection p50/p99/max of both windows. A report, not a test.
 *
 * Variants: `batched` (this tree's janitor, defaults), `one-statement` (this tree's janitor with
 * --batch-size = --limit = rows: one DELETE), and `previous` (the janitor of BENCH_JANITOR_PREVIOUS,
 * a checkout of the code before this change, defaults). Settings: BENCH_JANITOR_ADMIN_DSN (the
 * TEST_MYSQL_DSN form; default mysql://root@tcp(127.0.0.1:3306)/mysql), BENCH_JANITOR_ROWS
 * (100000), BENCH_JANITOR_CONCURRENCY (16), BENCH_JANITOR_BASELINE_SECONDS (10),
 * BENCH_JANITOR_VARIANTS (comma-separated; `previous` only when BENCH_JANITOR_PREVIOUS is set).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { PROJECT_ROOT } from '../../core-service/shared/paths.js';
import { parseDsn } from '../../core-service/storage/dsn.js';
import { closeOrm, openOrm } from '../../core-service/storage/orm.js';
import { migrateUp } from '../../core-service/storage/schema.js';
import { SqlTokenStore } from '../../core-service/storage/token-store.js';
import type { TokenRecord } from '../../core-service/tokens/store.js';
import { startGateway } from '../../http-gateway/app.js';
import { IntrospectionServiceClient } from '../../proto/gen/tessera/v1/introspection.js';
import { gatewayMetadata, TEST_CALLERS_ENV, TEST_SYSTEM_SECRET, testConfig, testLogger } from '../support/cluster.js';
import { testDatabases } from '../support/databases.js';
import { createClient, mintToken } from '../support/oauth2.js';
import { runProgram } from '../support/processes.js';

const env = process.env;
const rows = Number(env.BENCH_JANITOR_ROWS ?? 100_000);
const concurrency = Number(env.BENCH_JANITOR_CONCURRENCY ?? 16);
const baselineMs = Number(env.BENCH_JANITOR_BASELINE_SECONDS ?? 10) * 1000;
const previous = env.BENCH_JANITOR_PREVIOUS;
const variants = (env.BENCH_JANITOR_VARIANTS ?? (previous ? 'previous,one-statement,batched' : 'one-statement,batched')).split(',');

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `n=${sorted.length} p50=${percentile(sorted, 50).toFixed(1)} ms p99=${percentile(sorted, 99).toFixed(1)} ms max=${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`;
}

/** Runs a janitor command from `root`; resolves with its duration and output. */
function janitor(root: string, args: string[]): Promise<{ ms: number; output: string; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'core-service/main.ts'), 'janitor', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ ms: performance.now() - started, output: output.trim(), code })));
}

async function main(): Promise<void> {
  const adminDsn = env.BENCH_JANITOR_ADMIN_DSN ?? env.TEST_MYSQL_DSN ?? 'mysql://root@tcp(127.0.0.1:3306)/mysql';
  const [db] = testDatabases({ ...env, TEST_MYSQL_DSN: adminDsn }).filter((d) => d.name === 'mysql');
  if (!db) throw new Error('no mysql');
  const created = await db.create();
  const orm = await openOrm(parseDsn(created.dsn));
  await migrateUp(orm);
  const core = runProgram('core-service/main.ts', ['serve'], { DSN: created.dsn, SECRETS_SYSTEM: TEST_SYSTEM_SECRET, SERVE_GRPC_HOST: '127.0.0.1', SERVE_GRPC_PORT: '0', SERVE_METRICS_PORT: '0', ...TEST_CALLERS_ENV });
  const address = (JSON.parse(await core.waitFor(/core gRPC listening/, 300_000).catch(async (err: unknown) => {
    await core.stop('SIGKILL');
    await closeOrm(orm);
    await created.drop();
    throw err;
  })) as { address: string }).address;
  const gateway = await startGateway({ config: testConfig({ DSN: created.dsn, SERVE_GRPC_PORT: address.slice(address.lastIndexOf(':') + 1) }), logger: testLogger('http-gateway'), serve: 'all', forceHttp: true });
  const grpc = new IntrospectionServiceClient(address, credentials.createInsecure());
  try {
    if (!gateway.adminUrl || !gateway.publicUrl) throw new Error('gateway listeners missing');
    const client = await createClient(gateway.adminUrl, { grant_types: ['client_credentials'], client_id: 'bench' });
    const live: string[] = [];
    for (let i = 0; i < 50; i += 1) live.push(await mintToken(gateway.publicUrl, client.client_id, client.client_secret));
    const introspect = (token: string) =>
      new Promise<void>((resolve, reject) => grpc.introspect({ token, scope: '' }, gatewayMetadata(), (err, res) => (err ? reject(err) : res.active ? resolve() : reject(new Error('inactive')))));

    /** Drives introspection until `until` resolves; returns the latencies in ms. */
    async function load(until: Promise<unknown>): Promise<number[]> {
      const latencies: number[] = [];
      let done = false;
      void until.finally(() => (done = true));
      await Promise.all(
        Array.from({ length: concurrency }, async (_, w) => {
          for (let i = w; !done; i += concurrency) {
            const t = performance.now();
            await introspect(live[i % live.length] ?? '');
            latencies.push(performance.now() - t);
          }
        }),
      );
      return latencies;
    }

    const store = new SqlTokenStore(orm);
    const past = new Date(Date.now() - 3_600_000);
    for (const variant of variants) {
      for (let i = 0; i < rows; i += 1000) {
        const chunk: TokenRecord[] = Array.from({ length: Math.min(1000, rows - i) }, () => ({
          signature: randomBytes(32).toString('base64url'),
          kind: 'access_token',
          request_id: randomBytes(16).toString('hex'),
          client_id: 'bench',
          subject: '',
          scope: [],
          audience: [],
          requested_at: new Date(past.getTime() - 3_600_000),
          expires_at: past,
          active: true,
          session: {},
        }));
        await store.insert(chunk);
      }
      const baseline = await load(new Promise((resolve) => setTimeout(resolve, baselineMs)));
      const args = [created.dsn, '--tokens', '--yes', ...(variant === 'one-statement' ? ['--batch-size', String(rows), '--limit', String(rows)] : ['--limit', String(rows)])];
      if (variant === 'previous' && !previous) throw new Error('the previous variant needs BENCH_JANITOR_PREVIOUS (a checkout of the earlier code)');
      const run = janitor(variant === 'previous' && previous ? previous : PROJECT_ROOT, args);
      const during = await load(run);
      const result = await run;
      console.log(`${variant}: janitor ${(result.ms / 1000).toFixed(1)} s (exit ${result.code}: ${(result.output.split('\n').at(-1) ?? '').slice(-160)})`);
      console.log(`  introspection before: ${summary(baseline)}`);
      console.log(`  introspection during: ${summary(during)}`);
    }
  } finally {
    grpc.close();
    await gateway.close();
    await core.stop('SIGTERM');
    await closeOrm(orm);
    await created.drop();
  }
}

await main();
