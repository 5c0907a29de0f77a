/**
 * Starting and stopping the core: open storage, check (or, in dev, apply) the schema, build
 * the registry, serve gRPC. Used by main.ts and by tests that run the core in-process.
 */
import { ClientServiceService } from '../proto/gen/tessera/v1/clients.js';
import { IntrospectionServiceService } from '../proto/gen/tessera/v1/introspection.js';
import { JwkServiceService } from '../proto/gen/tessera/v1/keys.js';
import { OAuth2ServiceService } from '../proto/gen/tessera/v1/oauth2.js';
import { clientServiceHandlers } from './grpc/clients.js';
import { introspectionServiceHandlers } from './grpc/introspection.js';
import { jwkServiceHandlers } from './grpc/keys.js';
import { oauth2ServiceHandlers } from './grpc/oauth2.js';
import { startGrpcServer } from './grpc/server.js';
import { buildRegistry } from './registry.js';
import type { Config } from './shared/config.js';
import type { Logger } from './shared/logger.js';
import { parseDsn } from './storage/dsn.js';
import { closeOrm, openOrm, pingDatabase } from './storage/orm.js';
import { assertSchemaCurrent, migrateUp } from './storage/schema.js';

export interface StartCoreOptions {
  config: Config;
  logger: Logger;
  /** Apply pending migrations instead of refusing to start (dev mode, in-memory databases, tests). */
  migrate?: boolean;
}

export interface RunningCore {
  grpcAddress: string;
  close(): Promise<void>;
}

export async function startCore(options: StartCoreOptions): Promise<RunningCore> {
  const { config, logger } = options;
  const target = parseDsn(config.dsn);
  logger.info({ dsn: target.redacted }, 'opening database');
  const orm = await openOrm(target, { logger });
  try {
    // An in-memory database is empty at every start: nothing but the core can migrate it.
    if (options.migrate || target.inMemory) {
      const applied = await migrateUp(orm);
      if (applied.length > 0) logger.warn({ applied }, 'applied migrations at start (dev mode); in production run the migrator instead');
    } else {
      await assertSchemaCurrent(orm, target.redacted);
    }
  } catch (err) {
    await closeOrm(orm);
    throw err;
  }

  const registry = buildRegistry({ config, logger, orm });
  try {
    // Signing keys exist before the first token; a SECRETS_SYSTEM that cannot open them stops here.
    await registry.keys.ensureDefaultKeys();
  } catch (err) {
    await closeOrm(orm);
    throw err;
  }
  const server = await startGrpcServer({
    host: config.serve.grpc.host,
    port: config.serve.grpc.port,
    logger,
    ping: () => pingDatabase(orm),
    services: [
      { name: 'tessera.v1.ClientService', definition: ClientServiceService, implementation: clientServiceHandlers(registry.clients, logger) },
      { name: 'tessera.v1.JwkService', definition: JwkServiceService, implementation: jwkServiceHandlers(registry.keys, logger) },
      {
        name: 'tessera.v1.OAuth2Service',
        definition: OAuth2ServiceService,
        implementation: oauth2ServiceHandlers(
          {
            tokenEndpoint: registry.tokenEndpoint,
            authenticator: registry.authenticator,
            revoker: registry.revoker,
            issuer: config.urls.self.issuer,
            defaultTokenEndpointUrl: registry.tokenEndpointUrl,
          },
          logger,
        ),
      },
      { name: 'tessera.v1.IntrospectionService', definition: IntrospectionServiceService, implementation: introspectionServiceHandlers(registry.introspector, logger) },
    ],
  });
  logger.info({ address: server.address }, 'core gRPC listening');

  return {
    grpcAddress: server.address,
    async close() {
      await server.shutdown();
      await closeOrm(orm);
    },
  };
}
