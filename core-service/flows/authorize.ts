/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2): one request runs one leg of the
 * flow (flow.ts). Without a verifier it has the request checked (authorization/checks.ts, passed
 * in as `checkRequest`) and hands the browser to the login app; with a login verifier it hands it
 * to the consent app; with a consent verifier it persists the consent, issues the code and sends
 * the browser back to the client.
 * A device flow (RFC 8628, device-verification.ts) runs the same login and consent
 * legs from /oauth2/device/verify; it has no redirect URI, so it ends at `urls.device.success`
 * (the device code accepted) and its errors go to `urls.error`.
 */
import type { StoredClient } from '../clients/client.js';
import type { AuthorizationCodeIssuer } from '../grants/authorization-code.js';
import { randomId, type ChallengeCodec, type ChallengeKind } from './challenges.js';
import {
  sessionCookie,
  csrfCookies,
  csrfMatches,
  presentedCsrf,
  sessionFromCookie,
  sessionIdFromCookie,
  type CookieNames,
  type CookiePolicy,
} from './cookies.js';
import type { DeviceCodeStore } from '../device/store.js';
import type { SecretBox } from '../keys/secret-box.js';
import { AUTHORIZATION_PARAMETERS, AuthorizationRequestError, type AuthorizationParams } from '../oauth2/authorization-request.js';
import { foreignAudiences } from '../oauth2/audience.js';
import type { GrantSession } from '../oauth2/grant-session.js';
import {
  flowErrorOf,
  respond,
  respondWithError as redirectError,
  showError as shownError,
  type BrowserCookie,
  type BrowserOutcome,
  type FlowError,
  type RedirectTarget,
} from '../oauth2/response.js';
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';
import { withParameter, withParameters } from '../shared/uris.js';
import type { GrantTokenIssuer } from '../tokens/grant-issuer.js';
import { clientIdentityAssured } from './client-identity.js';
import { openAndInvalidate } from './single-use.js';
import { consentOf, initiateConsent, initiateFlow, loginOf, type ExistingSession, type Flow } from './flow.js';
import type { ConsentGrant, ConsentStore, LoginSessionStore, UsedChallengeStore } from './store.js';

export interface AuthorizationEndpointDeps {
  getClient(clientId: string): Promise<StoredClient | undefined>;
  codec: ChallengeCodec;
  /** Seals the login session id into the session cookie (the bare sid appears in ID tokens). */
  sessionBox: SecretBox;
  cookies: CookieNames;
  used: UsedChallengeStore;
  sessions: LoginSessionStore;
  consents: ConsentStore;
  codes: AuthorizationCodeIssuer;
  /** Mints the tokens the implicit and hybrid flows return from the authorization endpoint. */
  tokens: GrantTokenIssuer;
  subjectFor(client: StoredClient, subject: string): string;
  /**
   * Leg 1's checks of the authorization request (authorization/checks.ts): the validated request,
   * its client and where its response goes, or an AuthorizationRequestError.
   */
  checkRequest(raw: ReadonlyMap<string, string>): Promise<{ client: StoredClient; params: AuthorizationParams; redirect: RedirectTarget }>;
  /** Which scopes a consent may grant the client (`strategies.scope`). */
  scopeStrategy: ScopeStrategy;
  urls: { login: string; consent: string; error: string; publicBase: string; deviceSuccess: string };
  /** RFC 8628: where a device flow's consent lands (the device code's state). */
  devices: Pick<DeviceCodeStore, 'accept' | 'reject'>;
  /** `oauth2.expose_internal_errors`: error redirects carry the debug detail too. */
  exposeInternalErrors?: boolean;
  /** `ttl.login_consent_request` and `ttl.authentication_session` in ms. */
  ttl: { loginConsentRequest: number; authenticationSession: number };
  /** Secure and SameSite of every cookie (flows/cookies.ts cookiePolicy). */
  cookiePolicy: CookiePolicy;
  now: () => Date;
}

export interface AuthorizeInput {
  params: ReadonlyMap<string, string>;
  cookies: ReadonlyMap<string, string>;
}

/** A device authorization whose user code was accepted, about to be logged in (device-verification.ts). */
export interface DeviceLoginInput {
  /** The device authorization's request id: the flow's id and its tokens' grant id. */
  requestId: string;
  deviceChallengeId: string;
  clientId: string;
  scope: string[];
  audience: string[];
  /** `/oauth2/device/verify?client_id=…`, where the login and consent verifiers come back. */
  requestUrl: string;
  cookies: ReadonlyMap<string, string>;
}

const targetOf = (flow: Flow): RedirectTarget => ({ uri: flow.params.redirect_uri, mode: flow.params.response_mode, state: flow.params.state });

/** Hydra's remembered-consent rule: everything requested was granted before and the memory has not run out. */
function coveredBy(grant: ConsentGrant, flow: Flow, now: number): boolean {
  if (grant.remember_for > 0 && grant.handled_at.getTime() + grant.remember_for * 1000 <= now) return false;
  return flow.params.scope.every((s) => grant.granted_scope.includes(s)) && flow.params.audience.every((a) => grant.granted_audience.includes(a));
}

export function createAuthorizationEndpoint(deps: AuthorizationEndpointDeps) {
  const nowMs = () => deps.now().getTime();
  const expose = deps.exposeInternalErrors ?? false;
  const respondWithError = (target: RedirectTarget, error: FlowError, cookies: BrowserCookie[] = []) => redirectError(target, error, cookies, expose);
  const showError = (error: FlowError, errorUrl: string) => shownError(error, errorUrl, expose);
  const csrfMaxAge = Math.max(1, Math.round(deps.ttl.loginConsentRequest / 1000));
  // The only cookie set here directly is the authentication session cookie (CSRF cookies go through csrfCookies).
  const cookie = (name: string, value: string, maxAge: number): BrowserCookie => sessionCookie(deps.cookiePolicy, name, value, maxAge);
  const fallback = (url: string, path: string) => url || new URL(path, deps.urls.publicBase.endsWith('/') ? deps.urls.publicBase : `${deps.urls.publicBase}/`).toString();
  // Serialised by the URL API once, so each leg only appends its challenge (shared/uris.ts withParameter).
  const loginUrl = new URL(fallback(deps.urls.login, 'oauth2/fallbacks/login')).toString();
  const consentUrl = new URL(fallback(deps.urls.consent, 'oauth2/fallbacks/consent')).toString();

  const authorizationUrl = new URL(fallback('', 'oauth2/auth'));

  /** The request as the login and consent apps see it (Hydra's request_url), known parameters only. */
  function requestUrl(params: ReadonlyMap<string, string>): string {
    const known = [...params].filter(([name]) => AUTHORIZATION_PARAMETERS.has(name));
    // The endpoint's URL has no query of its own: the known parameters are the whole query, as withParameters would set it.
    if (authorizationUrl.search !== '' || authorizationUrl.hash !== '') return withParameters(authorizationUrl, known).toString();
    const query = new URLSearchParams(known).toString();
    return query === '' ? authorizationUrl.href : `${authorizationUrl.href}?${query}`;
  }

  /** The remembered login session the browser's session cookie points at, if still valid. */
  async function currentSession(cookies: ReadonlyMap<string, string>): Promise<ExistingSession | undefined> {
    const session = await sessionFromCookie(cookies, { cookieName: deps.cookies.session, sessionBox: deps.sessionBox, sessions: deps.sessions, nowMs: nowMs() });
    if (!session) return undefined;
    return { id: session.id, subject: session.subject, authenticated_at: Math.floor(session.authenticated_at.getTime() / 1000) };
  }


  /** Leg 1: check the request, start the flow, send the browser to the login app. */
  async function start(input: AuthorizeInput): Promise<BrowserOutcome> {
    let checked;
    try {
      checked = await deps.checkRequest(input.params);
    } catch (err) {
      if (!(err instanceof AuthorizationRequestError)) throw err;
      const error = flowErrorOf(err.oauth);
      return err.redirect ? respondWithError(err.redirect, error) : showError(error, deps.urls.error);
    }
    const { client, params, redirect } = checked;
    const session = await currentSession(input.cookies);
    // OIDC Core §3.1.2.1: a hint naming another end-user than the session's rules the session out.
    const hintedSubject = params.id_token_hint_claims?.sub;
    const hintMatchesSession =
      session === undefined || typeof hintedSubject !== 'string' || hintedSubject === session.subject || hintedSubject === deps.subjectFor(client, session.subject);
    const flow = initiateFlow({
      id: randomId(),
      requestUrl: requestUrl(input.params),
      params,
      now: nowMs(),
      ttlMs: deps.ttl.loginConsentRequest,
      loginChallengeId: randomId(),
      loginCsrf: randomId(),
      session,
      freshSessionId: randomId(),
      hintMatchesSession,
    });
    // OIDC Core §3.1.2.1: prompt=none must not show any page; without a usable session that is login_required.
    if (params.prompt.includes('none') && !flow.login_skip) {
      return respondWithError(redirect, flowErrorOf(new OAuthError('login_required', { hint: "Prompt 'none' was requested, but no existing login session was found." })));
    }
    return toLogin(flow);
  }

  /** Sends the browser to the login app with the flow sealed in the login challenge. */
  function toLogin(flow: Flow): BrowserOutcome {
    const challenge = deps.codec.seal('login_challenge', flow.login_challenge_id, flow);
    return { redirect_to: withParameter(loginUrl, 'login_challenge', challenge), cookies: csrfCookies(deps.cookiePolicy, deps.cookies.loginCsrf(flow.params.client_id), flow.login_csrf, csrfMaxAge) };
  }

  /**
   * Where an error of a flow past leg 1 goes: to the client's verified redirect URI, or, for a
   * device flow, which has none, to `urls.error`. A refusal by the user (`rejectDevice`) is what
   * the polling device then learns as access_denied (RFC 8628 §3.5).
   */
  async function fail(flow: Flow, error: FlowError, cookies: BrowserCookie[] = [], rejectDevice = false): Promise<BrowserOutcome> {
    if (flow.device_challenge_id === undefined) return respondWithError(targetOf(flow), error, cookies);
    if (rejectDevice) await deps.devices.reject(flow.id);
    return { ...showError(error, deps.urls.error), cookies };
  }

  /**
   * RFC 8628 §3.3: the user code was accepted at the device verification endpoint; the usual
   * login and consent follow (Hydra's requestAuthentication for a device flow). The flow's id
   * is the device authorization's request id, so its tokens carry it.
   */
  async function startDeviceLogin(input: DeviceLoginInput): Promise<BrowserOutcome> {
    const params: AuthorizationParams = {
      client_id: input.clientId,
      redirect_uri: '',
      redirect_uri_given: false,
      response_type: [],
      response_mode: 'query',
      state: '',
      nonce: '',
      scope: input.scope,
      audience: input.audience,
      code_challenge: '',
      code_challenge_method: '',
      prompt: [],
      max_age: null,
      ui_locales: [],
      login_hint: '',
      id_token_hint: '',
      id_token_hint_claims: null,
      acr_values: [],
      display: '',
    };
    const flow = initiateFlow({
      id: input.requestId,
      requestUrl: input.requestUrl,
      params,
      now: nowMs(),
      ttlMs: deps.ttl.loginConsentRequest,
      loginChallengeId: randomId(),
      loginCsrf: randomId(),
      session: await currentSession(input.cookies),
      freshSessionId: randomId(),
      hintMatchesSession: true,
    });
    return toLogin({ ...flow, device_challenge_id: input.deviceChallengeId });
  }

  /**
   * Opens a verifier that came back through the browser and marks it used (single-use.ts): it must
   * be readable, not expired, back where its flow started, come with the CSRF cookie minted for
   * this flow, and be unused. `onOpened` learns the flow as soon as the verifier opened, so a later
   * refusal can go to the flow's client.
   */
  async function redeemVerifier(kind: ChallengeKind, verifier: string, cookies: ReadonlyMap<string, string>, device: boolean, onOpened: (flow: Flow) => void): Promise<Flow> {
    const login = kind === 'login_verifier';
    const { opened } = await openAndInvalidate(deps.used, {
      open: () => {
        const opened = deps.codec.open(kind, verifier, nowMs());
        // A verifier comes back where its flow started: a device flow's to /oauth2/device/verify only.
        if ((opened.flow.device_challenge_id !== undefined) !== device) {
          throw new OAuthError('access_denied', { hint: `The ${login ? 'login' : 'consent'} verifier belongs to another endpoint.` });
        }
        return opened;
      },
      key: (opened) => ({ id: opened.id, expiresAt: opened.flow.expires_at }),
      admit: ({ flow }) => {
        onOpened(flow);
        const name = login ? deps.cookies.loginCsrf(flow.params.client_id) : deps.cookies.consentCsrf(flow.params.client_id);
        if (!csrfMatches(presentedCsrf(cookies, name, deps.cookiePolicy), login ? flow.login_csrf : flow.consent_csrf)) {
          throw new OAuthError('request_forbidden', {
            description: 'The request is not allowed.',
            hint: `No CSRF value available in the session cookie, or it does not match the ${login ? 'login' : 'consent'} request; the browser must complete the flow it started (and accept cookies).`,
          });
        }
      },
      // Hydra's consent strategy: a replayed verifier is access_denied.
      replayed: () => new OAuthError('access_denied', { hint: `The ${login ? 'login' : 'consent'} verifier has already been used.` }),
    });
    return opened.flow;
  }

  /**
   * Hydra's verifyAuthentication: a login that was not skipped ends the session the browser
   * presented, whoever it belonged to (another subject signing in, or a session cookie planted
   * before the login), and drops its cookie unless the new session replaces it.
   */
  async function endPreviousSession(flow: Flow, browserCookies: ReadonlyMap<string, string>, cookies: BrowserCookie[]): Promise<void> {
    const previous = sessionIdFromCookie(browserCookies, { cookieName: deps.cookies.session, sessionBox: deps.sessionBox });
    if (previous === undefined || previous === flow.session_id) return;
    await deps.sessions.deleteLoginSessions({ id: previous });
    if (!loginOf(flow).remember) cookies.push(cookie(deps.cookies.session, '', 0));
  }

  /** Leg 2: the login app answered; remember the session if asked, then go to the consent app. */
  async function afterLogin(flow: Flow, browserCookies: ReadonlyMap<string, string>): Promise<BrowserOutcome> {
    const clearCsrf = csrfCookies(deps.cookiePolicy, deps.cookies.loginCsrf(flow.params.client_id), '', 0);
    if (flow.state === 'login_rejected' && flow.login_error) return fail(flow, flow.login_error, clearCsrf, true);
    const login = loginOf(flow);
    const cookies: BrowserCookie[] = [...clearCsrf];
    const now = nowMs();
    if (!flow.login_skip) await endPreviousSession(flow, browserCookies, cookies);

    if ((login.remember && !flow.login_skip) || (flow.login_skip && login.extend_session_lifespan)) {
      // Hydra: remember_for 0 means as long as the authentication session may live.
      const lifetimeMs = login.remember_for > 0 ? login.remember_for * 1000 : deps.ttl.authenticationSession;
      await deps.sessions.upsertLoginSession({
        id: flow.session_id,
        subject: login.subject,
        authenticated_at: new Date(login.authenticated_at * 1000),
        remember: true,
        expires_at: new Date(now + lifetimeMs),
        identity_provider_session_id: login.identity_provider_session_id,
      });
      cookies.push(cookie(deps.cookies.session, deps.sessionBox.seal(flow.session_id), Math.round(lifetimeMs / 1000)));
    }

    const client = await deps.getClient(flow.params.client_id);
    if (!client) return fail(flow, flowErrorOf(new OAuthError('invalid_client', { hint: 'The client no longer exists.' })), cookies);
    let skip = client.skip_consent;
    // RFC 6749 §10.2, RFC 8252 §8.6: a remembered consent applies only when the redirect proves
    // which application receives the code (client-identity.ts).
    if (!skip && !flow.params.prompt.includes('consent') && clientIdentityAssured(client, flow.params.redirect_uri)) {
      const remembered = await deps.consents.rememberedConsents(login.subject, client.client_id);
      skip = remembered.some((grant) => coveredBy(grant, flow, now));
    }
    // OIDC Core §3.1.2.6: prompt=none cannot ask for consent.
    if (!skip && flow.params.prompt.includes('none')) {
      return respondWithError(targetOf(flow), flowErrorOf(new OAuthError('consent_required', { hint: "Prompt 'none' was requested, but no previous consent was found." })), cookies);
    }
    const next = initiateConsent(flow, { consentChallengeId: randomId(), consentCsrf: randomId(), skip });
    const challenge = deps.codec.seal('consent_challenge', next.consent_challenge_id, next);
    cookies.push(...csrfCookies(deps.cookiePolicy, deps.cookies.consentCsrf(client.client_id), next.consent_csrf, csrfMaxAge));
    return { redirect_to: withParameter(consentUrl, 'consent_challenge', challenge), cookies };
  }

  /** Leg 3: the consent app answered; persist the consent once, issue the code, back to the client. */
  async function afterConsent(flow: Flow): Promise<BrowserOutcome> {
    const target = targetOf(flow);
    const cookies = csrfCookies(deps.cookiePolicy, deps.cookies.consentCsrf(flow.params.client_id), '', 0);
    if (flow.state === 'consent_rejected' && flow.consent_error) return fail(flow, flow.consent_error, cookies, true);
    const login = loginOf(flow);
    const consent = consentOf(flow);
    const client = await deps.getClient(flow.params.client_id);
    if (!client) return fail(flow, flowErrorOf(new OAuthError('invalid_client', { hint: 'The client no longer exists.' })), cookies);
    const notAllowed = uncoveredScopes(deps.scopeStrategy, splitScope(client.scope), consent.grant_scope);
    if (notAllowed.length > 0) {
      return fail(flow, flowErrorOf(new OAuthError('invalid_scope', { hint: `The consent granted scope "${notAllowed.join(' ')}" the client may not request.` })), cookies);
    }
    const foreign = foreignAudiences(client.audience, consent.grant_access_token_audience);
    if (foreign.length > 0) {
      return fail(flow, flowErrorOf(new OAuthError('invalid_request', { hint: `The consent granted audience "${foreign.join(' ')}" the client may not request.` })), cookies);
    }
    const types = flow.params.response_type;
    // fosite: without a code, an ID token response needs openid granted, else nothing answers it.
    if (types.includes('id_token') && !types.includes('code') && !consent.grant_scope.includes('openid')) {
      return respondWithError(target, flowErrorOf(new OAuthError('unsupported_response_type', { hint: 'The consent did not grant the "openid" scope, which an ID token response needs.' })), cookies);
    }

    await deps.consents.insertConsent({
      id: flow.consent_challenge_id,
      request_id: flow.id,
      subject: login.subject,
      client_id: client.client_id,
      login_session_id: flow.session_id,
      login_challenge: flow.login_challenge_id,
      requested_scope: flow.params.scope,
      requested_audience: flow.params.audience,
      granted_scope: consent.grant_scope,
      granted_audience: consent.grant_access_token_audience,
      session_access_token: consent.session.access_token,
      session_id_token: consent.session.id_token,
      context: consent.context,
      acr: login.acr,
      amr: login.amr,
      remember: consent.remember,
      remember_for: consent.remember_for,
      skipped: flow.consent_skip,
      request_url: flow.request_url,
      handled_at: new Date(consent.handled_at),
      requested_at: new Date(flow.requested_at),
    });

    const session: GrantSession = {
      subject: login.subject,
      obfuscated_subject: login.force_subject_identifier || deps.subjectFor(client, login.subject),
      granted_scope: consent.grant_scope,
      granted_audience: consent.grant_access_token_audience,
      access_token_claims: consent.session.access_token,
      id_token_claims: consent.session.id_token,
      auth_time: login.authenticated_at,
      acr: login.acr,
      amr: login.amr,
      nonce: flow.params.nonce,
      sid: flow.session_id,
      consent_challenge_id: flow.consent_challenge_id,
    };
    if (flow.device_challenge_id !== undefined) {
      // RFC 8628 §3.3: the device's next poll gets the tokens; the browser is done (Hydra's
      // performOAuth2DeviceVerificationFlow redirects to urls.device.success with client_id).
      if (!(await deps.devices.accept(flow.id, session, deps.now()))) {
        return fail(flow, flowErrorOf(new OAuthError('invalid_request', { hint: 'The device authorization request has expired or was completed already; start again on the device.' })), cookies);
      }
      const done = new URL(fallback(deps.urls.deviceSuccess, 'oauth2/fallbacks/device/done'));
      done.searchParams.set('client_id', client.client_id);
      return { redirect_to: done.toString(), cookies };
    }
    // Hydra adds the granted scope to the response (RFC 6749 §5.1 allows it for the token response).
    const fields: Record<string, string> = { scope: consent.grant_scope.join(' ') };
    if (types.includes('code')) {
      fields.code = await deps.codes.issue({
        client,
        session,
        requestId: flow.id,
        redirectUri: flow.params.redirect_uri_given ? flow.params.redirect_uri : '',
        codeChallenge: flow.params.code_challenge,
        codeChallengeMethod: flow.params.code_challenge_method,
      });
    }
    if (types.includes('token')) {
      // RFC 6749 §4.2.2: the implicit response carries the access token, never a refresh token.
      const body = await deps.tokens.issue({
        client,
        session,
        requestId: flow.id,
        grantType: 'implicit',
        refresh: false,
        idToken: types.includes('id_token') && consent.grant_scope.includes('openid'),
        ...(fields.code !== undefined ? { code: fields.code } : {}),
      });
      fields.access_token = body.access_token;
      fields.token_type = body.token_type;
      fields.expires_in = String(body.expires_in);
      if (body.id_token) fields.id_token = body.id_token;
    } else if (types.includes('id_token') && consent.grant_scope.includes('openid')) {
      // OIDC Core §3.2.2.5 / §3.3.2.5: `id_token` and `code id_token` answer with an ID token and no access token.
      fields.id_token = await deps.tokens.issueIdToken({ client, session, ...(fields.code !== undefined ? { code: fields.code } : {}) });
    }
    return respond(target, fields, cookies);
  }

  /** Errors of legs 2 and 3: the flow's redirect URI was verified in leg 1, so they go to the client. */
  async function continueFlow(kind: 'login_verifier' | 'consent_verifier', verifier: string, cookies: ReadonlyMap<string, string>, device: boolean): Promise<BrowserOutcome> {
    // Known once the verifier opened and belongs here; until then an error is only shown.
    let opened: Flow | undefined;
    let flow: Flow;
    try {
      flow = await redeemVerifier(kind, verifier, cookies, device, (f) => (opened = f));
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (opened !== undefined) {
        if (err.status < 500) return fail(opened, flowErrorOf(err));
        throw err;
      }
      // Hydra's decodeVerifier: a verifier it cannot read is access_denied, not a missing resource.
      const shown =
        err.code === 'Not Found'
          ? new OAuthError('access_denied', { hint: `The ${kind === 'login_verifier' ? 'login' : 'consent'} verifier has already been used, has not been granted, or is invalid.`, debug: err.debug })
          : err;
      return showError(flowErrorOf(shown), deps.urls.error);
    }
    try {
      return kind === 'login_verifier' ? await afterLogin(flow, cookies) : await afterConsent(flow);
    } catch (err) {
      if (err instanceof OAuthError && err.status < 500) return fail(flow, flowErrorOf(err));
      throw err;
    }
  }

  return {
    /** Runs one authorization request and says what the browser should see next. */
    async authorize(input: AuthorizeInput): Promise<BrowserOutcome> {
      const consentVerifier = input.params.get('consent_verifier');
      if (consentVerifier) return continueFlow('consent_verifier', consentVerifier, input.cookies, false);
      const loginVerifier = input.params.get('login_verifier');
      if (loginVerifier) return continueFlow('login_verifier', loginVerifier, input.cookies, false);
      return start(input);
    },

    startDeviceLogin,

    /** Legs 2 and 3 of a device flow: its login or consent verifier back at /oauth2/device/verify. */
    continueDeviceFlow(kind: 'login_verifier' | 'consent_verifier', verifier: string, cookies: ReadonlyMap<string, string>): Promise<BrowserOutcome> {
      return continueFlow(kind, verifier, cookies, true);
    },
  };
}

export type AuthorizationEndpoint = ReturnType<typeof createAuthorizationEndpoint>;
