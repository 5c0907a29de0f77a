/**
 * `tessera-gateway serve all|public|admin [--config file] [--dev] [--dangerous-force-http]
 *   [--https-tls-cert-path file --https-tls-key-path file]`
 * (`tessera-gateway host …` is Hydra 1.x's spelling of `serve all`.)
 * Wiring only: arguments → config → logger → startGateway → signals.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../core-service/shared/config.js';
import { createLogger } from '../core-service/shared/logger.js';
import { startGateway, type RunningGateway, type ServeTarget } from './app.js';
import { TlsConfigError } from './tls.js';

const USAGE =
  'usage: tessera-gateway serve all|public|admin (or host, for serve all) [--config file] [--dev] [--dangerous-force-http] ' +
  '[--https-tls-cert-path file --https-tls-key-path file]';
const isServeTarget = (value: string | undefined): value is ServeTarget => value === 'all' || value === 'public' || value === 'admin';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        dev: { type: 'boolean' },
        'dangerous-force-http': { type: 'boolean' },
        'https-tls-cert-path': { type: 'string' },
        'https-tls-key-path': { type: 'string' },
        // Accepted so Hydra command lines keep working; Tessera sends no usage statistics.
        'sqa-opt-out': { type: 'boolean' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`);
  }
}

const { values, positionals } = parse();
const [command, target] = positionals;
// `host`: Hydra 1.x's spelling of `serve all`, still in its FAQ (`hydra host --dangerous-force-http`).
const legacyHost = command === 'host' && positionals.length === 1;
if (!legacyHost && (command !== 'serve' || !isServeTarget(target) || positionals.length > 2)) fail(USAGE);
const serve: ServeTarget = legacyHost ? 'all' : (target as ServeTarget);

function readConfig(): Config {
  try {
    return loadConfig({
      file: values.config,
      overrides: {
        dev: values.dev ? 'true' : undefined,
        'https.tls.cert.path': values['https-tls-cert-path'],
        'https.tls.key.path': values['https-tls-key-path'],
      },
    });
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid configuration: ${err.message}`);
    throw err;
  }
}

const config = readConfig();
const logger = createLogger('http-gateway', config.log);

async function start(): Promise<RunningGateway> {
  try {
    return await startGateway({ config, logger, serve, forceHttp: values['dangerous-force-http'] ?? false });
  } catch (err) {
    if (err instanceof TlsConfigError) fail(err.message);
    logger.fatal({ err }, 'the gateway could not start');
    process.exit(1);
  }
}

// Handlers go in before the listeners open, so a signal during start-up still shuts down cleanly.
const running = start();
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  running
    // Readiness answers 503 at once; the listeners keep serving for serve.shutdown.drain_delay so
    // load balancers notice before the port closes, then in-flight requests finish (bounded).
    .then((gateway) => gateway.close({ drainDelayMs: config.serve.shutdown.drainDelay }))
    .then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// SIGHUP rotates the HTTPS certificate in place (tls-reload.ts), as nginx and Hydra operators expect.
process.on('SIGHUP', () => void running.then((gateway) => gateway.reloadTls('SIGHUP')));
await running;
