/**
 * tessera.v1.FlowService: the login/consent app's side of the browser flow. Parse → call
 * flows/service.ts → map; Hydra's JSON documents pass through as JSON, the embedded client as
 * the wire client. The logout RPCs are in grpc/logout.ts, merged in where the service is registered.
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { FlowDocument as WireFlowDocument, FlowServiceServer } from '../../proto/gen/tessera/v1/flows.js';
import { publicClient } from '../clients/service.js';
import type { FlowDocument, FlowService } from '../flows/service.js';
import type { Logger } from '../shared/logger.js';
import { clientToWire } from './clients.js';
import { unary } from './unary.js';

/** Consent sessions per page when the caller does not say (Hydra's default page size). */
const DEFAULT_PAGE_SIZE = 250;
const MAX_PAGE_SIZE = 1000;

function toWire(doc: FlowDocument): WireFlowDocument {
  return { json: JSON.stringify(doc.document), client: doc.client ? clientToWire(publicClient(doc.client)) : undefined, handled: doc.handled ?? false };
}

/** Page tokens are plain offsets. */
function offsetOf(token: string): number {
  const n = Number(token);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export function flowServiceHandlers(flows: FlowService, logger: Logger): UntypedServiceImplementation {
  const implemented: Omit<FlowServiceServer, 'getLogoutRequest' | 'acceptLogoutRequest' | 'rejectLogoutRequest'> = {
    getLoginRequest: unary(logger, 'GetLoginRequest', async (req) => toWire(await flows.getLoginRequest(req.challenge))),
    acceptLoginRequest: unary(logger, 'AcceptLoginRequest', async (req) => ({ redirect_to: await flows.acceptLoginRequest(req.challenge, req.body_json) })),
    rejectLoginRequest: unary(logger, 'RejectLoginRequest', async (req) => ({ redirect_to: await flows.rejectLoginRequest(req.challenge, req.body_json) })),
    getConsentRequest: unary(logger, 'GetConsentRequest', async (req) => toWire(await flows.getConsentRequest(req.challenge))),
    acceptConsentRequest: unary(logger, 'AcceptConsentRequest', async (req) => ({ redirect_to: await flows.acceptConsentRequest(req.challenge, req.body_json) })),
    rejectConsentRequest: unary(logger, 'RejectConsentRequest', async (req) => ({ redirect_to: await flows.rejectConsentRequest(req.challenge, req.body_json) })),
    listConsentSessions: unary(logger, 'ListConsentSessions', async (req) => {
      const pageSize = req.page_size > 0 ? Math.min(req.page_size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
      const sessions = await flows.listConsentSessions({
        subject: req.subject,
        loginSessionId: req.login_session_id,
        pageSize,
        offset: offsetOf(req.page_token),
      });
      return { sessions: sessions.map(toWire) };
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
