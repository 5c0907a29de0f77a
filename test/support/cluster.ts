/**
 * Tessera in one test process: core (in-process, migrated, ephemeral gRPC port) plus the
 * gateway (in-process, plain HTTP, ephemeral ports), talking over real gRPC and real HTTP.
 * Set TEST_LOG_LEVEL=debug to see both services' logs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Metadata } from '@grpc/grpc-js';
import { startCore } from '../../core-service/app.js';
import { loadConfig, type Config, type LogLevel } from '../../core-service/shared/config.js';
import { createLogger, type Logger } from '../../core-service/shared/logger.js';
import { startGateway, type RunningGateway } from '../../http-gateway/app.js';
import { runProgram, type Program } from './processes.js';

/** The system secret every test cluster uses (≥ 16 characters, as config demands). */
export const TEST_SYSTEM_SECRET = 'tessera-test-system-secret-0123456789';

/** The API key the test gateway (and a test's own gRPC client) presents to core. */
export const TEST_CORE_API_KEY = 'tessera-test-core-api-key-0123456789abcdef';

/** `sha256:<hex>` of an API key, as serve.grpc.callers stores it. */
export const apiKeyHash = (key: string): string => `sha256:${createHash('sha256').update(key).digest('hex')}`;

/**
 * Core's caller list with one caller, `gateway`, allowed every service, and the gateway's key:
 * every test core runs with caller authorization, as production does. Spread it into the
 * environment of a core or gateway started as a process.
 */
export const TEST_CALLERS_ENV = {
  SERVE_GRPC_CALLERS: JSON.stringify([{ name: 'gateway', api_key_hash: apiKeyHash(TEST_CORE_API_KEY), services: ['*'] }]),
  CORE_API_KEY: TEST_CORE_API_KEY,
};

/** Metadata that makes a test's own gRPC call come from the test gateway. */
export function gatewayMetadata(key = TEST_CORE_API_KEY): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return metadata;
}

/** A logger that is silent unless TEST_LOG_LEVEL is set. */
export function testLogger(service: string): Logger {
  const level = process.env.TEST_LOG_LEVEL as LogLevel | undefined;
  if (level) return createLogger(service, { level, format: 'json', leakSensitiveValues: false }, process.stderr);
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return createLogger(service, { level: 'fatal', format: 'json', leakSensitiveValues: false }, discard);
}

/** Config for tests: loopback hosts, ephemeral ports, the test secret; `env` overrides any of it. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    env: {
      SECRETS_SYSTEM: TEST_SYSTEM_SECRET,
      SERVE_PUBLIC_HOST: '127.0.0.1',
      SERVE_PUBLIC_PORT: '0',
      SERVE_ADMIN_HOST: '127.0.0.1',
      SERVE_ADMIN_PORT: '0',
      SERVE_GRPC_HOST: '127.0.0.1',
      SERVE_GRPC_PORT: '0',
      // Several cores share one test process; a test that scrapes core's metrics picks a port.
      SERVE_METRICS_PORT: '0',
      ...TEST_CALLERS_ENV,
      ...env,
    },
  });
}

/** A loopback port nothing listens on (bound, read, released). */
export async function unusedPort(): Promise<number> {
  // A port the kernel hands out (listen(0)) comes from the ephemeral range, which every outgoing
  // connection on the machine (database pools, the browser, other test files) also draws from:
  // between this check and the caller's own listen, one of them could take it (EADDRINUSE seen
  // in CI). So pick at random below that range, where only an explicit bind lands, and check it.
  const [low] = ephemeralRange();
  const floor = 20_000;
  const span = Math.max(1, low - floor);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = floor + Math.floor(Math.random() * span);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found in ${floor}..${floor + span - 1}`);
}

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low > 21_000) return [low, high];
  } catch {
    // Not Linux: Linux's default range below is as good a guess as any.
  }
  return [32_768, 60_999];
}

function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Gateway alone with no core behind it (its gRPC port is closed): for boundary and outage tests. */
export async function startGatewayWithoutCore(env: Record<string, string> = {}): Promise<RunningGateway & { config: Config }> {
  const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), ...env });
  const gateway = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all', forceHttp: true });
  return { ...gateway, config };
}

export interface Cluster {
  publicUrl: string;
  adminUrl: string;
  grpcAddress: string;
  /** The configuration both services run with (gRPC port as actually bound). */
  config: Config;
  /** Closes the core alone, leaving the gateway up (outage tests). Idempotent. */
  stopCore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts core on `dsn` (migrating it) and a gateway in front of it.
 * @example const cluster = await startCluster({ dsn: 'sqlite://:memory:' }); … await cluster.close();
 */
export async function startCluster(opts: { dsn: string; env?: Record<string, string> }): Promise<Cluster> {
  const base = testConfig({ DSN: opts.dsn, ...opts.env });
  const core = await startCore({ config: base, logger: testLogger('core-service'), migrate: true });
  const port = Number(core.grpcAddress.slice(core.grpcAddress.lastIndexOf(':') + 1));
  const config: Config = { ...base, serve: { ...base.serve, grpc: { ...base.serve.grpc, port } } };

  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all', forceHttp: true });
  } catch (err) {
    await core.close();
    throw err;
  }
  const { publicUrl, adminUrl } = gateway;
  if (publicUrl === undefined || adminUrl === undefined) throw new Error('gateway did not start both listeners');

  let coreClosed: Promise<void> | undefined;
  const stopCore = () => (coreClosed ??= core.close());
  return {
    publicUrl,
    adminUrl,
    grpcAddress: core.grpcAddress,
    config,
    stopCore,
    async close() {
      await gateway.close();
      await stopCore();
    },
  };
}

/** Core replicas, each its own process on one database, and an in-process gateway in front of each. */
export interface Replicas {
  /** Public and admin URLs and the gRPC address of replica i, at index i. */
  pub: string[];
  admin: string[];
  grpc: string[];
  cores: Program[];
  close(): Promise<void>;
}

/**
 * Starts `count` core processes on `dsn` (already migrated) with a gateway in front of each:
 * several replicas, as deployments run them.
 */
export async function startReplicas(dsn: string, count: number, env: Record<string, string> = {}): Promise<Replicas> {
  const cores: Program[] = [];
  const gateways: RunningGateway[] = [];
  const grpc: string[] = [];
  const close = async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(cores.map((c) => c.stop()));
  };
  try {
    for (let i = 0; i < count; i += 1) {
      const grpcPort = await unusedPort();
      const core = runProgram('core-service/main.ts', ['serve'], {
        DSN: dsn,
        SECRETS_SYSTEM: TEST_SYSTEM_SECRET,
        SERVE_GRPC_HOST: '127.0.0.1',
        SERVE_GRPC_PORT: String(grpcPort),
        SERVE_METRICS_PORT: '0',
        ...TEST_CALLERS_ENV,
        ...env,
      });
      cores.push(core);
      await core.waitFor(/core gRPC listening/, 60_000);
      grpc.push(`127.0.0.1:${grpcPort}`);
      const config = testConfig({ SERVE_GRPC_PORT: String(grpcPort), ...env });
      gateways.push(await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all', forceHttp: true }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { pub: gateways.map((g) => g.publicUrl ?? ''), admin: gateways.map((g) => g.adminUrl ?? ''), grpc, cores, close };
}
