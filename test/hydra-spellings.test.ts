/**
 * The spellings Hydra's FAQ still teaches keep working (issue 14): `DATABASE_URL` when `DSN` is
 * unset (core says DSN is the current name; the migrator reads it with -e), and the gateway's
 * `host` command as Hydra 1.x's `serve all`. Real processes, as an operator runs them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { TEST_CALLERS_ENV, TEST_SYSTEM_SECRET, unusedPort } from './support/cluster.js';
import { runProgram } from './support/processes.js';

const ENV = { SECRETS_SYSTEM: TEST_SYSTEM_SECRET, SERVE_METRICS_PORT: '0', ...TEST_CALLERS_ENV };

test('DATABASE_URL: the migrator (-e) migrates it and core serves from it, saying DSN is the current name', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-database-url-')), 'db.sqlite');
  const databaseUrl = `sqlite://${file}?_fk=true`;
  const migrator = runProgram('migrator/main.ts', ['migrate', 'sql', '-e', '--yes'], { ...ENV, DATABASE_URL: databaseUrl });
  assert.equal(await migrator.exited(), 0, migrator.output());

  const core = runProgram('core-service/main.ts', ['serve'], { ...ENV, DATABASE_URL: databaseUrl, SERVE_GRPC_PORT: String(await unusedPort()) });
  try {
    await core.waitFor(/health SERVING/);
    assert.match(core.output(), /DSN was read from DATABASE_URL, an older name; DSN is the current one/);
    assert.match(core.output(), new RegExp(`"dsn":"sqlite://${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  } finally {
    await core.stop();
  }
});

test('DSN wins over DATABASE_URL when both are set', async () => {
  const core = runProgram('core-service/main.ts', ['serve'], { ...ENV, DSN: 'memory', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SERVE_GRPC_PORT: String(await unusedPort()) });
  try {
    await core.waitFor(/health SERVING/);
    assert.doesNotMatch(core.output(), /DATABASE_URL/);
  } finally {
    await core.stop();
  }
});

test('gateway `host` is `serve all`: both listeners answer', async () => {
  const [publicPort, adminPort] = [await unusedPort(), await unusedPort()];
  const gateway = runProgram('http-gateway/main.ts', ['host', '--dangerous-force-http'], {
    ...ENV,
    SERVE_GRPC_PORT: String(await unusedPort()),
    SERVE_PUBLIC_HOST: '127.0.0.1',
    SERVE_PUBLIC_PORT: String(publicPort),
    SERVE_ADMIN_PORT: String(adminPort),
  });
  try {
    await gateway.waitFor(new RegExp(`127\\.0\\.0\\.1:${adminPort}`));
    await gateway.waitFor(new RegExp(`127\\.0\\.0\\.1:${publicPort}`));
    for (const port of [publicPort, adminPort]) {
      const res = await request(`http://127.0.0.1:${port}/health/alive`);
      assert.equal(res.statusCode, 200, await res.body.text());
    }
  } finally {
    await gateway.stop();
  }
});
