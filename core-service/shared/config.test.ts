import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEV_DSN, loadConfig } from './config.js';

const HOUR = 3_600_000;

function yaml(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  const file = join(dir, 'tessera.yaml');
  writeFileSync(file, text);
  return file;
}

function rejects(env: Record<string, string>, ...patterns: RegExp[]) {
  assert.throws(
    () => loadConfig({ env }),
    (err: unknown) => err instanceof ConfigError && patterns.every((p) => p.test(err.message)),
  );
}

test('defaults are those of DESIGN.md', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.ttl.loginConsentRequest, HOUR);
  assert.equal(config.ttl.accessToken, HOUR);
  assert.equal(config.ttl.refreshToken, 720 * HOUR);
  assert.equal(config.ttl.idToken, HOUR);
  assert.equal(config.ttl.authCode, 10 * 60_000);
  assert.equal(config.oauth2.refreshTokenRotation.gracePeriod, 0);
  assert.equal(config.strategies.accessToken, 'opaque');
  assert.equal(config.serve.public.port, 4444);
  assert.equal(config.serve.admin.port, 4445);
  assert.equal(config.serve.grpc.host, '127.0.0.1');
  assert.equal(config.serve.grpc.port, 4446);
  assert.equal(config.log.level, 'info');
});

test('YAML with Hydra keys, overridden by environment variables named after the key path', () => {
  const file = yaml(`
dsn: postgres://u:p@db:5432/hydra
serve:
  public:
    port: 9000
ttl:
  access_token: 2h
  refresh_token: -1
secrets:
  system:
    - this-is-the-first-secret
    - this-is-an-older-secret
strategies:
  access_token: jwt
`);
  const config = loadConfig({ file, env: { TTL_ACCESS_TOKEN: '15m', SERVE_ADMIN_PORT: '9001' } });
  assert.equal(config.dsn, 'postgres://u:p@db:5432/hydra');
  assert.equal(config.serve.public.port, 9000);
  assert.equal(config.serve.admin.port, 9001);
  assert.equal(config.ttl.accessToken, 15 * 60_000, 'env beats the file');
  assert.equal(config.ttl.refreshToken, null, '-1 means never');
  assert.deepEqual(config.secrets.system, ['this-is-the-first-secret', 'this-is-an-older-secret']);
  assert.equal(config.strategies.accessToken, 'jwt');
});

test('SECRETS_SYSTEM is a comma-separated list: the first encrypts, all decrypt', () => {
  const config = loadConfig({ env: { SECRETS_SYSTEM: 'new-secret-0123456789,old-secret-0123456789' } });
  assert.deepEqual(config.secrets.system, ['new-secret-0123456789', 'old-secret-0123456789']);
  rejects({ SECRETS_SYSTEM: 'short' }, /secrets\.system/, /16 characters/);
});

test('both spellings of the refresh rotation grace period work', () => {
  assert.equal(loadConfig({ env: { OAUTH2_REFRESH_TOKEN_ROTATION_GRACE_PERIOD: '30s' } }).oauth2.refreshTokenRotation.gracePeriod, 30_000);
  assert.equal(loadConfig({ env: { OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_PERIOD: '45s' } }).oauth2.refreshTokenRotation.gracePeriod, 45_000);
  const file = yaml('oauth2:\n  refresh_token_rotation:\n    grace_period: 10s\n');
  assert.equal(loadConfig({ file, env: {} }).oauth2.refreshTokenRotation.gracePeriod, 10_000);
  rejects({ OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_PERIOD: '10m' }, /rotation_grace_period/, /5m/);
  const withCount = loadConfig({ env: { OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_PERIOD: '24h', OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_REUSE_COUNT: '3' } });
  assert.equal(withCount.oauth2.refreshTokenRotation.gracePeriod, 24 * HOUR);
  assert.equal(withCount.oauth2.refreshTokenRotation.graceReuseCount, 3);
});

test('a bad value names the key and the allowed values', () => {
  rejects({ TTL_ACCESS_TOKEN: 'soon' }, /ttl\.access_token/, /TTL_ACCESS_TOKEN/, /duration/);
  rejects({ TTL_ID_TOKEN: '-5m' }, /ttl\.id_token/, /negative/);
  rejects({ TTL_ACCESS_TOKEN: '-1' }, /ttl\.access_token/);
  rejects({ STRATEGIES_ACCESS_TOKEN: 'magic' }, /strategies\.access_token/, /opaque, jwt/);
  rejects({ LOG_LEVEL: 'verbose' }, /log\.level/, /trace, debug, info, warn, error, fatal, panic/);
  rejects({ SERVE_PUBLIC_PORT: '70000' }, /serve\.public\.port/);
  rejects({ OAUTH2_HASHERS_ALGORITHM: 'md5' }, /oauth2\.hashers\.algorithm/, /pbkdf2, bcrypt/);
});

test('every log level Hydra knows is accepted', () => {
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'panic']) {
    assert.equal(loadConfig({ env: { LOG_LEVEL: level } }).log.level, level);
  }
});

test('dev mode defaults to the embedded SQLite database; an explicit DSN wins', () => {
  assert.equal(loadConfig({ env: {}, overrides: { dev: 'true' } }).dsn, DEV_DSN);
  assert.equal(loadConfig({ env: { DSN: 'memory' }, overrides: { dev: 'true' } }).dsn, 'memory');
  assert.equal(loadConfig({ env: {} }).dsn, '');
});

test('an unreadable or invalid YAML file is a clear error', () => {
  assert.throws(() => loadConfig({ file: '/nonexistent/tessera.yaml', env: {} }), /cannot read config file/);
  assert.throws(() => loadConfig({ file: yaml('ttl: [unclosed'), env: {} }), /not valid YAML/);
});

test("serve.cookies.same_site_mode and clients.http: Hydra's keys, case-insensitive modes, safe-to-migrate defaults", () => {
  const defaults = loadConfig({ env: {} });
  assert.deepEqual(defaults.serve.cookies, {
    sameSiteMode: 'Lax',
    sameSiteLegacyWorkaround: false,
    domain: '',
    secure: false,
    names: { loginCsrf: 'ory_hydra_login_csrf', consentCsrf: 'ory_hydra_consent_csrf', session: 'ory_hydra_session', deviceCsrf: 'ory_hydra_device_csrf' },
    paths: { session: '/' },
  });
  assert.deepEqual(defaults.clients.http, { disallowPrivateIpRanges: false, privateIpExceptionUrls: [] });
  const file = yaml(
    'serve:\n  cookies:\n    same_site_mode: none\n    same_site_legacy_workaround: true\nclients:\n  http:\n    disallow_private_ip_ranges: true\n    private_ip_exception_urls: [http://10.0.0.5/jwks.json]\n',
  );
  const config = loadConfig({ file, env: {} });
  assert.deepEqual([config.serve.cookies.sameSiteMode, config.serve.cookies.sameSiteLegacyWorkaround], ['None', true]);
  assert.deepEqual(config.clients.http, { disallowPrivateIpRanges: true, privateIpExceptionUrls: ['http://10.0.0.5/jwks.json'] });
  rejects({ SERVE_COOKIES_SAME_SITE_MODE: 'Loose' }, /serve\.cookies\.same_site_mode/, /Strict, Lax, None/);
});

const BILLING_KEY = 'billing-key-0123456789abcdef0123456789abcdef';

test('the loader refuses a plaintext key, a bad hash and a caller nothing identifies, without echoing the key', () => {
  const load = (callers: unknown) => () => loadConfig({ env: { SERVE_GRPC_CALLERS: JSON.stringify(callers) } });
  assert.throws(load([{ name: 'billing', api_key: BILLING_KEY, services: ['*'] }]), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /only its hash \(api_key_hash: sha256:/);
    assert.ok(!err.message.includes(BILLING_KEY), 'the key is not echoed');
    return true;
  });
  assert.throws(load([{ name: 'billing', api_key_hash: 'md5:abc', services: ['*'] }]), /api_key_hash must be "sha256:" followed by 64 hex digits/);
  assert.throws(load([{ name: 'billing', services: ['*'] }]), /needs api_key_hash or certificate_name/);
  assert.throws(load([{ name: 'billing', api_key_hash: `sha256:${'ab'.repeat(32)}`, services: [] }]), /services must be a non-empty list/);
  assert.throws(() => loadConfig({ env: { CORE_API_KEY: 'short' } }), /core\.api_key \(env CORE_API_KEY\).*openssl rand -hex 32/);
});

test('serve.grpc.callers as a YAML list (the environment variable takes the same list as JSON)', () => {
  const hash = `sha256:${'AB'.repeat(32)}`;
  const file = yaml(
    [
      'serve:',
      '  grpc:',
      '    callers:',
      '      - name: gateway',
      '        certificate_name: tessera-gateway',
      '        services: ["*"]',
      '      - name: billing',
      `        api_key_hash: ${hash}`,
      '        services: [tessera.v1.IntrospectionService]',
    ].join('\n'),
  );
  const { callers } = loadConfig({ file, env: {} }).serve.grpc;
  assert.deepEqual(
    callers.map((c) => [c.name, c.certificateName, c.apiKeySha256?.toString('hex'), c.services]),
    [
      ['gateway', 'tessera-gateway', undefined, ['*']],
      ['billing', undefined, 'ab'.repeat(32), ['tessera.v1.IntrospectionService']],
    ],
  );
  assert.deepEqual(loadConfig({ env: {} }).serve.grpc.callers, []);
  assert.throws(
    () => loadConfig({ env: { SERVE_GRPC_CALLERS: JSON.stringify([{ name: 'a', certificate_name: 'x', services: ['*'] }, { name: 'a', certificate_name: 'y', services: ['*'] }]) } }),
    /two callers are named "a"/,
  );
});

test("CORS: Hydra's keys and defaults for each listener, from YAML or environment", () => {
  const defaults = loadConfig({ env: {} }).serve;
  for (const cors of [defaults.public.cors, defaults.admin.cors]) {
    assert.deepEqual(cors, {
      enabled: false,
      allowedOrigins: [],
      allowedMethods: ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'HEAD', 'OPTIONS', 'TRACE'],
      allowedHeaders: ['Accept', 'Content-Type', 'Content-Length', 'Accept-Language', 'Content-Language', 'Authorization'],
      exposedHeaders: ['Cache-Control', 'Expires', 'Last-Modified', 'Pragma', 'Content-Length', 'Content-Language', 'Content-Type'],
      allowCredentials: true,
      maxAge: 0,
      debug: false,
    });
  }
  const file = yaml(`
serve:
  public:
    cors:
      enabled: true
      allowed_origins:
        - https://app.example
        - https://*.example.com
      allowed_methods: [GET, POST]
      allowed_headers: [Authorization]
      exposed_headers: [Content-Type]
      allow_credentials: false
      max_age: 600
      debug: true
`);
  const config = loadConfig({ file, env: { SERVE_ADMIN_CORS_ENABLED: 'true', SERVE_ADMIN_CORS_ALLOWED_ORIGINS: 'https://admin.example,*' } });
  assert.deepEqual(config.serve.public.cors, {
    enabled: true,
    allowedOrigins: ['https://app.example', 'https://*.example.com'],
    allowedMethods: ['GET', 'POST'],
    allowedHeaders: ['Authorization'],
    exposedHeaders: ['Content-Type'],
    allowCredentials: false,
    maxAge: 600,
    debug: true,
  });
  assert.equal(config.serve.admin.cors.enabled, true);
  assert.deepEqual(config.serve.admin.cors.allowedOrigins, ['https://admin.example', '*']);
});

test('CORS: origins with two wildcards, non-URIs and unknown methods are refused by key', () => {
  rejects({ SERVE_PUBLIC_CORS_ALLOWED_ORIGINS: 'https://*.*.example.com' }, /serve\.public\.cors\.allowed_origins/, /more than one \*/);
  rejects({ SERVE_ADMIN_CORS_ALLOWED_ORIGINS: 'app.example' }, /serve\.admin\.cors\.allowed_origins/);
  rejects({ SERVE_PUBLIC_CORS_ALLOWED_METHODS: 'GET,FETCH' }, /serve\.public\.cors\.allowed_methods/, /FETCH/);
  rejects({ SERVE_PUBLIC_CORS_MAX_AGE: '-1' }, /serve\.public\.cors\.max_age/);
});

test('listener limits and timeouts: defaults, a YAML file, the environment, and what is refused', () => {
  const defaults = loadConfig({ env: {} });
  assert.deepEqual(defaults.serve.public.limits, {
    maxConnections: 10_000,
    maxHeaderBytes: 16_384,
    maxFormParameters: 1_000,
    maxQueryParameters: 100,
    readHeaderTimeout: 10_000,
    readTimeout: 30_000,
    idleTimeout: 120_000,
  });
  assert.equal(defaults.serve.admin.limits.maxConnections, 1_000);
  assert.equal(defaults.serve.admin.host, '', 'unset: the gateway binds loopback');

  const file = yaml('serve:\n  admin:\n    limits:\n      max_form_parameters: 50\n    timeouts:\n      read: 1m\n      idle: 5s\n');
  const fromFile = loadConfig({ file, env: { SERVE_ADMIN_TIMEOUTS_READ_HEADER: '2s' } });
  assert.equal(fromFile.serve.admin.limits.maxFormParameters, 50);
  assert.equal(fromFile.serve.admin.limits.readTimeout, 60_000);
  assert.equal(fromFile.serve.admin.limits.idleTimeout, 5_000);
  assert.equal(fromFile.serve.admin.limits.readHeaderTimeout, 2_000);
  assert.equal(fromFile.serve.public.limits.maxFormParameters, 1_000, 'each listener has its own');

  rejects({ SERVE_PUBLIC_TIMEOUTS_READ_HEADER: '1m', SERVE_PUBLIC_TIMEOUTS_READ: '30s' }, /serve\.public\.timeouts\.read_header \(env SERVE_PUBLIC_TIMEOUTS_READ_HEADER\)/, /at most serve\.public\.timeouts\.read/);
  rejects({ SERVE_ADMIN_TIMEOUTS_IDLE: '0s' }, /serve\.admin\.timeouts\.idle/, /would wait forever/);
  rejects({ SERVE_PUBLIC_LIMITS_MAX_CONNECTIONS: '0' }, /serve\.public\.limits\.max_connections/);
  rejects({ SERVE_PUBLIC_LIMITS_MAX_HEADER_BYTES: '100' }, /serve\.public\.limits\.max_header_bytes/, /1024 to 1048576/);
  rejects({ SERVE_ADMIN_LIMITS_MAX_QUERY_PARAMETERS: 'many' }, /serve\.admin\.limits\.max_query_parameters/);
});

test("the device grant's keys (RFC 8628) load with Hydra's defaults, from YAML and from the environment", () => {
  const defaults = loadConfig({ env: {} });
  assert.equal(defaults.ttl.deviceUserCode, 10 * 60_000);
  assert.equal(defaults.oauth2.deviceAuthorization.tokenPollingInterval, 5_000);
  assert.deepEqual(defaults.urls.device, { verification: '', success: '' });
  assert.equal(defaults.serve.cookies.names.deviceCsrf, 'ory_hydra_device_csrf');
  assert.equal(defaults.webfinger.oidcDiscovery.deviceAuthorizationUrl, '');

  const file = yaml(`
urls:
  device:
    verification: https://login.example/device
    success: https://login.example/device/done
ttl:
  device_user_code: 15m
oauth2:
  device_authorization:
    token_polling_interval: 10s
serve:
  cookies:
    names:
      device_csrf: my_device_csrf
webfinger:
  oidc_discovery:
    device_authorization_url: https://edge.example/device
`);
  const config = loadConfig({ file, env: { TTL_DEVICE_USER_CODE: '20m' } });
  assert.deepEqual(config.urls.device, { verification: 'https://login.example/device', success: 'https://login.example/device/done' });
  assert.equal(config.ttl.deviceUserCode, 20 * 60_000, 'the environment wins');
  assert.equal(config.oauth2.deviceAuthorization.tokenPollingInterval, 10_000);
  assert.equal(config.serve.cookies.names.deviceCsrf, 'my_device_csrf');
  assert.equal(config.webfinger.oidcDiscovery.deviceAuthorizationUrl, 'https://edge.example/device');
  rejects({ OAUTH2_DEVICE_AUTHORIZATION_TOKEN_POLLING_INTERVAL: 'often' }, /oauth2\.device_authorization\.token_polling_interval/);
});
