/**
 * The part of autocannon 8's programmatic API the benchmark uses; the package ships no types
 * and @types/autocannon is not a dependency.
 */
declare module 'autocannon' {
  interface Options {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request counts as a timeout. */
    timeout?: number;
  }

  /** Latency percentiles in ms, keyed p50, p90, p97_5, p99, … */
  interface Histogram {
    average: number;
    mean: number;
    max: number;
    p50: number;
    p99: number;
    total: number;
  }

  interface Result {
    requests: Histogram;
    latency: Histogram;
    /** Seconds the run took. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }

  /** The running load: awaitable for the result, and an emitter of per-request events. */
  interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
    on(event: 'reqError', listener: (err: Error) => void): this;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
