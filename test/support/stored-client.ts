/**
 * Writes a client's fields straight into the database, past every validation: how a client
 * registered before a rule existed looks to the running server.
 */
import type { StoredClient } from '../../core-service/clients/client.js';
import { SqlClientStore } from '../../core-service/storage/client-store.js';
import { parseDsn } from '../../core-service/storage/dsn.js';
import { closeOrm, openOrm } from '../../core-service/storage/orm.js';

/** Overwrites `changes` on the stored client `clientId` through its own connection to `dsn`. */
export async function overwriteStoredClient(dsn: string, clientId: string, changes: Partial<StoredClient>): Promise<void> {
  const orm = await openOrm(parseDsn(dsn));
  try {
    const store = new SqlClientStore(orm);
    const stored = await store.get(clientId);
    if (!stored) throw new Error(`no stored client ${clientId}`);
    if (!(await store.update({ ...stored, ...changes }))) throw new Error(`client ${clientId} was not updated`);
  } finally {
    await closeOrm(orm);
  }
}
