/**
 * The registry: builds every domain service from its dependencies, once, in one place.
 * No DI framework; tests build their own registry with a controlled clock.
 */
import { createClientAuthenticator } from './clients/authenticate.js';
import { createJwksFetcher } from './clients/jwks-fetcher.js';
import { createSecretHasher, createVerificationCache } from './clients/secret-hasher.js';
import { createClientService } from './clients/service.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { createKeyService } from './keys/service.js';
import type { Config } from './shared/config.js';
import type { Logger } from './shared/logger.js';
import { SqlClientStore } from './storage/client-store.js';
import { SqlKeyStore } from './storage/key-store.js';
import type { Orm } from './storage/orm.js';
import { SqlTokenStore } from './storage/token-store.js';
import { createAccessTokenMinter } from './tokens/access-token.js';
import { createIntrospector } from './tokens/introspection.js';
import { createTokenLookup } from './tokens/lookup.js';
import { createOpaqueTokenCodec } from './tokens/opaque.js';
import { createRevoker } from './tokens/revocation.js';
import { createTokenEndpoint } from './tokens/token-endpoint.js';

export interface RegistryDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  now?: () => Date;
}

/** The token endpoint's URL, audience of client assertions (RFC 7523 §3). */
export function tokenEndpointUrl(config: Config): string {
  return new URL('oauth2/token', config.urls.self.public.endsWith('/') ? config.urls.self.public : `${config.urls.self.public}/`).toString();
}

export function buildRegistry(deps: RegistryDeps) {
  const { config, logger, orm } = deps;
  const now = deps.now ?? (() => new Date());
  const issuer = config.urls.self.issuer;

  const hasher = createSecretHasher(config.oauth2.hashers);
  // Verified secrets are cached briefly so PBKDF2 does not cap token throughput; any change to
  // a client changes its stored hash, which is part of the cache key.
  const verifications = createVerificationCache(60_000, 10_000);
  const clientStore = new SqlClientStore(orm);
  const clients = createClientService({ store: clientStore, hasher, now });

  const keys = createKeyService({ store: new SqlKeyStore(orm), secrets: config.secrets.system, now });

  const tokenStore = new SqlTokenStore(orm);
  const codec = createOpaqueTokenCodec(config.secrets.system);
  const minter = createAccessTokenMinter({
    codec,
    signingKey: (set) => keys.signingKey(set),
    issuer,
    defaultStrategy: config.strategies.accessToken,
    now,
  });
  const lookup = createTokenLookup({
    codec,
    store: tokenStore,
    verificationKeys: (set) => keys.verificationKeys(set),
    issuer,
    now,
  });
  const authenticator = createClientAuthenticator({
    clients: clientStore,
    hasher,
    verifications,
    jwks: createJwksFetcher({ ttlMs: 5 * 60_000 }),
    replay: tokenStore,
    now,
  });
  const grants = [
    clientCredentialsGrant({
      minter,
      tokens: tokenStore,
      scopeStrategy: config.strategies.scope,
      accessTokenTtlMs: config.ttl.accessToken,
    }),
  ];
  const tokenEndpoint = createTokenEndpoint({ authenticator, grants, issuer });
  const introspector = createIntrospector({ lookup, issuer, scopeStrategy: config.strategies.scope, now });
  const revoker = createRevoker({ lookup, store: tokenStore });

  return {
    config,
    logger,
    orm,
    now,
    clients,
    keys,
    authenticator,
    tokenEndpoint,
    introspector,
    revoker,
    tokenEndpointUrl: tokenEndpointUrl(config),
  };
}

export type Registry = ReturnType<typeof buildRegistry>;
