/**
 * Every Hydra key is honoured or refused, never ignored: unknown keys name the nearest known
 * one, keys of missing features say "Tessera does not support `<key>` (yet)", and a Hydra
 * config file with CORS, cookies, hooks, tracing and webfinger loads or names each refused key.
 *
 * Two checks read files outside the repository when they are there, and say they are skipped
 * otherwise: Hydra's configuration schema (`../shared/reference/hydra-config.schema.json`, the
 * design documents' copy) and Hydra's own example configs (a directory named by
 * TESSERA_HYDRA_EXAMPLES, holding files fetched from github.com/ory/hydra, never copied here).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from './paths.js';
import { INERT_KEYS, REFUSED_KEYS, isUnder } from './config-keys.js';
import { ConfigError, configKeyPaths, loadConfig } from './config.js';

function yaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-config-')), 'hydra.yaml');
  writeFileSync(file, text);
  return file;
}

/** The ConfigError message loading `file` (with `env`) throws; fails the test if it loads. */
function refusal(file: string | undefined, env: Record<string, string> = {}): string {
  try {
    loadConfig({ ...(file ? { file } : {}), env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  return assert.fail('the configuration loaded');
}

test('an unknown key in the file is refused, naming it and the nearest known key', () => {
  const message = refusal(yaml('totally_unknown_key: 1\n'));
  assert.match(message, /unknown key `totally_unknown_key`; did you mean `[a-z0-9_.]+`\?/);
  assert.match(refusal(yaml('serve:\n  public:\n    prot: 4444\n')), /unknown key `serve\.public\.prot`; did you mean `serve\.public\.port`\?/);
  assert.match(refusal(yaml('ttl:\n  acess_token: 1h\n')), /unknown key `ttl\.acess_token`; did you mean `ttl\.access_token`\?/);
  // Below a scalar key there is nothing: `log.level.debug` is a typo too.
  assert.match(refusal(yaml('log:\n  level:\n    debug: true\n')), /unknown key `log\.level\.debug`; did you mean `log\.level`\?/);
  // Every problem is listed at once, so one edit fixes the file.
  const both = refusal(yaml('dsnn: memory\nurls:\n  loggin: https://login.example\n'));
  assert.match(both, /`dsnn`; did you mean `dsn`\?/);
  assert.match(both, /`urls\.loggin`; did you mean `urls\.login`\?/);
});

test("an unknown variable in one of Hydra's sections is refused; other variables are not Tessera's business", () => {
  assert.match(refusal(undefined, { SERVE_PUBLIC_PROT: '4444' }), /unknown environment variable SERVE_PUBLIC_PROT; did you mean SERVE_PUBLIC_PORT\?/);
  assert.match(refusal(undefined, { TTL_ACESS_TOKEN: '1h' }), /did you mean TTL_ACCESS_TOKEN\?/);
  assert.doesNotThrow(() => loadConfig({ env: { DB_HOST: 'db', LOG_DIR: '/var/log', HOME: '/root' } }));
});

test('keys of features Tessera does not have are refused with "Tessera does not support `<key>` (yet)"', () => {
  assert.match(refusal(yaml('hsm:\n  enabled: true\n  library: /usr/lib/softhsm.so\n')), /Tessera does not support `hsm\.enabled` \(yet\): keys in a hardware security module/);
  assert.match(refusal(yaml('tracing:\n  provider: jaeger\n')), /Tessera does not support `tracing\.provider` \(yet\)/);
  assert.match(refusal(yaml('urls:\n  device:\n    verification: https://app/verify\n')), /Tessera does not support `urls\.device\.verification` \(yet\): the device authorization grant/);
  assert.match(refusal(yaml('profiling: cpu\n')), /`profiling` \(yet\)/);
  // The same through the environment.
  assert.match(refusal(undefined, { TRACING_PROVIDER: 'otel' }), /Tessera does not support `tracing\.provider` \(yet\).*\(env TRACING_PROVIDER\)/);
  assert.match(refusal(undefined, { HSM_ENABLED: 'true' }), /`hsm\.enabled` \(yet\)/);
});

test("oauth2.grant.jwt.* is read for the JWT-bearer grant, with Hydra's defaults", () => {
  assert.deepEqual(loadConfig({ file: yaml('dsn: memory\n'), env: {} }).oauth2.jwtGrant, { maxTtl: 720 * 3_600_000, jtiOptional: false, iatOptional: false, omitAssertionAudience: true });
  const set = loadConfig({ file: yaml('dsn: memory\noauth2:\n  grant:\n    jwt:\n      max_ttl: 1h\n      jti_optional: true\n      iat_optional: true\n      omit_assertion_audience: false\n'), env: {} });
  assert.deepEqual(set.oauth2.jwtGrant, { maxTtl: 3_600_000, jtiOptional: true, iatOptional: true, omitAssertionAudience: false });
});

test('a refused feature switched off is accepted, as Hydra ignores the rest of its section then; inert keys load', () => {
  const config = loadConfig({
    file: yaml(`
hsm:
  enabled: false
  library: /path/to/hsm-vendor/library.so
tracing:
  provider: ""
  service_name: Ory Hydra
oidc:
  dynamic_client_registration:
    enabled: false
    default_scope: [openid]
serve:
  tls:
    enabled: true
sqa:
  opt_out: true
version: v2.2.0
cgroups:
  v1:
    auto_max_procs_enabled: true
db:
  ignore_unknown_table_columns: true
`),
    env: { TRACING_SERVICE_NAME: 'hydra' },
  });
  assert.equal(config.serve.public.port, 4444);
});

test("the honoured keys' values: webfinger, log.redaction_text, request logs, secrets", () => {
  const config = loadConfig({
    file: yaml(`
log:
  redaction_text: "[redacted]"
serve:
  public:
    request_log:
      disable_for_health: true
webfinger:
  jwks:
    broadcast_keys: [hydra.openid.id-token, partner.keys]
  oidc_discovery:
    userinfo_url: https://example.org/my-userinfo
    supported_claims: [email, username]
    supported_scope: [email, read.photos]
secrets:
  cookie: [cookie-secret-0123456789]
  pagination: [page-secret-0123456789]
`),
    env: {},
  });
  assert.equal(config.log.redactionText, '[redacted]');
  assert.deepEqual([config.serve.public.requestLog.disableForHealth, config.serve.admin.requestLog.disableForHealth], [true, false]);
  assert.deepEqual(config.webfinger.jwks.broadcastKeys, ['hydra.openid.id-token', 'partner.keys']);
  assert.equal(config.webfinger.oidcDiscovery.userinfoUrl, 'https://example.org/my-userinfo');
  assert.deepEqual(config.webfinger.oidcDiscovery.supportedScope, ['email', 'read.photos']);
  assert.deepEqual([config.secrets.cookie, config.secrets.pagination], [['cookie-secret-0123456789'], ['page-secret-0123456789']]);
  assert.match(refusal(undefined, { SECRETS_PAGINATION: 'short' }), /secrets\.pagination .*16 characters/);
  assert.match(refusal(undefined, { WEBFINGER_OIDC_DISCOVERY_TOKEN_URL: 'not a url' }), /webfinger\.oidc_discovery\.token_url .*absolute URL/);
  assert.match(refusal(undefined, { SERVE_COOKIES_NAMES_SESSION: 'bad name;' }), /serve\.cookies\.names\.session/);
  assert.match(refusal(undefined, { SERVE_COOKIES_PATHS_SESSION: 'oauth2' }), /serve\.cookies\.paths\.session/);
});

/** A Hydra config as operators write them: CORS, cookies, hooks, tracing, webfinger and more. */
const HYDRA_CONFIG = `
version: v2.3.0
log:
  level: debug
  format: json
  leak_sensitive_values: false
  redaction_text: hidden
serve:
  public:
    port: 4444
    host: 0.0.0.0
    cors:
      enabled: true
      allowed_origins: [https://example.com, https://*.example.com]
      allowed_methods: [POST, GET, PUT, PATCH, DELETE]
      allowed_headers: [Authorization, Content-Type]
      exposed_headers: [Content-Type]
      allow_credentials: true
      max_age: 10
      debug: true
    request_log:
      disable_for_health: true
  admin:
    port: 4445
    cors:
      enabled: false
  cookies:
    same_site_mode: Lax
    same_site_legacy_workaround: false
    domain: example.com
    secure: true
    names:
      login_csrf: my_login_csrf
      consent_csrf: my_consent_csrf
      session: my_session
    paths:
      session: /
  tls:
    allow_termination_from: [10.0.0.0/8]
dsn: memory
webfinger:
  jwks:
    broadcast_keys: [hydra.openid.id-token]
  oidc_discovery:
    client_registration_url: https://my-service.com/clients
    supported_claims: [email, username]
    supported_scope: [email, whatever]
    userinfo_url: https://example.org/my-custom-userinfo-endpoint
oidc:
  subject_identifiers:
    supported_types: [pairwise, public]
    pairwise:
      salt: some-random-salt
urls:
  self:
    issuer: https://auth.example.com/
    public: https://auth.example.com/
    admin: https://admin.auth.example.com/
  login: https://login.example.com/login
  consent: https://login.example.com/consent
  logout: https://login.example.com/logout
  error: https://login.example.com/error
  post_logout_redirect: https://example.com/
strategies:
  scope: wildcard
  access_token: jwt
  jwt:
    scope_claim: both
ttl:
  login_consent_request: 1h
  access_token: 1h
  refresh_token: 720h
  id_token: 1h
  auth_code: 10m
oauth2:
  expose_internal_errors: false
  allowed_top_level_claims: [tenant]
  mirror_top_level_claims: false
  exclude_not_before_claim: true
  hashers:
    algorithm: bcrypt
    bcrypt:
      cost: 10
  pkce:
    enforced: false
    enforced_for_public_clients: true
  session:
    encrypt_at_rest: true
  client_credentials:
    default_grant_allowed_scope: true
  grant:
    refresh_token:
      rotation_grace_period: 0s
  token_hook:
    url: https://hooks.example.com/token
    auth:
      type: api_key
      config:
        name: Authorization
        value: Bearer hook-secret
        in: header
  refresh_token_hook: https://hooks.example.com/refresh
secrets:
  system: [this-is-the-primary-secret]
  cookie: [this-is-the-cookie-secret]
  pagination: [this-is-the-pagination-secret]
tracing:
  provider: jaeger
  service_name: Ory Hydra
  providers:
    jaeger:
      local_agent_address: 127.0.0.1:6831
      sampling:
        trace_id_ratio: 1.0
sqa:
  opt_out: true
`;

test("a representative Hydra config loads but for exactly the refused keys, each named with Tessera's message", () => {
  const lines = refusal(yaml(HYDRA_CONFIG)).split('\n');
  assert.deepEqual(
    lines.map((line) => /`([^`]+)`/.exec(line)?.[1]),
    ['tracing.provider'],
    lines.join('\n'),
  );
  for (const line of lines) assert.match(line, /Tessera does not support `[^`]+` \(yet\): /);
  // Without the refused section, the same file loads and every value is Hydra's.
  const accepted = HYDRA_CONFIG.replace(/tracing:\n(?: {2}.*\n)+/, '');
  const config = loadConfig({ file: yaml(accepted), env: {} });
  assert.equal(config.serve.cookies.names.session, 'my_session');
  assert.equal(config.oauth2.tokenHook?.auth?.name, 'Authorization');
  assert.equal(config.oauth2.refreshTokenHook?.url, 'https://hooks.example.com/refresh');
  assert.equal(config.webfinger.oidcDiscovery.clientRegistrationUrl, 'https://my-service.com/clients');
  assert.equal(config.serve.public.cors.maxAge, 10);
  assert.equal(config.urls.self.admin, 'https://admin.auth.example.com/');
  assert.deepEqual(config.serve.tls.allowTerminationFrom, ['10.0.0.0/8']);
  // Hydra writes the socket mode as a YAML number (493 is 0755).
  assert.equal(loadConfig({ file: yaml('serve:\n  admin:\n    socket:\n      mode: 493\n'), env: {} }).serve.admin.socket.mode, 0o755);
});

const EXAMPLES = process.env.TESSERA_HYDRA_EXAMPLES;

test("Hydra's own example configs (TESSERA_HYDRA_EXAMPLES) load or name each unsupported key", { skip: EXAMPLES ? false : 'skipped: TESSERA_HYDRA_EXAMPLES is not set (a directory of config files from github.com/ory/hydra)' }, () => {
  const dir = EXAMPLES ?? '';
  const files = readdirSync(dir).filter((name) => /\.(ya?ml|json)$/.test(name));
  assert.ok(files.length > 0, `no .yaml, .yml or .json file in ${dir}`);
  for (const name of files) {
    try {
      loadConfig({ file: join(dir, name), env: {} });
      console.log(`${name}: loads`);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      // Only refusals of Hydra keys, never an unknown key: Hydra's own files use Hydra's keys.
      for (const line of err.message.split('\n')) assert.match(line, /Tessera does not support `[^`]+`|is invalid/, `${name}: ${line}`);
      console.log(`${name}:\n${err.message}`);
    }
  }
});

const SCHEMA = join(PROJECT_ROOT, '..', 'shared', 'reference', 'hydra-config.schema.json');

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  additionalProperties?: unknown;
}

/** Every leaf key path of Hydra's schema; a reference into another Ory schema (`ory://…`) is a leaf. */
function schemaLeaves(root: SchemaNode & { definitions?: Record<string, SchemaNode> }): string[] {
  const out = new Set<string>();
  const walk = (node: SchemaNode, path: string): void => {
    if (node.$ref?.startsWith('#/definitions/')) return walk(root.definitions?.[node.$ref.slice('#/definitions/'.length)] ?? {}, path);
    const parts = [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])];
    const own = Object.entries(node.properties ?? {});
    if (own.length === 0 && parts.length === 0 && path) out.add(path);
    for (const [name, child] of own) walk(child, path ? `${path}.${name}` : name);
    for (const part of parts) walk(part, path);
  };
  walk(root, '');
  return [...out];
}

test("every leaf key of Hydra's configuration schema is honoured, refused or inert in Tessera's key table", { skip: existsSync(SCHEMA) ? false : 'skipped: reference absent (../shared/reference/hydra-config.schema.json)' }, () => {
  const honoured = configKeyPaths();
  const tables = [...REFUSED_KEYS.map((e) => e.path), ...INERT_KEYS.map((e) => e.path)];
  const leaves = schemaLeaves(JSON.parse(readFileSync(SCHEMA, 'utf8')) as SchemaNode);
  assert.ok(leaves.length > 100, `only ${leaves.length} keys found in the schema`);
  const covered = (path: string) =>
    honoured.includes(path) ||
    // A section held by another Ory schema (serve.public, serve.tls, tracing): Tessera handles keys below it.
    honoured.some((k) => k.startsWith(`${path}.`)) ||
    tables.some((pattern) => isUnder(path, pattern) || isUnder(pattern.replace('*', 'public'), path));
  const missing = leaves.filter((path) => !covered(path));
  assert.deepEqual(missing, [], `keys of Hydra's schema Tessera neither honours nor refuses: ${missing.join(', ')}`);
});
