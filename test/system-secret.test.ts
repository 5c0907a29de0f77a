/**
 * Issue 9 §5: a shipped placeholder system secret must not work. Outside dev mode core refuses a
 * `secrets.system` shorter than 32 characters or one published as an example in README.md or
 * deploy/; the published values are listed in core (keys/system-secret.ts) and this test reads
 * README.md and every file under deploy/ so the list and the files never drift apart.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { startCore } from '../core-service/app.js';
import { PUBLISHED_SYSTEM_SECRETS, systemSecretProblem } from '../core-service/keys/system-secret.js';
import { PROJECT_ROOT } from '../core-service/shared/paths.js';
import { TEST_CALLERS_ENV, testConfig, testLogger, unusedPort } from './support/cluster.js';
import { runProgram } from './support/processes.js';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * The literal values a text gives the system secret: `SECRETS_SYSTEM=…`, `SECRETS_SYSTEM: …`,
 * `--from-literal=SECRETS_SYSTEM=…`, and YAML `secrets: system: [ … ]` / `- …`. Values computed
 * by the shell (`$(openssl …)`, `${SECRETS_SYSTEM:?…}`, `"$SECRETS_SYSTEM"`) are not literals.
 */
function exampleSecrets(text: string): string[] {
  const found: string[] = [];
  const literal = (raw: string) => {
    const value = raw.trim().replace(/^['"]|['"]$/g, '');
    if (value !== '' && !value.includes('$') && !/^(process\.env|env\.|\w+\(|\[\]$)/.test(value)) found.push(...value.split(',').map((v) => v.trim()).filter(Boolean));
  };
  for (const m of text.matchAll(/SECRETS_SYSTEM\s*[=:]\s*("[^"\n]*"|'[^'\n]*'|[^\s,;}\n]+)/g)) literal(m[1] ?? '');
  for (const m of text.matchAll(/^(\s*)secrets:\s*\n\s+system:[ \t]*(.*)\n((?:\1\s+-\s*.*\n)*)/gm)) {
    const inline = (m[2] ?? '').trim();
    if (inline.startsWith('[')) for (const v of inline.slice(1, -1).split(',')) literal(v);
    else if (inline !== '') literal(inline);
    for (const item of (m[3] ?? '').split('\n')) if (item.trim().startsWith('-')) literal(item.trim().slice(1));
  }
  return found;
}

describe('published system secrets', () => {
  test('the scanner finds the values that were shipped before', () => {
    assert.deepEqual(exampleSecrets('  SECRETS_SYSTEM: compose-example-secret-change-me-0123456789\n'), ['compose-example-secret-change-me-0123456789']);
    assert.deepEqual(exampleSecrets("export SECRETS_SYSTEM='a-long-random-secret-at-least-16-chars'\n"), ['a-long-random-secret-at-least-16-chars']);
    assert.deepEqual(exampleSecrets('#  --from-literal=SECRETS_SYSTEM="s3cret-value-0123456789"\n'), ['s3cret-value-0123456789']);
    assert.deepEqual(exampleSecrets('secrets:\n  system:\n    - first-example-0123456789\n    - second-example-0123456789\nurls:\n'), ['first-example-0123456789', 'second-example-0123456789']);
    assert.deepEqual(exampleSecrets('secrets:\n  system: [inline-example-0123456789]\n'), ['inline-example-0123456789']);
    assert.deepEqual(exampleSecrets('SECRETS_SYSTEM=$(openssl rand -hex 32)\nSECRETS_SYSTEM: ${SECRETS_SYSTEM:?set it}\nset_env X SECRETS_SYSTEM "$SECRETS_SYSTEM"\n'), []);
  });

  test('every example value in README.md and deploy/ is one core refuses', () => {
    const files = [join(PROJECT_ROOT, 'README.md'), ...filesUnder(join(PROJECT_ROOT, 'deploy'))];
    const unrefused: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const value of exampleSecrets(text)) {
        if (systemSecretProblem(value) === undefined) unrefused.push(`${relative(PROJECT_ROOT, file)}: ${value}`);
      }
    }
    assert.deepEqual(unrefused, [], 'add these to PUBLISHED_SYSTEM_SECRETS in core-service/keys/system-secret.ts (or stop publishing a literal)');
  });

  test('the values shipped before this check are refused by name, however long', () => {
    for (const value of ['compose-example-secret-change-me-0123456789', 'change-me-to-a-long-random-secret', 'a-long-random-secret-at-least-16-chars']) {
      assert.ok(PUBLISHED_SYSTEM_SECRETS.includes(value), value);
      assert.match(systemSecretProblem(value) ?? '', /published|placeholder/, value);
    }
    assert.match(systemSecretProblem('please-CHANGE_ME-0123456789abcdef0123456789') ?? '', /placeholder/);
    assert.match(systemSecretProblem('x'.repeat(31)) ?? '', /shorter than 32/);
    assert.equal(systemSecretProblem('0123456789abcdef0123456789abcdef'), undefined);
  });
});

describe('core refuses a weak system secret outside dev mode', () => {
  for (const [what, secret, reason] of [
    ['the secret compose.yaml shipped', 'compose-example-secret-change-me-0123456789', /published with Tessera/],
    ['the secret secret.yaml shipped', 'change-me-to-a-long-random-secret', /published with Tessera/],
    ['a 31-character secret', 'x'.repeat(31), /shorter than 32 characters/],
    ['a placeholder as the older secret of a rotation', `${'a'.repeat(40)},a-long-random-secret-at-least-16-chars`, /secret #2 .*published with Tessera/],
  ] as const) {
    test(what, async () => {
      const config = testConfig({ DSN: 'memory', SECRETS_SYSTEM: secret });
      await assert.rejects(startCore({ config, logger: testLogger('core-service') }), (err: Error) => {
        assert.match(err.message, /secrets\.system \(env SECRETS_SYSTEM\)/);
        assert.match(err.message, reason);
        assert.match(err.message, /openssl rand -hex 32/);
        assert.ok(!err.message.includes(secret.split(',').at(-1) ?? secret), 'the message never repeats the secret');
        return true;
      });
    });
  }

  test('dev mode keeps working with a short secret (npm start makes its own)', async () => {
    const core = await startCore({ config: testConfig({ DSN: 'memory', DEV: 'true', SECRETS_SYSTEM: 'dev-secret-0123456789' }), logger: testLogger('core-service') });
    await core.close();
  });

  test('the core process exits 1 naming the setting', async () => {
    const program = runProgram('core-service/main.ts', ['serve'], {
      DSN: 'memory',
      SECRETS_SYSTEM: 'change-me-to-a-long-random-secret',
      SERVE_GRPC_PORT: String(await unusedPort()),
      SERVE_METRICS_PORT: '0',
      ...TEST_CALLERS_ENV,
    });
    assert.equal(await program.exited(), 1);
    assert.match(program.output(), /core-service: secrets\.system \(env SECRETS_SYSTEM\) is invalid: secret #1 of the list is an example value published with Tessera/);
  });
});
