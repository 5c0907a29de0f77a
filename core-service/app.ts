/**
 * Starting and stopping the core: open storage, check (or, in dev, apply) the schema, build
 * the registry, serve gRPC. Used by main.ts and by tests that run the core in-process.
 */
import { ClientServiceService } from '../proto/gen/tessera/v1/clients.js';
import { FlowServiceService } from '../proto/gen/tessera/v1/flows.js';
import { IntrospectionServiceService } from '../proto/gen/tessera/v1/introspection.js';
import { CredentialServiceService } from '../proto/gen/tessera/v1/credentials.js';
import { JanitorServiceService } from '../proto/gen/tessera/v1/janitor.js';
import { TrustServiceService } from '../proto/gen/tessera/v1/trust.js';
import { JwkServiceService } from '../proto/gen/tessera/v1/keys.js';
import { OAuth2ServiceService } from '../proto/gen/tessera/v1/oauth2.js';
import { RegistrationServiceService } from '../proto/gen/tessera/v1/registration.js';
import { clientServiceHandlers } from './grpc/clients.js';
import { flowServiceHandlers } from './grpc/flows.js';
import { deviceServiceHandlers } from './grpc/device.js';
import { DeviceServiceService } from '../proto/gen/tessera/v1/device.js';
import { introspectionServiceHandlers } from './grpc/introspection.js';
import { credentialServiceHandlers } from './grpc/credentials.js';
import { janitorServiceHandlers } from './grpc/janitor.js';
import { trustServiceHandlers } from './grpc/trust.js';
import { jwkServiceHandlers } from './grpc/keys.js';
import { oauth2ServiceHandlers } from './grpc/oauth2.js';
import { registrationServiceHandlers } from './grpc/registration.js';
import { logoutHandler, logoutRequestHandlers } from './grpc/logout.js';
import { isConnectionFailure } from './grpc/errors.js';
import { callerPolicy } from './grpc/callers.js';
import { startGrpcServer } from './grpc/server.js';
import { grpcServerTransport } from './grpc/transport.js';
import { createCoreMetrics } from './metrics/core-metrics.js';
import { startMetricsListener, type MetricsListener } from './metrics/listener.js';
import { assertSystemSecrets } from './keys/system-secret.js';
import { buildRegistry } from './registry.js';
import type { Config } from './shared/config.js';
import type { Logger } from './shared/logger.js';
import type { Registry } from './shared/metrics.js';
import { parseDsn } from './storage/dsn.js';
import { SqlJanitorStore } from './storage/janitor-store.js';
import { closeOrm, openOrm, pingDatabase, pingOutsidePool } from './storage/orm.js';
import { watchPool } from './storage/pool-watch.js';
import { assertSchemaCurrent, migrateUp } from './storage/schema.js';
import { retryWhileUnreachable } from './storage/retry.js';

export interface StartCoreOptions {
  config: Config;
  logger: Logger;
  /** Apply pending migrations instead of refusing to start (dev mode, in-memory databases, tests). */
  migrate?: boolean;
  /**
   * Called when the pool has answered nothing for `db.stuck_pool_timeout` while the database
   * does (storage/pool-watch.ts); main.ts exits so the supervisor restarts the core.
   */
  onStuckPool?: () => void;
}

export interface RunningCore {
  grpcAddress: string;
  /** The Prometheus endpoint, when `serve.metrics.port` is not 0. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

/** Serves `/metrics`; a port that cannot be bound is logged, not fatal: tokens matter more than metrics. */
async function startCoreMetrics(registry: Registry, at: Config['serve']['metrics'], logger: Logger): Promise<MetricsListener | undefined> {
  if (at.port === 0) return undefined;
  try {
    const listener = await startMetricsListener(registry, at.host, at.port);
    logger.info({ url: listener.url }, 'core metrics listening');
    return listener;
  } catch (err) {
    logger.error({ err, host: at.host, port: at.port }, 'cannot serve core metrics; continuing without them');
    return undefined;
  }
}

export async function startCore(options: StartCoreOptions): Promise<RunningCore> {
  const { config, logger } = options;
  // Before anything is sealed or opened with it: a guessable secret lets anybody forge a verifier.
  assertSystemSecrets(config.secrets.system, { dev: config.dev });
  const target = parseDsn(config.dsn);
  // Before the database opens: a listener that would leak tokens stops the start at once.
  const transport = grpcServerTransport(config.serve.grpc);
  const callers = callerPolicy(config.serve.grpc, { dev: config.dev, security: transport.security });
  if (config.dsnFromDatabaseUrl) logger.warn('the DSN was read from DATABASE_URL, an older name; DSN is the current one');
  logger.info({ dsn: target.redacted }, 'opening database');
  const orm = await retryWhileUnreachable(() => openOrm(target, { logger, leakSensitiveValues: config.log.leakSensitiveValues }), { logger, retryable: isConnectionFailure });
  const metrics = createCoreMetrics();
  metrics.observePool(() => orm.em.getConnection().getKnex().client.pool);
  const registry = buildRegistry({ config, logger, orm, metrics });
  const pool = watchPool({
    ping: () => pingDatabase(orm),
    pingOutsidePool: () => pingOutsidePool(orm, target.dialect),
    stuckTimeoutMs: config.db.stuckPoolTimeout,
    onStuck: (silentMs) => {
      logger.fatal({ silent_ms: Math.round(silentMs), timeout_ms: config.db.stuckPoolTimeout }, 'the connection pool is stuck while the database answers; only a restart helps');
      options.onStuckPool?.();
    },
    logger,
  });
  // Any answered query is progress: a pool busy enough to delay a health ping is not stuck.
  orm.em.getConnection().getKnex().client.on('query-response', pool.answered);
  // gRPC answers from the start so orchestrators see the core alive; health stays NOT_SERVING
  // until the schema is checked and the signing keys exist.
  let ready = false;
  const server = await startGrpcServer({
    host: config.serve.grpc.host,
    port: config.serve.grpc.port,
    credentials: transport.credentials,
    callers,
    logger,
    ping: () => (ready ? pool.check() : Promise.resolve(false)),
    metrics,
    services: [
      { name: 'tessera.v1.ClientService', definition: ClientServiceService, implementation: clientServiceHandlers(registry.clients, logger) },
      { name: 'tessera.v1.JwkService', definition: JwkServiceService, implementation: jwkServiceHandlers(registry.keys, logger) },
      {
        name: 'tessera.v1.OAuth2Service',
        definition: OAuth2ServiceService,
        implementation: {
          ...oauth2ServiceHandlers(
            {
              tokenEndpoint: registry.tokenEndpoint,
              authenticator: registry.authenticator,
              revoker: registry.revoker,
              authorization: registry.authorization,
              userinfo: registry.userinfo,
              discovery: registry.discovery,
              corsOrigins: registry.corsOrigins,
              issuer: config.urls.self.issuer,
              tokenEndpointUrl: registry.tokenEndpointUrl,
            },
            logger,
          ),
          logout: logoutHandler(registry.logout, logger),
        },
      },
      { name: 'tessera.v1.IntrospectionService', definition: IntrospectionServiceService, implementation: introspectionServiceHandlers(registry.introspector, logger) },
      { name: 'tessera.v1.CredentialService', definition: CredentialServiceService, implementation: credentialServiceHandlers(registry.credentials, logger) },
      { name: 'tessera.v1.TrustService', definition: TrustServiceService, implementation: trustServiceHandlers(registry.trust, logger) },
      { name: 'tessera.v1.JanitorService', definition: JanitorServiceService, implementation: janitorServiceHandlers(new SqlJanitorStore(orm), registry.now, logger) },
      { name: 'tessera.v1.DeviceService', definition: DeviceServiceService, implementation: deviceServiceHandlers(registry.device, logger) },
      { name: 'tessera.v1.FlowService', definition: FlowServiceService, implementation: { ...flowServiceHandlers(registry.flows, logger), ...logoutRequestHandlers(registry.logout, logger) } },
      { name: 'tessera.v1.RegistrationService', definition: RegistrationServiceService, implementation: registrationServiceHandlers(registry.registration, logger) },
    ],
  });
  const metricsListener = await startCoreMetrics(metrics.registry, config.serve.metrics, logger);

  try {
    // An unreachable database is waited for (DESIGN.md, Errors: retryable); a schema that is
    // not current or a SECRETS_SYSTEM that cannot open the keys stops the start here.
    await retryWhileUnreachable(
      async () => {
        // An in-memory database is empty at every start: nothing but the core can migrate it.
        if (options.migrate || target.inMemory) {
          const applied = await migrateUp(orm);
          if (applied.length > 0) logger.warn({ applied }, 'applied migrations at start (dev mode); in production run the migrator instead');
        } else {
          await assertSchemaCurrent(orm, target.redacted);
        }
        // Signing keys exist before the first token.
        await registry.keys.ensureDefaultKeys();
      },
      { logger, retryable: isConnectionFailure },
    );
  } catch (err) {
    await server.shutdown();
    await metricsListener?.close();
    await closeOrm(orm);
    throw err;
  }
  // After the schema check: on MySQL and SQLite the feed reads a table a migration creates.
  await registry.changes.start();
  ready = true;
  await server.checkHealth();
  logger.info({ address: server.address, security: transport.security, callers: callers.mode, caller_names: callers.callers }, 'core gRPC listening');
  if (callers.openBecause) {
    logger.warn(
      { reason: callers.openBecause },
      'CORE gRPC ADMITS UNAUTHENTICATED CALLERS: any process that reaches its port may call every service, admin ones included. ' +
        'Configure serve.grpc.callers outside a development machine.',
    );
  }

  return {
    grpcAddress: server.address,
    metricsUrl: metricsListener?.url,
    async close() {
      await server.shutdown();
      await metricsListener?.close();
      await registry.changes.close();
      await closeOrm(orm);
    },
  };
}
