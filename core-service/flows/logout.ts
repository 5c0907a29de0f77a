/**
 * Logout (OpenID Connect RP-Initiated Logout 1.0, Front-Channel Logout 1.0, Back-Channel
 * Logout 1.0), as Hydra runs it: the request travels to the operator's logout app in an
 * encrypted challenge, like login and consent (flows/challenges.ts), and comes back as a
 * verifier that ends the login session.
 *
 *   GET /oauth2/sessions/logout ──initiate──▶ logout_initialized ──(logout_challenge)──▶ logout app
 *        │ no session: straight to the post-logout redirect        │ accept            │ reject
 *        │ client.skip_logout_consent: straight to the verifier    ▼                   ▼
 *                                                          logout_accepted        (204; the app decides)
 *                                                                  │ logout_verifier back at /oauth2/sessions/logout
 *                                                                  ▼
 *                  session deleted, cookie cleared, back-channel tokens POSTed in the background,
 *                  front-channel iframes page, then post_logout_redirect_uri?state=…
 *
 * Hydra does not revoke tokens on logout; neither does this.
 */
import type { JWK } from 'jose';
import type { StoredClient } from '../clients/client.js';
import { postLogoutRedirectUriProblem, webUriProblem, type UriPolicyOptions } from '../clients/uri-policy.js';
import type { SecretBox } from '../keys/secret-box.js';
import { flowErrorOf, showError, type BrowserCookie, type FlowError } from '../oauth2/response.js';
import { signLogoutToken, type BackChannelDelivery } from '../oidc/logout-token.js';
import { OAuthError, errors } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { withParameters } from '../shared/uris.js';
import { randomId } from './challenges.js';
import { sessionCookie, sessionFromCookie, type CookieNames, type CookiePolicy } from './cookies.js';
import { openAndInvalidate } from './single-use.js';
import type { LoginSessionStore, UsedChallengeStore } from './store.js';

export type LogoutState = 'logout_initialized' | 'logout_accepted';

/** RP-Initiated Logout 1.0 §2: the logout request parameters, the only ones its request URL keeps. */
const LOGOUT_PARAMETERS: ReadonlySet<string> = new Set(['id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales']);

/** An in-flight logout (Hydra's flow.LogoutRequest), sealed into the challenge and the verifier. */
export interface LogoutRequest {
  /** The challenge id: the key of its single use. */
  id: string;
  state: LogoutState;
  subject: string;
  /** The login session being ended. */
  sid: string;
  /** The client named by id_token_hint; '' for an OP-initiated logout. */
  client_id: string;
  rp_initiated: boolean;
  request_url: string;
  /** Where the browser goes at the end, `state` included. */
  post_logout_redirect_uri: string;
  /** ms since the epoch. */
  requested_at: number;
  expires_at: number;
}

/** The client ids that received tokens in one login session (consents granted in it, remembered ones applied too). */
export interface LogoutClientStore {
  clientIdsOfLoginSession(sid: string, subject: string): Promise<string[]>;
}

/** What the gateway does with the browser: redirect, or the front-channel page then redirect, or an error. */
export interface LogoutOutcome {
  redirect_to: string;
  /** Front-Channel Logout §2: iframes to load before redirecting. */
  frontchannel_logout_uris: string[];
  error?: FlowError;
  cookies: BrowserCookie[];
}

/** Hydra's oAuth2LogoutRequest; the client is rendered at the edge. */
export interface LogoutDocument {
  challenge: string;
  subject: string;
  sid: string;
  request_url: string;
  rp_initiated: boolean;
  requested_at: Date;
  expires_at: Date;
  /** The client named by id_token_hint; undefined for an OP-initiated logout. */
  client: StoredClient | undefined;
}

export interface LogoutDeps {
  issuer: string;
  getClient(clientId: string): Promise<StoredClient | undefined>;
  /** Verifies id_token_hint (signature and issuer; expiry does not matter) and returns its claims. */
  verifyIdTokenHint(token: string): Promise<Record<string, unknown>>;
  subjectFor(client: StoredClient, subject: string): string;
  /** The rules registered URIs follow, applied again where the logout uses them (clients/uri-policy.ts). */
  uriPolicy: UriPolicyOptions;
  /** Seals the challenge and the verifier (purposes `logout_challenge` and `logout_verifier`). */
  challengeBox: SecretBox;
  verifierBox: SecretBox;
  /** Opens the authentication session cookie (the same box the authorization endpoint seals it with). */
  sessionBox: SecretBox;
  cookies: CookieNames;
  used: UsedChallengeStore;
  sessions: LoginSessionStore;
  logoutClients: LogoutClientStore;
  /** The newest private key of `hydra.openid.id-token`. */
  signingKey(): Promise<JWK>;
  /** Delivers one Logout Token; never throws (oidc/logout-token.ts). */
  sendBackChannel(delivery: BackChannelDelivery): Promise<void>;
  logger: Logger;
  urls: { logout: string; postLogoutRedirect: string; error: string; publicBase: string };
  /** `ttl.login_consent_request` in ms: how long the logout app has. */
  ttlMs: number;
  /** Secure and SameSite of the cookies (cookies.ts cookiePolicy). */
  cookiePolicy: CookiePolicy;
  now: () => Date;
}

type Opened = { id: string; request: LogoutRequest };

/** Builds the logout flow. */
export function createLogout(deps: LogoutDeps) {
  const nowMs = () => deps.now().getTime();
  const base = deps.urls.publicBase.endsWith('/') ? deps.urls.publicBase : `${deps.urls.publicBase}/`;
  const at = (path: string) => new URL(path, base);
  // Hydra's defaults: its own fallback pages when urls.logout / urls.post_logout_redirect are unset.
  const logoutAppUrl = () => new URL(deps.urls.logout || at('oauth2/fallbacks/logout').toString());
  const defaultRedirect = () => deps.urls.postLogoutRedirect || at('oauth2/fallbacks/logout/callback').toString();

  const redirect = (to: string, cookies: BrowserCookie[] = []): LogoutOutcome => ({ redirect_to: to, frontchannel_logout_uris: [], cookies });
  function fail(err: OAuthError): LogoutOutcome {
    const shown = showError(flowErrorOf(err), deps.urls.error);
    return { redirect_to: shown.redirect_to ?? '', frontchannel_logout_uris: [], ...(shown.error ? { error: shown.error } : {}), cookies: [] };
  }

  function seal(box: SecretBox, id: string, request: LogoutRequest): string {
    return box.seal(Buffer.from(JSON.stringify({ id, request }), 'utf8').toString('base64url'));
  }

  function open(box: SecretBox, sealed: string, what: string): Opened {
    if (sealed === '') throw errors.badRequest(`The "${what.replace(' ', '_')}" parameter is missing.`);
    let opened: Opened;
    try {
      opened = JSON.parse(Buffer.from(box.open(sealed), 'base64url').toString('utf8')) as Opened;
    } catch {
      // Hydra's answer to a logout challenge it cannot decrypt (x.ErrNotFound with this hint).
      throw errors.resourceNotFound(`The ${what} is unknown, malformed or was issued by another server.`, `Failed to decrypt the ${what}.`);
    }
    if (nowMs() >= opened.request.expires_at) {
      // Hydra's flow.ErrorLogoutFlowExpired.
      throw new OAuthError('request_unauthorized', { hint: 'The logout request has expired, please try the flow again.', debug: `The ${what} expired (ttl.login_consent_request).` });
    }
    return opened;
  }

  function verifierUrl(request: LogoutRequest): string {
    const url = at('oauth2/sessions/logout');
    url.searchParams.set('logout_verifier', seal(deps.verifierBox, randomId(), { ...request, state: 'logout_accepted' }));
    return url.toString();
  }

  /** The valid login session the browser's authentication session cookie points at. */
  async function currentSession(cookies: ReadonlyMap<string, string>): Promise<{ id: string; subject: string } | undefined> {
    const session = await sessionFromCookie(cookies, { cookieName: deps.cookies.session, sessionBox: deps.sessionBox, sessions: deps.sessions, nowMs: nowMs() });
    return session ? { id: session.id, subject: session.subject } : undefined;
  }


  /** The logout request as the logout app sees it (Hydra's request_url), known parameters only. */
  function requestUrl(params: ReadonlyMap<string, string>): string {
    const known = [...params].filter(([name]) => LOGOUT_PARAMETERS.has(name));
    return withParameters(at('oauth2/sessions/logout'), known).toString();
  }

  function newRequest(input: Pick<LogoutRequest, 'subject' | 'sid' | 'client_id' | 'rp_initiated' | 'request_url' | 'post_logout_redirect_uri'>): LogoutRequest {
    const now = nowMs();
    return { id: randomId(), state: 'logout_initialized', requested_at: now, expires_at: now + deps.ttlMs, ...input };
  }

  function toLogoutApp(request: LogoutRequest): LogoutOutcome {
    const url = logoutAppUrl();
    url.searchParams.set('logout_challenge', seal(deps.challengeBox, request.id, request));
    return redirect(url.toString());
  }

  /** RP-Initiated Logout §2: the request as the browser brought it. */
  async function initiate(params: ReadonlyMap<string, string>, cookies: ReadonlyMap<string, string>): Promise<LogoutOutcome> {
    const hint = params.get('id_token_hint') ?? '';
    const state = params.get('state') ?? '';
    const requested = params.get('post_logout_redirect_uri') ?? '';

    if (hint === '') {
      // RP-Initiated Logout §3: without id_token_hint the client is unknown, so a redirect URI cannot be verified (Hydra refuses both).
      if (state !== '') return fail(errors.badRequest('Logout failed because query parameter state is set but id_token_hint is missing.'));
      if (requested !== '') return fail(errors.badRequest('Logout failed because query parameter post_logout_redirect_uri is set but id_token_hint is missing.'));
      const session = await currentSession(cookies);
      // Nobody to log out and no relying party to notify: Hydra goes to the default redirect.
      if (!session) return redirect(defaultRedirect());
      return toLogoutApp(
        newRequest({ subject: session.subject, sid: session.id, client_id: '', rp_initiated: false, request_url: requestUrl(params), post_logout_redirect_uri: defaultRedirect() }),
      );
    }

    let claims: Record<string, unknown>;
    try {
      claims = await deps.verifyIdTokenHint(hint);
    } catch (err) {
      if (err instanceof OAuthError) return fail(err);
      throw err;
    }
    const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string') : [];
    const [clientId] = aud;
    if (aud.length !== 1 || clientId === undefined) return fail(errors.badRequest('Logout failed because query parameter id_token_hint has an invalid aud claim.'));
    const client = await deps.getClient(clientId);
    if (!client) return fail(new OAuthError('invalid_client', { hint: 'The client named by the aud claim of id_token_hint does not exist.' }));
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    if (sub === '') return fail(errors.badRequest('Logout failed because query parameter id_token_hint is missing a sub claim.'));

    let target = defaultRedirect();
    if (requested !== '') {
      // RP-Initiated Logout §3: exact match against the client's registered list; never a redirect otherwise.
      if (!client.post_logout_redirect_uris.includes(requested)) {
        return fail(errors.badRequest('Logout failed because query parameter post_logout_redirect_uri is not a registered post_logout_redirect_uri of the client.'));
      }
      // A client stored before the URI rules may hold a `javascript:` URI, which the front-channel page would run.
      const problem = postLogoutRedirectUriProblem(requested, deps.uriPolicy);
      if (problem !== undefined) return fail(errors.badRequest(`The registered post_logout_redirect_uri "${requested}" ${problem}, so it is not used.`));
      const url = new URL(requested);
      // RP-Initiated Logout §2: state goes back to the client unchanged.
      if (state !== '') url.searchParams.set('state', state);
      target = url.toString();
    }

    const session = await currentSession(cookies);
    // No session, or the hint names another end-user: nothing of this client's to end (Hydra redirects).
    if (!session || (sub !== session.subject && sub !== deps.subjectFor(client, session.subject))) return redirect(target);
    const request = newRequest({ subject: session.subject, sid: session.id, client_id: client.client_id, rp_initiated: true, request_url: requestUrl(params), post_logout_redirect_uri: target });
    if (client.skip_logout_consent) {
      // Hydra: the client asked not to bother the user with a logout confirmation.
      if (!(await deps.used.markUsed(request.id, new Date(request.expires_at)))) throw errors.conflict('The logout challenge has been used already.');
      return redirect(verifierUrl(request));
    }
    return toLogoutApp(request);
  }

  /**
   * A stored logout URI that breaks the URI rules (a client from before them) is skipped: a
   * `javascript:` iframe would run on our origin. The logout itself goes on for everyone else.
   */
  function usable(client: StoredClient, field: 'frontchannel_logout_uri' | 'backchannel_logout_uri'): boolean {
    const problem = webUriProblem(client[field], deps.uriPolicy);
    if (problem !== undefined) deps.logger.warn({ client_id: client.client_id, field }, `skipping the client's ${field}: it ${problem}`);
    return problem === undefined;
  }

  /** Front-Channel §2 URLs and Back-Channel §2.5 deliveries for the clients of the ended session. */
  async function notifyClients(request: LogoutRequest): Promise<string[]> {
    const clientIds = await deps.logoutClients.clientIdsOfLoginSession(request.sid, request.subject);
    const clients = (await Promise.all(clientIds.map((id) => deps.getClient(id)))).filter((c): c is StoredClient => c !== undefined);
    const frontchannel = clients
      .filter((c) => c.frontchannel_logout_uri !== '' && usable(c, 'frontchannel_logout_uri'))
      .map((c) => {
        const url = new URL(c.frontchannel_logout_uri);
        // Front-Channel §2: iss and sid identify the session; Hydra always sends them (allowed when not required).
        url.searchParams.set('iss', deps.issuer);
        url.searchParams.set('sid', request.sid);
        return url.toString();
      });
    const backchannel = clients.filter((c) => c.backchannel_logout_uri !== '' && usable(c, 'backchannel_logout_uri'));
    if (backchannel.length > 0) void sendBackChannel(request, backchannel);
    return frontchannel;
  }

  /** Back-Channel §2.5: in the background; the browser's redirect never waits for a relying party. */
  async function sendBackChannel(request: LogoutRequest, clients: StoredClient[]): Promise<void> {
    try {
      const key = await deps.signingKey();
      const iat = Math.floor(nowMs() / 1000);
      await Promise.all(
        clients.map(async (client) => {
          // Hydra identifies the session by sid alone; a pairwise sub would need the subject the client saw.
          const logoutToken = await signLogoutToken(key, { issuer: deps.issuer, clientId: client.client_id, subject: '', sid: request.sid, iat });
          await deps.sendBackChannel({ clientId: client.client_id, uri: client.backchannel_logout_uri, logoutToken });
        }),
      );
    } catch (err) {
      deps.logger.warn({ err, sid: request.sid }, 'back-channel logout could not be prepared');
    }
  }

  /** The verifier came back: end the session, notify the clients, send the browser on. */
  async function complete(verifier: string, cookies: ReadonlyMap<string, string>): Promise<LogoutOutcome> {
    let request: LogoutRequest;
    try {
      ({
        opened: { request },
      } = await openAndInvalidate(deps.used, {
        open: () => open(deps.verifierBox, verifier, 'logout verifier'),
        key: (opened) => ({ id: opened.id, expiresAt: opened.request.expires_at }),
        admit: (opened) => {
          if (opened.request.state !== 'logout_accepted') throw errors.badRequest('The logout verifier is not in the expected state.');
        },
        replayed: () => errors.badRequest('The logout verifier has been used already.'),
      }));
    } catch (err) {
      if (err instanceof OAuthError) return fail(err);
      throw err;
    }
    if (!request.rp_initiated) {
      // Hydra: the session cookie changed meanwhile (gone, or another user signed in): end nothing.
      const session = await currentSession(cookies);
      if (!session || session.subject !== request.subject) return redirect(request.post_logout_redirect_uri);
    }
    const clearCookie = sessionCookie(deps.cookiePolicy, deps.cookies.session, '', 0);
    // Notify first: the clients are found through the session (Hydra deletes it afterwards too).
    const frontchannel = await notifyClients(request);
    await deps.sessions.deleteLoginSessions({ id: request.sid });
    return { redirect_to: request.post_logout_redirect_uri, frontchannel_logout_uris: frontchannel, cookies: [clearCookie] };
  }

  function openChallenge(challenge: string): Opened {
    const opened = open(deps.challengeBox, challenge, 'logout challenge');
    if (opened.request.state !== 'logout_initialized') throw errors.badRequest('The logout challenge is not in the expected state.');
    return opened;
  }

  /** Opens the challenge and marks it used (single-use.ts): of two accepts/rejects exactly one wins; the other gets 409. */
  async function answer(challenge: string): Promise<Opened> {
    const { opened } = await openAndInvalidate(deps.used, {
      open: () => openChallenge(challenge),
      key: (opened) => ({ id: opened.id, expiresAt: opened.request.expires_at }),
      admit: () => undefined,
      replayed: () => errors.conflict('The logout challenge has been used already.'),
    });
    return opened;
  }

  return {
    /** `GET|POST /oauth2/sessions/logout`: a new logout, or the verifier coming back from the logout app. */
    async logout(input: { params: ReadonlyMap<string, string>; cookies: ReadonlyMap<string, string>; verifier: string }): Promise<LogoutOutcome> {
      const verifier = input.verifier || input.params.get('logout_verifier') || '';
      return verifier ? complete(verifier, input.cookies) : initiate(input.params, input.cookies);
    },

    /** Hydra's getOAuth2LogoutRequest; a handled request is gone (410). */
    async getLogoutRequest(challenge: string): Promise<LogoutDocument> {
      const { id, request } = openChallenge(challenge);
      if (await deps.used.isUsed(id)) {
        throw new OAuthError('invalid_request', { status: 410, description: 'The logout request has been handled already.', hint: 'Start a new logout.' });
      }
      return {
        challenge,
        subject: request.subject,
        sid: request.sid,
        request_url: request.request_url,
        rp_initiated: request.rp_initiated,
        requested_at: new Date(request.requested_at),
        expires_at: new Date(request.expires_at),
        client: request.client_id ? await deps.getClient(request.client_id) : undefined,
      };
    },

    /** Hydra's acceptOAuth2LogoutRequest: where the logout app sends the browser next. */
    async acceptLogoutRequest(challenge: string): Promise<string> {
      const opened = await answer(challenge);
      return verifierUrl(opened.request);
    },

    /** Hydra's rejectOAuth2LogoutRequest: the session stays; the logout app decides where the browser goes. */
    async rejectLogoutRequest(challenge: string): Promise<void> {
      await answer(challenge);
    },
  };
}

export type Logout = ReturnType<typeof createLogout>;
