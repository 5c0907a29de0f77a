/**
 * OpenID Connect Dynamic Client Registration on the public listener, over
 * tessera.v1.RegistrationService: `POST /oauth2/register` (RFC 7591 §3) and
 * `GET|PUT|DELETE /oauth2/register/{id}` (RFC 7592 §2), Hydra's createOidcDynamicClient,
 * getOidcDynamicClient, setOidcDynamicClient and deleteOidcDynamicClient. Whether registration is
 * on, who may manage a client and what a client may set are decided in core; the body is the
 * admin API's client document, checked for JSON types by the same schema.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Client } from '../../proto/gen/tessera/v1/clients.js';
import type { RegistrationServiceClient } from '../../proto/gen/tessera/v1/registration.js';
import { clientFromJson, clientToJson, type ClientDocument } from '../admin/clients/hydra-json.js';
import { clientSchema } from '../admin/clients/schemas.js';
import { httpError } from '../errors/http-error.js';
import { call } from '../grpc-client/call.js';
import { operation } from '../openapi/schemas.js';
import { withIgnoredBodies } from '../server.js';

interface IdParams {
  id: string;
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };

/** The client information response (RFC 7591 §3.2.1, RFC 7592 §3): Hydra's client JSON plus the registration fields. */
function registrationJson(client: Client | undefined, registration: { registration_access_token?: string; registration_client_uri: string }): ClientDocument {
  // Every response of these calls carries a client; its absence is core's bug, not the caller's.
  if (client === undefined) throw httpError('server_error');
  const doc = clientToJson(client);
  if (registration.registration_access_token) doc.registration_access_token = registration.registration_access_token;
  doc.registration_client_uri = registration.registration_client_uri;
  return doc;
}

/** RFC 7591 §3.2.1: the response carries credentials, so no cache may keep it. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** Registers the registration routes on the public listener. */
export function registerRegistrationRoutes(app: FastifyInstance, registration: RegistrationServiceClient): void {
  const authorization = (headers: Record<string, unknown>) => (typeof headers.authorization === 'string' ? headers.authorization : '');

  app.post<{ Body: ClientDocument }>(
    '/oauth2/register',
    { schema: operation({ id: 'createOidcDynamicClient', tag: 'oidc', summary: 'Register OAuth2 Client using OpenID Dynamic Client Registration', body: clientSchema, responses: { 201: 'oAuth2Client' } }) },
    async (request, reply) => {
      const res = await call({ requestId: request.id }, registration.registerClient.bind(registration), { client: clientFromJson(request.body) });
      const doc = registrationJson(res.client, res);
      return noStore(reply).code(201).header('location', res.registration_client_uri).send(doc);
    },
  );

  app.put<{ Params: IdParams; Body: ClientDocument }>(
    '/oauth2/register/:id',
    { schema: operation({ id: 'setOidcDynamicClient', tag: 'oidc', summary: 'Set OAuth2 Client using OpenID Dynamic Client Registration', params: idParams, body: clientSchema, responses: { 200: 'oAuth2Client' } }) },
    async (request, reply) => {
      const req = { client_id: request.params.id, authorization_header: authorization(request.headers), client: clientFromJson(request.body) };
      const res = await call({ requestId: request.id }, registration.updateRegisteredClient.bind(registration), req);
      return noStore(reply).send(registrationJson(res.client, res));
    },
  );

  // Hydra's GET and DELETE handlers read no body: any body, of any type, is ignored.
  withIgnoredBodies(app, (scope) => {
    scope.get<{ Params: IdParams }>(
      '/oauth2/register/:id',
      { schema: operation({ id: 'getOidcDynamicClient', tag: 'oidc', summary: 'Get OAuth2 Client using OpenID Dynamic Client Registration', params: idParams, responses: { 200: 'oAuth2Client' } }) },
      async (request, reply) => {
        const req = { client_id: request.params.id, authorization_header: authorization(request.headers) };
        const res = await call({ requestId: request.id }, registration.getRegisteredClient.bind(registration), req);
        return noStore(reply).send(registrationJson(res.client, res));
      },
    );

    scope.delete<{ Params: IdParams }>(
      '/oauth2/register/:id',
      {
        schema: operation({
          id: 'deleteOidcDynamicClient',
          tag: 'oidc',
          summary: 'Delete OAuth 2.0 Client using the OpenID Dynamic Client Registration Management Protocol',
          params: idParams,
          responses: { 204: { empty: 'No Content' } },
        }),
      },
      async (request, reply) => {
        const req = { client_id: request.params.id, authorization_header: authorization(request.headers) };
        await call({ requestId: request.id }, registration.deleteRegisteredClient.bind(registration), req);
        return reply.code(204).send();
      },
    );
  });
}
