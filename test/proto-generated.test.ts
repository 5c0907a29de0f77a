/**
 * The generated gRPC code is committed; this fails when proto/*.proto changed without
 * `npm run proto`, so the wire types can never drift from the contract.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../core-service/shared/paths.js';

function files(dir: string, root = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of files(path, root)) out.set(k, v);
    else out.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return out;
}

test('proto/gen is what `npm run proto` generates from proto/', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'tessera-proto-'));
  try {
    const protoDir = join(PROJECT_ROOT, 'proto');
    execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'buf'), ['generate', '--output', outDir], { cwd: protoDir, stdio: 'pipe' });
    const fresh = files(join(outDir, 'gen'));
    const committed = files(join(protoDir, 'gen'));
    assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort(), 'generated file list differs: run `npm run proto`');
    for (const [name, content] of fresh) {
      assert.equal(committed.get(name), content, `proto/gen/${name} is stale: run \`npm run proto\``);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
