/**
 * The login and consent app's side of the flow (Hydra's `/admin/oauth2/auth/requests/*` and
 * `/admin/oauth2/auth/sessions/*`): read a challenge, accept or reject it (which seals the next
 * state into a verifier and says where to send the browser), and manage remembered sessions.
 * The documents and bodies are in documents.ts.
 */
import type { StoredClient } from '../clients/client.js';
import { errors } from '../shared/errors.js';
import { withParameter } from '../shared/uris.js';
import type { TokenStore } from '../tokens/store.js';
import { randomId, type ChallengeCodec, type ChallengeKind, type OpenedChallenge } from './challenges.js';
import {
  consentRequest,
  consentSession,
  loginRequest,
  readConsent,
  readLogin,
  readReject,
  type AcceptConsentBody,
  type AcceptLoginBody,
  type ConsentRequest,
  type ConsentSession,
  type FlowRead,
  type LoginRequest,
  type RejectBody,
} from './documents.js';
import { acceptConsent, acceptLogin, rejectConsent, rejectLogin, type Flow } from './flow.js';
import { openAndInvalidate } from './single-use.js';
import type { ConsentFilter, ConsentStore, LoginSessionStore, UsedChallengeStore } from './store.js';

export interface FlowServiceDeps {
  codec: ChallengeCodec;
  used: UsedChallengeStore;
  sessions: LoginSessionStore;
  consents: ConsentStore;
  tokens: Pick<TokenStore, 'revokeRequest'>;
  getClient(clientId: string): Promise<StoredClient | undefined>;
  now: () => Date;
}

/** Appends a verifier to the request URL (serialised by the URL API), where the browser goes next. */
function withVerifier(requestUrl: string, name: 'login_verifier' | 'consent_verifier', verifier: string): string {
  return withParameter(requestUrl, name, verifier);
}

export function createFlowService(deps: FlowServiceDeps) {
  const now = () => deps.now();

  function open(kind: ChallengeKind, challenge: string): OpenedChallenge {
    if (challenge === '') throw errors.badRequest(`The "${kind}" parameter is missing.`);
    return deps.codec.open(kind, challenge, now().getTime());
  }

  /**
   * Opens a challenge, runs the app's answer on its flow and marks the challenge used, in one step
   * (single-use.ts): an answer that does not fit the flow leaves the challenge usable; of two
   * answers to one challenge exactly one wins, the other gets 409.
   */
  async function answer(kind: ChallengeKind, challenge: string, transition: (flow: Flow) => Flow): Promise<Flow> {
    const { admitted } = await openAndInvalidate(deps.used, {
      open: () => open(kind, challenge),
      key: (opened) => ({ id: opened.id, expiresAt: opened.flow.expires_at }),
      admit: (opened) => transition(opened.flow),
      replayed: () => errors.conflict(`The ${kind.replace('_', ' ')} has been used already.`),
    });
    return admitted;
  }

  /** Hydra answers a read of a handled request with 410 and where the browser may start over. */
  async function isHandled(opened: OpenedChallenge): Promise<boolean> {
    return deps.used.isUsed(opened.id);
  }

  return {
    async getLoginRequest(challenge: string): Promise<FlowRead<LoginRequest>> {
      const opened = open('login_challenge', challenge);
      if (await isHandled(opened)) return { handled: { redirect_to: opened.flow.request_url } };
      return { request: loginRequest(challenge, opened.flow, await deps.getClient(opened.flow.params.client_id)) };
    },

    async acceptLoginRequest(challenge: string, body: AcceptLoginBody): Promise<string> {
      const next = await answer('login_challenge', challenge, (flow) => acceptLogin(flow, readLogin(body, now())));
      return withVerifier(next.request_url, 'login_verifier', deps.codec.seal('login_verifier', randomId(), next));
    },

    async rejectLoginRequest(challenge: string, body: RejectBody): Promise<string> {
      const next = await answer('login_challenge', challenge, (flow) => rejectLogin(flow, readReject(body)));
      return withVerifier(next.request_url, 'login_verifier', deps.codec.seal('login_verifier', randomId(), next));
    },

    async getConsentRequest(challenge: string): Promise<FlowRead<ConsentRequest>> {
      const opened = open('consent_challenge', challenge);
      if (await isHandled(opened)) return { handled: { redirect_to: opened.flow.request_url } };
      return { request: consentRequest(challenge, opened.flow, await deps.getClient(opened.flow.params.client_id)) };
    },

    async acceptConsentRequest(challenge: string, body: AcceptConsentBody): Promise<string> {
      const next = await answer('consent_challenge', challenge, (flow) => acceptConsent(flow, readConsent(body, now())));
      return withVerifier(next.request_url, 'consent_verifier', deps.codec.seal('consent_verifier', randomId(), next));
    },

    async rejectConsentRequest(challenge: string, body: RejectBody): Promise<string> {
      const next = await answer('consent_challenge', challenge, (flow) => rejectConsent(flow, readReject(body)));
      return withVerifier(next.request_url, 'consent_verifier', deps.codec.seal('consent_verifier', randomId(), next));
    },

    /** A subject's granted consents (Hydra lists those not skipped), newest first. */
    async listConsentSessions(query: { subject: string; loginSessionId: string; pageSize: number; offset: number }): Promise<ConsentSession[]> {
      if (query.subject === '') throw errors.badRequest("Query parameter 'subject' is not defined but should have been.");
      const grants = await deps.consents.listConsents(query.subject, query.loginSessionId, query.pageSize, query.offset);
      const clients = new Map<string, StoredClient | undefined>();
      const out: ConsentSession[] = [];
      for (const grant of grants) {
        if (!clients.has(grant.client_id)) clients.set(grant.client_id, await deps.getClient(grant.client_id));
        out.push(consentSession(grant, clients.get(grant.client_id)));
      }
      return out;
    },

    /**
     * Forgets consents and revokes every token of those grants. Hydra's revokeOAuth2ConsentSessions
     * takes exactly one of: `consent_request_id` alone; `subject` with `client`; `subject` with
     * `all=true`. Anything else is invalid_request; consents that do not exist are no error.
     */
    async revokeConsentSessions(query: { subject: string; clientId: string; all: boolean; consentRequestId: string }): Promise<void> {
      const { subject, clientId, all, consentRequestId } = query;
      let filter: ConsentFilter;
      if (consentRequestId !== '' && subject === '' && clientId === '') filter = { consentRequestId };
      else if (consentRequestId === '' && subject !== '' && clientId !== '' && !all) filter = { subject, clientId };
      else if (consentRequestId === '' && subject !== '' && clientId === '' && all) filter = { subject };
      else throw errors.badRequest('Invalid combination of query parameters.');
      const requestIds = await deps.consents.deleteConsents(filter);
      for (const requestId of requestIds) await deps.tokens.revokeRequest(requestId);
    },

    /** Ends remembered login sessions by subject or sid (later authorizations must log in again). */
    async revokeLoginSessions(query: { subject: string; sid: string }): Promise<void> {
      if (query.subject === '' && query.sid === '') throw errors.badRequest("Either 'subject' or 'sid' query parameters need to be defined.");
      await deps.sessions.deleteLoginSessions({ subject: query.subject || undefined, id: query.sid || undefined });
    },
  };
}

export type FlowService = ReturnType<typeof createFlowService>;
