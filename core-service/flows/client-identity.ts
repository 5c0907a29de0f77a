/**
 * Whether the authorization server can be sure which application receives the response, so a
 * consent remembered for the client may be applied without asking again.
 *
 * RFC 6749 §10.2 and RFC 8252 §8.6: without client authentication, the server SHOULD NOT process
 * a repeated authorization automatically unless the client's identity is assured; a claimed
 * `https` redirect may serve as that proof. Any app on the device can register a private-use
 * scheme or listen on a loopback port, so those redirects prove nothing. (Hydra applies the rule
 * too, but still lets `http` loopback redirects skip; RFC 8252 §8.6 does not, and neither do we.)
 */
import type { StoredClient } from '../clients/client.js';
import { isLoopbackHost } from '../shared/uris.js';

/** True unless a public client's redirect URI is a private-use scheme or a loopback address. */
export function clientIdentityAssured(client: StoredClient, redirectUri: string): boolean {
  if (client.token_endpoint_auth_method !== 'none') return true;
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && !isLoopbackHost(url.hostname);
}
