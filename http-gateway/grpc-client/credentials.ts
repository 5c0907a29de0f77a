/**
 * The gateway's credentials for the channel to core (`core.tls.*`): TLS verifying core's
 * certificate against `core.tls.ca.path`, plus a client certificate when core demands mutual
 * TLS. Without any `core.tls` key the channel is plaintext, which core only accepts on
 * loopback unless its operator forced otherwise (core-service/grpc/transport.ts). Core knows
 * the gateway as a caller (core-service/grpc/callers.ts) by that certificate or by the API key
 * in `core.api_key`, which every call carries as `authorization: Bearer` metadata.
 */
import { readFileSync } from 'node:fs';
import type { SecureClientSessionOptions } from 'node:http2';
import { createSecureContext } from 'node:tls';
import type { CoreClientTls } from '../../core-service/shared/config.js';
import { TlsConfigError } from '../tls.js';

export interface CoreChannelSecurity {
  /** node:tls options for the session to core; undefined for plaintext. */
  tls?: SecureClientSessionOptions;
  /**
   * core.tls.server_name: the name core's certificate is checked against (and sent as SNI and
   * `:authority`), when it differs from the address dialled.
   */
  serverName?: string;
}

function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsConfigError(`${key} cannot be read at ${path}: ${(err as Error).message}`);
  }
}

/** Builds the channel credentials; throws TlsConfigError naming the `core.tls.*` key at fault. */
export function coreChannelSecurity(tls: CoreClientTls): CoreChannelSecurity {
  if (!tls.caPath && !tls.certPath && !tls.keyPath) {
    return {};
  }
  if (Boolean(tls.certPath) !== Boolean(tls.keyPath)) {
    throw new TlsConfigError('core.tls.cert.path and core.tls.key.path (env CORE_TLS_CERT_PATH, CORE_TLS_KEY_PATH) go together: the client certificate needs its key');
  }
  // Without a CA, core's certificate is checked against the system's trusted roots.
  const ca = tls.caPath ? readPem(tls.caPath, 'core.tls.ca.path') : null;
  const cert = tls.certPath ? readPem(tls.certPath, 'core.tls.cert.path') : null;
  const key = tls.keyPath ? readPem(tls.keyPath, 'core.tls.key.path') : null;
  try {
    // Fail at start, naming the problem, rather than on the first call.
    createSecureContext({ ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) });
  } catch (err) {
    throw new TlsConfigError(`core.tls: the CA, certificate or key is unusable: ${(err as Error).message}`);
  }
  // node:tls checks the certificate against `servername` when one is given, else the host dialled.
  const options: SecureClientSessionOptions = { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}), ...(tls.serverName ? { servername: tls.serverName } : {}) };
  return tls.serverName ? { tls: options, serverName: tls.serverName } : { tls: options };
}

/** Trailer core sets when its caller check refused the call (core-service/grpc/callers.ts). */
export const CALLER_REFUSED_TRAILER = 'tessera-caller-refused';

/** The metadata key core reads a caller's API key from (`Bearer <key>`, as gRPC's own token credentials send it). */
export const AUTHORIZATION_METADATA = 'authorization';
