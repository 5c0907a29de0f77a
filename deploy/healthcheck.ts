/**
 * `node dist/deploy/healthcheck.js core|gateway [--liveness] [--config file]`: the container
 * HEALTHCHECK and Kubernetes exec probes of both services. Exit 0 when the program answers
 * ready, 1 otherwise.
 *
 *   core     grpc.health.v1 Check on 127.0.0.1:serve.grpc.port, over TLS / mutual TLS per
 *            core.tls.* (Kubernetes' built-in gRPC probe cannot do TLS, so with TLS this is how
 *            the standard health service gets probed)
 *   core --liveness
 *            the same Check, passing on any answer, SERVING or not: core is alive while it
 *            answers gRPC at all. A database outage makes it not-ready, never not-alive (core
 *            waits the outage out); a pool that cannot heal makes core exit by itself
 *            (db.stuck_pool_timeout); a hung process (an event loop that never returns, a
 *            stopped process) answers nothing and fails this, where a TCP probe would pass,
 *            since the kernel still accepts the connection.
 *   gateway  GET /health/ready on the admin port, https when serve.tls has a certificate
 *
 * It reads the same configuration (file and environment) as the program it checks.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../core-service/shared/config.js';
import { connectCore } from '../http-gateway/grpc-client/core.js';

const TIMEOUT_MS = 3_000;

async function checkCore(config: Config, liveness: boolean): Promise<boolean> {
  // Core may bind 0.0.0.0; the probe runs in the same container, so it dials loopback.
  const core = connectCore(`127.0.0.1:${config.serve.grpc.port}`, config.core.tls);
  try {
    const status = await core.health({ requestId: 'healthcheck', timeoutMs: TIMEOUT_MS });
    return liveness || status === 'SERVING';
  } catch (err) {
    if (liveness) return false;
    throw err;
  } finally {
    core.close();
  }
}

function checkGateway(config: Config): Promise<boolean> {
  const tls = Boolean(config.serve.tls.certPath || config.serve.tls.certPem);
  const send = tls ? httpsRequest : httpRequest;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${config.serve.admin.port}/health/ready`;
  return new Promise((resolve) => {
    // The certificate names the public host, not 127.0.0.1; this probe only asks "are you ready".
    const req = send(url, { timeout: TIMEOUT_MS, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { config: { type: 'string', short: 'c' }, liveness: { type: 'boolean' } } });
const target = positionals[0];
const liveness = values.liveness ?? false;
if ((target !== 'core' && target !== 'gateway') || (liveness && target !== 'core')) {
  process.stderr.write('usage: healthcheck core [--liveness] [--config file] | healthcheck gateway [--config file]\n');
  process.exit(2);
}
try {
  const config = loadConfig(values.config ? { file: values.config } : {});
  const ok = await (target === 'core' ? checkCore(config, liveness) : checkGateway(config));
  const [yes, no] = liveness ? ['alive', 'NOT alive'] : ['ready', 'NOT ready'];
  process.stdout.write(`${target}: ${ok ? yes : no}\n`);
  process.exit(ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`${target}: NOT ready: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
