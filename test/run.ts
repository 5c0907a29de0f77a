/**
 * `npm test`: finds every `*.test.ts` beside the code and under test/, says which databases
 * this run covers, and hands the files to Node's test runner (through tsx for TypeScript).
 * Usage: npm test [-- path/or/substring ...] to run only matching files.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const FOLDERS = ['core-service', 'http-gateway', 'migrator', 'test', 'deploy'];

function findTests(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(ROOT, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = FOLDERS.flatMap((folder) => findTests(join(ROOT, folder), [])).filter(
  (file) => filters.length === 0 || filters.some((f) => file.includes(f)),
).sort();

const databases = [
  ['SQLite', 'always'],
  ['PostgreSQL', process.env.TEST_POSTGRES_DSN ? `TEST_POSTGRES_DSN=${process.env.TEST_POSTGRES_DSN}` : ''],
  ['MariaDB/MySQL', process.env.TEST_MYSQL_DSN ? `TEST_MYSQL_DSN=${process.env.TEST_MYSQL_DSN}` : ''],
] as const;
for (const [name, source] of databases) {
  console.log(source ? `storage tests on ${name}: yes (${source})` : `storage tests on ${name}: SKIPPED (set ${name === 'PostgreSQL' ? 'TEST_POSTGRES_DSN' : 'TEST_MYSQL_DSN'} to include it)`);
}
console.log(`${files.length} test files`);

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${Math.max(2, availableParallelism())}`, ...files],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, TESSERA_TEST: '1' } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
