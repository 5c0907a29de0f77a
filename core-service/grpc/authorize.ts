/**
 * The Authorize RPC of tessera.v1.OAuth2Service: the gateway forwards the request's parameters
 * and Tessera's cookies; flows/authorize.ts decides; this maps its outcome to the
 * BrowserResponse the gateway renders.
 */
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { AuthorizeRequest, BrowserResponse } from '../../proto/gen/tessera/v1/oauth2.js';
import type { AuthorizationEndpoint } from '../flows/authorize.js';
import type { BrowserOutcome } from '../oauth2/response.js';
import type { Logger } from '../shared/logger.js';
import { unary } from './unary.js';

/** The outcome as the gateway renders it (also the device verification endpoint's, grpc/device.ts). */
export function browserResponse(outcome: BrowserOutcome): BrowserResponse {
  return {
    redirect_to: outcome.redirect_to ?? '',
    form_post_action: outcome.form_post?.action ?? '',
    form_post_fields: outcome.form_post?.fields ?? {},
    // Whole Set-Cookie values, as flows/cookies.ts wrote them.
    set_cookies: outcome.cookies,
    error: outcome.error,
    frontchannel_logout_uris: [],
  };
}

/** The Authorize handler; login_verifier/consent_verifier come back as parameters, as in the browser's URL. */
export function authorizeHandler(endpoint: AuthorizationEndpoint, logger: Logger): handleUnaryCall<AuthorizeRequest, BrowserResponse> {
  return unary(logger, 'Authorize', async (req) =>
    browserResponse(await endpoint.authorize({ params: new Map(Object.entries(req.params)), cookies: new Map(Object.entries(req.cookies)) })),
  );
}
