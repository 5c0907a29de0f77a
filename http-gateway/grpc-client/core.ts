/**
 * The gateway's one connection to core: a single HTTP/2 session (http2-channel.ts) shared by
 * every service client, so all calls multiplex over one connection and close together. The
 * service clients are the generated grpc-js client types, so routes call them as they always
 * did (`call(ctx, oauth2.token.bind(oauth2), request)`, call.ts).
 */
import { Metadata, type CallOptions } from '@grpc/grpc-js';
import type { CoreClientTls } from '../../core-service/shared/config.js';
import { ClientServiceService, type ClientServiceClient } from '../../proto/gen/tessera/v1/clients.js';
import { CredentialServiceService, type CredentialServiceClient } from '../../proto/gen/tessera/v1/credentials.js';
import { IntrospectionServiceService, type IntrospectionServiceClient } from '../../proto/gen/tessera/v1/introspection.js';
import { JwkServiceService, type JwkServiceClient } from '../../proto/gen/tessera/v1/keys.js';
import { FlowServiceService, type FlowServiceClient } from '../../proto/gen/tessera/v1/flows.js';
import { DeviceServiceService, type DeviceServiceClient } from '../../proto/gen/tessera/v1/device.js';
import { OAuth2ServiceService, type OAuth2ServiceClient } from '../../proto/gen/tessera/v1/oauth2.js';
import { RegistrationServiceService, type RegistrationServiceClient } from '../../proto/gen/tessera/v1/registration.js';
import { TrustServiceService, type TrustServiceClient } from '../../proto/gen/tessera/v1/trust.js';
import { coreChannelSecurity } from './credentials.js';
import { checkHealth, type ServingStatus } from './health-check.js';
import { Http2Channel, type Callback, type Deserialize, type Serialize } from './http2-channel.js';
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

/** One method of a generated ts-proto ServiceDefinition (what a unary call needs of it). */
interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: Serialize<never>;
  responseDeserialize: Deserialize<unknown>;
}

/** A generated method's deadline option (grpc-js's Deadline: a Date or a Date.now() timestamp). */
function deadlineOf(options: Partial<CallOptions> | undefined): number {
  const deadline = options?.deadline;
  return deadline === undefined ? Infinity : typeof deadline === 'number' ? deadline : deadline.getTime();
}

/**
 * A service client of the generated type whose methods run over `channel`. Only the methods
 * exist, in every form grpc-js generates (`(request, [metadata], [options], callback)`); the
 * grpc-js Client's own members (getChannel, waitForReady, close) do not, and the gateway uses
 * none of them: the channel's lifecycle is CoreConnection's. Every tessera.v1 RPC is unary.
 */
function serviceClient<Client>(channel: Http2Channel, service: Record<string, MethodDefinition>): Client {
  const client: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service)) {
    if (method.requestStream || method.responseStream) throw new Error(`${method.path} streams; the gateway's channel to core carries unary calls only`);
    client[name] = (request: never, a?: unknown, b?: unknown, c?: unknown): void => {
      const metadata = a instanceof Metadata ? a : new Metadata();
      const rest = a instanceof Metadata ? [b, c] : [a, b];
      const callback = (typeof rest[0] === 'function' ? rest[0] : rest[1]) as Callback<unknown>;
      const options = typeof rest[0] === 'function' ? undefined : (rest[0] as Partial<CallOptions> | undefined);
      channel.unary(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, deadlineOf(options), callback);
    };
  }
  // The generated type describes these methods exactly (see above); its Client members are not used.
  return client as Client;
}

/**
 * Opens the channel to core at `address` (host:port): TLS or mutual TLS per `core.tls`,
 * plaintext without it (core listens on loopback by default, DESIGN.md, Ports), every call
 * carrying `apiKey` when one is given (`core.api_key`). The channel connects lazily on the
 * first call. Throws TlsConfigError for an unreadable certificate.
 */
export function connectCore(address: string, tls: CoreClientTls = {}, apiKey = ''): CoreConnection {
  const security = coreChannelSecurity(tls);
  const channel = new Http2Channel({
    address,
    ...(security.tls ? { tls: security.tls } : {}),
    ...(security.serverName ? { authority: security.serverName } : {}),
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  });
  return {
    clients: serviceClient<ClientServiceClient>(channel, ClientServiceService),
    keys: serviceClient<JwkServiceClient>(channel, JwkServiceService),
    oauth2: serviceClient<OAuth2ServiceClient>(channel, OAuth2ServiceService),
    flows: serviceClient<FlowServiceClient>(channel, FlowServiceService),
    device: serviceClient<DeviceServiceClient>(channel, DeviceServiceService),
    introspection: serviceClient<IntrospectionServiceClient>(channel, IntrospectionServiceService),
    registration: serviceClient<RegistrationServiceClient>(channel, RegistrationServiceService),
    credentials: serviceClient<CredentialServiceClient>(channel, CredentialServiceService),
    trust: serviceClient<TrustServiceClient>(channel, TrustServiceService),
    health: (ctx) => checkHealth(channel, '', ctx),
    close: () => channel.close(),
  };
}
