/**
 * What a load-generator process (http-load.ts, grpc-load.ts) reports back to run.ts: one JSON
 * line on stdout, so the numbers cross the process boundary without a shared module state.
 */

/** The measured window of one scenario (warm-up excluded). */
export interface LoadResult {
  /** Responses received in the window, successful or not. */
  completed: number;
  /** Length of the window in seconds, as measured. */
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx responses, transport errors, timeouts, gRPC errors, wrong answers. */
  errors: number;
  /** The first error seen, to say what went wrong without a second run. */
  firstError?: string;
  /** CPU the load process itself used in the window (user + system), in ms. */
  loadCpuMs: number;
  /** Tokens per request (IntrospectBatch); 1 unless given. */
  itemsPerRequest?: number;
}

/** Printed alone on stdout by the peer (peer.ts) once it accepts requests. */
export const PEER_READY_LINE = 'peer listening';

/** Printed alone on stdout when the measured window starts, so run.ts can start its CPU accounting. */
export const MEASURING_LINE = 'measuring';

/** Marks the start of the measured window; returns a function giving the CPU ms used since. */
export function startMeasuring(): () => number {
  process.stdout.write(`${MEASURING_LINE}\n`);
  const start = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
}

/** Reads the JSON argument a load process is started with; exits 2 when it is missing or not JSON. */
export function specFromArgv<T>(usage: string): T {
  const raw = process.argv[2];
  if (raw === undefined) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  try {
    return JSON.parse(raw) as T;
  } catch {
    process.stderr.write(`the argument is not JSON\n${usage}\n`);
    process.exit(2);
  }
}

/** Writes the result as the process's one stdout line. */
export function report(result: LoadResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
