/**
 * Hydra's documents of the login and consent apps' API, as core's domain types: the login and
 * consent requests the apps read (oAuth2LoginRequest, oAuth2ConsentRequest, oAuth2ConsentSession)
 * and the bodies they answer with (acceptOAuth2LoginRequest, acceptOAuth2ConsentRequest,
 * rejectOAuth2Request). The bodies arrive typed from the gRPC edge (flows.proto); reading one
 * checks only what its types cannot say, once.
 */
import type { StoredClient } from '../clients/client.js';
import type { FlowError } from '../oauth2/response.js';
import { errors } from '../shared/errors.js';
import { loginOf, type ConsentResult, type Flow, type LoginResult } from './flow.js';
import type { ConsentGrant } from './store.js';

/**
 * Hydra's oAuth2ConsentRequestOpenIDConnectContext: the OpenID Connect parameters of the
 * authorization request; `id_token_hint_claims` only when the request carried a valid hint.
 */
export interface OidcContext {
  acr_values: string[];
  ui_locales: string[];
  login_hint: string;
  display: string;
  id_token_hint_claims?: Record<string, unknown>;
}

/** Hydra's oAuth2LoginRequest; the client is rendered at the edge. */
export interface LoginRequest {
  challenge: string;
  skip: boolean;
  subject: string;
  client: StoredClient | undefined;
  request_url: string;
  requested_scope: string[];
  requested_access_token_audience: string[];
  session_id: string;
  oidc_context: OidcContext;
}

/** Hydra's oAuth2ConsentRequest (`oidc_context` is absent in a consent session's copy). */
export interface ConsentRequest {
  challenge: string;
  consent_request_id: string;
  skip: boolean;
  subject: string;
  client: StoredClient | undefined;
  request_url: string;
  requested_scope: string[];
  requested_access_token_audience: string[];
  login_challenge: string;
  login_session_id: string;
  acr: string;
  amr: string[];
  /** Free-form JSON from the login app; null when it sent none. */
  context: unknown;
  oidc_context?: OidcContext;
}

/** Extra claims for the tokens of a grant (Hydra's acceptOAuth2ConsentRequestSession). */
export interface ConsentSessionClaims {
  access_token: Record<string, unknown>;
  id_token: Record<string, unknown>;
}

/** Hydra's oAuth2ConsentSession. */
export interface ConsentSession {
  consent_request_id: string;
  grant_scope: string[];
  grant_access_token_audience: string[];
  remember: boolean;
  remember_for: number;
  handled_at: Date;
  context: unknown;
  session: ConsentSessionClaims;
  consent_request: ConsentRequest;
}

/** A read of a login or consent request: the request, or, once handled, where the browser may start over (Hydra's 410). */
export type FlowRead<T> = { request: T; handled?: undefined } | { request?: undefined; handled: { redirect_to: string } };

/**
 * Hydra's acceptOAuth2LoginRequest as the gRPC edge types it: the login result sealed into the
 * flow, but for when it happened. What the app left out is the zero value (Go's encoding/json,
 * which Hydra decodes with, does the same); `context` undefined or null is none.
 */
export type AcceptLoginBody = Omit<LoginResult, 'authenticated_at'>;

/** Hydra's acceptOAuth2ConsentRequest, typed as AcceptLoginBody is. */
export interface AcceptConsentBody {
  grant_scope: string[];
  grant_access_token_audience: string[];
  remember: boolean;
  remember_for: number;
  session: Partial<ConsentSessionClaims> | undefined;
  context: unknown;
}

/** Hydra's rejectOAuth2Request. */
export interface RejectBody {
  error: string;
  error_description: string;
  error_hint: string;
  error_debug: string;
  status_code: number;
}

// --- request bodies (typed at the gRPC edge; only what the types cannot say is checked here)

function rememberFor(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0) throw errors.badRequest('Field "remember_for" must be a non-negative integer.');
  return seconds;
}

/**
 * Granted scope or audience: empty values name nothing and are dropped, so Ory's reference
 * login app's `grant_scope: [null]` (every scope unticked; Go decodes the null to "") grants no
 * scope, as in Hydra.
 */
function granted(values: readonly string[]): string[] {
  return values.filter((v) => v !== '');
}

/** An accept-login body → the login result sealed into the flow; 400 for an empty subject or a negative remember_for. */
export function readLogin(body: AcceptLoginBody, now: Date): LoginResult {
  if (body.subject === '') throw errors.badRequest('Field "subject" must not be empty.');
  return {
    subject: body.subject,
    remember: body.remember,
    remember_for: rememberFor(body.remember_for),
    acr: body.acr,
    amr: [...body.amr],
    context: body.context ?? null,
    force_subject_identifier: body.force_subject_identifier,
    extend_session_lifespan: body.extend_session_lifespan,
    identity_provider_session_id: body.identity_provider_session_id,
    authenticated_at: Math.floor(now.getTime() / 1000),
  };
}

/** An accept-consent body → the consent result sealed into the flow; 400 for a negative remember_for. */
export function readConsent(body: AcceptConsentBody, now: Date): ConsentResult {
  return {
    grant_scope: granted(body.grant_scope),
    grant_access_token_audience: granted(body.grant_access_token_audience),
    remember: body.remember,
    remember_for: rememberFor(body.remember_for),
    session: { access_token: body.session?.access_token ?? {}, id_token: body.session?.id_token ?? {} },
    context: body.context ?? null,
    handled_at: now.getTime(),
  };
}

/** A reject body → the OAuth 2.0 error the client will get. */
export function readReject(body: RejectBody): FlowError {
  // Hydra's RequestDeniedError.ToRFCError: `request_denied` and 400 by default; the description
  // is what the app sent (Hydra adds none).
  const status = body.status_code;
  return {
    error: body.error || 'request_denied',
    error_description: body.error_description,
    error_hint: body.error_hint,
    status_code: status >= 400 && status <= 599 ? status : 400,
    ...(body.error_debug ? { error_debug: body.error_debug } : {}),
  };
}

// --- documents

function oidcContext(flow: Flow): OidcContext {
  const p = flow.params;
  const ctx: OidcContext = { acr_values: p.acr_values, ui_locales: p.ui_locales, login_hint: p.login_hint, display: p.display };
  if (p.id_token_hint_claims) ctx.id_token_hint_claims = p.id_token_hint_claims;
  return ctx;
}

/** The login request of a flow, as the login app reads it. */
export function loginRequest(challenge: string, flow: Flow, client: StoredClient | undefined): LoginRequest {
  return {
    challenge,
    skip: flow.login_skip,
    subject: flow.session_subject,
    client,
    request_url: flow.request_url,
    requested_scope: flow.params.scope,
    requested_access_token_audience: flow.params.audience,
    session_id: flow.session_id,
    oidc_context: oidcContext(flow),
  };
}

/** The consent request of a flow, as the consent app reads it. */
export function consentRequest(challenge: string, flow: Flow, client: StoredClient | undefined): ConsentRequest {
  const login = loginOf(flow);
  return {
    challenge,
    consent_request_id: flow.consent_challenge_id,
    skip: flow.consent_skip,
    subject: login.subject,
    client,
    request_url: flow.request_url,
    requested_scope: flow.params.scope,
    requested_access_token_audience: flow.params.audience,
    login_challenge: flow.login_challenge_id,
    login_session_id: flow.session_id,
    acr: login.acr,
    amr: login.amr,
    context: login.context ?? null,
    oidc_context: oidcContext(flow),
  };
}

/** Hydra's oAuth2ConsentSession for a stored consent. */
export function consentSession(grant: ConsentGrant, client: StoredClient | undefined): ConsentSession {
  return {
    consent_request_id: grant.id,
    grant_scope: grant.granted_scope,
    grant_access_token_audience: grant.granted_audience,
    remember: grant.remember,
    remember_for: grant.remember_for,
    handled_at: grant.handled_at,
    context: grant.context ?? null,
    session: { access_token: grant.session_access_token, id_token: grant.session_id_token },
    consent_request: {
      challenge: grant.id,
      consent_request_id: grant.id,
      skip: grant.skipped,
      subject: grant.subject,
      client,
      request_url: grant.request_url,
      requested_scope: grant.requested_scope,
      requested_access_token_audience: grant.requested_audience,
      login_challenge: grant.login_challenge,
      login_session_id: grant.login_session_id,
      acr: grant.acr,
      amr: grant.amr,
      context: grant.context ?? null,
    },
  };
}
