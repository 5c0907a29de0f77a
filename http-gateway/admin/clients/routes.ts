/**
 * Hydra's OAuth 2.0 client admin API (`/admin/clients…`) over tessera.v1.ClientService.
 * Each route parses, calls core, and maps the answer; validation of values, secrets, id
 * generation and conflicts are decided in core.
 */
import type { FastifyInstance } from 'fastify';
import type { ClientServiceClient } from '../../../proto/gen/tessera/v1/clients.js';
import { call } from '../../grpc-client/call.js';
import { httpError } from '../../errors/http-error.js';
import { withIgnoredBodies } from '../../server.js';
import { linkHeader, parsePageSize, queryValue } from '../pagination.js';
import { clientFromJson, clientToJson, lifespansFromJson, type ClientDocument } from './hydra-json.js';
import { clientSchema, jsonPatchSchema, lifespansSchema } from './schemas.js';
import { adminContext } from '../api-key.js';
import { operation, ref } from '../../openapi/schemas.js';

interface IdParams {
  id: string;
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };

const context = adminContext;

/** Every response of these calls carries a client; its absence is core's bug, not the caller's. */
function present<T>(value: T | undefined): T {
  if (value === undefined) throw httpError('server_error');
  return value;
}

/** Registers the client routes on the admin listener. */
export function registerClientRoutes(app: FastifyInstance, clients: ClientServiceClient): void {
  app.get('/admin/clients', { schema: operation({ id: 'listOAuth2Clients', tag: 'oAuth2', summary: 'List OAuth 2.0 Clients', responses: { 200: { json: { type: 'array', items: ref('oAuth2Client') }, description: 'Paginated OAuth2 Client List Response' } } }) }, async (request, reply) => {
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

  app.post<{ Body: ClientDocument }>('/admin/clients', { schema: operation({ id: 'createOAuth2Client', tag: 'oAuth2', summary: 'Create OAuth 2.0 Client', body: clientSchema, responses: { 201: 'oAuth2Client' } }) }, async (request, reply) => {
    const req = { client: clientFromJson(request.body) };
    const res = await call(context(request), clients.createClient.bind(clients), req);
    return reply.code(201).send(clientToJson(present(res.client)));
  });

  app.get<{ Params: IdParams }>('/admin/clients/:id', { schema: operation({ id: 'getOAuth2Client', tag: 'oAuth2', summary: 'Get an OAuth 2.0 Client', params: idParams, responses: { 200: 'oAuth2Client' } }) }, async (request) => {
    const req = { client_id: request.params.id };
    const res = await call(context(request), clients.getClient.bind(clients), req);
    return clientToJson(present(res.client));
  });

  app.put<{ Params: IdParams; Body: ClientDocument }>(
    '/admin/clients/:id',
    { schema: operation({ id: 'setOAuth2Client', tag: 'oAuth2', summary: 'Set OAuth 2.0 Client', params: idParams, body: clientSchema, responses: { 200: 'oAuth2Client' } }) },
    async (request) => {
      // The path names the client, as in Hydra; an id in the body does not move it.
      const req = { client: { ...clientFromJson(request.body), client_id: request.params.id } };
      const res = await call(context(request), clients.updateClient.bind(clients), req);
      return clientToJson(present(res.client));
    },
  );

  app.patch<{ Params: IdParams; Body: unknown[] }>(
    '/admin/clients/:id',
    { schema: operation({ id: 'patchOAuth2Client', tag: 'oAuth2', summary: 'Patch OAuth 2.0 Client', params: idParams, body: jsonPatchSchema, responses: { 200: 'oAuth2Client' } }) },
    async (request) => {
      const req = { client_id: request.params.id, json_patch: JSON.stringify(request.body) };
      const res = await call(context(request), clients.patchClient.bind(clients), req);
      return clientToJson(present(res.client));
    },
  );

  app.put<{ Params: IdParams; Body: ClientDocument }>(
    '/admin/clients/:id/lifespans',
    { schema: operation({ id: 'setOAuth2ClientLifespans', tag: 'oAuth2', summary: 'Set OAuth2 Client Token Lifespans', params: idParams, body: lifespansSchema, responses: { 200: 'oAuth2Client' } }) },
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
  app.delete<{ Params: IdParams }>('/admin/clients/:id', { schema: operation({ id: 'deleteOAuth2Client', tag: 'oAuth2', summary: 'Delete OAuth 2.0 Client', params: idParams, responses: { 204: { empty: 'No Content' } } }) }, async (request, reply) => {
    const req = { client_id: request.params.id };
    await call(context(request), clients.deleteClient.bind(clients), req);
    return reply.code(204).send();
  });

  app.post<{ Params: IdParams }>('/admin/clients/:id/secrets/rotate', { schema: operation({ id: 'rotateOAuth2ClientSecret', tag: 'oAuth2', summary: 'Rotate OAuth 2.0 Client Secret', params: idParams, responses: { 200: 'oAuth2Client' } }) }, async (request) => {
    const req = { client_id: request.params.id };
    const res = await call(context(request), clients.rotateClientSecret.bind(clients), req);
    return clientToJson(present(res.client));
  });

  app.delete<{ Params: IdParams }>('/admin/clients/:id/secrets/rotate', { schema: operation({ id: 'deleteRotatedOAuth2ClientSecrets', tag: 'oAuth2', summary: 'Delete Rotated OAuth 2.0 Client Secrets', params: idParams, responses: { 200: 'oAuth2Client' } }) }, async (request) => {
    const req = { client_id: request.params.id };
    await call(context(request), clients.deleteRotatedClientSecrets.bind(clients), req);
    // Hydra answers with the client; the RPC returns nothing, so read it back.
    const res = await call(context(request), clients.getClient.bind(clients), req);
    return clientToJson(present(res.client));
  });
}
