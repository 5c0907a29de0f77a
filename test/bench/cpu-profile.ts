/**
 * Preloaded into core, gateway and the load process when BENCH_CPU_PROF is set (run.ts): records a V8 CPU profile
 * and writes `<dir>/<program>-<pid>.cpuprofile` when the process exits. Node refuses
 * `--cpu-prof` in NODE_OPTIONS, and the programs are started by test/support/processes.ts with
 * fixed node arguments, so the inspector does it from inside.
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { basename, dirname, join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // The main-thread session answers synchronously, so this completes inside the exit handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result: Profiler.StopReturnType) => {
      if (err) return;
      const program = basename(dirname(process.argv[1] ?? 'unknown'));
      writeFileSync(join(dir, `${program}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
