/**
 * RFC 7009 token revocation. The client is authenticated by the caller; an unknown token
 * succeeds (§2.2); a token of another client is refused (§2.1). Revoking either token of a
 * grant revokes the whole family (access and refresh), in one statement.
 */
import type { StoredClient } from '../clients/client.js';
import { OAuthError } from '../shared/errors.js';
import type { TokenLookup } from './lookup.js';
import type { TokenStore } from './store.js';

export function createRevoker(deps: { lookup: TokenLookup; store: Pick<TokenStore, 'revokeRequest' | 'revokeClient'> }) {
  return {
    async revoke(client: StoredClient, token: string): Promise<void> {
      if (token === '') throw new OAuthError('invalid_request', { hint: 'The "token" parameter is missing.' });
      const found = await deps.lookup.find(token);
      if (!found) return;
      if (found.record.client_id !== client.client_id) {
        throw new OAuthError('unauthorized_client', { hint: 'The token was not issued to the client making the revocation request.' });
      }
      await deps.store.revokeRequest(found.record.request_id);
    },

    /** `DELETE /admin/oauth2/tokens?client_id=`: every token of a client. */
    async revokeClient(clientId: string): Promise<void> {
      if (clientId === '') throw new OAuthError('invalid_request', { hint: 'The "client_id" parameter is missing.' });
      await deps.store.revokeClient(clientId);
    },
  };
}

export type Revoker = ReturnType<typeof createRevoker>;
