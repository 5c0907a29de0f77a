/**
 * Hydra's OAuth 2.0 client admin API (`/admin/clients…`) over tessera.v1.ClientService.
 * Each route parses, calls core, and maps the answer; validation of values, secrets, id
 * generation and conflicts are decided in core.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ClientServiceClient } from '../../../proto/gen/tessera/v1/clients.js';
import { call, type CallContext } from '../../grpc-client/call.js';
import { httpError } from '../../errors/http-error.js';
import { withIgnoredBodies } from '../../server.js';
import { linkHeader, parsePageSize, queryValue } from '../pagination.js';
import { clientFromJson, clientToJson, lifespansFromJson, type ClientDocument } from './hydra-json.js';
import { clientSchema, jsonPatchSchema, lifespansSchema } from './schemas.js';

interface IdParams {
  id: string;
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };

const context = (request: FastifyRequest): CallContext => ({ requestId: request.id });

/** Every response of these calls carries a client; its absence is core's bug, not the caller's. */
function present<T>(value: T | undefined): T {
  if (value === undefined) throw httpError('server_error');
  return value;
}

/** Registers the client routes on the admin listener. */
export function registerClientRoutes(app: FastifyInstance, clients: ClientServiceClient): void {
  app.get('/admin/clients', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const pageSize = parsePageSize(queryValue(query.page_size) || undefined);
    const req = {
      page_size: pageSize,
      page_token: queryValue(query.page_token),
      client_name: queryValue(query.client_name),
      owner: queryValue(query.owner),
    };
    const res = await call(context(request), clients.listClients.bind(clients), req);
    void reply.header('link', linkHeader(request.url, pageSize, res.next_page_token));
    return res.clients.map(clientToJson);
  });

  app.post<{ Body: ClientDocument }>('/admin/clients', { schema: { body: clientSchema } }, async (request, reply) => {
    const req = { client: clientFromJson(request.body) };
    const res = await call(context(request), clients.createClient.bind(clients), req);
    return reply.code(201).send(clientToJson(present(res.client)));
  });

  app.get<{ Params: IdParams }>('/admin/clients/:id', { schema: { params: idParams } }, async (request) => {
    const req = { client_id: request.params.id };
    const res = await call(context(request), clients.getClient.bind(clients), req);
    return clientToJson(present(res.client));
  });

  app.put<{ Params: IdParams; Body: ClientDocument }>(
    '/admin/clients/:id',
    { schema: { params: idParams, body: clientSchema } },
    async (request) => {
      // The path names the client, as in Hydra; an id in the body does not move it.
      const req = { client: { ...clientFromJson(request.body), client_id: request.params.id } };
      const res = await call(context(request), clients.updateClient.bind(clients), req);
      return clientToJson(present(res.client));
    },
  );

  app.patch<{ Params: IdParams; Body: unknown[] }>(
    '/admin/clients/:id',
    { schema: { params: idParams, body: jsonPatchSchema } },
    async (request) => {
      const req = { client_id: request.params.id, json_patch: JSON.stringify(request.body) };
      const res = await call(context(request), clients.patchClient.bind(clients), req);
      return clientToJson(present(res.client));
    },
  );

  app.put<{ Params: IdParams; Body: ClientDocument }>(
    '/admin/clients/:id/lifespans',
    { schema: { params: idParams, body: lifespansSchema } },
    async (request) => {
      const req = { client_id: request.params.id, lifespans: lifespansFromJson(request.body) };
      const res = await call(context(request), clients.setClientLifespans.bind(clients), req);
      return clientToJson(present(res.client));
    },
  );

  // Hydra's handlers of these read no body: any body, of any type, is ignored.
  withIgnoredBodies(app, (scope) => registerBodilessRoutes(scope, clients));
}

function registerBodilessRoutes(app: FastifyInstance, clients: ClientServiceClient): void {
  app.delete<{ Params: IdParams }>('/admin/clients/:id', { schema: { params: idParams } }, async (request, reply) => {
    const req = { client_id: request.params.id };
    await call(context(request), clients.deleteClient.bind(clients), req);
    return reply.code(204).send();
  });

  app.post<{ Params: IdParams }>('/admin/clients/:id/secrets/rotate', { schema: { params: idParams } }, async (request) => {
    const req = { client_id: request.params.id };
    const res = await call(context(request), clients.rotateClientSecret.bind(clients), req);
    return clientToJson(present(res.client));
  });

  app.delete<{ Params: IdParams }>('/admin/clients/:id/secrets/rotate', { schema: { params: idParams } }, async (request) => {
    const req = { client_id: request.params.id };
    await call(context(request), clients.deleteRotatedClientSecrets.bind(clients), req);
    // Hydra answers with the client; the RPC returns nothing, so read it back.
    const res = await call(context(request), clients.getClient.bind(clients), req);
    return clientToJson(present(res.client));
  });
}
