/**
 * OpenID Connect Dynamic Client Registration on the public listener, over
 * tessera.v1.RegistrationService: `POST /oauth2/register` (RFC 7591 §3) and
 * `GET|PUT|DELETE /oauth2/register/{id}` (RFC 7592 §2), Hydra's createOidcDynamicClient,
 * getOidcDynamicClient, setOidcDynamicClient and deleteOidcDynamicClient. Whether registration is
 * on, who may manage a client and what a client may set are decided in core; the body is the
 * admin API's client document, checked for JSON types by the same schema.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '../../proto/gen/tessera/v1/clients.js';
import type { RegistrationServiceClient } from '../../proto/gen/tessera/v1/registration.js';
import { clientFromJson, clientToJson, type ClientDocument } from '../admin/clients/hydra-json.js';
import { clientSchema } from '../admin/clients/schemas.js';
import { toHttpError } from '../errors/handlers.js';
import { isServiceError } from '../errors/from-grpc.js';
import { httpError, HttpError } from '../errors/http-error.js';
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

/**
 * Hydra decides whether registration is on, and for PUT whether the token is valid, before it
 * reads the body (client/handler.go); fastify reads the body first. So when the body is refused
 * before the route runs (not JSON, wrong JSON types), core is asked without a client, and its
 * refusal (404 off, 401 credentials) answers. Only when core would go on does the body's 400.
 */
function coreDecidesFirst(askCore: (request: FastifyRequest) => Promise<unknown>) {
  return async (err: FastifyError, request: FastifyRequest): Promise<never> => {
    const beforeRoute = !(err instanceof HttpError) && !isServiceError(err) && toHttpError(err).status < 500;
    if (beforeRoute) {
      try {
        await askCore(request);
      } catch (refusal) {
        if (toHttpError(refusal).status !== 400) throw refusal;
      }
    }
    throw err;
  };
}

/** RFC 7591 §3.2.1: the response carries credentials, so no cache may keep it. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** Registers the registration routes on the public listener. */
export function registerRegistrationRoutes(app: FastifyInstance, registration: RegistrationServiceClient): void {
  const authorization = (headers: Record<string, unknown>) => (typeof headers.authorization === 'string' ? headers.authorization : '');
  const update = registration.updateRegisteredClient.bind(registration);
  /** Which registration a request manages, and the credential it presents for it. */
  const credentials = (request: FastifyRequest) => ({ client_id: (request.params as Partial<IdParams>).id ?? '', authorization_header: authorization(request.headers) });

  app.post<{ Body: ClientDocument }>(
    '/oauth2/register',
    {
      schema: operation({ id: 'createOidcDynamicClient', tag: 'oidc', summary: 'Register OAuth2 Client using OpenID Dynamic Client Registration', body: clientSchema, responses: { 201: 'oAuth2Client' } }),
      errorHandler: coreDecidesFirst((request) => call({ requestId: request.id }, registration.registerClient.bind(registration), { client: undefined })),
    },
    async (request, reply) => {
      const res = await call({ requestId: request.id }, registration.registerClient.bind(registration), { client: clientFromJson(request.body) });
      const doc = registrationJson(res.client, res);
      return noStore(reply).code(201).header('location', res.registration_client_uri).send(doc);
    },
  );

  app.put<{ Params: IdParams; Body: ClientDocument }>(
    '/oauth2/register/:id',
    {
      schema: operation({ id: 'setOidcDynamicClient', tag: 'oidc', summary: 'Set OAuth2 Client using OpenID Dynamic Client Registration', params: idParams, body: clientSchema, responses: { 200: 'oAuth2Client' } }),
      errorHandler: coreDecidesFirst((request) => call({ requestId: request.id }, update, { ...credentials(request), client: undefined })),
    },
    async (request, reply) => {
      const res = await call({ requestId: request.id }, update, { ...credentials(request), client: clientFromJson(request.body) });
      return noStore(reply).send(registrationJson(res.client, res));
    },
  );

  // Hydra's GET and DELETE handlers read no body: any body, of any type, is ignored.
  withIgnoredBodies(app, (scope) => {
    scope.get<{ Params: IdParams }>(
      '/oauth2/register/:id',
      { schema: operation({ id: 'getOidcDynamicClient', tag: 'oidc', summary: 'Get OAuth2 Client using OpenID Dynamic Client Registration', params: idParams, responses: { 200: 'oAuth2Client' } }) },
      async (request, reply) => {
        const res = await call({ requestId: request.id }, registration.getRegisteredClient.bind(registration), credentials(request));
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
        await call({ requestId: request.id }, registration.deleteRegisteredClient.bind(registration), credentials(request));
        return reply.code(204).send();
      },
    );
  });
}
