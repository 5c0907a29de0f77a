/**
 * Who may call core (`serve.grpc.callers`). Every Tessera RPC hands out or changes secrets
 * (client secrets, signing keys, tokens), so a caller must say who it is, and may call only the
 * services its entry names: the gateway all of them, a billing service only introspection.
 *
 *   `authorization: Bearer <key>` metadata → the caller whose api_key_hash is SHA-256(key);
 *                                            an unknown or malformed key is UNAUTHENTICATED
 *   else a mutual-TLS client certificate   → the caller whose certificate_name is its subject CN
 *                                            or one of its DNS/URI subjectAltNames
 *   else                                   → anonymous: UNAUTHENTICATED, unless the port is
 *                                            open (dev mode without callers, or
 *                                            serve.grpc.allow_unauthenticated)
 *   a known caller, service not in its list → PERMISSION_DENIED
 *
 * Health and reflection stay open to everyone: orchestrators probe health without credentials
 * and grpcurl discovers the API through reflection; neither reveals or changes any state.
 *
 * Keys are compared by SHA-256, not by a slow password hash: they are long random values
 * (core.api_key demands 32+ characters, `openssl rand -hex 32` gives 256 bits), so the hash
 * cannot be inverted by guessing, while PBKDF2 or bcrypt would add milliseconds of CPU to every
 * call the gateway makes. The digests are compared in constant time against every caller.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { ServerInterceptingCall, status, type Metadata, type ServerInterceptor, type ServiceDefinition } from '@grpc/grpc-js';
import { ClientServiceService } from '../../proto/gen/tessera/v1/clients.js';
import { CredentialServiceService } from '../../proto/gen/tessera/v1/credentials.js';
import { FlowServiceService } from '../../proto/gen/tessera/v1/flows.js';
import { IntrospectionServiceService } from '../../proto/gen/tessera/v1/introspection.js';
import { JanitorServiceService } from '../../proto/gen/tessera/v1/janitor.js';
import { JwkServiceService } from '../../proto/gen/tessera/v1/keys.js';
import { OAuth2ServiceService } from '../../proto/gen/tessera/v1/oauth2.js';
import { DeviceServiceService } from '../../proto/gen/tessera/v1/device.js';
import { RegistrationServiceService } from '../../proto/gen/tessera/v1/registration.js';
import { ConfigError, type Config, type GrpcCaller } from '../shared/config.js';
import { OAuthError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { toServiceError } from './errors.js';
import type { GrpcSecurity } from './transport.js';
import type { GrpcMetrics } from './unary.js';

/** `tessera.v1.ClientService` from the generated definition's method paths (`/tessera.v1.ClientService/GetClient`). */
function serviceName(definition: ServiceDefinition): string {
  const [first] = Object.values(definition);
  return first?.path.split('/')[1] ?? '';
}

/** The services a `serve.grpc.callers` entry may name, as the proto declares them. */
export const TESSERA_SERVICES: readonly string[] = [
  ClientServiceService,
  JwkServiceService,
  OAuth2ServiceService,
  IntrospectionServiceService,
  JanitorServiceService,
  FlowServiceService,
  RegistrationServiceService,
  CredentialServiceService,
  DeviceServiceService,
].map(serviceName);

/** Open to every caller: probes and grpcurl need them, and they hold nothing secret. */
const OPEN_SERVICES = new Set(['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);

const ALL = '*';

/** How the port treats a call without credentials; logged at start. */
export type CallerMode = 'enforced' | 'open';

export interface CallerPolicy {
  mode: CallerMode;
  /** Why an open port is open, for the start log. */
  openBecause?: 'dev mode without serve.grpc.callers' | 'serve.grpc.allow_unauthenticated';
  /** The configured callers' names (never their keys). */
  callers: string[];
  /** Decides one call to `service`; undefined means it may proceed. */
  check(service: string, metadata: Metadata, peer: PeerCertificate | undefined): Refusal | undefined;
}

export interface Refusal {
  error: OAuthError;
  /** The caller's name when it was identified (PERMISSION_DENIED). */
  caller?: string;
}

const HOW_TO =
  'Configure serve.grpc.callers (env SERVE_GRPC_CALLERS): a list of {name, api_key_hash: "sha256:<hex>" and/or certificate_name, services}, ' +
  'and give the gateway its key with core.api_key (env CORE_API_KEY) or its client certificate with core.tls.*; ' +
  'or set serve.grpc.allow_unauthenticated: true (env SERVE_GRPC_ALLOW_UNAUTHENTICATED, flag --dangerous-allow-unauthenticated-grpc) ' +
  'to let every process that reaches the port call every service.';

/**
 * Checks `serve.grpc.callers` against the running core (service names exist, certificate names
 * need mutual TLS, no key or certificate names two callers) and decides the mode. Throws
 * ConfigError naming the keys when core would serve an open port outside dev mode.
 */
export function callerPolicy(grpc: Config['serve']['grpc'], opts: { dev: boolean; security: GrpcSecurity }): CallerPolicy {
  const { callers } = grpc;
  const seenHashes: Buffer[] = [];
  const seenCertificates = new Set<string>();
  for (const caller of callers) {
    for (const service of caller.services) {
      if (service !== ALL && !TESSERA_SERVICES.includes(service)) {
        throw new ConfigError(`serve.grpc.callers: caller "${caller.name}" names the unknown service "${service}"; known: ${TESSERA_SERVICES.join(', ')}, or * for all`);
      }
    }
    if (caller.certificateName !== undefined) {
      if (opts.security !== 'mutual-tls') {
        throw new ConfigError(
          `serve.grpc.callers: caller "${caller.name}" is identified by certificate_name, but core does not ask for client certificates; ` +
            'set serve.grpc.tls.client_ca.path (env SERVE_GRPC_TLS_CLIENT_CA_PATH) with serve.grpc.tls.cert.path and key.path',
        );
      }
      if (seenCertificates.has(caller.certificateName)) throw new ConfigError(`serve.grpc.callers: two callers have certificate_name "${caller.certificateName}"`);
      seenCertificates.add(caller.certificateName);
    }
    const hash = caller.apiKeySha256;
    if (hash !== undefined) {
      if (seenHashes.some((seen) => seen.equals(hash))) throw new ConfigError(`serve.grpc.callers: caller "${caller.name}" has the same api_key_hash as another caller`);
      seenHashes.push(hash);
    }
  }

  let mode: CallerMode = 'enforced';
  let openBecause: CallerPolicy['openBecause'];
  if (grpc.allowUnauthenticated) {
    mode = 'open';
    openBecause = 'serve.grpc.allow_unauthenticated';
  } else if (callers.length === 0) {
    if (!opts.dev) throw new ConfigError(`core gRPC has no caller authorization: any process that reaches it could create clients and read signing keys. ${HOW_TO}`);
    mode = 'open';
    openBecause = 'dev mode without serve.grpc.callers';
  }

  return {
    mode,
    ...(openBecause ? { openBecause } : {}),
    callers: callers.map((c) => c.name),
    check(service, metadata, peer) {
      const identified = identify(callers, metadata, peer);
      if (identified === 'bad key') return { error: unauthenticated('The API key is not known to core.') };
      if (identified === 'malformed') return { error: unauthenticated('Send the API key as "authorization: Bearer <key>" metadata, once.') };
      if (identified === undefined) {
        if (mode === 'open') return undefined;
        return { error: unauthenticated('Core requires an API key ("authorization: Bearer <key>" metadata) or a client certificate of a configured caller.') };
      }
      if (identified.services.includes(ALL) || identified.services.includes(service)) return undefined;
      return {
        caller: identified.name,
        error: new OAuthError('request_forbidden', { hint: `The caller "${identified.name}" may not call ${service}.` }),
      };
    },
  };
}

/** Trailer set on every refusal by the caller check (and on nothing else). */
export const CALLER_REFUSED_TRAILER = 'tessera-caller-refused';

const unauthenticated = (hint: string) => new OAuthError('request_unauthorized', { hint });

/** RFC 6750 §2.1's syntax, as gRPC's own bearer credentials send it. */
const BEARER = /^Bearer +([\x21-\x7e]+)$/i;

/** The caller a call's credentials name; a presented key that is not known is never ignored. */
function identify(callers: GrpcCaller[], metadata: Metadata, peer: PeerCertificate | undefined): GrpcCaller | 'bad key' | 'malformed' | undefined {
  const sent = metadata.get('authorization');
  if (sent.length > 0) {
    const key = sent.length === 1 && typeof sent[0] === 'string' ? BEARER.exec(sent[0])?.[1] : undefined;
    if (key === undefined) return 'malformed';
    // The one-shot hash: a Hash object per call showed in the full-login profile (issue 10).
    const digest = hash('sha256', key, 'buffer');
    let found: GrpcCaller | undefined;
    // Every hash is compared, so the time taken does not say which entry (if any) matched.
    for (const caller of callers) {
      if (caller.apiKeySha256 !== undefined && timingSafeEqual(caller.apiKeySha256, digest)) found = caller;
    }
    return found ?? 'bad key';
  }
  if (peer === undefined) return undefined;
  const names = certificateNames(peer);
  return callers.find((c) => c.certificateName !== undefined && names.includes(c.certificateName));
}

/** The subject CN plus the DNS and URI subjectAltNames (SPIFFE IDs are URIs) of a verified peer. */
function certificateNames(peer: PeerCertificate): string[] {
  const names: string[] = [];
  const cn = peer.subject?.CN;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...(cn as string[]));
  // Node's format: `DNS:gateway, URI:spiffe://example.org/gateway, IP Address:10.0.0.1`.
  for (const entry of (peer.subjectaltname ?? '').split(', ')) {
    const match = /^(DNS|URI):(.*)$/.exec(entry);
    if (match?.[2]) names.push(match[2].replace(/^"(.*)"$/, '$1'));
  }
  return names;
}

/**
 * A grpc-js server interceptor applying `policy` to every call before its handler runs, open
 * services aside. A refusal is answered like any other core error (errors.ts: the OAuthError
 * trailer), counted in `grpc_server_handled_total`, and logged with the caller's name and
 * address, never with the key.
 */
export function callerInterceptor(policy: CallerPolicy, logger: Logger, metrics: GrpcMetrics | undefined): ServerInterceptor {
  return (method, call) => {
    const [, service = '', rpc = ''] = method.path.split('/');
    if (OPEN_SERVICES.has(service)) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, proceed) => {
            const refusal = policy.check(service, metadata, call.getAuthContext().sslPeerCertificate);
            if (refusal === undefined) {
              proceed(metadata);
              return;
            }
            const err = toServiceError(refusal.error, logger, method.path);
            // Marks the refusal as core's caller check, so the gateway can tell its own rejected
            // credentials from a flow's request_unauthorized (an expired challenge is also 401).
            err.metadata.set(CALLER_REFUSED_TRAILER, '1');
            const labels = { grpc_service: service, grpc_method: rpc, grpc_code: status[err.code] };
            metrics?.grpcHandled.inc(labels);
            metrics?.grpcHandlingSeconds.observe(labels, 0);
            logger.warn({ grpc_method: method.path, caller: refusal.caller ?? null, peer: call.getPeer(), reason: refusal.error.hint }, 'gRPC call refused');
            call.sendStatus({ code: err.code, details: err.details, metadata: err.metadata });
          },
        }),
    });
  };
}
