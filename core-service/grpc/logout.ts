/**
 * The logout RPCs: tessera.v1.OAuth2Service.Logout (the browser's side, rendered by the gateway)
 * and FlowService.{Get,Accept,Reject}LogoutRequest (the logout app's side). Parse → call
 * flows/logout.ts → map.
 */
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { FlowServiceServer } from '../../proto/gen/tessera/v1/flows.js';
import type { BrowserResponse, LogoutRequest } from '../../proto/gen/tessera/v1/oauth2.js';
import { publicClient } from '../clients/service.js';
import type { Logout, LogoutOutcome } from '../flows/logout.js';
import type { Logger } from '../shared/logger.js';
import { clientToWire } from './clients.js';
import { unary } from './unary.js';

/** The outcome as the gateway renders it; the cookies are whole Set-Cookie values (flows/cookies.ts). */
function toWire(outcome: LogoutOutcome): BrowserResponse {
  return {
    redirect_to: outcome.redirect_to,
    form_post_action: '',
    form_post_fields: {},
    set_cookies: outcome.cookies,
    error: outcome.error,
    frontchannel_logout_uris: outcome.frontchannel_logout_uris,
  };
}

/** OAuth2Service.Logout. */
export function logoutHandler(logout: Logout, logger: Logger): handleUnaryCall<LogoutRequest, BrowserResponse> {
  return unary(logger, 'Logout', async (req) =>
    toWire(await logout.logout({ params: new Map(Object.entries(req.params)), cookies: new Map(Object.entries(req.cookies)), verifier: req.logout_verifier })),
  );
}

/** The logout methods of FlowService, merged with flowServiceHandlers where the service is registered. */
export function logoutRequestHandlers(logout: Logout, logger: Logger): Pick<FlowServiceServer, 'getLogoutRequest' | 'acceptLogoutRequest' | 'rejectLogoutRequest'> {
  return {
    getLogoutRequest: unary(logger, 'GetLogoutRequest', async (req) => {
      const request = await logout.getLogoutRequest(req.challenge);
      return { ...request, client: request.client ? clientToWire(publicClient(request.client)) : undefined };
    }),
    acceptLogoutRequest: unary(logger, 'AcceptLogoutRequest', async (req) => ({ redirect_to: await logout.acceptLogoutRequest(req.challenge) })),
    rejectLogoutRequest: unary(logger, 'RejectLogoutRequest', async (req) => {
      await logout.rejectLogoutRequest(req.challenge);
      return {};
    }),
  };
}
