/**
 * Minting a user grant (access, refresh and ID token) without the browser flow: a registry
 * built in this process on the cluster's database calls the GrantTokenIssuer as the code grant
 * would after consent. The tokens then go to the cluster over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import type { StoredClient } from '../../core-service/clients/client.js';
import { buildRegistry, type Registry } from '../../core-service/registry.js';
import type { Config } from '../../core-service/shared/config.js';
import { SqlClientStore } from '../../core-service/storage/client-store.js';
import { parseDsn } from '../../core-service/storage/dsn.js';
import { closeOrm, openOrm } from '../../core-service/storage/orm.js';
import type { GrantSession } from '../../core-service/oauth2/grant-session.js';
import type { IssueForGrant } from '../../core-service/tokens/grant-issuer.js';
import type { TokenResponseBody } from '../../core-service/oauth2/token-response.js';
import { testLogger } from './cluster.js';

export interface InProcessRegistry {
  registry: Registry;
  /** The stored client (with secret hashes), as grants receive it. */
  client(clientId: string): Promise<StoredClient>;
  close(): Promise<void>;
}

/** A registry on `config.dsn` (already migrated by the cluster); `now` controls its clock. */
export async function inProcessRegistry(config: Config, now?: () => Date): Promise<InProcessRegistry> {
  const orm = await openOrm(parseDsn(config.dsn));
  const registry = buildRegistry({ config, logger: testLogger('test-registry'), orm, ...(now ? { now } : {}) });
  const clients = new SqlClientStore(orm);
  return {
    registry,
    async client(clientId) {
      const client = await clients.get(clientId);
      if (!client) throw new Error(`no client ${clientId}`);
      return client;
    },
    close: () => closeOrm(orm),
  };
}

/** A consented session for `subject` with the given scope; fields overridable. */
export function grantSession(subject: string, scope: string[], over: Partial<GrantSession> = {}): GrantSession {
  return {
    subject,
    obfuscated_subject: '',
    granted_scope: scope,
    granted_audience: [],
    access_token_claims: {},
    id_token_claims: {},
    auth_time: Math.floor(Date.now() / 1000) - 5,
    acr: '0',
    amr: ['pwd'],
    nonce: 'nonce-0123456789',
    sid: randomUUID(),
    consent_challenge_id: randomUUID(),
    ...over,
  };
}

/** Issues the tokens of a new authorization_code grant; refresh/ID token follow the scope. */
export async function issueGrant(
  reg: InProcessRegistry,
  clientId: string,
  session: GrantSession,
  over: Partial<IssueForGrant> = {},
): Promise<TokenResponseBody & { requestId: string }> {
  const requestId = randomUUID();
  const body = await reg.registry.grantTokenIssuer.issue({
    client: await reg.client(clientId),
    session,
    requestId,
    grantType: 'authorization_code',
    refresh: session.granted_scope.includes('offline_access') || session.granted_scope.includes('offline'),
    idToken: session.granted_scope.includes('openid'),
    ...over,
  });
  return { ...body, requestId };
}
