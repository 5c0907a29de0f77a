/**
 * The registry: builds every domain service from its dependencies, once, in one place.
 * No DI framework; tests build their own registry with a controlled clock.
 */
import { createSecretHasher, createVerificationCache } from './clients/secret-hasher.js';
import { createClientService } from './clients/service.js';
import { createKeyService } from './keys/service.js';
import type { Config } from './shared/config.js';
import type { Logger } from './shared/logger.js';
import { SqlClientStore } from './storage/client-store.js';
import { SqlKeyStore } from './storage/key-store.js';
import type { Orm } from './storage/orm.js';

export interface RegistryDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  now?: () => Date;
}

export function buildRegistry(deps: RegistryDeps) {
  const { config, logger, orm } = deps;
  const now = deps.now ?? (() => new Date());
  const hasher = createSecretHasher(config.oauth2.hashers);
  // Verified secrets are cached briefly so PBKDF2 does not cap token throughput; any change to
  // a client changes its stored hash, which is part of the cache key.
  const verifications = createVerificationCache(60_000, 10_000);
  const clientStore = new SqlClientStore(orm);
  const clients = createClientService({ store: clientStore, hasher, now });
  const keys = createKeyService({ store: new SqlKeyStore(orm), secrets: config.secrets.system, now });
  return { config, logger, orm, now, hasher, verifications, clientStore, clients, keys };
}

export type Registry = ReturnType<typeof buildRegistry>;
