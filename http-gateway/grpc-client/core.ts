/**
 * The gateway's one connection to core: a single gRPC channel shared by every service client,
 * so all calls multiplex over one HTTP/2 connection and close together.
 */
import { Channel, Client } from '@grpc/grpc-js';
import type { CoreClientTls } from '../../core-service/shared/config.js';
import { ClientServiceClient } from '../../proto/gen/tessera/v1/clients.js';
import { CredentialServiceClient } from '../../proto/gen/tessera/v1/credentials.js';
import { IntrospectionServiceClient } from '../../proto/gen/tessera/v1/introspection.js';
import { JwkServiceClient } from '../../proto/gen/tessera/v1/keys.js';
import { FlowServiceClient } from '../../proto/gen/tessera/v1/flows.js';
import { DeviceServiceClient } from '../../proto/gen/tessera/v1/device.js';
import { OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { RegistrationServiceClient } from '../../proto/gen/tessera/v1/registration.js';
import { TrustServiceClient } from '../../proto/gen/tessera/v1/trust.js';
import { apiKeyInterceptor, coreChannelSecurity } from './credentials.js';
import { checkHealth, type ServingStatus } from './health-check.js';
import type { CallContext } from './call.js';

/** The service clients routes use, plus the channel's lifecycle. */
export interface CoreConnection {
  clients: ClientServiceClient;
  keys: JwkServiceClient;
  oauth2: OAuth2ServiceClient;
  flows: FlowServiceClient;
  device: DeviceServiceClient;
  introspection: IntrospectionServiceClient;
  registration: RegistrationServiceClient;
  credentials: CredentialServiceClient;
  trust: TrustServiceClient;
  /** grpc.health.v1 Check for the whole server. */
  health(ctx: CallContext): Promise<ServingStatus>;
  close(): void;
}

/** Exported for the tests that hold the gateway to these numbers. */
export const CHANNEL_OPTIONS = {
  // channelz keeps per-call counters and traces for a debugging service nobody queries.
  'grpc.enable_channelz': 0,
  // Reconnect within about half a second once core is back (grpc-js adds ±20% jitter): grpc-js
  // otherwise backs off for up to two minutes, and /health/ready would keep answering 503
  // long after core recovered. Core is one hop away on a private network; a failed attempt
  // costs a refused SYN, so trying twice a second while it is away costs nothing.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 400,
  // A core that vanished without closing the connection (its node died, a partition) is noticed
  // by a ping left unanswered, within keepalive_time + keepalive_timeout (15 s), instead of
  // every call running into its deadline until TCP gives up (about 15 minutes). 10 s is the
  // shortest interval gRPC recommends (gRFC A8); core's grpc-js server accepts it.
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
};

/**
 * Opens the channel to core at `address` (host:port): TLS or mutual TLS per `core.tls`,
 * plaintext without it (core listens on loopback by default, DESIGN.md, Ports), every call
 * carrying `apiKey` when one is given (`core.api_key`). The channel connects lazily on the
 * first call. Throws TlsConfigError for an unreadable certificate.
 */
export function connectCore(address: string, tls: CoreClientTls = {}, apiKey = ''): CoreConnection {
  const security = coreChannelSecurity(tls);
  const creds = security.credentials;
  const channel = new Channel(address, creds, { ...CHANNEL_OPTIONS, ...security.options });
  const shared = { channelOverride: channel, interceptors: apiKey ? [apiKeyInterceptor(apiKey)] : [] };
  const clients = new ClientServiceClient(address, creds, shared);
  const generic = new Client(address, creds, shared);
  return {
    clients,
    keys: new JwkServiceClient(address, creds, shared),
    oauth2: new OAuth2ServiceClient(address, creds, shared),
    flows: new FlowServiceClient(address, creds, shared),
    device: new DeviceServiceClient(address, creds, shared),
    introspection: new IntrospectionServiceClient(address, creds, shared),
    registration: new RegistrationServiceClient(address, creds, shared),
    credentials: new CredentialServiceClient(address, creds, shared),
    trust: new TrustServiceClient(address, creds, shared),
    health: (ctx) => checkHealth(generic, '', ctx),
    close: () => channel.close(),
  };
}
