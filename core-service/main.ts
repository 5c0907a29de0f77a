/**
 * core-service: `core-service serve [--config file] [--dev]`. Only wiring: config, logger,
 * start, signals.
 */
import { parseArgs } from 'node:util';
import { startCore } from './app.js';
import { ConfigError, loadConfig } from './shared/config.js';
import { createLogger } from './shared/logger.js';
import { VERSION } from './shared/paths.js';
import { DsnError } from './storage/dsn.js';
import { SchemaNotCurrentError } from './storage/schema.js';

const USAGE = `usage: core-service serve [--config tessera.yaml] [--dev]

  --config FILE  YAML configuration with Hydra's keys; environment variables override it
  --dev          development mode: on SQLite, applies pending migrations at start`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, dev: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals[0] !== 'serve') {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }

  const config = loadConfig({ ...(values.config ? { file: values.config } : {}), overrides: values.dev ? { dev: 'true' } : {} });
  const logger = createLogger('core-service', config.log);
  logger.info({ version: VERSION }, 'starting core-service');
  const migrate = config.dev && (config.dsn.startsWith('sqlite') || config.dsn.startsWith('memory'));
  const core = await startCore({ config, logger, migrate });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight calls');
    core.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DsnError || err instanceof SchemaNotCurrentError) {
    console.error(`core-service: ${err.message}`);
  } else {
    console.error(`core-service: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});
