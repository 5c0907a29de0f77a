/**
 * The gateway as a value: `startGateway` opens the channel to core, starts the public and/or
 * admin listener, and returns their URLs and a `close()`. main.ts and the tests both use it.
 */
import { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../core-service/shared/config.js';
import type { Logger } from '../core-service/shared/logger.js';
import { coreClientOriginCheck, registerCors } from './cors.js';
import { connectCore, type CoreConnection } from './grpc-client/core.js';
import { createGatewayMetrics, instrumentListener, type GatewayMetrics } from './metrics.js';
import { apiDocument, type ApiDocument } from './openapi/document.js';
import { registerRoutes } from './routes.js';
import { createListener } from './server.js';
import { requireTerminatedTls } from './termination.js';
import { decideTransport, type TlsMaterial, type TransportDecision } from './tls.js';
import { applySocketPermissions, socketPathOf } from './unix-socket.js';
import { watchCertificate, type CertificateReloader, type ReloadTrigger } from './tls-reload.js';

/** Which listeners to run, as in `hydra serve all|public|admin`. */
export type ServeTarget = 'all' | 'public' | 'admin';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  serve: ServeTarget;
  /** `--dangerous-force-http`: serve plain HTTP even without a certificate. */
  forceHttp?: boolean;
}

/** A running gateway. URLs carry the real port, so port 0 in config works; a unix socket listener's is `unix:/path`. */
export interface RunningGateway {
  publicUrl?: string;
  adminUrl?: string;
  /** Re-reads the HTTPS certificate files (SIGHUP); true when a new certificate is now served. */
  reloadTls(trigger: ReloadTrigger): boolean;
  /**
   * Stops accepting requests, finishes in-flight ones, then closes the channel to core.
   * `/health/ready` answers 503 from the first moment; with `drainDelayMs` the listeners keep
   * serving that long first, so load balancers stop sending traffic before the port closes,
   * and every answer carries `Connection: close`, so kept-alive clients reconnect elsewhere.
   */
  close(options?: { drainDelayMs?: number }): Promise<void>;
}

/** What both listeners share: the metrics and whether shutdown has begun. */
interface ListenerLife {
  metrics: GatewayMetrics;
  draining: () => boolean;
  /** `/admin/openapi.json`, built from the routes of both listeners on first request. */
  document: ApiDocument;
}

/** The longest shutdown waits for in-flight requests before cutting their connections. */
export const CLOSE_TIMEOUT_MS = 10_000;

/** fastify's close waits for every in-flight request; bounded so a hung client cannot stall shutdown. */
async function closeWithin(app: FastifyInstance, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      app.log.warn('in-flight requests did not finish in time; closing their connections');
      app.server.closeAllConnections();
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([app.close(), cut]);
  } finally {
    clearTimeout(timer);
  }
}

/** `host:port` for gRPC and URLs; an IPv6 literal needs brackets. */
/** `serve.cookies.names`: the base names of the cookies core sets; only those are forwarded to it. */
function cookieBaseNames(config: Config): string[] {
  const { names } = config.serve.cookies;
  return [names.loginCsrf, names.consentCsrf, names.session, names.deviceCsrf];
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Hydra's empty host means every interface. Tessera keeps that for the public listener only:
 * the admin API has no authentication of its own, so unless `serve.admin.host` names an
 * interface it listens on loopback, and says so at start.
 */
export function bindHost(listener: 'public' | 'admin', host: string): { host: string; reason: string } {
  if (host !== '') return { host, reason: `serve.${listener}.host is set` };
  return listener === 'admin'
    ? { host: '127.0.0.1', reason: 'serve.admin.host is not set: the admin API (no authentication of its own) listens on loopback only; set serve.admin.host to an interface behind a network policy to reach it from elsewhere' }
    : { host: '0.0.0.0', reason: 'serve.public.host is not set: every interface, as Hydra' };
}
const urlHost = (host: string): string => (host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

async function listen(app: FastifyInstance, listener: 'public' | 'admin', config: GatewayOptions['config'], tls: TlsMaterial | undefined): Promise<string> {
  const { host: configured, port, socket } = config.serve[listener];
  const socketPath = socketPathOf(configured);
  if (socketPath !== undefined) {
    await app.listen({ path: socketPath, listenTextResolver: () => `listening at unix:${socketPath}` });
    applySocketPermissions(socketPath, socket);
    return `unix:${socketPath}`;
  }
  const scheme = tls ? 'https' : 'http';
  const { host, reason } = bindHost(listener, configured);
  app.log.info({ host, reason }, `the ${listener} listener binds ${host}`);
  // fastify cannot tell that the server from serverFactory speaks TLS; say it right in the log.
  await app.listen({ host, port, listenTextResolver: (address) => `listening at ${address.replace(/^https?:/, `${scheme}:`)}` });
  const { port: actual } = app.server.address() as AddressInfo;
  return `${scheme}://${hostPort(urlHost(host), actual)}`;
}

function buildListener(name: 'public' | 'admin', opts: GatewayOptions, core: CoreConnection, tls: TlsMaterial | undefined, life: ListenerLife): FastifyInstance {
  const logger: FastifyBaseLogger = opts.logger.child({ listener: name });
  const app = createListener({
    logger,
    leakSensitiveValues: opts.config.log.leakSensitiveValues,
    exposeInternalErrors: opts.config.oauth2.exposeInternalErrors,
    limits: opts.config.serve[name].limits,
    tls,
  });
  // Hydra checks the proxy on every plain-HTTP listener with the list set, whatever made it plain.
  const { allowTerminationFrom } = opts.config.serve[name].tls;
  if (!tls && allowTerminationFrom.length > 0 && socketPathOf(opts.config.serve[name].host) === undefined) requireTerminatedTls(app, allowTerminationFrom, opts.config.oauth2.exposeInternalErrors);
  registerCors(app, opts.config.serve[name].cors, name === 'public' ? coreClientOriginCheck(core.oauth2) : undefined);
  instrumentListener(app, life.metrics);
  // RFC 9112 §9.6: `Connection: close` ends the connection after this response, so a client
  // holding a kept-alive connection to a draining gateway opens a new one, which the load
  // balancer sends to a gateway still in rotation. Without it the connection would stay here
  // until the port closes and the next request on it would be reset.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (life.draining()) void reply.header('connection', 'close');
    done(null, payload);
  });
  registerRoutes(app, name, {
    core,
    metrics: life.metrics,
    draining: life.draining,
    document: life.document,
    adminAuthRequired: opts.config.serve.admin.authRequired,
    cookieNames: cookieBaseNames(opts.config),
    quietHealth: opts.config.serve[name].requestLog.disableForHealth,
  });
  return app;
}

/**
 * Starts the gateway. Throws TlsConfigError when no certificate is configured and plain HTTP
 * was not allowed (`forceHttp` or dev mode).
 * @example const gw = await startGateway({ config, logger, serve: 'all' }); … await gw.close();
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const { config, logger } = opts;
  const names = (['public', 'admin'] as const).filter((name) => opts.serve === 'all' || opts.serve === name);
  // Each listener has its own TLS (serve.<listener>.tls over serve.tls); decided before anything opens.
  // A unix socket listener speaks plain HTTP: the socket file's permissions decide who reaches it (Hydra).
  const transports = new Map(
    names.map((name): [typeof name, TransportDecision] => [
      name,
      socketPathOf(config.serve[name].host) !== undefined ? { tls: undefined, reason: 'socket' } : decideTransport(config.serve[name].tls, { forceHttp: opts.forceHttp ?? false, dev: config.dev }),
    ]),
  );
  for (const [listener, transport] of transports) {
    if (transport.tls !== undefined || transport.reason === 'socket') continue;
    if (transport.reason === 'terminated') {
      logger.warn(
        { listener, allow_termination_from: config.serve[listener].tls.allowTerminationFrom },
        'serving plain HTTP to a TLS-terminating proxy: only requests from serve.tls.allow_termination_from with X-Forwarded-Proto: https are answered',
      );
    } else {
      logger.warn(
        { listener, reason: transport.reason },
        'SERVING PLAIN HTTP WITHOUT TLS. Authorization codes, tokens and client secrets cross the network in clear text. ' +
          'Do this only behind a TLS-terminating proxy or on a development machine.',
      );
    }
  }

  const core = connectCore(hostPort(config.serve.grpc.host || '127.0.0.1', config.serve.grpc.port), config.core.tls, config.core.apiKey);
  const listeners: FastifyInstance[] = [];
  let draining = false;
  const metrics = createGatewayMetrics();
  const document: ApiDocument = apiDocument((app, name) => registerRoutes(app, name, { core, metrics, draining: () => false, document, cookieNames: cookieBaseNames(config) }));
  const life: ListenerLife = { metrics, draining: () => draining, document };
  const certificates: CertificateReloader[] = [];
  const close = async (options: { drainDelayMs?: number } = {}): Promise<void> => {
    draining = true;
    const drainDelayMs = options.drainDelayMs ?? 0;
    if (listeners.length > 0) logger.info({ drain_delay_ms: drainDelayMs }, 'draining: /health/ready answers 503, every response closes its connection');
    if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
    for (const reloader of certificates) reloader.close();
    // Connections with no request in flight go now; the ones answering close after their response.
    for (const app of listeners) app.server.closeIdleConnections();
    await Promise.allSettled(listeners.map((app) => closeWithin(app, CLOSE_TIMEOUT_MS)));
    core.close();
  };

  // Every listener re-reads its own certificate; true when any now serves a new one.
  const reloadTls = (trigger: ReloadTrigger) => certificates.map((reloader) => reloader.reload(trigger)).some(Boolean);
  const result: RunningGateway = { close, reloadTls };
  try {
    for (const [name, transport] of transports) {
      const app = buildListener(name, opts, core, transport.tls, life);
      listeners.push(app);
      const url = await listen(app, name, config, transport.tls);
      if (name === 'public') result.publicUrl = url;
      else result.adminUrl = url;
      if (transport.tls && app.server instanceof HttpsServer) {
        certificates.push(watchCertificate({ source: config.serve[name].tls, current: transport.tls, servers: [app.server], logger: logger.child({ listener: name }) }));
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  logger.info({ publicUrl: result.publicUrl, adminUrl: result.adminUrl, core: { host: config.serve.grpc.host, port: config.serve.grpc.port } }, 'gateway listening');
  return result;
}
