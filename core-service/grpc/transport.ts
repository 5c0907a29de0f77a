/**
 * How core's gRPC listener is secured. Internal callers send tokens and client secrets over
 * this channel (introspection, the token endpoint behind the gateway), so it gets the same
 * rule as the public HTTP side (RFC 6749 §10.3–10.5, RFC 9700 §4.x): plaintext only where no
 * network sits in between, i.e. on a loopback address, unless the operator explicitly opts out.
 *
 *   certificate configured, no client CA → TLS
 *   certificate and client CA            → mutual TLS: callers without a certificate chaining to
 *                                          the client CA fail the handshake
 *   nothing configured, loopback bind    → plaintext
 *   nothing configured, any other bind   → refuse to start, unless allow_insecure_non_loopback
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import { ConfigError, type Config } from '../shared/config.js';
import { isLoopbackHost } from '../shared/uris.js';

/** What the listener speaks; logged at start so operators see it. */
export type GrpcSecurity = 'plaintext' | 'tls' | 'mutual-tls';

export interface GrpcTransport {
  credentials: ServerCredentials;
  security: GrpcSecurity;
}

const HOW_TO =
  'Configure TLS with serve.grpc.tls.cert.path and serve.grpc.tls.key.path (env SERVE_GRPC_TLS_CERT_PATH, SERVE_GRPC_TLS_KEY_PATH; ' +
  'add serve.grpc.tls.client_ca.path for mutual TLS), bind serve.grpc.host to a loopback address, or set ' +
  'serve.grpc.allow_insecure_non_loopback: true (env SERVE_GRPC_ALLOW_INSECURE_NON_LOOPBACK, flag --dangerous-allow-insecure-grpc) ' +
  'when a mesh or private network already encrypts the traffic.';


function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${key} cannot be read at ${path}: ${(err as Error).message}`);
  }
}

/** Inline values may be PEM or base64 of a PEM, as with serve.tls. */
const pem = (value: string): Buffer => Buffer.from(value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8'));

/**
 * Builds the listener's credentials from `serve.grpc`. Throws ConfigError naming the keys when
 * the certificate is incomplete or unusable, or when plaintext would leave the machine.
 */
export function grpcServerTransport(grpc: Config['serve']['grpc']): GrpcTransport {
  const { tls } = grpc;
  const cert = tls.certPem ? pem(tls.certPem) : tls.certPath ? readPem(tls.certPath, 'serve.grpc.tls.cert.path') : undefined;
  const key = tls.keyPem ? pem(tls.keyPem) : tls.keyPath ? readPem(tls.keyPath, 'serve.grpc.tls.key.path') : undefined;

  if (cert === undefined && key === undefined) {
    if (tls.clientCaPath) throw new ConfigError(`serve.grpc.tls.client_ca.path is set but core has no certificate of its own. ${HOW_TO}`);
    if (!isLoopbackHost(grpc.host) && !grpc.allowInsecureNonLoopback) {
      throw new ConfigError(
        `serve.grpc.host (env SERVE_GRPC_HOST) is "${grpc.host}", not a loopback address, and gRPC has no TLS: ` +
          `tokens and client secrets would cross the network in clear text. ${HOW_TO}`,
      );
    }
    return { credentials: ServerCredentials.createInsecure(), security: 'plaintext' };
  }
  if (cert === undefined || key === undefined) {
    throw new ConfigError(`serve.grpc.tls: the ${cert === undefined ? 'certificate' : 'key'} is missing; both are needed. ${HOW_TO}`);
  }
  try {
    // Fail at start, naming the keys, rather than on the first handshake.
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(`serve.grpc.tls: the certificate or key is unusable: ${(err as Error).message}`);
  }
  const clientCa = tls.clientCaPath ? readPem(tls.clientCaPath, 'serve.grpc.tls.client_ca.path') : null;
  const credentials = ServerCredentials.createSsl(clientCa, [{ cert_chain: cert, private_key: key }], clientCa !== null);
  return { credentials, security: clientCa ? 'mutual-tls' : 'tls' };
}
