/**
 * What one listener accepts and how long it waits (`serve.<listener>.limits.*` and
 * `.timeouts.*`): a request costs at most a bounded, linear amount of work, and a slow or idle
 * client holds a connection for a bounded time. Node's defaults would let a slow body hold a
 * connection for 300 s and accept any number of parameters.
 */
import type { Socket } from 'node:net';
import type { ServerOptions } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ListenerLimits } from '../core-service/shared/config.js';
import { httpError, type HttpError } from './errors/http-error.js';

/** The limits a listener runs with when none are configured (the config defaults). */
export const DEFAULT_LIMITS: ListenerLimits = {
  maxConnections: 10_000,
  maxHeaderBytes: 16 * 1024,
  maxFormParameters: 1_000,
  maxQueryParameters: 100,
  readHeaderTimeout: 10_000,
  readTimeout: 30_000,
  idleTimeout: 120_000,
};

/** Node checks header and request timeouts on this tick; a short timeout needs a finer tick. */
function checkingInterval(limits: ListenerLimits): number {
  return Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.readHeaderTimeout, limits.readTimeout) / 4)));
}

/** Options for http.createServer / https.createServer that enforce the header size and the timeouts. */
export function serverOptions(limits: ListenerLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.readHeaderTimeout,
    requestTimeout: limits.readTimeout,
    keepAliveTimeout: limits.idleTimeout,
    connectionsCheckingInterval: checkingInterval(limits),
  };
}

/** Applies what Node takes only as server properties (the connection cap, and keep-alive on Node 20). */
export function applyServerLimits(server: { maxConnections: number; keepAliveTimeout: number }, limits: ListenerLimits): void {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.idleTimeout;
}

const seconds = (ms: number): string => `${ms / 1000}s`;

/** The error for what Node refuses before a request reaches fastify (its `clientError` event). */
function clientErrorOf(code: string | undefined, limits: ListenerLimits): HttpError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return httpError('invalid_request', {
        status: 408,
        hint: `The request did not arrive in time: headers within ${seconds(limits.readHeaderTimeout)}, the whole request within ${seconds(limits.readTimeout)}.`,
      });
    case 'HPE_HEADER_OVERFLOW':
      return httpError('invalid_request', { status: 431, hint: `The request line and headers exceed the limit of ${limits.maxHeaderBytes} bytes.` });
    default:
      return httpError('invalid_request', { hint: 'The request is not valid HTTP/1.1.' });
  }
}

/**
 * fastify's `clientErrorHandler`: what Node refuses on its own (headers too large, a request too
 * slow, malformed HTTP) answers in Hydra's error shape too, then the connection closes.
 */
export function clientErrorHandler(limits: ListenerLimits, log: FastifyBaseLogger): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const httpErr = clientErrorOf(err.code, limits);
    log.info({ code: err.code, status: httpErr.status }, 'request refused before routing');
    if (socket.writable) {
      const body = JSON.stringify(httpErr.body);
      socket.write(
        `HTTP/1.1 ${httpErr.status} ${httpErr.status === 408 ? 'Request Timeout' : httpErr.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

const LIMITS = Symbol('serve.limits');

/**
 * Number of parameters in `text` from `from` on (a query string or a form body), counted as
 * URLSearchParams would (empty pieces skipped) but with one indexOf scan, so a refusal costs
 * a fraction of parsing what is refused.
 */
export function countParameters(text: string, from = 0): number {
  let count = 0;
  let start = from;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) count++;
    start = end + 1;
  }
  return count;
}

/** Number of parameters in the query string of a request URL. */
export function countQueryParameters(url: string): number {
  const query = url.indexOf('?');
  return query < 0 ? 0 : countParameters(url, query + 1);
}

/** Installs the parameter limits on one listener: queries are counted before any route reads them. */
export function installRequestLimits(app: FastifyInstance, limits: ListenerLimits): void {
  app.decorate(LIMITS, limits);
  // Callback style: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    if (countQueryParameters(request.url) > limits.maxQueryParameters) {
      done(httpError('invalid_request', { hint: `The query string carries more than ${limits.maxQueryParameters} parameters, the limit.` }));
      return;
    }
    done();
  });
}

/** The limits of the listener `app` belongs to (defaults on an instance that does not listen). */
export function limitsOf(app: FastifyInstance): ListenerLimits {
  return (app as FastifyInstance & { [LIMITS]?: ListenerLimits })[LIMITS] ?? DEFAULT_LIMITS;
}

/** The error for a form with more than `limit` parameters. */
export function tooManyFormParameters(limit: number): HttpError {
  return httpError('invalid_request', { status: 413, hint: `The form carries more than ${limit} parameters, the limit.` });
}
