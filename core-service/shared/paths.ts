/**
 * Where the project's files are at run time, from source (tsx) and from the build (dist/)
 * alike: the folder holding Tessera's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'tessera') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the tessera package root (package.json)');
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot();

/** The version in package.json, served by `/version` and logged at start. */
export const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
