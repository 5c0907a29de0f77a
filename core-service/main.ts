/**
 * core-service: `core-service serve [--config file] [--dev]`. Only wiring: config, logger,
 * start, signals.
 */
import { parseArgs } from 'node:util';
import { startCore, type RunningCore } from './app.js';
import { janitorCommand } from './cli/janitor.js';
import { ConfigError, loadConfig } from './shared/config.js';
import { createLogger } from './shared/logger.js';
import { VERSION } from './shared/paths.js';
import { DsnError } from './storage/dsn.js';
import { SchemaNotCurrentError } from './storage/schema.js';

const USAGE = `usage: core-service serve [--config tessera.yaml] [--dev] [--dangerous-allow-insecure-grpc] [--dangerous-allow-unauthenticated-grpc]
       core-service janitor [DSN] [--read-from-env] [--tokens] [--requests] [--grants] … (see core-service janitor --help)

  --config FILE  YAML configuration with Hydra's keys; environment variables override it
  --dev          development mode: on SQLite, applies pending migrations at start
  --dangerous-allow-insecure-grpc
                 serve plaintext gRPC on a non-loopback serve.grpc.host (only where a mesh or
                 private network encrypts the traffic)
  --dangerous-allow-unauthenticated-grpc
                 admit gRPC calls without an API key or client certificate of serve.grpc.callers
                 (every process that reaches the port may call every service)`;

async function main(): Promise<void> {
  if (process.argv[2] === 'janitor') {
    process.exit(await janitorCommand(process.argv.slice(3), { out: process.stdout, err: process.stderr, env: process.env }));
  }
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      dev: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      'dangerous-allow-insecure-grpc': { type: 'boolean' },
      'dangerous-allow-unauthenticated-grpc': { type: 'boolean' },
      // Accepted so Hydra command lines keep working; Tessera sends no usage statistics.
      'sqa-opt-out': { type: 'boolean' },
    },
  });
  if (values.help || positionals[0] !== 'serve') {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }

  const config = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    overrides: {
      dev: values.dev ? 'true' : undefined,
      'serve.grpc.allow_insecure_non_loopback': values['dangerous-allow-insecure-grpc'] ? 'true' : undefined,
      'serve.grpc.allow_unauthenticated': values['dangerous-allow-unauthenticated-grpc'] ? 'true' : undefined,
    },
  });
  const logger = createLogger('core-service', config.log);
  logger.info({ version: VERSION }, 'starting core-service');
  const migrate = config.dev && (config.dsn.startsWith('sqlite') || config.dsn.startsWith('memory'));
  // Signals are handled from the first moment: a SIGTERM while the core is still starting (waiting
  // for the database, migrating) must stop it cleanly, not kill it with the default action.
  let core: RunningCore | undefined;
  let stopping = false;
  const shutdown = (running: RunningCore) =>
    running.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight calls');
    if (core) void shutdown(core);
    else if (!starting) process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  let starting = true;
  // A pool that cannot heal (storage/pool-watch.ts): exit 1, so Kubernetes, compose or systemd
  // starts a fresh core. A database outage never gets here; core waits for it NOT_SERVING.
  core = await startCore({ config, logger, migrate, onStuckPool: () => process.exit(1) });
  starting = false;
  if (stopping) await shutdown(core);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DsnError || err instanceof SchemaNotCurrentError) {
    console.error(`core-service: ${err.message}`);
  } else {
    console.error(`core-service: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});
