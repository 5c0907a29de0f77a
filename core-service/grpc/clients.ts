/**
 * tessera.v1.ClientService: maps wire messages to client documents and back; the decisions
 * are in core-service/clients/.
 */
import type { Client as WireClient, ClientLifespans as WireLifespans, ClientServiceServer } from '../../proto/gen/tessera/v1/clients.js';
import { LIFESPAN_FIELDS, type Client, type ClientLifespans } from '../clients/client.js';
import type { ClientService } from '../clients/service.js';
import { errors } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { unary } from './unary.js';

function parseJsonField(field: string, json: string): unknown {
  if (json === '') return null;
  try {
    return JSON.parse(json);
  } catch {
    throw errors.invalidClientMetadata(`Field "${field}" is not valid JSON.`);
  }
}

/** The wire client as Hydra's JSON document, ready for readClientDocument. */
export function wireToDocument(wire: WireClient | undefined): Record<string, unknown> {
  if (!wire) throw errors.badRequest('The request carries no client.');
  const { jwks_json, metadata_json, lifespans, created_at: _c, updated_at: _u, ...rest } = wire;
  return { ...rest, jwks: parseJsonField('jwks', jwks_json), metadata: parseJsonField('metadata', metadata_json), ...lifespans };
}

export function wireToLifespans(wire: WireLifespans | undefined): ClientLifespans {
  const out: ClientLifespans = {};
  for (const field of LIFESPAN_FIELDS) {
    const value = wire?.[field];
    if (value) out[field] = value;
  }
  return out;
}

function lifespansToWire(lifespans: ClientLifespans): WireLifespans {
  const wire = {} as WireLifespans;
  for (const field of LIFESPAN_FIELDS) wire[field] = lifespans[field] ?? '';
  return wire;
}

export function clientToWire(client: Client, secret = ''): WireClient {
  const { jwks, metadata, lifespans, ...rest } = client;
  return {
    ...rest,
    client_secret: secret,
    jwks_json: jwks ? JSON.stringify(jwks) : '',
    metadata_json: metadata ? JSON.stringify(metadata) : '',
    lifespans: lifespansToWire(lifespans),
  };
}

export function clientServiceHandlers(clients: ClientService, logger: Logger): ClientServiceServer {
  return {
    createClient: unary(logger, 'CreateClient', async (req) => {
      const { client, secret } = await clients.create(wireToDocument(req.client));
      return { client: clientToWire(client, secret) };
    }),
    getClient: unary(logger, 'GetClient', async (req) => ({ client: clientToWire(await clients.get(req.client_id)) })),
    listClients: unary(logger, 'ListClients', async (req) => {
      const page = await clients.list({ pageSize: req.page_size, pageToken: req.page_token, clientName: req.client_name, owner: req.owner });
      return { clients: page.clients.map((c) => clientToWire(c)), next_page_token: page.nextPageToken };
    }),
    updateClient: unary(logger, 'UpdateClient', async (req) => {
      const { client, secret } = await clients.update(req.client?.client_id ?? '', wireToDocument(req.client));
      return { client: clientToWire(client, secret) };
    }),
    patchClient: unary(logger, 'PatchClient', async (req) => {
      const { client, secret } = await clients.patch(req.client_id, req.json_patch);
      return { client: clientToWire(client, secret) };
    }),
    deleteClient: unary(logger, 'DeleteClient', async (req) => {
      await clients.delete(req.client_id);
      return {};
    }),
    rotateClientSecret: unary(logger, 'RotateClientSecret', async (req) => {
      const { client, secret } = await clients.rotateSecret(req.client_id);
      return { client: clientToWire(client, secret) };
    }),
    deleteRotatedClientSecrets: unary(logger, 'DeleteRotatedClientSecrets', async (req) => {
      await clients.deleteRotatedSecrets(req.client_id);
      return {};
    }),
    setClientLifespans: unary(logger, 'SetClientLifespans', async (req) => ({
      client: clientToWire(await clients.setLifespans(req.client_id, wireToLifespans(req.lifespans))),
    })),
  };
}
