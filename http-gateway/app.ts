/**
 * The gateway as a value: `startGateway` opens the channel to core, starts the public and/or
 * admin listener, and returns their URLs and a `close()`. main.ts and the tests both use it.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../core-service/shared/config.js';
import type { Logger } from '../core-service/shared/logger.js';
import { registerAdminRoutes } from './admin/routes.js';
import { connectCore, type CoreConnection } from './grpc-client/core.js';
import { registerHealthRoutes } from './health.js';
import { registerJwksRoute } from './public/jwks.js';
import { registerTokenRoutes } from './public/token.js';
import { createListener, withFormBodies } from './server.js';
import { decideTransport, type TlsMaterial } from './tls.js';

/** Which listeners to run, as in `hydra serve all|public|admin`. */
export type ServeTarget = 'all' | 'public' | 'admin';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  serve: ServeTarget;
  /** `--dangerous-force-http`: serve plain HTTP even without a certificate. */
  forceHttp?: boolean;
}

/** A running gateway. URLs carry the real port, so port 0 in config works. */
export interface RunningGateway {
  publicUrl?: string;
  adminUrl?: string;
  /** Stops accepting requests, finishes in-flight ones, then closes the channel to core. */
  close(): Promise<void>;
}

/** `host:port` for gRPC and URLs; an IPv6 literal needs brackets. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Hydra's empty host means every interface; a URL for such a listener points at loopback. */
const bindHost = (host: string): string => host || '0.0.0.0';
const urlHost = (host: string): string => (host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

async function listen(app: FastifyInstance, host: string, port: number, tls: TlsMaterial | undefined): Promise<string> {
  const scheme = tls ? 'https' : 'http';
  // fastify cannot tell that the server from serverFactory speaks TLS; say it right in the log.
  await app.listen({ host: bindHost(host), port, listenTextResolver: (address) => `listening at ${address.replace(/^https?:/, `${scheme}:`)}` });
  const { port: actual } = app.server.address() as AddressInfo;
  return `${scheme}://${hostPort(urlHost(host), actual)}`;
}

function buildListener(name: 'public' | 'admin', opts: GatewayOptions, core: CoreConnection, tls: TlsMaterial | undefined): FastifyInstance {
  const logger: FastifyBaseLogger = opts.logger.child({ listener: name });
  const app = createListener({ logger, tls });
  registerHealthRoutes(app, core);
  if (name === 'admin') registerAdminRoutes(app, core);
  if (name === 'public') {
    registerJwksRoute(app, core.keys);
    withFormBodies(app, (scope) => registerTokenRoutes(scope, core.oauth2));
  }
  return app;
}

/**
 * Starts the gateway. Throws TlsConfigError when no certificate is configured and plain HTTP
 * was not allowed (`forceHttp` or dev mode).
 * @example const gw = await startGateway({ config, logger, serve: 'all' }); … await gw.close();
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const { config, logger } = opts;
  const transport = decideTransport(config.serve.tls, { forceHttp: opts.forceHttp ?? false, dev: config.dev });
  if (!transport.tls) {
    logger.warn(
      { reason: transport.reason },
      'SERVING PLAIN HTTP WITHOUT TLS. Authorization codes, tokens and client secrets cross the network in clear text. ' +
        'Do this only behind a TLS-terminating proxy or on a development machine.',
    );
  }

  const core = connectCore(hostPort(config.serve.grpc.host || '127.0.0.1', config.serve.grpc.port));
  const listeners: FastifyInstance[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(listeners.map((app) => app.close()));
    core.close();
  };

  const result: RunningGateway = { close };
  try {
    if (opts.serve !== 'admin') {
      const app = buildListener('public', opts, core, transport.tls);
      listeners.push(app);
      result.publicUrl = await listen(app, config.serve.public.host, config.serve.public.port, transport.tls);
    }
    if (opts.serve !== 'public') {
      const app = buildListener('admin', opts, core, transport.tls);
      listeners.push(app);
      result.adminUrl = await listen(app, config.serve.admin.host, config.serve.admin.port, transport.tls);
    }
  } catch (err) {
    await close();
    throw err;
  }
  logger.info({ publicUrl: result.publicUrl, adminUrl: result.adminUrl, core: config.serve.grpc }, 'gateway listening');
  return result;
}
