/**
 * Running Tessera's programs as real processes in tests, the way an operator runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after } from 'node:test';
import { PROJECT_ROOT } from '../../core-service/shared/paths.js';

export interface Program {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /**
   * Resolves with the first line matching `pattern` (waits up to `timeoutMs`); with `since` (an
   * earlier `output().length`), only among lines written after that point.
   */
  waitFor(pattern: RegExp, timeoutMs?: number, since?: number): Promise<string>;
  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Children still running: a test that fails between start and stop must not leave one behind. */
const running = new Set<ChildProcess>();

function killRunning(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

// After the file's last test (whatever its outcome) and, failing that, when the runner exits: an
// orphaned core would otherwise hold the test file open until the suite's own timeout.
// (Only under the test runner: the benchmark imports this file too.)
if (process.env.NODE_TEST_CONTEXT !== undefined) after(killRunning);
process.once('exit', killRunning);

/**
 * Starts `node --import tsx <entry> ...args` with the given environment (on top of a minimal one).
 * A gateway stopped by a test exits at once; a test about draining sets SERVE_SHUTDOWN_DRAIN_DELAY.
 */
export function runProgram(entry: string, args: string[], env: Record<string, string> = {}): Program {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, entry), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SERVE_SHUTDOWN_DRAIN_DELAY: '0s', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 60_000, since = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = text.slice(since).split('\n').find((l) => pattern.test(l));
          if (line !== undefined) {
            cleanup();
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        const onExit = () => {
          check();
          cleanup();
          reject(new Error(`process exited before ${pattern}; output:\n${text}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}
