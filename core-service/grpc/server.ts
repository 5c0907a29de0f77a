/**
 * The core's gRPC server: Tessera's services, the standard health service (SERVING only while
 * the database answers) and server reflection (so `grpcurl list` works).
 */
import { join } from 'node:path';
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from '../shared/logger.js';
import { PROJECT_ROOT } from '../shared/paths.js';
import { callerInterceptor, type CallerPolicy } from './callers.js';
import { instrumentService, tolerantDefinition, type GrpcMetrics } from './unary.js';

export interface ServiceBinding {
  /** Fully-qualified name, e.g. `tessera.v1.ClientService`, as the health service reports it. */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  services: ServiceBinding[];
  logger: Logger;
  /** Answers whether the database is reachable; polled to drive the health status. */
  ping: () => Promise<boolean>;
  /** How often to poll `ping`, in ms. */
  healthIntervalMs?: number;
  /** How long graceful shutdown waits for in-flight calls before cutting them, in ms. */
  shutdownGraceMs?: number;
  /** Counts and times every call (core-metrics.ts). */
  metrics?: GrpcMetrics;
  /** TLS / mutual TLS / plaintext, decided by grpcServerTransport (transport.ts); plaintext when absent. */
  credentials?: ServerCredentials;
  /** Who may call which service (callers.ts); every call is admitted when absent. */
  callers?: CallerPolicy;
}

export interface RunningGrpcServer {
  /** `host:port` actually bound (port 0 picks a free one). */
  address: string;
  port: number;
  /** Asks the database now instead of at the next poll (the core just became ready). */
  checkHealth(): Promise<void>;
  /** Marks every service NOT_SERVING, stops accepting calls, lets in-flight ones finish. */
  shutdown(): Promise<void>;
}

const PROTO_FILES = ['clients', 'keys', 'flows', 'oauth2', 'device', 'introspection', 'janitor', 'registration', 'credentials', 'errors', 'trust'].map((name) =>
  join(PROJECT_ROOT, 'proto', 'tessera', 'v1', `${name}.proto`),
);
/** Listed too, so `grpcurl list` shows the reflection service as it does on Go servers. */
const REFLECTION_PROTO = join(PROJECT_ROOT, 'node_modules', '@grpc', 'reflection', 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');

/** Starts the server and resolves once it is bound. */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { logger } = options;
  const server = new Server({
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
    // channelz keeps per-call counters and traces for a debugging service core does not serve;
    // off, it costs nothing on every call.
    'grpc.enable_channelz': 0,
    interceptors: options.callers ? [callerInterceptor(options.callers, logger, options.metrics)] : [],
  });

  for (const service of options.services) {
    server.addService(tolerantDefinition(service.definition), instrumentService(service.definition, service.implementation, logger, options.metrics));
  }

  const names = ['', ...options.services.map((s) => s.name)];
  const health = new HealthImplementation(Object.fromEntries(names.map((n) => [n, 'NOT_SERVING' as const])));
  health.addToServer(server);

  const descriptors = loadSync([...PROTO_FILES, healthProtoPath, REFLECTION_PROTO], {
    includeDirs: [join(PROJECT_ROOT, 'proto')],
    keepCase: true,
  });
  new ReflectionService(descriptors).addToServer(server);

  let serving: boolean | undefined;
  const setServing = (up: boolean) => {
    if (up === serving) return;
    // The first answer comes before the core is ready (app.ts); that is no outage to report.
    const starting = serving === undefined;
    serving = up;
    for (const n of names) health.setStatus(n, up ? 'SERVING' : 'NOT_SERVING');
    if (up) logger.info('database reachable: health SERVING');
    else if (!starting) logger.warn('database unreachable: health NOT_SERVING');
  };
  let stopped = false;
  // One ping at a time: a slow one (a silent database) must not pile up others behind it.
  let polling: Promise<void> | undefined;
  const poll = () =>
    (polling ??= (async () => {
      const up = await options.ping().catch(() => false);
      if (!stopped) setServing(up);
    })().finally(() => {
      polling = undefined;
    }));
  await poll();
  const timer = setInterval(() => void poll(), options.healthIntervalMs ?? 2000);
  timer.unref();

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, options.credentials ?? ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
  const address = `${options.host}:${port}`;

  return {
    address,
    port,
    checkHealth: poll,
    async shutdown() {
      stopped = true;
      clearInterval(timer);
      for (const n of names) health.setStatus(n, 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          logger.warn('in-flight calls did not finish in time; cutting them');
          server.forceShutdown();
          resolve();
        }, options.shutdownGraceMs ?? 10_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
