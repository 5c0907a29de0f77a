import { OAuthError } from '../shared/errors.js';
import { type Context } from './context.js';

/** fosite looks the client up by whatever client_id says, so a missing one is an unknown client too. */
const UNKNOWN_CLIENT = 'The requested OAuth 2.0 Client does not exist.';

export function checkClient(ctx: Context): Promise<void> {
  const clientId = ctx.raw.get('client_id') ?? '';
  if (clientId === '') return Promise.reject(new OAuthError('invalid_client', { hint: UNKNOWN_CLIENT, debug: 'The "client_id" parameter is missing.' }));
  return ctx.deps.getClient(clientId).then((client) => {
    if (!client) {
      throw new OAuthError('invalid_client', { hint: UNKNOWN_CLIENT });
    }
    ctx.client = client;
    ctx.params.client_id = clientId;
  });
}
