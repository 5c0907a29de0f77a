/**
 * The registry: builds every domain service from its dependencies, once, in one place.
 * No DI framework; tests build their own registry with a controlled clock.
 */
import { createClientAuthenticator } from './clients/authenticate.js';
import { createJwksFetcher } from './clients/jwks-fetcher.js';
import { createOutboundHttp } from './clients/outbound-http.js';
import { createSecretHasher, createVerificationCache } from './clients/secret-hasher.js';
import { createClientRegistration } from './clients/registration.js';
import { createClientService } from './clients/service.js';
import { SUPPORTED_RESPONSE_TYPES } from './oauth2/response-type.js';
import { checkAuthorizationRequest } from './authorization/checks.js';
import { createAuthorizationEndpoint } from './flows/authorize.js';
import { createIdTokenHintVerifier } from './authorization/id-token-hint.js';
import { authorizationCodeGrant, createAuthorizationCodeIssuer } from './grants/authorization-code.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { jwtBearerGrant } from './grants/jwt-bearer.js';
import { createTokenEndpoint } from './grants/token-endpoint.js';
import { createChallengeCodec } from './flows/challenges.js';
import { cookieNames, cookiePolicy } from './flows/cookies.js';
import { createFlowService } from './flows/service.js';
import { createLogout } from './flows/logout.js';
import { createSecretBox } from './keys/secret-box.js';
import { subjectFor } from './oidc/subject.js';
import { createDiscovery } from './oidc/discovery.js';
import { createUserinfo } from './oidc/userinfo.js';
import { SqlFlowStore } from './storage/flow-store.js';
import { SqlLogoutClientStore } from './storage/logout-store.js';
import { createBackChannelSender } from './oidc/logout-token.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { createKeyService, ID_TOKEN_KEY_SET } from './keys/service.js';
import { createCoreMetrics, type CoreMetrics } from './metrics/core-metrics.js';
import type { Config } from './shared/config.js';
import type { Logger } from './shared/logger.js';
import { SqlClientStore } from './storage/client-store.js';
import { CachedClientStore } from './storage/cached-client-store.js';
import { cachedTokenReads } from './storage/cached-token-reads.js';
import { createChangeFeed } from './storage/change-feed.js';
import { SqlKeyStore } from './storage/key-store.js';
import type { Orm } from './storage/orm.js';
import { SqlTokenStore } from './storage/token-store.js';
import { SqlTrustStore } from './storage/trust-store.js';
import { createTrustService } from './trust/service.js';
import { createAccessTokenMinter } from './tokens/access-token.js';
import { createGrantTokenIssuer } from './tokens/grant-issuer.js';
import { createIntrospector } from './tokens/introspection.js';
import { createTokenLookup } from './tokens/lookup.js';
import { createOpaqueTokenCodec, storageKey } from './tokens/opaque.js';
import { createRevoker } from './tokens/revocation.js';
import { createClientOriginCheck } from './cors/client-origins.js';
import { CREDENTIALS_SUPPORTED, createCredentialIssuance } from './credentials/issuance.js';
import { createCredentialNonces } from './credentials/nonce.js';
import { withCredentialNonce } from './credentials/token-response.js';
import { createDeviceVerification } from './flows/device-verification.js';
import { createDeviceAuthorization } from './device/authorization.js';
import { createUserCodeHasher } from './device/user-code.js';
import { deviceCodeGrant } from './grants/device-code.js';
import { SqlDeviceCodeStore } from './storage/device-store.js';
import { createTokenHooks } from './tokens/token-hooks.js';

export interface RegistryDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  now?: () => Date;
  /** The core's Prometheus metrics; a fresh set when not given. */
  metrics?: CoreMetrics;
}

const tokenPathUnder = (base: string) => new URL('oauth2/token', base.endsWith('/') ? base : `${base}/`).toString();

/** `path` on the public listener's URL (`urls.self.public`). */
function publicUrl(config: Config, path: string): string {
  return new URL(path, config.urls.self.public.endsWith('/') ? config.urls.self.public : `${config.urls.self.public}/`).toString();
}

/** The token endpoint's URL, audience of client assertions (RFC 7523 §3). */
export function tokenEndpointUrl(config: Config): string {
  return publicUrl(config, 'oauth2/token');
}

/** RFC 8628 §3.2 verification_uri: Tessera's device verification endpoint (fosite's GetDeviceVerificationURL). */
export function deviceVerificationUrl(config: Config): string {
  return publicUrl(config, 'oauth2/device/verify');
}

/**
 * What a JWT-bearer assertion's aud may name (RFC 7523 §3 item 3), as Hydra's GetTokenURLs
 * (fositex/config.go): the advertised token endpoint, and the token endpoint under the public
 * URL and under the issuer, which differ behind a custom domain.
 */
export function assertionAudiences(config: Config): string[] {
  const advertised = config.webfinger.oidcDiscovery.tokenUrl || tokenEndpointUrl(config);
  return [...new Set([advertised, tokenEndpointUrl(config), tokenPathUnder(config.urls.self.issuer)])];
}

/**
 * Cached client and token rows also expire after this long, a backstop for rows changed outside
 * core (by hand, by an older release); changes made by core reach every replica's caches within
 * the change feed's bound (STALE_AFTER_MS, 1 s).
 */
const CACHE_MAX_AGE_MS = 60_000;

export function buildRegistry(deps: RegistryDeps) {
  const { config, logger, orm } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? createCoreMetrics();
  const issuer = config.urls.self.issuer;

  const hasher = createSecretHasher(config.oauth2.hashers);
  // Verified secrets are cached briefly so PBKDF2 does not cap token throughput; any change to
  // a client changes its stored hash, which is part of the cache key.
  const verifications = createVerificationCache(60_000, 10_000);
  // Caches that stay correct across replicas: every write that could make a cached row wrong
  // is announced on the change feed (storage/change-feed.ts; app.ts starts and stops it).
  const changes = createChangeFeed({ orm, logger, onReceived: (change) => metrics.cacheInvalidations.inc({ topic: change === 'all' ? 'all' : change.topic }) });
  const cacheOptions = (cache: 'client' | 'token', maxEntries: number) => ({
    maxEntries,
    maxAgeMs: CACHE_MAX_AGE_MS,
    onLookup: (result: 'hit' | 'miss' | 'bypass') => metrics.cacheLookups.inc({ cache, result }),
  });
  const sqlClientStore = new SqlClientStore(orm, changes);
  const clientStore = new CachedClientStore(sqlClientStore, changes, cacheOptions('client', 10_000));
  // Hydra's --dev accepts plain http redirect URIs on any host; nothing else relaxes the URI rules.
  const uriPolicy = { allowPlainHttp: config.dev };
  // Hydra's secrets.pagination and secrets.cookie: each falls back to secrets.system.
  const secretsFor = (own: string[]) => (own.length > 0 ? own : config.secrets.system);
  const clients = createClientService({
    store: clientStore,
    hasher,
    now,
    uriPolicy,
    defaultScope: config.oidc.dynamicClientRegistration.defaultScope.join(' '),
    pageTokens: createSecretBox(secretsFor(config.secrets.pagination), 'page_token'),
  });

  const keys = createKeyService({ store: new SqlKeyStore(orm), secrets: config.secrets.system, now, broadcastKeySets: config.webfinger.jwks.broadcastKeys });

  const sessionEncryption = { box: createSecretBox(config.secrets.system, 'oauth2_session'), encrypt: config.oauth2.session.encryptAtRest };
  const tokenStore = new SqlTokenStore(orm, sessionEncryption, changes, (callers) => metrics.tokenInsertBatch.observe(callers));
  // RFC 8628: device authorization requests, their grant sessions sealed as the tokens' are.
  const deviceStore = new SqlDeviceCodeStore(orm, tokenStore, sessionEncryption);
  const userCodes = createUserCodeHasher(config.secrets.system);
  const codec = createOpaqueTokenCodec(config.secrets.system);
  // Hydra mints registration access tokens with its access token strategy (client/handler.go).
  const registration = createClientRegistration({
    enabled: config.oidc.dynamicClientRegistration.enabled,
    publicUrl: config.urls.self.public,
    clients,
    // Past the cache: a registration access token rotated or a client deleted on another
    // replica must stop working at once, not when the change feed reaches this one.
    store: sqlClientStore,
    tokens: { mint: () => codec.mint('ory_at'), signatureOf: (token) => codec.signatureOf(token, 'ory_at'), storageKey },
  });
  const claimsLayout = {
    allowedTopLevelClaims: config.oauth2.allowedTopLevelClaims,
    mirrorTopLevelClaims: config.oauth2.mirrorTopLevelClaims,
    preserveExtClaims: config.oauth2.preserveExtClaims,
    excludeNotBeforeClaim: config.oauth2.excludeNotBeforeClaim,
    scopeClaim: config.strategies.jwt.scopeClaim,
  };
  const minter = createAccessTokenMinter({
    codec,
    signingKey: (set) => keys.signingKey(set),
    issuer,
    defaultStrategy: config.strategies.accessToken,
    claimsLayout,
    now,
  });
  const grantTokenIssuer = createGrantTokenIssuer({
    minter,
    codec,
    tokens: tokenStore,
    signingKey: (set) => keys.signingKey(set),
    issuer,
    ttl: { accessToken: config.ttl.accessToken, refreshToken: config.ttl.refreshToken, idToken: config.ttl.idToken },
    now,
  });
  const lookup = createTokenLookup({
    codec,
    store: cachedTokenReads(tokenStore, changes, cacheOptions('token', 50_000)),
    verificationKeys: (set) => keys.verificationKeys(set),
    issuer,
    now,
  });
  // Hydra's clients.http: outgoing calls on a client's behalf (jwks_uri, back-channel logout).
  const outboundHttp = createOutboundHttp(config.clients.http);
  const authenticator = createClientAuthenticator({
    clients: clientStore,
    hasher,
    verifications,
    jwks: createJwksFetcher({ ttlMs: 5 * 60_000, http: outboundHttp, logger }),
    replay: tokenStore,
    now,
  });
  // Hydra's token hooks go through the same outgoing-call rules (Hydra uses one HTTP client for all).
  const hooks = createTokenHooks({
    tokenHook: config.oauth2.tokenHook,
    refreshTokenHook: config.oauth2.refreshTokenHook,
    timeoutMs: config.oauth2.hookTimeout,
    http: outboundHttp,
    issuer,
    claimsLayout,
    logger,
    observe: (hook, outcome, seconds) => {
      metrics.tokenHookCalls.inc({ hook, outcome });
      metrics.tokenHookSeconds.observe({ hook }, seconds);
    },
    now,
  });
  const trustStore = new SqlTrustStore(orm);
  const trust = createTrustService({ store: trustStore, now, pageTokens: createSecretBox(secretsFor(config.secrets.pagination), 'page_token') });
  const grants = [
    clientCredentialsGrant({
      minter,
      tokens: tokenStore,
      scopeStrategy: config.strategies.scope,
      accessTokenTtlMs: config.ttl.accessToken,
      defaultGrantAllowedScope: config.oauth2.clientCredentials.defaultGrantAllowedScope,
      hooks,
    }),
    refreshTokenGrant({
      codec,
      tokens: tokenStore,
      issuer: grantTokenIssuer,
      scopeStrategy: config.strategies.scope,
      grace: config.oauth2.refreshTokenRotation,
      hooks,
      now,
      onReuseDetected: () => metrics.refreshTokenReuse.inc(),
    }),
    authorizationCodeGrant({ codec, tokens: tokenStore, issuer: grantTokenIssuer, hooks, now }),
    jwtBearerGrant({
      minter,
      tokens: tokenStore,
      trust: trustStore,
      replay: tokenStore,
      scopeStrategy: config.strategies.scope,
      config: config.oauth2.jwtGrant,
      tokenUrls: assertionAudiences(config),
      accessTokenTtlMs: config.ttl.accessToken,
      hooks,
      now,
    }),
    deviceCodeGrant({ codec, devices: deviceStore, tokens: tokenStore, issuer: grantTokenIssuer, hooks, now }),
  ];
  // Verifiable credentials: the token endpoint offers a nonce, `/credentials` checks it.
  const credentialNonces = createCredentialNonces({ systemSecrets: config.secrets.system, ttlMs: config.ttl.vcNonce, now });
  const tokenEndpoint = createTokenEndpoint({
    authenticator,
    grants,
    issuer,
    populate: [(body) => withCredentialNonce(credentialNonces, body)],
    onIssued: (grantType) => metrics.tokensIssued.inc({ grant_type: grantType }),
  });
  const introspector = createIntrospector({ lookup, issuer, scopeStrategy: config.strategies.scope, now });
  const revoker = createRevoker({ lookup, store: tokenStore });
  const userinfo = createUserinfo({
    lookup,
    findClient: (clientId) => clientStore.get(clientId),
    signingKey: (set) => keys.signingKey(set),
    issuer,
    now,
  });
  const credentials = createCredentialIssuance({
    lookup,
    nonces: credentialNonces,
    signingKey: (set) => keys.signingKey(set),
    issuer,
    now,
  });
  const discovery = createDiscovery({
    config,
    signingKey: (set) => keys.signingKey(set),
    responseTypes: SUPPORTED_RESPONSE_TYPES,
    tokenGrantTypes: grants.map((grant) => grant.grantType),
    credentialsSupported: CREDENTIALS_SUPPORTED,
  });

  const corsOrigins = createClientOriginCheck({ getClient: (clientId) => clientStore.get(clientId), lookup, now });

  const cookies = cookiePolicy({ issuer, ...config.serve.cookies });
  // The browser flow: challenges carry the flow; the database sees single-use ids, sessions, consents.
  const flowStore = new SqlFlowStore(orm);
  const challengeCodec = createChallengeCodec(config.secrets.system);
  const getClient = (clientId: string) => clientStore.get(clientId);
  const flows = createFlowService({ codec: challengeCodec, used: flowStore, sessions: flowStore, consents: flowStore, tokens: tokenStore, getClient, now });
  // The authorization request's checks (authorization/), run by the flow's first leg (flows/).
  const authorizationChecks = {
    getClient,
    scopeStrategy: config.strategies.scope,
    pkce: config.oauth2.pkce,
    uriPolicy,
    verifyIdTokenHint: createIdTokenHintVerifier({ issuer, verificationKeys: () => keys.verificationKeys(ID_TOKEN_KEY_SET) }),
  };
  const authorization = createAuthorizationEndpoint({
    getClient,
    codec: challengeCodec,
    sessionBox: createSecretBox(secretsFor(config.secrets.cookie), 'login_session'),
    cookies: cookieNames(config.dev, config.serve.cookies.names),
    used: flowStore,
    sessions: flowStore,
    consents: flowStore,
    codes: createAuthorizationCodeIssuer({ codec, tokens: tokenStore, ttlMs: config.ttl.authCode, now }),
    tokens: grantTokenIssuer,
    subjectFor: (client, subject) => subjectFor(client, subject, config.oidc.subjectIdentifiers.pairwiseSalt),
    checkRequest: (raw) => checkAuthorizationRequest(raw, authorizationChecks),
    scopeStrategy: config.strategies.scope,
    urls: { login: config.urls.login, consent: config.urls.consent, error: config.urls.error, publicBase: config.urls.self.public, deviceSuccess: config.urls.device.success },
    devices: deviceStore,
    exposeInternalErrors: config.oauth2.exposeInternalErrors,
    ttl: { loginConsentRequest: config.ttl.loginConsentRequest, authenticationSession: config.ttl.authenticationSession },
    cookiePolicy: cookies,
    now,
  });
  // Logout (RP-initiated, front- and back-channel): its own challenge boxes, the same session cookie.
  const logout = createLogout({
    issuer,
    getClient,
    verifyIdTokenHint: createIdTokenHintVerifier({ issuer, verificationKeys: () => keys.verificationKeys(ID_TOKEN_KEY_SET) }),
    subjectFor: (client, subject) => subjectFor(client, subject, config.oidc.subjectIdentifiers.pairwiseSalt),
    uriPolicy,
    challengeBox: createSecretBox(config.secrets.system, 'logout_challenge'),
    verifierBox: createSecretBox(config.secrets.system, 'logout_verifier'),
    sessionBox: createSecretBox(secretsFor(config.secrets.cookie), 'login_session'),
    cookies: cookieNames(config.dev, config.serve.cookies.names),
    used: flowStore,
    sessions: flowStore,
    logoutClients: new SqlLogoutClientStore(orm),
    signingKey: () => keys.signingKey(ID_TOKEN_KEY_SET),
    sendBackChannel: createBackChannelSender({ logger, timeoutMs: 10_000, http: outboundHttp }),
    logger,
    urls: { logout: config.urls.logout, postLogoutRedirect: config.urls.postLogoutRedirect, error: config.urls.error, publicBase: config.urls.self.public },
    ttlMs: config.ttl.loginConsentRequest,
    cookiePolicy: cookies,
    now,
  });

  const device = {
    authorization: createDeviceAuthorization({
      authenticator,
      issuer,
      tokenEndpointUrl: tokenEndpointUrl(config),
      codec,
      userCodes,
      store: deviceStore,
      scopeStrategy: config.strategies.scope,
      ttlMs: config.ttl.deviceUserCode,
      pollingIntervalMs: config.oauth2.deviceAuthorization.tokenPollingInterval,
      verificationUri: deviceVerificationUrl(config),
      now,
    }),
    verification: createDeviceVerification({
      authorization,
      devices: deviceStore,
      userCodes,
      challengeBox: createSecretBox(config.secrets.system, 'device_challenge'),
      verifierBox: createSecretBox(config.secrets.system, 'device_verifier'),
      used: flowStore,
      cookies: cookieNames(config.dev, config.serve.cookies.names),
      cookiePolicy: cookies,
      urls: { verification: config.urls.device.verification, error: config.urls.error, self: deviceVerificationUrl(config), fallback: publicUrl(config, 'oauth2/fallbacks/device') },
      ttlMs: config.ttl.loginConsentRequest,
      exposeInternalErrors: config.oauth2.exposeInternalErrors,
      now,
    }),
  };

  return {
    config,
    metrics,
    device,
    logger,
    orm,
    now,
    changes,
    clients,
    registration,
    keys,
    trust,
    authenticator,
    tokenEndpoint,
    grantTokenIssuer,
    flows,
    authorization,
    logout,
    introspector,
    revoker,
    userinfo,
    credentials,
    discovery,
    corsOrigins,
    tokenEndpointUrl: tokenEndpointUrl(config),
  };
}

export type Registry = ReturnType<typeof buildRegistry>;
