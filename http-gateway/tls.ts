/**
 * Decides whether the gateway serves HTTPS and with which certificate. HTTPS is the default;
 * plain HTTP needs an explicit `--dangerous-force-http` (or dev mode), because OAuth 2.0 over
 * plaintext leaks codes and tokens (RFC 6749 §10.3–10.5, RFC 9700 §4.x).
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { ServeTls, TlsSource } from '../core-service/shared/config.js';

/** PEM key and certificate (chain) for node's https server. */
export interface TlsMaterial {
  key: string;
  cert: string;
}

/** The gateway cannot start: no usable certificate and plain HTTP not allowed. */
export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

const HOW_TO =
  'Provide a certificate with HTTPS_TLS_CERT_PATH and HTTPS_TLS_KEY_PATH (or inline PEM in HTTPS_TLS_CERT and HTTPS_TLS_KEY, ' +
  'or the flags --https-tls-cert-path and --https-tls-key-path), or, behind a TLS-terminating proxy, set serve.tls.allow_termination_from to its networks ' +
  '(or pass --dangerous-force-http, or set serve.tls.enabled to false, to serve plain HTTP to anyone).';

/** Inline values may be PEM or base64 of a PEM (Hydra accepts both). */
function pemOf(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  return Buffer.from(value, 'base64').toString('utf8');
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TlsConfigError(`cannot read the TLS ${what} at ${path}: ${(err as Error).message}`);
  }
}

/** Resolves `serve.tls` into PEM material, or undefined when none is configured. */
export function loadTls(source: TlsSource): TlsMaterial | undefined {
  const cert = source.certPem ? pemOf(source.certPem) : source.certPath ? readPem(source.certPath, 'certificate') : undefined;
  const key = source.keyPem ? pemOf(source.keyPem) : source.keyPath ? readPem(source.keyPath, 'key') : undefined;
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new TlsConfigError(`a TLS ${cert === undefined ? 'certificate' : 'key'} is missing: both are needed. ${HOW_TO}`);
  }
  try {
    // Fail at start, naming the problem, rather than on the first handshake.
    createSecureContext({ key, cert });
  } catch (err) {
    throw new TlsConfigError(`the TLS certificate or key is unusable: ${(err as Error).message}`);
  }
  return { key, cert };
}

/**
 * How the listeners serve: `{ tls }` for HTTPS, `{ tls: undefined, reason }` for plain HTTP:
 * `forced` (--dangerous-force-http), `disabled` (serve.tls.enabled: false), `dev`, or
 * `terminated` (serve.tls.allow_termination_from: only a trusted proxy's requests are served), or
 * `socket` (a unix socket listener, decided by app.ts).
 */
export type TransportDecision = { tls: TlsMaterial } | { tls: undefined; reason: 'forced' | 'disabled' | 'dev' | 'terminated' | 'socket' };

/**
 * HTTPS when a certificate is configured; otherwise plain HTTP only when forced, turned off by
 * configuration, terminated by a proxy from listed networks, or in dev mode.
 * Throws TlsConfigError telling the operator how to provide a certificate.
 */
export function decideTransport(source: ServeTls, opts: { forceHttp: boolean; dev: boolean }): TransportDecision {
  if (opts.forceHttp) return { tls: undefined, reason: 'forced' };
  if (!source.enabled) return { tls: undefined, reason: 'disabled' };
  const tls = loadTls(source);
  if (tls) return { tls };
  if (source.allowTerminationFrom.length > 0) return { tls: undefined, reason: 'terminated' };
  if (opts.dev) return { tls: undefined, reason: 'dev' };
  throw new TlsConfigError(`no TLS certificate is configured, so the gateway refuses to serve plain HTTP. ${HOW_TO}`);
}
