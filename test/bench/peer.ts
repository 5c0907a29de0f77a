/**
 * The benchmark's peer (issue 11): panva's oidc-provider with its in-memory adapter and one
 * client_credentials client, serving `/token` and `/token/introspection` on loopback. run.ts
 * measures it with the same load generator and settings right after Tessera, in the same run,
 * and prints Tessera/peer ratios: on a shared machine absolute numbers drift, ratios hold.
 *
 * @example node --import tsx test/bench/peer.ts '{"port":4450,"clientId":"bench","clientSecret":"…"}'
 */
import Provider from 'oidc-provider';
import { PEER_READY_LINE, specFromArgv } from './load-result.js';

export interface PeerSpec {
  port: number;
  clientId: string;
  clientSecret: string;
}

const spec = specFromArgv<PeerSpec>("usage: peer.ts '<PeerSpec as JSON>'");
const provider = new Provider(`http://127.0.0.1:${spec.port}`, {
  clients: [
    {
      client_id: spec.clientId,
      client_secret: spec.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'read',
    },
  ],
  scopes: ['read'],
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
  },
});
provider.listen(spec.port, '127.0.0.1', () => process.stdout.write(`${PEER_READY_LINE}\n`));
