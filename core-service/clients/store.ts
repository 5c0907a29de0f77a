import type { StoredClient } from './client.js';

export interface ClientPageQuery {
  /** At most this many clients. */
  limit: number;
  /** Only clients whose id sorts after this one (keyset pagination). */
  afterId?: string;
  clientName?: string;
  owner?: string;
}

/**
 * Persistence of clients. One SQL implementation (core-service/storage/client-store.ts);
 * the domain never imports the ORM.
 */
export interface ClientStore {
  /** Inserts a client; rejects with OAuthError `conflict` when the id is taken. */
  create(client: StoredClient): Promise<void>;
  get(clientId: string): Promise<StoredClient | undefined>;
  /** Clients ordered by client_id ascending. */
  list(query: ClientPageQuery): Promise<StoredClient[]>;
  /**
   * Replaces a stored client; false when no client has that id or, with `registrationToken`, when
   * its registration access token is no longer that one (a concurrent rotation won).
   */
  update(client: StoredClient, registrationToken?: string): Promise<boolean>;
  /** Deletes a client; false when no client has that id. */
  delete(clientId: string): Promise<boolean>;
}
