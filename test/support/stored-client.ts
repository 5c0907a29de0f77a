/**
 * Writes a client's fields straight into the database, past every validation: how a client
 * registered before a rule existed looks to the running server. Storage tests register the
 * clients their rows name here: token and consent rows reference their client (ON DELETE CASCADE).
 */
import type { StoredClient } from '../../core-service/clients/client.js';
import { readClientDocument } from '../../core-service/clients/validation.js';
import { SqlClientStore } from '../../core-service/storage/client-store.js';
import { ClientSchema } from '../../core-service/storage/entities.js';
import { parseDsn } from '../../core-service/storage/dsn.js';
import { closeOrm, openOrm, type Orm } from '../../core-service/storage/orm.js';

/**
 * Registers a public client `clientId` (no secret) straight in the clients table of `orm`. Only
 * the columns of the first migration are written, so it also works on a schema migrated part way
 * (later columns have defaults).
 */
export async function insertStoredClient(orm: Orm, clientId: string): Promise<void> {
  const { client_secret: _secret, ...fields } = readClientDocument({ client_id: clientId, token_endpoint_auth_method: 'none' }, { allowPlainHttp: false });
  const at = new Date();
  const row: Omit<StoredClient, 'registration_access_token_signature'> = { ...fields, client_id: clientId, created_at: at, updated_at: at, secret_hash: '', rotated_secret_hashes: [] };
  await orm.em.fork().insert<typeof row>(ClientSchema.meta.className, row);
}

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
