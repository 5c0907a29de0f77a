/**
 * tessera.v1.FlowService: the login/consent app's side of the browser flow. Parse → call
 * flows/service.ts → map. The proto messages are Hydra's documents field by field; an unset
 * body is the all-zero body, as Go decodes `{}`. The logout RPCs are in grpc/logout.ts, merged in
 * where the service is registered.
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type {
  AcceptOAuth2ConsentRequest,
  AcceptOAuth2LoginRequest,
  FlowServiceServer,
  OAuth2ConsentRequest,
  OAuth2ConsentRequestOpenIDConnectContext,
  OAuth2ConsentSession,
  OAuth2LoginRequest,
  RejectOAuth2Request,
} from '../../proto/gen/tessera/v1/flows.js';
import type { StoredClient } from '../clients/client.js';
import { publicClient } from '../clients/service.js';
import type { AcceptConsentBody, AcceptLoginBody, ConsentRequest, ConsentSession, LoginRequest, OidcContext, RejectBody } from '../flows/documents.js';
import type { FlowService } from '../flows/service.js';
import type { Logger } from '../shared/logger.js';
import { clientToWire } from './clients.js';
import { unary } from './unary.js';

/** Consent sessions per page when the caller does not say (Hydra's default page size). */
const DEFAULT_PAGE_SIZE = 250;
const MAX_PAGE_SIZE = 1000;

/** Page tokens are plain offsets. */
function offsetOf(token: string): number {
  const n = Number(token);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

// --- bodies in

function loginBody(body: AcceptOAuth2LoginRequest | undefined): AcceptLoginBody {
  return {
    subject: body?.subject ?? '',
    remember: body?.remember ?? false,
    remember_for: body?.remember_for ?? 0,
    acr: body?.acr ?? '',
    amr: body?.amr ?? [],
    context: body?.context,
    force_subject_identifier: body?.force_subject_identifier ?? '',
    extend_session_lifespan: body?.extend_session_lifespan ?? false,
    identity_provider_session_id: body?.identity_provider_session_id ?? '',
  };
}

function consentBody(body: AcceptOAuth2ConsentRequest | undefined): AcceptConsentBody {
  return {
    grant_scope: body?.grant_scope ?? [],
    grant_access_token_audience: body?.grant_access_token_audience ?? [],
    remember: body?.remember ?? false,
    remember_for: body?.remember_for ?? 0,
    session: body?.session,
    context: body?.context,
  };
}

function rejectBody(body: RejectOAuth2Request | undefined): RejectBody {
  return {
    error: body?.error ?? '',
    error_description: body?.error_description ?? '',
    error_hint: body?.error_hint ?? '',
    error_debug: body?.error_debug ?? '',
    status_code: body?.status_code ?? 0,
  };
}

// --- documents out

const wireClient = (client: StoredClient | undefined) => (client ? clientToWire(publicClient(client)) : undefined);

function oidcContextToWire(ctx: OidcContext): OAuth2ConsentRequestOpenIDConnectContext {
  return { acr_values: ctx.acr_values, display: ctx.display, id_token_hint_claims: ctx.id_token_hint_claims, login_hint: ctx.login_hint, ui_locales: ctx.ui_locales };
}

function loginRequestToWire(req: LoginRequest): OAuth2LoginRequest {
  return { ...req, client: wireClient(req.client), oidc_context: oidcContextToWire(req.oidc_context) };
}

function consentRequestToWire(req: ConsentRequest): OAuth2ConsentRequest {
  // A null context travels as google.protobuf.Value's null_value, so the gateway renders `null`.
  return { ...req, client: wireClient(req.client), context: req.context ?? null, oidc_context: req.oidc_context ? oidcContextToWire(req.oidc_context) : undefined };
}

function consentSessionToWire(session: ConsentSession): OAuth2ConsentSession {
  return { ...session, context: session.context ?? null, consent_request: consentRequestToWire(session.consent_request) };
}

export function flowServiceHandlers(flows: FlowService, logger: Logger): UntypedServiceImplementation {
  const implemented: Omit<FlowServiceServer, 'getLogoutRequest' | 'acceptLogoutRequest' | 'rejectLogoutRequest'> = {
    getLoginRequest: unary(logger, 'GetLoginRequest', async (req) => {
      const read = await flows.getLoginRequest(req.challenge);
      return read.handled ? { handled: read.handled } : { login_request: loginRequestToWire(read.request) };
    }),
    acceptLoginRequest: unary(logger, 'AcceptLoginRequest', async (req) => ({ redirect_to: await flows.acceptLoginRequest(req.challenge, loginBody(req.body)) })),
    rejectLoginRequest: unary(logger, 'RejectLoginRequest', async (req) => ({ redirect_to: await flows.rejectLoginRequest(req.challenge, rejectBody(req.body)) })),
    getConsentRequest: unary(logger, 'GetConsentRequest', async (req) => {
      const read = await flows.getConsentRequest(req.challenge);
      return read.handled ? { handled: read.handled } : { consent_request: consentRequestToWire(read.request) };
    }),
    acceptConsentRequest: unary(logger, 'AcceptConsentRequest', async (req) => ({ redirect_to: await flows.acceptConsentRequest(req.challenge, consentBody(req.body)) })),
    rejectConsentRequest: unary(logger, 'RejectConsentRequest', async (req) => ({ redirect_to: await flows.rejectConsentRequest(req.challenge, rejectBody(req.body)) })),
    listConsentSessions: unary(logger, 'ListConsentSessions', async (req) => {
      const pageSize = req.page_size > 0 ? Math.min(req.page_size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
      const sessions = await flows.listConsentSessions({
        subject: req.subject,
        loginSessionId: req.login_session_id,
        pageSize,
        offset: offsetOf(req.page_token),
      });
      return { sessions: sessions.map(consentSessionToWire) };
    }),
    revokeConsentSessions: unary(logger, 'RevokeConsentSessions', async (req) => {
      await flows.revokeConsentSessions({ subject: req.subject, clientId: req.client_id, all: req.all, consentRequestId: req.consent_request_id });
      return {};
    }),
    revokeLoginSessions: unary(logger, 'RevokeLoginSessions', async (req) => {
      await flows.revokeLoginSessions({ subject: req.subject, sid: req.sid });
      return {};
    }),
  };
  return { ...implemented };
}
