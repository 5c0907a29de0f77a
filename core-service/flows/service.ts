/**
 * The login and consent app's side of the flow (Hydra's `/admin/oauth2/auth/requests/*` and
 * `/admin/oauth2/auth/sessions/*`): read a challenge, accept or reject it (which seals the next
 * state into a verifier and says where to send the browser), and manage remembered sessions.
 */
import type { StoredClient } from '../clients/client.js';
import type { FlowError } from '../oauth2/response.js';
import { errors } from '../shared/errors.js';
import type { TokenStore } from '../tokens/store.js';
import { randomId, type ChallengeCodec, type ChallengeKind, type OpenedChallenge } from './challenges.js';
import {
  acceptConsent,
  acceptLogin,
  loginOf,
  rejectConsent,
  rejectLogin,
  type ConsentResult,
  type Flow,
  type LoginResult,
} from './flow.js';
import { openAndInvalidate } from './single-use.js';
import type { ConsentFilter, ConsentGrant, ConsentStore, LoginSessionStore, UsedChallengeStore } from './store.js';

/** A Hydra JSON document plus the client it embeds (rendered to Hydra's client JSON at the edge). */
export interface FlowDocument {
  document: Record<string, unknown>;
  client: StoredClient | undefined;
  /** The request was handled already: `document` is Hydra's oAuth2RedirectTo, answered with 410. */
  handled?: boolean;
}

export interface FlowServiceDeps {
  codec: ChallengeCodec;
  used: UsedChallengeStore;
  sessions: LoginSessionStore;
  consents: ConsentStore;
  tokens: Pick<TokenStore, 'revokeRequest'>;
  getClient(clientId: string): Promise<StoredClient | undefined>;
  now: () => Date;
}

// --- request bodies (Hydra's acceptOAuth2LoginRequest, acceptOAuth2ConsentRequest, rejectOAuth2Request)

type Json = Record<string, unknown>;

function parseBody(json: string): Json {
  if (json === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw errors.badRequest('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.badRequest('The request body must be a JSON object.');
  return parsed as Json;
}

function field<T>(body: Json, name: string, kind: 'string' | 'boolean' | 'number', fallback: T): T {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== kind) throw errors.badRequest(`Field "${name}" must be a ${kind}.`);
  return value as T;
}

/** Go's []string: null is empty, and a null element is "" (Hydra decodes with encoding/json). */
function stringList(body: Json, name: string): string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && v !== null)) throw errors.badRequest(`Field "${name}" must be an array of strings.`);
  return value.map((v: string | null) => v ?? '');
}

/**
 * Granted scope or audience: empty values name nothing and are dropped, so Ory's reference
 * login app's `grant_scope: [null]` (every scope unticked) grants no scope, as in Hydra.
 */
function grantList(body: Json, name: string): string[] {
  return stringList(body, name).filter((v) => v !== '');
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw errors.badRequest(`Field "${name}" must be a JSON object.`);
  return value as Record<string, unknown>;
}

function readLogin(json: string, now: Date): LoginResult {
  const body = parseBody(json);
  const subject = field(body, 'subject', 'string', '');
  if (subject === '') throw errors.badRequest('Field "subject" must not be empty.');
  const rememberFor = field(body, 'remember_for', 'number', 0);
  if (!Number.isInteger(rememberFor) || rememberFor < 0) throw errors.badRequest('Field "remember_for" must be a non-negative integer.');
  return {
    subject,
    remember: field(body, 'remember', 'boolean', false),
    remember_for: rememberFor,
    acr: field(body, 'acr', 'string', ''),
    amr: stringList(body, 'amr'),
    context: body.context ?? null,
    force_subject_identifier: field(body, 'force_subject_identifier', 'string', ''),
    extend_session_lifespan: field(body, 'extend_session_lifespan', 'boolean', false),
    identity_provider_session_id: field(body, 'identity_provider_session_id', 'string', ''),
    authenticated_at: Math.floor(now.getTime() / 1000),
  };
}

function readConsent(json: string, now: Date): ConsentResult {
  const body = parseBody(json);
  const rememberFor = field(body, 'remember_for', 'number', 0);
  if (!Number.isInteger(rememberFor) || rememberFor < 0) throw errors.badRequest('Field "remember_for" must be a non-negative integer.');
  const session = object(body.session, 'session');
  return {
    grant_scope: grantList(body, 'grant_scope'),
    grant_access_token_audience: grantList(body, 'grant_access_token_audience'),
    remember: field(body, 'remember', 'boolean', false),
    remember_for: rememberFor,
    session: { access_token: object(session.access_token, 'session.access_token'), id_token: object(session.id_token, 'session.id_token') },
    context: body.context ?? null,
    handled_at: now.getTime(),
  };
}

function readReject(json: string): FlowError {
  const body = parseBody(json);
  const status = field(body, 'status_code', 'number', 0);
  // Hydra's RequestDeniedError.ToRFCError: `request_denied` and 400 by default; the description
  // is what the app sent (Hydra adds none).
  const error = field(body, 'error', 'string', '') || 'request_denied';
  const debug = field(body, 'error_debug', 'string', '');
  return {
    error,
    error_description: field(body, 'error_description', 'string', ''),
    error_hint: field(body, 'error_hint', 'string', ''),
    status_code: status >= 400 && status <= 599 ? status : 400,
    ...(debug ? { error_debug: debug } : {}),
  };
}

// --- documents

function oidcContext(flow: Flow): Json {
  const p = flow.params;
  const ctx: Json = { acr_values: p.acr_values, ui_locales: p.ui_locales, login_hint: p.login_hint, display: p.display };
  if (p.id_token_hint_claims) ctx.id_token_hint_claims = p.id_token_hint_claims;
  return ctx;
}

function loginDocument(challenge: string, flow: Flow): Json {
  return {
    challenge,
    skip: flow.login_skip,
    subject: flow.session_subject,
    request_url: flow.request_url,
    requested_scope: flow.params.scope,
    requested_access_token_audience: flow.params.audience,
    session_id: flow.session_id,
    oidc_context: oidcContext(flow),
  };
}

function consentDocument(challenge: string, flow: Flow): Json {
  const login = loginOf(flow);
  return {
    challenge,
    consent_request_id: flow.consent_challenge_id,
    skip: flow.consent_skip,
    subject: login.subject,
    request_url: flow.request_url,
    requested_scope: flow.params.scope,
    requested_access_token_audience: flow.params.audience,
    login_challenge: flow.login_challenge_id,
    login_session_id: flow.session_id,
    acr: login.acr,
    amr: login.amr,
    context: login.context,
    oidc_context: oidcContext(flow),
  };
}

/** Hydra's oAuth2ConsentSession for a stored consent. */
function consentSessionDocument(grant: ConsentGrant): Json {
  return {
    consent_request_id: grant.id,
    grant_scope: grant.granted_scope,
    grant_access_token_audience: grant.granted_audience,
    remember: grant.remember,
    remember_for: grant.remember_for,
    handled_at: grant.handled_at.toISOString(),
    context: grant.context,
    session: { access_token: grant.session_access_token, id_token: grant.session_id_token },
    consent_request: {
      challenge: grant.id,
      consent_request_id: grant.id,
      skip: grant.skipped,
      subject: grant.subject,
      request_url: grant.request_url,
      requested_scope: grant.requested_scope,
      requested_access_token_audience: grant.requested_audience,
      login_challenge: grant.login_challenge,
      login_session_id: grant.login_session_id,
      acr: grant.acr,
      amr: grant.amr,
      context: grant.context,
    },
  };
}

/** Appends a verifier to the request URL, where the browser goes next. */
function withVerifier(requestUrl: string, name: 'login_verifier' | 'consent_verifier', verifier: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set(name, verifier);
  return url.toString();
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
  async function handled(opened: OpenedChallenge): Promise<FlowDocument | undefined> {
    if (!(await deps.used.isUsed(opened.id))) return undefined;
    return { document: { redirect_to: opened.flow.request_url }, client: undefined, handled: true };
  }

  async function withClient(document: Json, clientId: string): Promise<FlowDocument> {
    return { document, client: await deps.getClient(clientId) };
  }

  return {
    async getLoginRequest(challenge: string): Promise<FlowDocument> {
      const opened = open('login_challenge', challenge);
      const gone = await handled(opened);
      if (gone) return gone;
      return withClient(loginDocument(challenge, opened.flow), opened.flow.params.client_id);
    },

    async acceptLoginRequest(challenge: string, bodyJson: string): Promise<string> {
      const next = await answer('login_challenge', challenge, (flow) => acceptLogin(flow, readLogin(bodyJson, now())));
      return withVerifier(next.request_url, 'login_verifier', deps.codec.seal('login_verifier', randomId(), next));
    },

    async rejectLoginRequest(challenge: string, bodyJson: string): Promise<string> {
      const next = await answer('login_challenge', challenge, (flow) => rejectLogin(flow, readReject(bodyJson)));
      return withVerifier(next.request_url, 'login_verifier', deps.codec.seal('login_verifier', randomId(), next));
    },

    async getConsentRequest(challenge: string): Promise<FlowDocument> {
      const opened = open('consent_challenge', challenge);
      const gone = await handled(opened);
      if (gone) return gone;
      return withClient(consentDocument(challenge, opened.flow), opened.flow.params.client_id);
    },

    async acceptConsentRequest(challenge: string, bodyJson: string): Promise<string> {
      const next = await answer('consent_challenge', challenge, (flow) => acceptConsent(flow, readConsent(bodyJson, now())));
      return withVerifier(next.request_url, 'consent_verifier', deps.codec.seal('consent_verifier', randomId(), next));
    },

    async rejectConsentRequest(challenge: string, bodyJson: string): Promise<string> {
      const next = await answer('consent_challenge', challenge, (flow) => rejectConsent(flow, readReject(bodyJson)));
      return withVerifier(next.request_url, 'consent_verifier', deps.codec.seal('consent_verifier', randomId(), next));
    },

    /** A subject's granted consents (Hydra lists those not skipped), newest first. */
    async listConsentSessions(query: { subject: string; loginSessionId: string; pageSize: number; offset: number }): Promise<FlowDocument[]> {
      if (query.subject === '') throw errors.badRequest("Query parameter 'subject' is not defined but should have been.");
      const grants = await deps.consents.listConsents(query.subject, query.loginSessionId, query.pageSize, query.offset);
      const clients = new Map<string, StoredClient | undefined>();
      const out: FlowDocument[] = [];
      for (const grant of grants) {
        if (!clients.has(grant.client_id)) clients.set(grant.client_id, await deps.getClient(grant.client_id));
        out.push({ document: consentSessionDocument(grant), client: clients.get(grant.client_id) });
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
