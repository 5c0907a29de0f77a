/**
 * Hydra's logout admin API over tessera.v1.FlowService: `GET /admin/oauth2/auth/requests/logout`,
 * `PUT …/logout/accept` (→ `{redirect_to}`) and `PUT …/logout/reject` (→ 204; the logout app
 * then sends the user wherever it likes). A request body, of any type, is ignored, as Hydra does.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlowServiceClient } from '../../proto/gen/tessera/v1/flows.js';
import { call } from '../grpc-client/call.js';
import { httpError } from '../errors/http-error.js';
import { withIgnoredBodies } from '../server.js';
import { logoutRequestToJson } from './flows-json.js';
import { queryValue } from './pagination.js';
import { adminContext } from './api-key.js';
import { operation } from '../openapi/schemas.js';

const context = adminContext;

function challengeOf(request: FastifyRequest): { challenge: string } {
  const q = request.query as Record<string, unknown>;
  // Hydra reads `logout_challenge`, or the older `challenge`.
  const challenge = queryValue(q.logout_challenge) || queryValue(q.challenge);
  if (challenge === '') throw httpError('invalid_request', { hint: "Query parameter 'challenge' is not defined but should have been." });
  return { challenge };
}

/** Hydra's logout handlers read no body; Ory's SDK sends an empty form to accept and reject. */
export function registerLogoutAdminRoutes(app: FastifyInstance, flows: FlowServiceClient): void {
  withIgnoredBodies(app, (scope) => registerRoutes(scope, flows));
}

function registerRoutes(app: FastifyInstance, flows: FlowServiceClient): void {
  app.get('/admin/oauth2/auth/requests/logout', { schema: operation({ id: 'getOAuth2LogoutRequest', tag: 'oAuth2', summary: 'Get OAuth 2.0 Session Logout Request', responses: { 200: 'oAuth2LogoutRequest' } }) }, async (request) => {
    return logoutRequestToJson(await call(context(request), flows.getLogoutRequest.bind(flows), challengeOf(request)));
  });
  app.put('/admin/oauth2/auth/requests/logout/accept', { schema: operation({ id: 'acceptOAuth2LogoutRequest', tag: 'oAuth2', summary: 'Accept OAuth 2.0 Session Logout Request', responses: { 200: 'oAuth2RedirectTo' } }) }, async (request) => {
    const res = await call(context(request), flows.acceptLogoutRequest.bind(flows), challengeOf(request));
    return { redirect_to: res.redirect_to };
  });
  app.put('/admin/oauth2/auth/requests/logout/reject', { schema: operation({ id: 'rejectOAuth2LogoutRequest', tag: 'oAuth2', summary: 'Reject OAuth 2.0 Session Logout Request', responses: { 204: { empty: 'No Content' } } }) }, async (request, reply) => {
    await call(context(request), flows.rejectLogoutRequest.bind(flows), challengeOf(request));
    return reply.code(204).send();
  });
}
