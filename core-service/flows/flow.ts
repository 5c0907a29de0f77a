/**
 * The login → consent flow of one authorization request, as an explicit state machine
 * (Hydra's flow/flow.go). The flow travels inside encrypted challenges and verifiers
 * (flows/challenges.ts) and is written to the database once, when the consent verifier comes
 * back and the code is issued.
 *
 *   GET /oauth2/auth ──initiateFlow──▶ login_initialized
 *                                        │ acceptLogin            │ rejectLogin
 *                                        ▼                        ▼
 *                                   login_accepted           login_rejected ──▶ error to the client
 *                                        │ initiateConsent (login verifier back at /oauth2/auth)
 *                                        ▼
 *                                  consent_initialized
 *                                        │ acceptConsent          │ rejectConsent
 *                                        ▼                        ▼
 *                                  consent_accepted          consent_rejected ──▶ error to the client
 *                                        │ (consent verifier back at /oauth2/auth)
 *                                        ▼
 *                              consent persisted, code issued
 *
 * A device flow (RFC 8628) enters at login_initialized from /oauth2/device/verify once its user
 * code was accepted, and its persisted consent accepts the device code instead of issuing a code.
 *
 * Every transition checks the state it starts from; a challenge opened in the wrong state is a
 * forged or replayed one and fails.
 */
import type { AuthorizationParams } from '../oauth2/authorization-request.js';
import type { FlowError } from '../oauth2/response.js';
import { OAuthError } from '../shared/errors.js';

export type { AuthorizationParams };

export type FlowState =
  | 'login_initialized'
  | 'login_accepted'
  | 'login_rejected'
  | 'consent_initialized'
  | 'consent_accepted'
  | 'consent_rejected';

/** What the login app said when accepting (Hydra's acceptOAuth2LoginRequest). */
export interface LoginResult {
  subject: string;
  remember: boolean;
  remember_for: number;
  acr: string;
  amr: string[];
  context: unknown;
  force_subject_identifier: string;
  extend_session_lifespan: boolean;
  identity_provider_session_id: string;
  /** Seconds since the epoch (OIDC Core §2 auth_time). */
  authenticated_at: number;
}

/** What the consent app said when accepting (Hydra's acceptOAuth2ConsentRequest). */
export interface ConsentResult {
  grant_scope: string[];
  grant_access_token_audience: string[];
  remember: boolean;
  remember_for: number;
  session: { access_token: Record<string, unknown>; id_token: Record<string, unknown> };
  context: unknown;
  /** ms since the epoch. */
  handled_at: number;
}

export interface Flow {
  /** The flow id, also the grant's request id carried by every token of this authorization. */
  id: string;
  /**
   * Set when the flow authorizes a device (RFC 8628; Hydra's DeviceChallengeID): it started at
   * `/oauth2/device/verify`, has no redirect URI, and ends at `urls.device.success`.
   */
  device_challenge_id?: string;
  state: FlowState;
  request_url: string;
  /** ms since the epoch. */
  requested_at: number;
  /** ms since the epoch: requested_at + ttl.login_consent_request. */
  expires_at: number;
  params: AuthorizationParams;
  login_challenge_id: string;
  login_csrf: string;
  /** True when a valid login session lets the login app skip asking. */
  login_skip: boolean;
  /** The login session id (`sid`): the remembered session's when login is skipped, else a fresh one. */
  session_id: string;
  /** Subject and auth_time (seconds) of the remembered session, '' / 0 without one. */
  session_subject: string;
  session_authenticated_at: number;
  login?: LoginResult;
  login_error?: FlowError;
  consent_challenge_id: string;
  consent_csrf: string;
  consent_skip: boolean;
  consent?: ConsentResult;
  consent_error?: FlowError;
}

/** The remembered login session a new flow starts from, if any. */
export interface ExistingSession {
  id: string;
  subject: string;
  /** Seconds since the epoch. */
  authenticated_at: number;
}

function requireState(flow: Flow, expected: FlowState, what: string): void {
  if (flow.state !== expected) {
    throw new OAuthError('invalid_request', { hint: `The ${what} is not in the expected state (${flow.state}).` });
  }
}

/**
 * Starts a flow. Login is skipped (Hydra's `skip: true`) when a session exists and neither
 * `prompt=login`/`select_account` nor an exceeded `max_age` (OIDC Core §3.1.2.1) demands a new login.
 */
export function initiateFlow(input: {
  id: string;
  requestUrl: string;
  params: AuthorizationParams;
  now: number;
  ttlMs: number;
  loginChallengeId: string;
  loginCsrf: string;
  session: ExistingSession | undefined;
  freshSessionId: string;
  /** False when id_token_hint names another end-user than the session's: the session cannot be used. */
  hintMatchesSession: boolean;
}): Flow {
  const { params, session } = input;
  const nowSeconds = Math.floor(input.now / 1000);
  // max_age=0 demands a fresh login, like prompt=login (OIDC Core §3.1.2.1).
  const tooOld = params.max_age !== null && session !== undefined && (params.max_age === 0 || nowSeconds - session.authenticated_at > params.max_age);
  const forced = params.prompt.includes('login') || params.prompt.includes('select_account');
  const skip = session !== undefined && !forced && !tooOld && input.hintMatchesSession;
  return {
    id: input.id,
    state: 'login_initialized',
    request_url: input.requestUrl,
    requested_at: input.now,
    expires_at: input.now + input.ttlMs,
    params,
    login_challenge_id: input.loginChallengeId,
    login_csrf: input.loginCsrf,
    login_skip: skip,
    // Session fixation (OWASP Session Management; Hydra's forwardAuthenticationRequest): only a
    // skipped login continues the remembered session; every real authentication gets a fresh sid,
    // so a session cookie planted before the login is never upgraded to the new subject.
    session_id: skip && session ? session.id : input.freshSessionId,
    session_subject: skip && session ? session.subject : '',
    session_authenticated_at: skip && session ? session.authenticated_at : 0,
    consent_challenge_id: '',
    consent_csrf: '',
    consent_skip: false,
  };
}

/** login_initialized → login_accepted. With `skip`, the subject must be the session's (Hydra). */
export function acceptLogin(flow: Flow, result: LoginResult): Flow {
  requireState(flow, 'login_initialized', 'login request');
  if (result.subject === '') throw new OAuthError('invalid_request', { hint: 'Field "subject" must not be empty.' });
  if (flow.login_skip && result.subject !== flow.session_subject) {
    throw new OAuthError('invalid_request', {
      hint: 'Field "subject" does not match the subject of the remembered login session; the login request has skip: true.',
    });
  }
  // A skipped login keeps the original authentication time: nothing was re-authenticated.
  const authenticatedAt = flow.login_skip ? flow.session_authenticated_at : result.authenticated_at;
  return { ...flow, state: 'login_accepted', login: { ...result, authenticated_at: authenticatedAt } };
}

/** login_initialized → login_rejected. */
export function rejectLogin(flow: Flow, error: FlowError): Flow {
  requireState(flow, 'login_initialized', 'login request');
  return { ...flow, state: 'login_rejected', login_error: error };
}

/** login_accepted → consent_initialized, when the login verifier comes back. */
export function initiateConsent(flow: Flow, input: { consentChallengeId: string; consentCsrf: string; skip: boolean }): Flow {
  requireState(flow, 'login_accepted', 'login verifier');
  return {
    ...flow,
    state: 'consent_initialized',
    consent_challenge_id: input.consentChallengeId,
    consent_csrf: input.consentCsrf,
    consent_skip: input.skip,
  };
}

/** consent_initialized → consent_accepted. */
export function acceptConsent(flow: Flow, result: ConsentResult): Flow {
  requireState(flow, 'consent_initialized', 'consent request');
  return { ...flow, state: 'consent_accepted', consent: result };
}

/** consent_initialized → consent_rejected. */
export function rejectConsent(flow: Flow, error: FlowError): Flow {
  requireState(flow, 'consent_initialized', 'consent request');
  return { ...flow, state: 'consent_rejected', consent_error: error };
}

/** The accepted login of a flow past login; throws for flows that never got one. */
export function loginOf(flow: Flow): LoginResult {
  if (!flow.login) throw new OAuthError('invalid_request', { hint: 'The flow carries no accepted login.' });
  return flow.login;
}

/** The accepted consent of a flow; throws for flows that never got one. */
export function consentOf(flow: Flow): ConsentResult {
  if (!flow.consent) throw new OAuthError('invalid_request', { hint: 'The flow carries no accepted consent.' });
  return flow.consent;
}
