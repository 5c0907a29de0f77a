/**
 * The gateway's connection to core: gRPC unary calls over one node:http2 session, written to
 * gRPC's wire protocol (grpc/grpc PROTOCOL-HTTP2.md) rather than through grpc-js. Every RPC core
 * serves is unary, and grpc-js's per-call machinery (interceptor chain, the resolving,
 * load-balancing and subchannel call layers, a status object per layer) was a fifth of the
 * gateway's CPU on the token and introspection routes (issue 11, `npm run bench` with
 * BENCH_CPU_PROF); a unary call needs a stream, one framed message and the trailers.
 *
 * What the grpc-js channel it replaces did, and this keeps (test/gateway-reconnect.test.ts):
 * - it connects on the first call; calls made while it connects wait for the outcome;
 * - a failed connection fails the waiting calls with UNAVAILABLE, and for a backoff (100 ms,
 *   ×1.6 per failure up to 400 ms, ±20% jitter) later calls fail at once with UNAVAILABLE
 *   (gRPC's default, not wait-for-ready); the first call after the backoff connects again;
 * - keepalive: a ping every 10 s, the session dropped when one goes unanswered for 5 s, so a
 *   core that vanished without closing the connection is noticed within 15 s;
 * - a GOAWAY lets the calls in flight finish and sends new calls over a new session;
 * - the deadline travels as `grpc-timeout` and is enforced here too (DEADLINE_EXCEEDED);
 * - a failed call answers a grpc-js ServiceError (code, details, trailers as Metadata), so
 *   errors/from-grpc.ts and call.ts map it exactly as before.
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders, type SecureClientSessionOptions } from 'node:http2';
import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';

/** Reconnect and keepalive timing; the defaults are the ones the grpc-js channel had (see the comment above). */
export interface ChannelTiming {
  initialBackoffMs: number;
  maxBackoffMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /** A connection attempt that has not completed by then is abandoned (grpc-js's minimum connect timeout). */
  connectTimeoutMs: number;
}

export const DEFAULT_TIMING: ChannelTiming = {
  // Core is one hop away on a private network; a failed attempt costs a refused SYN, so trying
  // twice a second while it is away costs nothing, and /health/ready turns 200 within about
  // half a second once it is back (grpc-js's own default backs off for up to two minutes).
  initialBackoffMs: 100,
  maxBackoffMs: 400,
  // 10 s is the shortest interval gRPC recommends (gRFC A8); core's server accepts it.
  keepaliveTimeMs: 10_000,
  keepaliveTimeoutMs: 5_000,
  connectTimeoutMs: 20_000,
};

const BACKOFF_MULTIPLIER = 1.6;
const BACKOFF_JITTER = 0.2;

/** grpc-js's default limit on a received message. */
const MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

/** How to reach core: plaintext, or TLS with these options (credentials.ts). */
export interface ChannelTarget {
  /** host:port, an IPv6 host in brackets. */
  address: string;
  /** TLS options for node:tls; undefined for plaintext. */
  tls?: SecureClientSessionOptions;
  /** `:authority` of every call: core.tls.server_name when set (grpc-js's default_authority), else the address. */
  authority?: string;
  /** `authorization` metadata added to every call that carries none of its own (core.api_key). */
  authorization?: string;
}

/** A generated message's encoder and decoder, as in a ts-proto ServiceDefinition. */
export type Serialize<Req> = (value: Req) => Buffer;
export type Deserialize<Res> = (bytes: Buffer) => Res;
export type Callback<Res> = (error: ServiceError | null, response?: Res) => void;

type Waiter = (session: ClientHttp2Session | ServiceError) => void;

type ConnectionState =
  | { kind: 'idle' }
  | { kind: 'connecting'; session: ClientHttp2Session; waiters: Waiter[] }
  | { kind: 'ready'; session: ClientHttp2Session }
  | { kind: 'backoff'; error: ServiceError }
  | { kind: 'closed' };

const { HTTP2_HEADER_PATH, HTTP2_HEADER_METHOD, HTTP2_HEADER_AUTHORITY, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE, HTTP2_HEADER_STATUS, NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = constants;
const USER_AGENT = `tessera-gateway node/${process.versions.node}`;

/** A ServiceError as grpc-js builds it (`callErrorFromStatus`): the message reads `14 UNAVAILABLE: details`. */
export function serviceError(code: Status, details: string, metadata: Metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${Status[code]}: ${details}`), { code, details, metadata });
}

/** gRPC's own mapping of an HTTP status that came without a grpc-status (PROTOCOL-HTTP2.md, http-grpc-status-mapping.md). */
function codeForHttpStatus(httpStatus: number): Status {
  switch (httpStatus) {
    case 400:
      return Status.INTERNAL;
    case 401:
      return Status.UNAUTHENTICATED;
    case 403:
      return Status.PERMISSION_DENIED;
    case 404:
      return Status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Status.UNAVAILABLE;
    default:
      return Status.UNKNOWN;
  }
}

/** `grpc-message` is percent-encoded (PROTOCOL-HTTP2.md). */
function decodeMessage(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A status's trailers as Metadata, without the status itself (as grpc-js hands them to callers). */
function trailerMetadata(trailers: IncomingHttpHeaders): Metadata {
  const metadata = Metadata.fromHttp2Headers(trailers);
  for (const reserved of ['grpc-status', 'grpc-message', 'content-type', 'grpc-encoding', 'grpc-accept-encoding']) metadata.remove(reserved);
  return metadata;
}

/**
 * One channel to core. Cheap to create (it connects on the first call); `close()` ends it.
 * @example const channel = new Http2Channel({ address: '127.0.0.1:4446' }); channel.unary(path, enc, dec, req, md, deadline, cb);
 */
export class Http2Channel {
  private state: ConnectionState = { kind: 'idle' };
  private backoffMs: number;
  private backoffTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private pingTimeout: NodeJS.Timeout | undefined;
  /** Calls in flight; the session keeps the process alive only while there are some. */
  private active = 0;
  private readonly origin: string;
  private readonly authority: string;

  constructor(
    private readonly target: ChannelTarget,
    private readonly timing: ChannelTiming = DEFAULT_TIMING,
  ) {
    this.backoffMs = timing.initialBackoffMs;
    this.origin = `${target.tls ? 'https' : 'http'}://${target.address}`;
    this.authority = target.authority ?? target.address;
  }

  /**
   * One unary call: `request` encoded with `serialize`, sent with `metadata` (x-request-id,
   * authorization, …), answered through `callback` by the decoded response or a ServiceError.
   * `deadline` is a Date.now() timestamp (Infinity: none).
   */
  unary<Req, Res>(path: string, serialize: Serialize<Req>, deserialize: Deserialize<Res>, request: Req, metadata: Metadata, deadline: number, callback: Callback<Res>): void {
    let message: Buffer;
    try {
      message = serialize(request);
    } catch (err) {
      callback(serviceError(Status.INTERNAL, `Request message serialization failure: ${(err as Error).message}`));
      return;
    }
    const headers: OutgoingHttpHeaders = metadata.toHttp2Headers();
    headers[HTTP2_HEADER_METHOD] = 'POST';
    headers[HTTP2_HEADER_PATH] = path;
    headers[HTTP2_HEADER_AUTHORITY] = this.authority;
    headers[HTTP2_HEADER_CONTENT_TYPE] = 'application/grpc';
    headers[HTTP2_HEADER_TE] = 'trailers';
    headers['user-agent'] = USER_AGENT;
    if (this.target.authorization !== undefined && headers.authorization === undefined) headers.authorization = this.target.authorization;
    new UnaryCall(this, headers, message, deserialize, deadline, callback).start();
  }

  /** Hands `use` a ready session, or the error that calls fail with now (connecting first when idle). */
  acquire(use: Waiter): void {
    const state = this.state;
    switch (state.kind) {
      case 'ready':
        use(state.session);
        return;
      case 'connecting':
        state.waiters.push(use);
        return;
      case 'backoff':
        use(state.error);
        return;
      case 'closed':
        use(serviceError(Status.UNAVAILABLE, 'Channel has been shut down'));
        return;
      case 'idle':
        this.connect([use]);
    }
  }

  /** A call started (true) or ended (false): the session holds the event loop open only while calls are in flight. */
  track(session: ClientHttp2Session, started: boolean): void {
    if (started) {
      if (this.active++ === 0) session.ref();
    } else if (--this.active === 0 && !session.destroyed) {
      session.unref();
    }
  }

  /** Ends the channel: the session closes once the calls in flight are answered; new calls fail with UNAVAILABLE. */
  close(): void {
    const state = this.state;
    this.state = { kind: 'closed' };
    clearTimeout(this.backoffTimer);
    this.stopKeepalive();
    if (state.kind === 'connecting') {
      const error = serviceError(Status.UNAVAILABLE, 'Channel has been shut down');
      for (const waiter of state.waiters) waiter(error);
      state.session.destroy();
    } else if (state.kind === 'ready') {
      state.session.close();
    }
  }

  private connect(waiters: Waiter[]): void {
    const session = this.target.tls ? connect(this.origin, { ...this.target.tls, ALPNProtocols: ['h2'] }) : connect(this.origin);
    const state: ConnectionState = { kind: 'connecting', session, waiters };
    this.state = state;
    const connectTimer = setTimeout(() => session.destroy(new Error(`connection to ${this.target.address} not established within ${this.timing.connectTimeoutMs} ms`)), this.timing.connectTimeoutMs);
    connectTimer.unref();
    let lastError: Error | undefined;
    // Connected once core's SETTINGS arrive, as grpc-js counts it: a TCP connection alone (a proxy
    // in front of a core that is away accepts one and drops it) must not reset the backoff.
    session.once('remoteSettings', () => {
      clearTimeout(connectTimer);
      if (this.state !== state) return;
      this.state = { kind: 'ready', session };
      this.backoffMs = this.timing.initialBackoffMs;
      if (this.active === 0) session.unref();
      this.startKeepalive(session);
      for (const waiter of state.waiters) waiter(session);
    });
    session.on('error', (err) => {
      lastError = err;
    });
    // GOAWAY: core is shutting this session down; the calls on it finish, new ones go to a new session.
    session.once('goaway', () => this.forget(session));
    session.once('close', () => {
      clearTimeout(connectTimer);
      if (this.state === state) this.failConnecting(state, lastError);
      else this.forget(session);
    });
  }

  /** The attempt failed: the waiting calls and, for the backoff, every new call fail with UNAVAILABLE. */
  private failConnecting(state: { waiters: Waiter[] }, cause: Error | undefined): void {
    const error = serviceError(Status.UNAVAILABLE, `No connection established. Last error: ${cause?.message ?? 'the connection closed'}`);
    this.state = { kind: 'backoff', error };
    const jitter = 1 + BACKOFF_JITTER * (Math.random() * 2 - 1);
    this.backoffTimer = setTimeout(() => {
      if (this.state.kind === 'backoff') this.state = { kind: 'idle' };
    }, this.backoffMs * jitter);
    this.backoffTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * BACKOFF_MULTIPLIER, this.timing.maxBackoffMs);
    for (const waiter of state.waiters) waiter(error);
  }

  /** Stops sending calls to `session` and closes it once its calls in flight are answered. */
  retire(session: ClientHttp2Session): void {
    this.forget(session);
    if (!session.closed && !session.destroyed) session.close();
  }

  /** A session that stops taking new calls (GOAWAY, closed, keepalive failed): the next call connects anew. */
  private forget(session: ClientHttp2Session): void {
    const state = this.state;
    if (state.kind === 'ready' && state.session === session) {
      this.state = { kind: 'idle' };
      this.stopKeepalive();
    }
  }

  private startKeepalive(session: ClientHttp2Session): void {
    this.stopKeepalive();
    this.keepaliveTimer = setInterval(() => {
      if (session.destroyed) return;
      clearTimeout(this.pingTimeout);
      this.pingTimeout = setTimeout(() => {
        // Unanswered: core is gone without closing the connection. Dropping the session fails
        // its calls with UNAVAILABLE, and the next call connects anew.
        this.forget(session);
        session.destroy(new Error(`keepalive ping not answered within ${this.timing.keepaliveTimeoutMs} ms`));
      }, this.timing.keepaliveTimeoutMs);
      this.pingTimeout.unref();
      try {
        session.ping((err) => {
          if (!err) clearTimeout(this.pingTimeout);
        });
      } catch {
        // The session is closing; its close handler takes over.
      }
    }, this.timing.keepaliveTimeMs);
    this.keepaliveTimer.unref();
  }

  private stopKeepalive(): void {
    clearInterval(this.keepaliveTimer);
    clearTimeout(this.pingTimeout);
    this.keepaliveTimer = undefined;
  }
}

/** One call in flight: its stream, what came back so far, and its deadline. */
class UnaryCall<Res> {
  private stream: ClientHttp2Stream | undefined;
  private session: ClientHttp2Session | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private httpStatus = 0;
  private trailers: IncomingHttpHeaders | undefined;
  private chunks: Buffer[] = [];
  private received = 0;
  private streamError: Error | undefined;
  private retried = false;

  constructor(
    private readonly channel: Http2Channel,
    private readonly headers: OutgoingHttpHeaders,
    private readonly message: Buffer,
    private readonly deserialize: Deserialize<Res>,
    private readonly deadline: number,
    private readonly callback: Callback<Res>,
  ) {}

  start(): void {
    if (Number.isFinite(this.deadline)) {
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) {
        this.fail(serviceError(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
        return;
      }
      // gRPC's TimeoutValue is at most 8 digits; milliseconds cover ~27 hours.
      this.headers['grpc-timeout'] = `${Math.min(Math.ceil(remaining), 99_999_999)}m`;
      this.timer = setTimeout(() => this.expire(), remaining);
    }
    this.channel.acquire((session) => this.send(session));
  }

  private send(session: ClientHttp2Session | ServiceError): void {
    if (this.done) return;
    if (!('request' in session)) {
      this.fail(session);
      return;
    }
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(this.headers);
    } catch (err) {
      // A session that ran out of stream ids (2^31, about five days at 5,000 calls/s) or began
      // closing takes no new calls: retire it, and try once more on a new one, as grpc-js does.
      this.channel.retire(session);
      if (this.retried) {
        this.fail(serviceError(Status.UNAVAILABLE, (err as Error).message));
        return;
      }
      this.retried = true;
      this.channel.acquire((next) => this.send(next));
      return;
    }
    this.session = session;
    this.stream = stream;
    this.channel.track(session, true);
    stream.on('response', (headers) => {
      this.httpStatus = Number(headers[HTTP2_HEADER_STATUS]);
      // Trailers-Only: a call that fails before any message puts its status in the headers.
      if (headers['grpc-status'] !== undefined) this.trailers = headers;
    });
    stream.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.received > MAX_RECEIVE_BYTES + 5) {
        this.fail(serviceError(Status.RESOURCE_EXHAUSTED, `Received message larger than max (${this.received} vs. ${MAX_RECEIVE_BYTES})`));
        return;
      }
      this.chunks.push(chunk);
    });
    stream.on('trailers', (trailers) => {
      this.trailers = trailers;
    });
    stream.on('error', (err: Error) => {
      this.streamError = err;
    });
    stream.on('close', () => this.closed(stream));
    // The message with its 5-byte prefix: a compression flag (0: none) and the length, big-endian.
    const framed = Buffer.allocUnsafe(5 + this.message.length);
    framed[0] = 0;
    framed.writeUInt32BE(this.message.length, 1);
    this.message.copy(framed, 5);
    stream.end(framed);
  }

  private expire(): void {
    this.timer = undefined;
    this.fail(serviceError(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
  }

  /** The stream is over: the answer is its trailers' status and, for OK, its one message. */
  private closed(stream: ClientHttp2Stream): void {
    const session = this.session;
    if (session !== undefined) this.channel.track(session, false);
    this.session = undefined;
    if (this.done) return;
    const trailers = this.trailers;
    if (trailers !== undefined) {
      const code = Number(trailers['grpc-status']);
      if (code === Status.OK) this.answer(trailers);
      else this.fail(serviceError(Number.isInteger(code) && code >= 0 && code <= 16 ? code : Status.UNKNOWN, decodeMessage(trailers['grpc-message']), trailerMetadata(trailers)));
      return;
    }
    if (this.httpStatus !== 0 && this.httpStatus !== 200) {
      this.fail(serviceError(codeForHttpStatus(this.httpStatus), `Received HTTP status code ${this.httpStatus}`));
      return;
    }
    // No status at all: the stream was reset or the connection dropped (grpc-js's mapping: a
    // refused stream or a lost connection may be retried, a cancel is CANCELLED, the rest INTERNAL).
    const details = this.streamError?.message ?? `Call ended without gRPC status (RST_STREAM code ${stream.rstCode ?? 'none'})`;
    const code =
      stream.rstCode === NGHTTP2_REFUSED_STREAM || session === undefined || session.destroyed || session.closed
        ? Status.UNAVAILABLE
        : stream.rstCode === NGHTTP2_CANCEL
          ? Status.CANCELLED
          : Status.INTERNAL;
    this.fail(serviceError(code, details));
  }

  /** The one response message of an OK call; a missing or malformed one is an error, as in grpc-js. */
  private answer(trailers: IncomingHttpHeaders): void {
    const body = this.chunks.length === 1 ? (this.chunks[0] ?? EMPTY) : Buffer.concat(this.chunks);
    if (body.length < 5) return this.fail(serviceError(Status.UNIMPLEMENTED, 'No message received', trailerMetadata(trailers)));
    if (body[0] !== 0) return this.fail(serviceError(Status.INTERNAL, 'Received a compressed message, but compression was not negotiated'));
    if (body.length !== 5 + body.readUInt32BE(1)) return this.fail(serviceError(Status.UNIMPLEMENTED, 'Expected exactly one response message'));
    let response: Res;
    try {
      response = this.deserialize(body.subarray(5));
    } catch (err) {
      return this.fail(serviceError(Status.INTERNAL, `Response message parsing error: ${(err as Error).message}`));
    }
    if (this.settle()) this.callback(null, response);
  }

  private fail(error: ServiceError): void {
    // A call given up on (deadline, oversize) tells core: its work is no longer wanted.
    if (this.stream !== undefined && !this.stream.closed) this.stream.close(NGHTTP2_CANCEL);
    if (this.settle()) this.callback(error);
  }

  /** True the first time: a call is answered once. */
  private settle(): boolean {
    if (this.done) return false;
    this.done = true;
    clearTimeout(this.timer);
    this.chunks = [];
    return true;
  }
}

const EMPTY = Buffer.alloc(0);
