/**
 * The one configuration loader of all three programs. Hydra's keys and names: a YAML file
 * (`--config path`) overridden by environment variables named after the key path, upper-cased
 * with `_` (`ttl.access_token` → `TTL_ACCESS_TOKEN`). Everything is validated with envalid at
 * start; a bad value throws a ConfigError naming the key and what it accepts.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { cleanEnv, makeValidator, type ValidatorSpec } from 'envalid';
import { parse as parseYaml } from 'yaml';
import { checkDocument, checkEnvironment, envName } from './config-check.js';
import { parseGoDuration } from './durations.js';

export { envName };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic';
export type AccessTokenStrategy = 'opaque' | 'jwt';
/** OIDC Core §8 subject identifier types. */
export type SubjectType = 'public' | 'pairwise';

/** Hydra's `serve.cookies.same_site_mode` values. */
export type SameSiteMode = 'Strict' | 'Lax' | 'None';

/** A duration in milliseconds, or `null` for "never expires" (Hydra's `-1`). */
export type Lifespan = number | null;

/** Hydra's `strategies.jwt.scope_claim`: how JWT access tokens carry the scope (`scp` array, `scope` string, or both). */
export type JwtScopeClaim = 'list' | 'string' | 'both';

/** Hydra's webhook_config (`oauth2.token_hook`, `oauth2.refresh_token_hook`): where to POST, and the credential to send. */
export interface WebhookConfig {
  url: string;
  /** Hydra's only auth type, `api_key`: a header or a cookie with the given name and value. */
  auth?: { type: 'api_key'; name: string; value: string; in: 'header' | 'cookie' };
}

export interface TlsSource {
  certPath?: string;
  keyPath?: string;
  /** Inline PEM (or base64 of a PEM, as Hydra's `serve.tls.cert.base64`). */
  certPem?: string;
  keyPem?: string;
}

/** `serve.<listener>.socket`: applied to the socket file when `serve.<listener>.host` is `unix:/path`; '' leaves owner or group as created. */
export interface UnixSocketConfig {
  owner: string;
  group: string;
  mode: number;
}

/**
 * `serve.tls`: the certificate, plus Hydra's `enabled` (false: plain HTTP, as --dangerous-force-http)
 * and `allow_termination_from` (plain HTTP accepted only from these networks, through a
 * TLS-terminating proxy that sets `X-Forwarded-Proto: https`).
 */
export interface ServeTls extends TlsSource {
  enabled: boolean;
  /** CIDRs (IPv4 or IPv6), validated at load. */
  allowTerminationFrom: string[];
}

/**
 * Cross-Origin Resource Sharing of one listener (`serve.public.cors`, `serve.admin.cors`), with
 * Hydra's defaults (driver/config/serve.go).
 */
export interface CorsConfig {
  enabled: boolean;
  /** Origins, `*`, or patterns with one `*`; empty means every origin (ory/x corsx.CheckOrigin). */
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  allowCredentials: boolean;
  /** Seconds a preflight answer may be cached; 0 sends no Access-Control-Max-Age. */
  maxAge: number;
  /** Logs every CORS decision. */
  debug: boolean;
}

/** Hydra's `serve.<listener>.request_log`. */
export interface RequestLogConfig {
  /** No request log lines for `/health/alive` and `/health/ready`. */
  disableForHealth: boolean;
}

/** Hydra's `serve.cookies.*`: the attributes and base names of the flow cookies. */
export interface CookiesConfig {
  sameSiteMode: SameSiteMode;
  sameSiteLegacyWorkaround: boolean;
  /** Domain attribute of every flow cookie; '' sends none (host-only cookies). */
  domain: string;
  /** Secure even on an http issuer (an https issuer always sets it). */
  secure: boolean;
  /** Base names: CSRF cookies append `_<hash of client_id>`, dev mode `_dev` (as Hydra). */
  names: { loginCsrf: string; consentCsrf: string; session: string; deviceCsrf: string };
  /** Path attribute of the authentication session cookie. */
  paths: { session: string };
}

/** Hydra's `webfinger.*`; an empty URL means Tessera's own endpoint. */
export interface WebfingerConfig {
  /** Key sets published at `/.well-known/jwks.json`, besides the ID token and access token sets. */
  jwks: { broadcastKeys: string[] };
  oidcDiscovery: {
    jwksUrl: string;
    tokenUrl: string;
    authUrl: string;
    userinfoUrl: string;
    /** Advertised as `registration_endpoint` when set. */
    clientRegistrationUrl: string;
    /** Hydra's `verifiable_credentials_url`: the credentials endpoint advertised instead of `/credentials`. */
    verifiableCredentialsUrl: string;
    /** Advertised as `device_authorization_endpoint` instead of Tessera's own when set. */
    deviceAuthorizationUrl: string;
    /** Added to `claims_supported`. */
    supportedClaims: string[];
    /** Added to `scopes_supported` (openid, offline and offline_access are always there). */
    supportedScope: string[];
  };
}

/** Core's gRPC server certificate and, for mutual TLS, the CA its callers' certificates must chain to. */
export interface GrpcServerTlsSource extends TlsSource {
  clientCaPath?: string;
}

/**
 * One internal service allowed to call core's gRPC port (`serve.grpc.callers`), identified by an
 * API key (only its SHA-256 is configured) or by its mutual-TLS client certificate.
 */
export interface GrpcCaller {
  /** Shown in logs and refusals; never the key. */
  name: string;
  /** SHA-256 of the caller's API key (32 bytes), from `api_key_hash: sha256:<hex>`. */
  apiKeySha256?: Buffer;
  /** Matched against the subject CN and the DNS/URI subjectAltNames of the caller's certificate. */
  certificateName?: string;
  /** Fully-qualified gRPC services (`tessera.v1.IntrospectionService`), or `*` for all of them. */
  services: string[];
}

/** How the gateway (a gRPC client) verifies core and, for mutual TLS, proves who it is. */
export interface CoreClientTls {
  caPath?: string;
  certPath?: string;
  keyPath?: string;
  /** Name to verify core's certificate against instead of the host dialled. */
  serverName?: string;
}

/**
 * How much one HTTP listener of the gateway accepts (`serve.<listener>.limits.*`) and how long it
 * waits (`serve.<listener>.timeouts.*`): Tessera's keys, as Hydra has none (Go's http.Server
 * fields ReadHeaderTimeout, ReadTimeout, IdleTimeout and MaxHeaderBytes name them).
 */
export interface ListenerLimits {
  /** Open connections at once; more are closed as they arrive. */
  maxConnections: number;
  /** Request line and headers together, in bytes; more is 431. */
  maxHeaderBytes: number;
  /** Parameters of one form body; more is 413. */
  maxFormParameters: number;
  /** Parameters of one query string; more is 400. */
  maxQueryParameters: number;
  /** Milliseconds: the headers must arrive within this (Node's headersTimeout). */
  readHeaderTimeout: number;
  /** Milliseconds: the whole request, body included, must arrive within this; else 408 (Node's requestTimeout). */
  readTimeout: number;
  /** Milliseconds a kept-alive connection may wait for its next request (Node's keepAliveTimeout). */
  idleTimeout: number;
}

export interface Config {
  dsn: string;
  /** The DSN came from DATABASE_URL, the name Hydra's FAQ still uses; core says DSN is current. */
  dsnFromDatabaseUrl?: true;
  dev: boolean;
  /** `redactionText`: what replaces a sensitive value in logs ('' keeps Tessera's explanation). */
  log: { level: LogLevel; format: 'json' | 'json_pretty' | 'text'; leakSensitiveValues: boolean; redactionText: string };
  serve: {
    /** `tls`: this listener's TLS, `serve.public.tls` over `serve.tls`. */
    public: { host: string; port: number; cors: CorsConfig; requestLog: RequestLogConfig; limits: ListenerLimits; tls: ServeTls; socket: UnixSocketConfig };
    /**
     * `host` '' binds loopback only (unlike Hydra's all interfaces: the admin API is unauthenticated).
     * `authRequired`: admin routes demand `Authorization: Bearer <key of a serve.grpc.callers entry>`.
     */
    admin: { host: string; port: number; authRequired: boolean; cors: CorsConfig; requestLog: RequestLogConfig; limits: ListenerLimits; tls: ServeTls; socket: UnixSocketConfig };
    grpc: {
      host: string;
      port: number;
      tls: GrpcServerTlsSource;
      allowInsecureNonLoopback: boolean;
      /** Who may call which service; empty means nobody is identified (allowed only in dev or with allowUnauthenticated). */
      callers: GrpcCaller[];
      allowUnauthenticated: boolean;
    };
    /** The core's Prometheus listener; port 0 disables it. */
    metrics: { host: string; port: number };
    /** `serve.tls`, shared by both listeners; each listener's own is `serve.<listener>.tls` (above). */
    tls: ServeTls;
    /** How the flow cookies are set (Hydra's `serve.cookies.*`). */
    cookies: CookiesConfig;
    /**
     * The gateway keeps serving this long after SIGTERM (readiness 503, `Connection: close`) so
     * load balancers take it out of rotation before its port closes.
     */
    shutdown: { drainDelay: number };
  };
  /** The gateway's side of the channel to core; `apiKey` ('' = none) is sent as `authorization: Bearer`. */
  core: { tls: CoreClientTls; apiKey: string };
  /** `cookie` seals the session cookie and `pagination` the page tokens; each falls back to `system` when empty. */
  secrets: { system: string[]; cookie: string[]; pagination: string[] };
  /** Hydra's `webfinger.*`: what `/.well-known/jwks.json` and the discovery document publish. */
  webfinger: WebfingerConfig;
  urls: {
    self: { issuer: string; public: string; admin: string };
    login: string;
    consent: string;
    logout: string;
    error: string;
    postLogoutRedirect: string;
    /** RFC 8628 `urls.device.*`: the operator's user-code page and the page after a device sign-in; '' = Hydra's fallback pages. */
    device: { verification: string; success: string };
  };
  strategies: { accessToken: AccessTokenStrategy; scope: 'exact' | 'wildcard'; jwt: { scopeClaim: JwtScopeClaim } };
  ttl: {
    loginConsentRequest: number;
    authenticationSession: number;
    accessToken: number;
    refreshToken: Lifespan;
    idToken: number;
    authCode: number;
    /** Hydra's `ttl.vc_nonce`: how long a credential nonce (`c_nonce`) stays valid. */
    vcNonce: number;
    /** `ttl.device_user_code`: the lifetime of a device code and its user code (RFC 8628 §3.2 expires_in). */
    deviceUserCode: number;
  };
  oauth2: {
    /** `oauth2.device_authorization.token_polling_interval`: RFC 8628 §3.2 `interval`, in ms. */
    deviceAuthorization: { tokenPollingInterval: number };
    refreshTokenRotation: { gracePeriod: number; graceReuseCount: number };
    hashers: { algorithm: 'pbkdf2' | 'bcrypt'; pbkdf2Iterations: number; bcryptCost: number };
    pkce: { enforced: boolean; enforcedForPublicClients: boolean };
    exposeInternalErrors: boolean;
    /** Claims of the consent's `session.access_token` also set at the top level of JWT access tokens. */
    allowedTopLevelClaims: string[];
    /** JWT access tokens keep every such claim under `ext` too. */
    mirrorTopLevelClaims: boolean;
    /** Without mirroring, `ext` still carries the claims not promoted to the top level. */
    preserveExtClaims: boolean;
    /** JWT access tokens carry no `nbf`. */
    excludeNotBeforeClaim: boolean;
    /** Token rows' session JSON is sealed with the system secret (AES-256-GCM) before it is stored. */
    session: { encryptAtRest: boolean };
    /** client_credentials without `scope` is granted every scope the client may request (MITREid compatibility). */
    clientCredentials: { defaultGrantAllowedScope: boolean };
    /** Hydra's `oauth2.grant.jwt`: how the JWT-bearer grant (RFC 7523) judges assertions. */
    jwtGrant: { maxTtl: number; jtiOptional: boolean; iatOptional: boolean; omitAssertionAudience: boolean };
    /** Called at the token endpoint for every grant; undefined when unset. */
    tokenHook: WebhookConfig | undefined;
    /** The older hook, called for the refresh_token grant only (before tokenHook). */
    refreshTokenHook: WebhookConfig | undefined;
    /** How long one hook call may take, retries included (Tessera's; Hydra waits up to 30 s per attempt). */
    hookTimeout: number;
  };
  /** Hydra's `clients.http`: outgoing calls core makes (jwks_uri, back-channel logout). */
  clients: { http: { disallowPrivateIpRanges: boolean; privateIpExceptionUrls: string[] } };
  oidc: {
    /** OIDC Core §8: the subject identifier types clients may ask for. */
    subjectIdentifiers: { supportedTypes: SubjectType[]; pairwiseSalt: string };
    /** Hydra's `oidc.dynamic_client_registration`: RFC 7591/7592 at `/oauth2/register`. */
    dynamicClientRegistration: {
      enabled: boolean;
      /** The scope of a client registered without one, by any API (Hydra's client/validator.go). */
      defaultScope: string[];
    };
  };
  /** Core exits (for its supervisor to restart it) once its pool has answered nothing this long while the database does; 0 never. */
  db: { stuckPoolTimeout: number };
}

/** Thrown for any invalid configuration; `key` is the YAML path, `env` the variable name. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const NEVER = -1;
export const DEV_DSN = 'sqlite://.tessera/tessera.sqlite?_fk=true';
const MAX_GRACE_WITHOUT_REUSE_COUNT = 5 * 60_000;
/**
 * serve.shutdown.drain_delay outside dev mode: longer than the gateway readiness probe of
 * deploy/kubernetes/gateway.yaml needs to fail (periodSeconds 5 × failureThreshold 2), plus the
 * seconds endpoint removal takes to reach kube-proxy and ingresses (test/gateway-drain.test.ts).
 */
export const DEFAULT_DRAIN_DELAY_MS = 15_000;

/** Validates a Go duration into milliseconds; with allowNever, `-1` reads as NEVER. */
function duration(opts: { allowNever?: boolean } = {}) {
  return makeValidator<number>((raw) => {
    const text = String(raw).trim();
    if (opts.allowNever && text === '-1') return NEVER;
    const ms = parseGoDuration(text);
    if (ms === undefined) throw new Error(`"${text}" is not a duration`);
    if (ms < 0) throw new Error(`"${text}" is negative`);
    return ms;
  });
}

const list = makeValidator<string[]>((raw) => {
  const text = String(raw).trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('not a list');
    return parsed.map(String);
  }
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
});

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  makeValidator<number>((raw) => {
    const n = Number(String(raw).trim());
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`"${String(raw)}" is not a whole number`);
    return n;
  });

/** A file mode: a number (YAML `0o770` or `504`, as Hydra) or an octal string with a leading 0 (`0770`, `0o770`). */
const fileMode = makeValidator<number>((raw) => {
  const text = String(raw).trim();
  const octal = /^0o?([0-7]+)$/i.exec(text)?.[1];
  const n = typeof raw === 'number' ? raw : octal !== undefined ? parseInt(octal, 8) : Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0o777) throw new Error(`"${text}" is not a file mode`);
  return n;
});

const boolean = makeValidator<boolean>((raw) => {
  const text = String(raw).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off', ''].includes(text)) return false;
  throw new Error(`"${String(raw)}" is not true or false`);
});

const text = makeValidator<string>((raw) => String(raw));

const SAME_SITE_MODES: readonly SameSiteMode[] = ['Strict', 'Lax', 'None'];
// Hydra compares the mode case-insensitively.
const sameSiteMode = makeValidator<SameSiteMode>((raw) => {
  const mode = SAME_SITE_MODES.find((m) => m.toLowerCase() === String(raw).trim().toLowerCase());
  if (!mode) throw new Error(`"${String(raw)}" is not Strict, Lax or None`);
  return mode;
});

// RFC 6265 §4.1.1: a cookie name is a token.
const cookieName = makeValidator<string>((raw) => {
  const name = String(raw).trim();
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new Error(`"${name}" is not a cookie name`);
  return name;
});

const cookiePath = makeValidator<string>((raw) => {
  const path = String(raw).trim();
  // RFC 6265 §4.1.1 path-av: no CTLs and no ";"; it must start with "/" to mean anything.
  if (!/^\/[\x20-\x3a\x3c-\x7e]*$/.test(path)) throw new Error(`"${path}" is not a cookie path starting with /`);
  return path;
});

const CALLER_FIELDS = ['name', 'api_key_hash', 'certificate_name', 'services'];
const CALLER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SHA256_HASH = /^sha256:([0-9a-fA-F]{64})$/;

/** Reads one `serve.grpc.callers` entry; `at` names it in errors (`callers[1]`). */
function readCaller(item: unknown, at: string): GrpcCaller {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${at} is not an object`);
  const entry = item as Record<string, unknown>;
  for (const field of Object.keys(entry)) {
    if (field === 'api_key') throw new Error(`${at}: never configure the key itself, only its hash (api_key_hash: sha256:<hex of SHA-256 of the key>)`);
    if (!CALLER_FIELDS.includes(field)) throw new Error(`${at}: unknown field "${field}" (fields: ${CALLER_FIELDS.join(', ')})`);
  }
  const { name, api_key_hash: hash, certificate_name: certificateName, services } = entry;
  if (typeof name !== 'string' || !CALLER_NAME.test(name)) throw new Error(`${at}.name must be 1-64 letters, digits, ".", "_" or "-"`);
  const caller: GrpcCaller = { name, services: [] };
  if (hash !== undefined) {
    const hex = typeof hash === 'string' ? SHA256_HASH.exec(hash.trim())?.[1] : undefined;
    if (hex === undefined) throw new Error(`${at}.api_key_hash must be "sha256:" followed by 64 hex digits (printf %s "$KEY" | openssl dgst -sha256 -r)`);
    caller.apiKeySha256 = Buffer.from(hex, 'hex');
  }
  if (certificateName !== undefined) {
    if (typeof certificateName !== 'string' || certificateName.trim() === '') throw new Error(`${at}.certificate_name must be a non-empty string`);
    caller.certificateName = certificateName.trim();
  }
  if (caller.apiKeySha256 === undefined && caller.certificateName === undefined) {
    throw new Error(`${at} (${name}) needs api_key_hash or certificate_name: nothing would identify it`);
  }
  if (!Array.isArray(services) || services.length === 0 || !services.every((s) => typeof s === 'string' && s.trim() !== '')) {
    throw new Error(`${at}.services must be a non-empty list of service names such as tessera.v1.IntrospectionService, or ["*"]`);
  }
  caller.services = services.map((s: string) => s.trim());
  return caller;
}

/** `serve.grpc.callers`: a YAML list, or JSON in the environment variable. */
const callers = makeValidator<GrpcCaller[]>((raw) => {
  const source = String(raw).trim();
  if (source === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    throw new Error('not a JSON list of callers');
  }
  if (!Array.isArray(parsed)) throw new Error('not a list of callers');
  const read = parsed.map((item, i) => readCaller(item, `callers[${i}]`));
  const names = new Set<string>();
  for (const caller of read) {
    if (names.has(caller.name)) throw new Error(`two callers are named "${caller.name}"`);
    names.add(caller.name);
  }
  return read;
});

interface KeySpec {
  path: string;
  spec: ValidatorSpec<unknown>;
  allowed: string;
}

function key<T>(path: string, validator: (spec?: { default?: T; choices?: readonly T[] }) => ValidatorSpec<T>, allowed: string, def?: T, choices?: readonly T[]): KeySpec {
  // `default: undefined` makes a key optional in envalid; it then reads as undefined.
  const spec: { default?: T; choices?: readonly T[] } = { default: def };
  if (choices) spec.choices = choices;
  return { path, spec: validator(spec) as ValidatorSpec<unknown>, allowed };
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'panic'] as const;

/** Hydra's CORS defaults (driver/config/serve.go defaultCORSOptions; ory/x configx cors schema). */
const CORS_METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'HEAD', 'OPTIONS', 'TRACE'];
const CORS_DEFAULT_HEADERS = ['Accept', 'Content-Type', 'Content-Length', 'Accept-Language', 'Content-Language', 'Authorization'];
const CORS_DEFAULT_EXPOSED = ['Cache-Control', 'Expires', 'Last-Modified', 'Pragma', 'Content-Length', 'Content-Language', 'Content-Type'];

/** `serve.<listener>.cors.*` (ory/x configx cors.schema.json). */
function corsKeys(listener: 'public' | 'admin'): KeySpec[] {
  const at = (name: string) => `serve.${listener}.cors.${name}`;
  return [
    key(at('enabled'), boolean, 'true or false', false),
    key(at('allowed_origins'), list, 'a list of origins (https://app.example), patterns with one * (https://*.example.com), or *', []),
    key(at('allowed_methods'), list, `a list of ${CORS_METHODS.join(', ')}`, CORS_METHODS),
    key(at('allowed_headers'), list, 'a list of request header names', CORS_DEFAULT_HEADERS),
    key(at('exposed_headers'), list, 'a list of response header names', CORS_DEFAULT_EXPOSED),
    key(at('allow_credentials'), boolean, 'true or false', true),
    key(at('max_age'), integer(0), 'a whole number of seconds ≥ 0', 0),
    key(at('debug'), boolean, 'true or false', false),
  ];
}

/** Connections one listener holds at once by default: the admin API serves a few internal callers. */
const DEFAULT_MAX_CONNECTIONS = { public: 10_000, admin: 1_000 } as const;

/** `serve.<listener>.limits.*` and `serve.<listener>.timeouts.*` (ListenerLimits). */
function listenerLimitKeys(listener: 'public' | 'admin'): KeySpec[] {
  const at = (name: string) => `serve.${listener}.${name}`;
  return [
    key(at('limits.max_connections'), integer(1), 'a whole number ≥ 1', DEFAULT_MAX_CONNECTIONS[listener]),
    key(at('limits.max_header_bytes'), integer(1024, 1024 * 1024), 'a whole number of bytes from 1024 to 1048576', 16 * 1024),
    key(at('limits.max_form_parameters'), integer(1, 100_000), 'a whole number from 1 to 100000', 1_000),
    key(at('limits.max_query_parameters'), integer(1, 100_000), 'a whole number from 1 to 100000', 100),
    key(at('timeouts.read_header'), duration(), 'a Go duration such as 10s, more than 0s', 10_000),
    key(at('timeouts.read'), duration(), 'a Go duration such as 30s, at least timeouts.read_header', 30_000),
    key(at('timeouts.idle'), duration(), 'a Go duration such as 120s, more than 0s', 120_000),
  ];
}

/** Reads ListenerLimits; a zero timeout would mean "wait forever" to Node, so it is refused. */
function listenerLimits(get: (path: string) => unknown, listener: 'public' | 'admin'): ListenerLimits {
  const at = (name: string) => `serve.${listener}.${name}`;
  const n = (name: string) => get(at(name)) as number;
  for (const name of ['timeouts.read_header', 'timeouts.read', 'timeouts.idle']) {
    if (n(name) === 0) throw new ConfigError(`${at(name)} (env ${envName(at(name))}) is invalid: more than 0s (0s would wait forever)`);
  }
  // Node refuses a headers timeout longer than the request timeout: the headers are part of the request.
  if (n('timeouts.read_header') > n('timeouts.read')) {
    throw new ConfigError(`${at('timeouts.read_header')} (env ${envName(at('timeouts.read_header'))}) is invalid: at most ${at('timeouts.read')}`);
  }
  return {
    maxConnections: n('limits.max_connections'),
    maxHeaderBytes: n('limits.max_header_bytes'),
    maxFormParameters: n('limits.max_form_parameters'),
    maxQueryParameters: n('limits.max_query_parameters'),
    readHeaderTimeout: n('timeouts.read_header'),
    readTimeout: n('timeouts.read'),
    idleTimeout: n('timeouts.idle'),
  };
}

/**
 * A hook runs inside the token request, which the gateway gives up on after 10 s (its gRPC
 * deadline); the hook must end first, with time left to store the tokens.
 */
const MAX_HOOK_TIMEOUT_MS = 8_000;

/** Hydra's webhook_config: the key itself as a URL string, or an object with `url` and `auth`. */
function webhookKeys(path: string): KeySpec[] {
  return [
    key(path, text, 'a URL, or an object with url and auth', ''),
    key(`${path}.url`, text, 'a URL', ''),
    key(`${path}.auth.type`, text, 'api_key', ''),
    key(`${path}.auth.config.name`, text, 'a header or cookie name', ''),
    key(`${path}.auth.config.value`, text, 'the header or cookie value', ''),
    key(`${path}.auth.config.in`, text, 'header, cookie', ''),
  ];
}

/** A network in CIDR notation: an IPv4 or IPv6 address, a slash and a prefix length in range. */
function isCidr(value: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!match) return false;
  const family = isIP(match[1] ?? '');
  return family !== 0 && Number(match[2]) <= (family === 4 ? 32 : 128);
}

function cidrList(get: (path: string) => unknown, path: string): string[] {
  const values = get(path) as string[];
  const bad = values.filter((value) => !isCidr(value));
  if (bad.length > 0) {
    throw new ConfigError(`${path} (env ${envName(path)}) is invalid: ${bad.map((v) => JSON.stringify(v)).join(', ')}; allowed: networks in CIDR notation such as 10.0.0.0/8 or fd00::/8`);
  }
  return values;
}

/** `serve.<listener>.socket.*`: who owns the unix socket of `serve.<listener>.host: unix:/path`, and its mode (Hydra's default 0755). */
function listenerSocketKeys(listener: 'public' | 'admin'): KeySpec[] {
  const at = (name: string) => `serve.${listener}.socket.${name}`;
  return [
    key(at('owner'), text, 'a user name or uid', ''),
    key(at('group'), text, 'a group name or gid', ''),
    key(at('mode'), fileMode, 'a file mode such as 0o770 (YAML) or 0770', 0o755),
  ];
}

/** `serve.<listener>.tls.*`: Hydra's per-listener TLS, each key falling back to `serve.tls`. */
function listenerTlsKeys(listener: 'public' | 'admin'): KeySpec[] {
  const at = (name: string) => `serve.${listener}.tls.${name}`;
  return [
    key(at('cert.path'), text, 'a file path', ''),
    key(at('key.path'), text, 'a file path', ''),
    key(at('cert.base64'), text, 'a base64-encoded PEM certificate', ''),
    key(at('key.base64'), text, 'a base64-encoded PEM key', ''),
    key(at('enabled'), boolean, 'true or false', undefined),
    key(at('allow_termination_from'), list, 'a list of networks in CIDR notation such as 10.0.0.0/8 or fd00::/8', []),
  ];
}

/** Every key Tessera reads, with its default and what it accepts (for error messages). */
const KEYS: KeySpec[] = [
  key('dsn', text, 'a DSN: postgres://…, mysql://…, sqlite://path, or memory', ''),
  key('dev', boolean, 'true or false', false),
  key('log.level', text, LOG_LEVELS.join(', '), 'info', LOG_LEVELS),
  key('log.format', text, 'json, json_pretty, text', 'json', ['json', 'json_pretty', 'text']),
  key('log.leak_sensitive_values', boolean, 'true or false', false),
  key('log.redaction_text', text, 'the text that replaces sensitive values in logs', ''),
  key('serve.public.host', text, 'an interface address', ''),
  key('serve.public.port', integer(0, 65535), 'a port number (0-65535)', 4444),
  key('serve.admin.host', text, 'an interface address (empty: 127.0.0.1 only)', ''),
  key('serve.admin.port', integer(0, 65535), 'a port number (0-65535)', 4445),
  key('serve.grpc.host', text, 'an interface address', '127.0.0.1'),
  key('serve.grpc.port', integer(0, 65535), 'a port number (0-65535)', 4446),
  key('serve.metrics.host', text, 'an interface address', '127.0.0.1'),
  key('serve.metrics.port', integer(0, 65535), 'a port number (0-65535; 0 disables the core metrics listener)', 4447),
  key('serve.grpc.tls.cert.path', text, 'a file path', ''),
  key('serve.grpc.tls.key.path', text, 'a file path', ''),
  key('serve.grpc.tls.cert.base64', text, 'a base64-encoded PEM certificate', ''),
  key('serve.grpc.tls.key.base64', text, 'a base64-encoded PEM key', ''),
  key('serve.grpc.tls.client_ca.path', text, 'a file path', ''),
  key('serve.grpc.allow_insecure_non_loopback', boolean, 'true or false', false),
  key('serve.grpc.callers', callers, 'a list of {name, api_key_hash: sha256:<hex>, certificate_name, services: [tessera.v1.…Service or *]}', []),
  key('serve.grpc.allow_unauthenticated', boolean, 'true or false', false),
  key('serve.admin.auth.enabled', boolean, 'true or false', false),
  key('core.api_key', text, 'an API key of at least 32 printable characters (openssl rand -hex 32)', ''),
  key('core.tls.ca.path', text, 'a file path', ''),
  key('core.tls.cert.path', text, 'a file path', ''),
  key('core.tls.key.path', text, 'a file path', ''),
  key('core.tls.server_name', text, 'a DNS name', ''),
  key('serve.tls.cert.path', text, 'a file path', ''),
  key('serve.tls.key.path', text, 'a file path', ''),
  key('serve.tls.cert.base64', text, 'a base64-encoded PEM certificate', ''),
  key('serve.tls.key.base64', text, 'a base64-encoded PEM key', ''),
  key('serve.tls.enabled', boolean, 'true or false', true),
  key('serve.tls.allow_termination_from', list, 'a list of networks in CIDR notation such as 10.0.0.0/8 or fd00::/8', []),
  ...listenerTlsKeys('public'),
  ...listenerTlsKeys('admin'),
  ...listenerSocketKeys('public'),
  ...listenerSocketKeys('admin'),
  key('serve.cookies.same_site_mode', sameSiteMode, 'Strict, Lax, None', 'Lax'),
  key('serve.cookies.same_site_legacy_workaround', boolean, 'true or false', false),
  key('serve.cookies.domain', text, 'a cookie domain such as example.com', ''),
  key('serve.cookies.secure', boolean, 'true or false', false),
  key('serve.cookies.names.login_csrf', cookieName, 'a cookie name (RFC 6265 token)', 'ory_hydra_login_csrf'),
  key('serve.cookies.names.consent_csrf', cookieName, 'a cookie name (RFC 6265 token)', 'ory_hydra_consent_csrf'),
  key('serve.cookies.names.session', cookieName, 'a cookie name (RFC 6265 token)', 'ory_hydra_session'),
  key('serve.cookies.names.device_csrf', cookieName, 'a cookie name (RFC 6265 token)', 'ory_hydra_device_csrf'),
  key('serve.cookies.paths.session', cookiePath, 'a path starting with /', '/'),
  key('serve.public.request_log.disable_for_health', boolean, 'true or false', false),
  key('serve.admin.request_log.disable_for_health', boolean, 'true or false', false),
  key('webfinger.jwks.broadcast_keys', list, 'a list of key set names such as hydra.openid.id-token', []),
  key('webfinger.oidc_discovery.jwks_url', text, 'a URL', ''),
  key('webfinger.oidc_discovery.token_url', text, 'a URL', ''),
  key('webfinger.oidc_discovery.auth_url', text, 'a URL', ''),
  key('webfinger.oidc_discovery.userinfo_url', text, 'a URL', ''),
  key('webfinger.oidc_discovery.client_registration_url', text, 'a URL', ''),
  key('webfinger.oidc_discovery.verifiable_credentials_url', text, 'a URL', ''),
  key('webfinger.oidc_discovery.device_authorization_url', text, 'a URL', ''),
  key('webfinger.oidc_discovery.supported_claims', list, 'a list of claim names', []),
  key('webfinger.oidc_discovery.supported_scope', list, 'a list of scope names', []),
  key('clients.http.disallow_private_ip_ranges', boolean, 'true or false', false),
  key('clients.http.private_ip_exception_urls', list, 'a list of URLs', []),
  key('https.tls.cert.path', text, 'a file path', ''),
  key('https.tls.key.path', text, 'a file path', ''),
  key('https.tls.cert', text, 'an inline PEM certificate', ''),
  key('https.tls.key', text, 'an inline PEM key', ''),
  key('secrets.system', list, 'a list of secrets of at least 16 characters', []),
  key('secrets.cookie', list, 'a list of secrets of at least 16 characters', []),
  key('secrets.pagination', list, 'a list of secrets of at least 16 characters', []),
  key('urls.self.issuer', text, 'a URL', ''),
  key('urls.self.public', text, 'a URL', ''),
  key('urls.self.admin', text, 'a URL', ''),
  key('urls.login', text, 'a URL', ''),
  key('urls.consent', text, 'a URL', ''),
  key('urls.logout', text, 'a URL', ''),
  key('urls.error', text, 'a URL', ''),
  key('urls.post_logout_redirect', text, 'a URL', ''),
  key('urls.device.verification', text, 'a URL', ''),
  key('urls.device.success', text, 'a URL', ''),
  key('strategies.access_token', text, 'opaque, jwt', 'opaque', ['opaque', 'jwt']),
  key('strategies.scope', text, 'exact, wildcard', 'wildcard', ['exact', 'wildcard']),
  key('ttl.login_consent_request', duration(), 'a Go duration such as 30m or 1h', 3_600_000),
  key('ttl.authentication_session', duration(), 'a Go duration such as 720h', 720 * 3_600_000),
  key('ttl.access_token', duration(), 'a Go duration such as 1h', 3_600_000),
  key('ttl.refresh_token', duration({ allowNever: true }), 'a Go duration such as 720h, or -1 for never', 720 * 3_600_000),
  key('ttl.id_token', duration(), 'a Go duration such as 1h', 3_600_000),
  key('ttl.auth_code', duration(), 'a Go duration such as 10m', 600_000),
  key('ttl.vc_nonce', duration(), 'a Go duration such as 1h', 3_600_000),
  // Hydra's schema default (its code's 15m fallback never applies: the schema default is loaded first).
  key('ttl.device_user_code', duration(), 'a Go duration such as 10m', 600_000),
  key('oauth2.device_authorization.token_polling_interval', duration(), 'a Go duration such as 5s', 5_000),
  key('oauth2.refresh_token_rotation.grace_period', duration(), 'a Go duration such as 0s or 30s', undefined),
  key('oauth2.grant.refresh_token.rotation_grace_period', duration(), 'a Go duration such as 0s or 30s', undefined),
  key('oauth2.grant.refresh_token.rotation_grace_reuse_count', integer(0), 'a whole number ≥ 0', 0),
  key('oauth2.hashers.algorithm', text, 'pbkdf2, bcrypt', 'pbkdf2', ['pbkdf2', 'bcrypt']),
  key('oauth2.hashers.pbkdf2.iterations', integer(1), 'a whole number ≥ 1', 25_000),
  key('oauth2.hashers.bcrypt.cost', integer(4, 31), 'a whole number from 4 to 31', 10),
  key('oauth2.pkce.enforced', boolean, 'true or false', false),
  key('oauth2.pkce.enforced_for_public_clients', boolean, 'true or false', true),
  key('oauth2.expose_internal_errors', boolean, 'true or false', false),
  key('strategies.jwt.scope_claim', text, 'list, string, both', 'list', ['list', 'string', 'both']),
  key('oauth2.allowed_top_level_claims', list, 'a list of claim names', []),
  key('oauth2.mirror_top_level_claims', boolean, 'true or false', true),
  key('oauth2.preserve_ext_claims', boolean, 'true or false', false),
  key('oauth2.exclude_not_before_claim', boolean, 'true or false', false),
  key('oauth2.session.encrypt_at_rest', boolean, 'true or false', true),
  key('oauth2.client_credentials.default_grant_allowed_scope', boolean, 'true or false', false),
  key('oauth2.grant.jwt.max_ttl', duration(), 'a Go duration such as 1h; keep it below 720h', 720 * 3_600_000),
  key('oauth2.grant.jwt.jti_optional', boolean, 'true or false', false),
  key('oauth2.grant.jwt.iat_optional', boolean, 'true or false', false),
  key('oauth2.grant.jwt.omit_assertion_audience', boolean, 'true or false', true),
  ...webhookKeys('oauth2.token_hook'),
  ...webhookKeys('oauth2.refresh_token_hook'),
  key('oauth2.hooks.timeout', duration(), `a Go duration such as 5s, at most ${MAX_HOOK_TIMEOUT_MS / 1000}s`, 5_000),
  key('oidc.subject_identifiers.supported_types', list, 'a list of public, pairwise', ['public']),
  key('oidc.subject_identifiers.pairwise.salt', text, 'a secret salt for pairwise subject identifiers', ''),
  key('oidc.dynamic_client_registration.enabled', boolean, 'true or false', false),
  key('oidc.dynamic_client_registration.default_scope', list, 'a list of scope names', ['offline_access', 'offline', 'openid']),
  key('db.stuck_pool_timeout', duration(), 'a Go duration such as 2m; 0s never restarts', 120_000),
  key('serve.shutdown.drain_delay', duration(), 'a Go duration such as 15s; 0s closes at once', undefined),
  ...corsKeys('public'),
  ...corsKeys('admin'),
  ...listenerLimitKeys('public'),
  ...listenerLimitKeys('admin'),
];

/** The path of every key the loader honours (config-keys.test.ts checks Hydra's schema against it). */
export function configKeyPaths(): string[] {
  return KEYS.map((k) => k.path);
}

/** The environment variable of every key the loader reads (deploy manifests are checked against it). */
export function configEnvNames(): string[] {
  return KEYS.map((k) => envName(k.path));
}

function lookup(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function yamlToRaw(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // A list of objects (serve.grpc.callers) travels as JSON, as in its environment variable.
  if (Array.isArray(value)) return JSON.stringify(value.map((item: unknown) => (item !== null && typeof item === 'object' ? item : String(item))));
  if (typeof value === 'object') return undefined;
  return String(value);
}

export interface LoadOptions {
  /** Path of the YAML file given with `--config`. */
  file?: string;
  /** The environment; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides by key path (`dev`, `serve.tls.cert.path`, …), highest precedence. */
  overrides?: Record<string, string | undefined>;
}

/** Reads and validates the configuration. Throws ConfigError naming the key on any bad value. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  let doc: unknown = {};
  if (options.file) {
    let source: string;
    try {
      source = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(err as Error).message}`);
    }
    try {
      doc = parseYaml(source) ?? {};
    } catch (err) {
      throw new ConfigError(`config file ${options.file} is not valid YAML: ${(err as Error).message}`);
    }
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file ${options.file} is not a map of keys (such as dsn: … and serve: …)`);
  }
  // Hydra refuses any key its schema does not define; so does Tessera, naming each one.
  const catalogue = { honoured: KEYS.map((k) => k.path) };
  const unknown = [
    ...checkDocument(doc, catalogue).map((problem) => (options.file ? `${options.file}: ${problem}` : problem)),
    ...checkEnvironment(env, catalogue),
  ];
  if (unknown.length > 0) throw new ConfigError(unknown.join('\n'));

  const raw: Record<string, string> = {};
  const specs: Record<string, ValidatorSpec<unknown>> = {};
  for (const k of KEYS) {
    const name = envName(k.path);
    specs[name] = k.spec;
    const value = options.overrides?.[k.path] ?? env[name] ?? yamlToRaw(lookup(doc, k.path));
    if (value !== undefined) raw[name] = value;
  }

  // Hydra's FAQ (`hydra migrate sql $DATABASE_URL`) and older guides name the DSN DATABASE_URL.
  const dsnFromDatabaseUrl = raw[envName('dsn')] === undefined && Boolean(env.DATABASE_URL);
  if (dsnFromDatabaseUrl && env.DATABASE_URL) raw[envName('dsn')] = env.DATABASE_URL;

  const problems: string[] = [];
  const cleaned = cleanEnv(raw, specs, {
    reporter: ({ errors }) => {
      for (const [name, error] of Object.entries(errors)) {
        const k = KEYS.find((candidate) => envName(candidate.path) === name);
        const shown = raw[name] === undefined ? '' : `: ${JSON.stringify(redactIfSecret(name, raw[name]))}`;
        problems.push(
          `${k?.path ?? name} (env ${name}) is invalid${shown}; allowed: ${k?.allowed ?? 'see docs'} (${(error as Error).message})`,
        );
      }
    },
  }) as Record<string, unknown>;
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const config = toConfig((path) => cleaned[envName(path)]);
  return dsnFromDatabaseUrl ? { ...config, dsnFromDatabaseUrl: true } : config;
}

function redactIfSecret(name: string, value: string | undefined): string {
  // SERVE_GRPC_CALLERS: an operator who wrote a key instead of its hash gets an error, not a log line with the key.
  return name.startsWith('SECRETS_') || name.endsWith('_KEY') || name === 'DSN' || name === 'SERVE_GRPC_CALLERS' ? '<redacted>' : String(value);
}

/** Reads and checks `serve.<listener>.cors.*` as Hydra's schema does (origins are URIs or `*`, one `*` at most, known methods). */
function corsConfig(get: (path: string) => unknown, listener: 'public' | 'admin'): CorsConfig {
  const at = (name: string) => `serve.${listener}.cors.${name}`;
  const refuse = (name: string, problem: string) => new ConfigError(`${at(name)} (env ${envName(at(name))}) is invalid: ${problem}`);
  const allowedOrigins = get(at('allowed_origins')) as string[];
  for (const origin of allowedOrigins) {
    if ((origin.match(/\*/g) ?? []).length > 1) throw refuse('allowed_origins', `"${origin}" has more than one *`);
    // Hydra's schema: a URI (format uri) or `*`.
    if (origin !== '*' && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(origin)) throw refuse('allowed_origins', `"${origin}" is not a URI such as https://app.example, nor *`);
  }
  const allowedMethods = get(at('allowed_methods')) as string[];
  for (const method of allowedMethods) {
    if (!CORS_METHODS.includes(method)) throw refuse('allowed_methods', `"${method}"; allowed: ${CORS_METHODS.join(', ')}`);
  }
  return {
    enabled: get(at('enabled')) as boolean,
    allowedOrigins,
    allowedMethods,
    allowedHeaders: get(at('allowed_headers')) as string[],
    exposedHeaders: get(at('exposed_headers')) as string[],
    allowCredentials: get(at('allow_credentials')) as boolean,
    maxAge: get(at('max_age')) as number,
    debug: get(at('debug')) as boolean,
  };
}

/** The webhook configured at `path`, undefined when none; a half-configured one is refused. */
function webhook(get: (path: string) => unknown, path: string): WebhookConfig | undefined {
  const s = (sub: string) => get(`${path}${sub}`) as string;
  const env = envName(path);
  const bare = s('');
  const nested = s('.url');
  if (bare !== '' && nested !== '' && bare !== nested) {
    throw new ConfigError(`${path} (env ${env}) and ${path}.url (env ${env}_URL) name different URLs; set one`);
  }
  const url = bare || nested;
  const auth = { type: s('.auth.type'), name: s('.auth.config.name'), value: s('.auth.config.value'), in: s('.auth.config.in') };
  if (url === '') {
    if (Object.values(auth).some((v) => v !== '')) throw new ConfigError(`${path}.auth is set but ${path}.url (env ${env}_URL) is not`);
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${path} (env ${env}) is invalid: ${JSON.stringify(url)}; allowed: an absolute http(s) URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(`${path} (env ${env}) is invalid: ${JSON.stringify(url)}; allowed: an absolute http(s) URL`);
  }
  if (Object.values(auth).every((v) => v === '')) return { url };
  // Hydra's schema: auth.type is the constant api_key (HTTP Basic is an api_key header named Authorization).
  if (auth.type !== 'api_key') {
    throw new ConfigError(`${path}.auth.type (env ${env}_AUTH_TYPE) is invalid: ${JSON.stringify(auth.type)}; allowed: api_key (for HTTP Basic, an api_key header named Authorization with value "Basic <base64>")`);
  }
  if (auth.name === '') throw new ConfigError(`${path}.auth.config.name (env ${env}_AUTH_CONFIG_NAME) is required with auth.type api_key`);
  // Hydra sends no credential at all when `in` is missing; refusing says so instead of failing at the hook.
  if (auth.in !== 'header' && auth.in !== 'cookie') {
    throw new ConfigError(`${path}.auth.config.in (env ${env}_AUTH_CONFIG_IN) is invalid: ${JSON.stringify(auth.in)}; allowed: header, cookie`);
  }
  return { url, auth: { type: 'api_key', name: auth.name, value: auth.value, in: auth.in } };
}

function toConfig(get: (path: string) => unknown): Config {
  const s = (path: string) => get(path) as string;
  const n = (path: string) => get(path) as number;
  const b = (path: string) => get(path) as boolean;
  const dev = b('dev');

  const secrets = get('secrets.system') as string[];
  for (const path of ['secrets.system', 'secrets.cookie', 'secrets.pagination']) {
    if ((get(path) as string[]).some((secret) => secret.length < 16)) {
      throw new ConfigError(`${path} (env ${envName(path)}) is invalid: every secret must be at least 16 characters long`);
    }
  }

  const coreApiKey = s('core.api_key');
  // A key is a bearer credential compared by its SHA-256: only a long random one resists guessing.
  if (coreApiKey !== '' && !/^[\x21-\x7e]{32,}$/.test(coreApiKey)) {
    throw new ConfigError('core.api_key (env CORE_API_KEY) is invalid: at least 32 printable characters without spaces; make one with: openssl rand -hex 32');
  }

  const legacyGrace = get('oauth2.refresh_token_rotation.grace_period') as number | undefined;
  const currentGrace = get('oauth2.grant.refresh_token.rotation_grace_period') as number | undefined;
  const graceReuseCount = n('oauth2.grant.refresh_token.rotation_grace_reuse_count');
  const gracePeriod = currentGrace ?? legacyGrace ?? 0;
  if (gracePeriod > MAX_GRACE_WITHOUT_REUSE_COUNT && graceReuseCount === 0) {
    throw new ConfigError(
      'oauth2.grant.refresh_token.rotation_grace_period (env OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_PERIOD) is invalid: at most 5m unless rotation_grace_reuse_count is set',
    );
  }

  const hookTimeout = n('oauth2.hooks.timeout');
  if (hookTimeout === 0 || hookTimeout > MAX_HOOK_TIMEOUT_MS) {
    throw new ConfigError(
      `oauth2.hooks.timeout (env OAUTH2_HOOKS_TIMEOUT) is invalid: more than 0s and at most ${MAX_HOOK_TIMEOUT_MS / 1000}s, as the gateway gives up on a token request after 10s`,
    );
  }

  const subjectTypes = get('oidc.subject_identifiers.supported_types') as string[];
  for (const type of subjectTypes) {
    if (type !== 'public' && type !== 'pairwise') {
      throw new ConfigError(`oidc.subject_identifiers.supported_types (env OIDC_SUBJECT_IDENTIFIERS_SUPPORTED_TYPES) is invalid: "${type}"; allowed: public, pairwise`);
    }
  }
  const pairwiseSalt = s('oidc.subject_identifiers.pairwise.salt');
  if (subjectTypes.includes('pairwise') && pairwiseSalt === '') {
    // Hydra's schema: pairwise.salt is required once pairwise is enabled.
    throw new ConfigError(
      'oidc.subject_identifiers.pairwise.salt (env OIDC_SUBJECT_IDENTIFIERS_PAIRWISE_SALT) is required when supported_types contains pairwise',
    );
  }

  // Hydra's schema: these are URIs; one that is not would be published as is in discovery.
  const url = (path: string): string => {
    const value = s(path).trim();
    if (value !== '' && !URL.canParse(value)) throw new ConfigError(`${path} (env ${envName(path)}) is invalid: ${JSON.stringify(value)}; allowed: an absolute URL`);
    return value;
  };

  const socketOf = (listener: 'public' | 'admin'): UnixSocketConfig => ({
    owner: s(`serve.${listener}.socket.owner`),
    group: s(`serve.${listener}.socket.group`),
    mode: n(`serve.${listener}.socket.mode`),
  });

  const publicPort = n('serve.public.port');
  const issuer = s('urls.self.issuer') || `http://127.0.0.1:${publicPort}/`;
  const publicUrl = s('urls.self.public') || issuer;
  const base64 = (value: string) => (value ? Buffer.from(value, 'base64').toString('utf8') : undefined);
  const tls: ServeTls = { enabled: b('serve.tls.enabled'), allowTerminationFrom: cidrList(get, 'serve.tls.allow_termination_from') };
  const certPath = s('https.tls.cert.path') || s('serve.tls.cert.path');
  const keyPath = s('https.tls.key.path') || s('serve.tls.key.path');
  const certPem = s('https.tls.cert') || base64(s('serve.tls.cert.base64'));
  const keyPem = s('https.tls.key') || base64(s('serve.tls.key.base64'));
  if (certPath) tls.certPath = certPath;
  if (keyPath) tls.keyPath = keyPath;
  if (certPem) tls.certPem = certPem;
  if (keyPem) tls.keyPem = keyPem;
  /**
   * `serve.<listener>.tls` overrides `serve.tls` for that listener, as in Hydra. A listener that
   * names any certificate or key of its own uses only its own pair, never half of the shared one.
   */
  const listenerTls = (listener: 'public' | 'admin'): ServeTls => {
    const at = (name: string) => `serve.${listener}.tls.${name}`;
    const enabled = get(at('enabled')) as boolean | undefined;
    const own = cidrList(get, at('allow_termination_from'));
    const result: ServeTls = { enabled: enabled ?? tls.enabled, allowTerminationFrom: own.length > 0 ? own : tls.allowTerminationFrom };
    const ownCert = { certPath: s(at('cert.path')), keyPath: s(at('key.path')), certPem: base64(s(at('cert.base64'))), keyPem: base64(s(at('key.base64'))) };
    if (!Object.values(ownCert).some(Boolean)) return { ...tls, ...result };
    if (ownCert.certPath) result.certPath = ownCert.certPath;
    if (ownCert.keyPath) result.keyPath = ownCert.keyPath;
    if (ownCert.certPem) result.certPem = ownCert.certPem;
    if (ownCert.keyPem) result.keyPem = ownCert.keyPem;
    return result;
  };
  const grpcTls: GrpcServerTlsSource = {};
  const grpcCertPem = base64(s('serve.grpc.tls.cert.base64'));
  const grpcKeyPem = base64(s('serve.grpc.tls.key.base64'));
  if (s('serve.grpc.tls.cert.path')) grpcTls.certPath = s('serve.grpc.tls.cert.path');
  if (s('serve.grpc.tls.key.path')) grpcTls.keyPath = s('serve.grpc.tls.key.path');
  if (grpcCertPem) grpcTls.certPem = grpcCertPem;
  if (grpcKeyPem) grpcTls.keyPem = grpcKeyPem;
  if (s('serve.grpc.tls.client_ca.path')) grpcTls.clientCaPath = s('serve.grpc.tls.client_ca.path');
  const coreTls: CoreClientTls = {};
  if (s('core.tls.ca.path')) coreTls.caPath = s('core.tls.ca.path');
  if (s('core.tls.cert.path')) coreTls.certPath = s('core.tls.cert.path');
  if (s('core.tls.key.path')) coreTls.keyPath = s('core.tls.key.path');
  if (s('core.tls.server_name')) coreTls.serverName = s('core.tls.server_name');

  return {
    // Dev mode runs on the embedded SQLite file unless told otherwise.
    dsn: s('dsn') || (dev ? DEV_DSN : ''),
    dev,
    log: {
      level: s('log.level') as LogLevel,
      format: s('log.format') as Config['log']['format'],
      leakSensitiveValues: b('log.leak_sensitive_values'),
      redactionText: s('log.redaction_text'),
    },
    serve: {
      public: {
        host: s('serve.public.host'),
        port: publicPort,
        cors: corsConfig(get, 'public'),
        requestLog: { disableForHealth: b('serve.public.request_log.disable_for_health') },
        limits: listenerLimits(get, 'public'),
        tls: listenerTls('public'),
        socket: socketOf('public'),
      },
      admin: {
        host: s('serve.admin.host'),
        port: n('serve.admin.port'),
        authRequired: b('serve.admin.auth.enabled'),
        cors: corsConfig(get, 'admin'),
        requestLog: { disableForHealth: b('serve.admin.request_log.disable_for_health') },
        limits: listenerLimits(get, 'admin'),
        tls: listenerTls('admin'),
        socket: socketOf('admin'),
      },
      grpc: {
        host: s('serve.grpc.host'),
        port: n('serve.grpc.port'),
        tls: grpcTls,
        allowInsecureNonLoopback: b('serve.grpc.allow_insecure_non_loopback'),
        callers: get('serve.grpc.callers') as GrpcCaller[],
        allowUnauthenticated: b('serve.grpc.allow_unauthenticated'),
      },
      metrics: { host: s('serve.metrics.host'), port: n('serve.metrics.port') },
      tls,
      cookies: {
        sameSiteMode: get('serve.cookies.same_site_mode') as SameSiteMode,
        sameSiteLegacyWorkaround: b('serve.cookies.same_site_legacy_workaround'),
        domain: s('serve.cookies.domain'),
        secure: b('serve.cookies.secure'),
        names: { loginCsrf: s('serve.cookies.names.login_csrf'), consentCsrf: s('serve.cookies.names.consent_csrf'), session: s('serve.cookies.names.session'), deviceCsrf: s('serve.cookies.names.device_csrf') },
        paths: { session: s('serve.cookies.paths.session') },
      },
      // Dev mode has no load balancer to wait for: Ctrl-C stops at once.
      shutdown: { drainDelay: (get('serve.shutdown.drain_delay') as number | undefined) ?? (dev ? 0 : DEFAULT_DRAIN_DELAY_MS) },
    },
    core: { tls: coreTls, apiKey: coreApiKey },
    secrets: { system: secrets, cookie: get('secrets.cookie') as string[], pagination: get('secrets.pagination') as string[] },
    webfinger: {
      jwks: { broadcastKeys: get('webfinger.jwks.broadcast_keys') as string[] },
      oidcDiscovery: {
        jwksUrl: url('webfinger.oidc_discovery.jwks_url'),
        tokenUrl: url('webfinger.oidc_discovery.token_url'),
        authUrl: url('webfinger.oidc_discovery.auth_url'),
        userinfoUrl: url('webfinger.oidc_discovery.userinfo_url'),
        clientRegistrationUrl: url('webfinger.oidc_discovery.client_registration_url'),
        verifiableCredentialsUrl: url('webfinger.oidc_discovery.verifiable_credentials_url'),
        deviceAuthorizationUrl: url('webfinger.oidc_discovery.device_authorization_url'),
        supportedClaims: get('webfinger.oidc_discovery.supported_claims') as string[],
        supportedScope: get('webfinger.oidc_discovery.supported_scope') as string[],
      },
    },
    urls: {
      self: { issuer, public: publicUrl, admin: s('urls.self.admin') || `http://127.0.0.1:${n('serve.admin.port')}/` },
      login: s('urls.login'),
      consent: s('urls.consent'),
      logout: s('urls.logout'),
      error: s('urls.error'),
      postLogoutRedirect: s('urls.post_logout_redirect'),
      device: { verification: s('urls.device.verification'), success: s('urls.device.success') },
    },
    strategies: {
      accessToken: s('strategies.access_token') as AccessTokenStrategy,
      scope: s('strategies.scope') as 'exact' | 'wildcard',
      jwt: { scopeClaim: s('strategies.jwt.scope_claim') as JwtScopeClaim },
    },
    ttl: {
      loginConsentRequest: n('ttl.login_consent_request'),
      authenticationSession: n('ttl.authentication_session'),
      accessToken: n('ttl.access_token'),
      refreshToken: n('ttl.refresh_token') === NEVER ? null : n('ttl.refresh_token'),
      idToken: n('ttl.id_token'),
      authCode: n('ttl.auth_code'),
      vcNonce: n('ttl.vc_nonce'),
      deviceUserCode: n('ttl.device_user_code'),
    },
    oauth2: {
      deviceAuthorization: { tokenPollingInterval: n('oauth2.device_authorization.token_polling_interval') },
      refreshTokenRotation: { gracePeriod, graceReuseCount },
      hashers: {
        algorithm: s('oauth2.hashers.algorithm') as 'pbkdf2' | 'bcrypt',
        pbkdf2Iterations: n('oauth2.hashers.pbkdf2.iterations'),
        bcryptCost: n('oauth2.hashers.bcrypt.cost'),
      },
      pkce: {
        enforced: b('oauth2.pkce.enforced'),
        enforcedForPublicClients: b('oauth2.pkce.enforced_for_public_clients'),
      },
      exposeInternalErrors: b('oauth2.expose_internal_errors'),
      allowedTopLevelClaims: get('oauth2.allowed_top_level_claims') as string[],
      mirrorTopLevelClaims: b('oauth2.mirror_top_level_claims'),
      preserveExtClaims: b('oauth2.preserve_ext_claims'),
      excludeNotBeforeClaim: b('oauth2.exclude_not_before_claim'),
      session: { encryptAtRest: b('oauth2.session.encrypt_at_rest') },
      clientCredentials: { defaultGrantAllowedScope: b('oauth2.client_credentials.default_grant_allowed_scope') },
      jwtGrant: {
        maxTtl: n('oauth2.grant.jwt.max_ttl'),
        jtiOptional: b('oauth2.grant.jwt.jti_optional'),
        iatOptional: b('oauth2.grant.jwt.iat_optional'),
        omitAssertionAudience: b('oauth2.grant.jwt.omit_assertion_audience'),
      },
      tokenHook: webhook(get, 'oauth2.token_hook'),
      refreshTokenHook: webhook(get, 'oauth2.refresh_token_hook'),
      hookTimeout,
    },
    clients: {
      http: {
        disallowPrivateIpRanges: b('clients.http.disallow_private_ip_ranges'),
        privateIpExceptionUrls: get('clients.http.private_ip_exception_urls') as string[],
      },
    },
    oidc: {
      subjectIdentifiers: { supportedTypes: subjectTypes as SubjectType[], pairwiseSalt },
      dynamicClientRegistration: {
        enabled: b('oidc.dynamic_client_registration.enabled'),
        defaultScope: get('oidc.dynamic_client_registration.default_scope') as string[],
      },
    },
    db: { stuckPoolTimeout: n('db.stuck_pool_timeout') },
  };
}
