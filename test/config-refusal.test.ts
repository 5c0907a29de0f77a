/**
 * Every program refuses a configuration with an unknown or unsupported key at start, as Hydra
 * refuses keys its schema does not define: exit 1, naming the key (and the nearest known one),
 * before listening or touching a database. Run as an operator runs them: real processes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TEST_CALLERS_ENV, TEST_SYSTEM_SECRET } from './support/cluster.js';
import { runProgram } from './support/processes.js';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-refusal-')), 'hydra.yaml');
  writeFileSync(file, text);
  return file;
}

const UNKNOWN = 'dsn: memory\ntotally_unknown_key: 1\nserve:\n  public:\n    prot: 4444\n';
const ENV = { SECRETS_SYSTEM: TEST_SYSTEM_SECRET, SERVE_GRPC_PORT: '0', SERVE_METRICS_PORT: '0', ...TEST_CALLERS_ENV };

const PROGRAMS: [string, string, string[]][] = [
  ['core-service', 'core-service/main.ts', ['serve', '--sqa-opt-out']],
  ['gateway', 'http-gateway/main.ts', ['serve', 'all', '--dangerous-force-http', '--sqa-opt-out']],
  ['migrator', 'migrator/main.ts', ['sql', 'up', '--yes', '--sqa-opt-out']],
];

for (const [name, entry, args] of PROGRAMS) {
  test(`${name}: an unknown key in the config file exits 1 naming it and the nearest known key`, async () => {
    const program = runProgram(entry, [...args, '--config', configFile(UNKNOWN)], ENV);
    assert.equal(await program.exited(), 1, program.output());
    assert.match(program.output(), /unknown key `totally_unknown_key`; did you mean `[^`]+`\?/);
    assert.match(program.output(), /unknown key `serve\.public\.prot`; did you mean `serve\.public\.port`\?/);
  });
}

test('core-service and gateway: a key of a missing feature exits 1 with "Tessera does not support `<key>` (yet)", from the file or the environment', async () => {
  const fromFile = runProgram('core-service/main.ts', ['serve', '--config', configFile('dsn: memory\nhsm:\n  enabled: true\n')], ENV);
  assert.equal(await fromFile.exited(), 1, fromFile.output());
  assert.match(fromFile.output(), /Tessera does not support `hsm\.enabled` \(yet\)/);

  const fromEnv = runProgram('http-gateway/main.ts', ['serve', 'all', '--dangerous-force-http'], { ...ENV, TRACING_PROVIDER: 'jaeger' });
  assert.equal(await fromEnv.exited(), 1, fromEnv.output());
  assert.match(fromEnv.output(), /Tessera does not support `tracing\.provider` \(yet\).*TRACING_PROVIDER/);
});
