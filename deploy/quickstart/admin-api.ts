/**
 * The admin flow API as a Hydra v2 login/consent/logout app calls it: fetch a login, consent or
 * logout request by its challenge, then accept or reject it. Paths and JSON fields are Hydra's
 * (`/admin/oauth2/auth/requests/{login,consent,logout}[/accept|/reject]?<kind>_challenge=…`),
 * so this file works unchanged against Ory Hydra. HTTP through undici.
 */
import { request } from 'undici';

/** The part of an OAuth 2.0 client a login/consent page shows. */
export interface FlowClient {
  client_id: string;
  client_name?: string;
  logo_uri?: string;
  client_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
}

/** `GET /admin/oauth2/auth/requests/login` (Hydra's oAuth2LoginRequest, the fields used here). */
export interface LoginRequest {
  challenge: string;
  skip: boolean;
  subject: string;
  client: FlowClient;
  request_url: string;
  requested_scope?: string[];
  oidc_context?: { login_hint?: string; ui_locales?: string[] };
}

/** `GET /admin/oauth2/auth/requests/consent` (Hydra's oAuth2ConsentRequest, the fields used here). */
export interface ConsentRequest {
  challenge: string;
  skip?: boolean;
  subject?: string;
  client?: FlowClient;
  requested_scope?: string[];
  requested_access_token_audience?: string[];
  context?: unknown;
}

/** `GET /admin/oauth2/auth/requests/logout` (Hydra's oAuth2LogoutRequest, the fields used here). */
export interface LogoutRequest {
  challenge?: string;
  subject?: string;
  sid?: string;
  rp_initiated?: boolean;
  client?: FlowClient;
}

/** Hydra's acceptOAuth2LoginRequest body. */
export interface AcceptLogin {
  subject: string;
  remember?: boolean;
  remember_for?: number;
  acr?: string;
  amr?: string[];
  context?: unknown;
}

/** Hydra's acceptOAuth2ConsentRequest body. */
export interface AcceptConsent {
  grant_scope: string[];
  grant_access_token_audience?: string[];
  remember?: boolean;
  remember_for?: number;
  session?: { access_token?: Record<string, unknown>; id_token?: Record<string, unknown> };
}

/** Hydra's rejectOAuth2Request body: an OAuth 2.0 error the client receives. */
export interface RejectRequest {
  error: string;
  error_description?: string;
  error_hint?: string;
  status_code?: number;
}

/** A fetched flow request, or Hydra's 410 Gone: already handled, continue at `redirect_to`. */
export type Fetched<T> = { handled: false; request: T } | { handled: true; redirect_to: string };

/** An error answer of the admin API (Hydra's `{error, error_description}` JSON). */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${status} ${error}${description ? `: ${description}` : ''}`);
  }
}

export interface AdminApi {
  getLoginRequest(challenge: string): Promise<Fetched<LoginRequest>>;
  acceptLoginRequest(challenge: string, body: AcceptLogin): Promise<string>;
  rejectLoginRequest(challenge: string, body: RejectRequest): Promise<string>;
  getConsentRequest(challenge: string): Promise<Fetched<ConsentRequest>>;
  acceptConsentRequest(challenge: string, body: AcceptConsent): Promise<string>;
  rejectConsentRequest(challenge: string, body: RejectRequest): Promise<string>;
  getLogoutRequest(challenge: string): Promise<Fetched<LogoutRequest>>;
  acceptLogoutRequest(challenge: string): Promise<string>;
  rejectLogoutRequest(challenge: string): Promise<void>;
  /** RFC 8628: accepts the user code a person typed for a device challenge; answers where the browser goes next. */
  acceptUserCode(deviceChallenge: string, userCode: string): Promise<string>;
}

type Kind = 'login' | 'consent' | 'logout';

/**
 * A client of the admin API at `adminUrl` (e.g. http://127.0.0.1:4445). Accept and reject
 * return Hydra's `redirect_to`, where the app sends the browser next.
 */
export function createAdminApi(adminUrl: string): AdminApi {
  const base = adminUrl.replace(/\/+$/, '');
  const url = (kind: Kind, action: '' | '/accept' | '/reject', challenge: string) =>
    `${base}/admin/oauth2/auth/requests/${kind}${action}?${kind}_challenge=${encodeURIComponent(challenge)}`;

  async function call(method: 'GET' | 'PUT', target: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await request(target, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    let json: unknown = undefined;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.statusCode, json };
  }

  function fail(status: number, json: unknown): never {
    const body = (json ?? {}) as { error?: unknown; error_description?: unknown };
    throw new AdminApiError(status, typeof body.error === 'string' ? body.error : 'request_failed', typeof body.error_description === 'string' ? body.error_description : '');
  }

  function redirectTo(status: number, json: unknown): string {
    const target = (json as { redirect_to?: unknown } | undefined)?.redirect_to;
    if (status === 200 && typeof target === 'string') return target;
    return fail(status, json);
  }

  async function get<T>(kind: Kind, challenge: string): Promise<Fetched<T>> {
    const { status, json } = await call('GET', url(kind, '', challenge));
    // Hydra answers 410 Gone with redirect_to when the request was already handled (e.g. a
    // double submit or the back button): the browser continues there.
    if (status === 410) return { handled: true, redirect_to: redirectTo(200, json) };
    if (status !== 200 || typeof json !== 'object' || json === null) return fail(status, json);
    return { handled: false, request: json as T };
  }

  const put = async (kind: Kind, action: '/accept' | '/reject', challenge: string, body: unknown) => {
    const { status, json } = await call('PUT', url(kind, action, challenge), body);
    return redirectTo(status, json);
  };

  return {
    getLoginRequest: (challenge) => get<LoginRequest>('login', challenge),
    acceptLoginRequest: (challenge, body) => put('login', '/accept', challenge, body),
    rejectLoginRequest: (challenge, body) => put('login', '/reject', challenge, body),
    getConsentRequest: (challenge) => get<ConsentRequest>('consent', challenge),
    acceptConsentRequest: (challenge, body) => put('consent', '/accept', challenge, body),
    rejectConsentRequest: (challenge, body) => put('consent', '/reject', challenge, body),
    getLogoutRequest: (challenge) => get<LogoutRequest>('logout', challenge),
    acceptLogoutRequest: (challenge) => put('logout', '/accept', challenge, {}),
    async rejectLogoutRequest(challenge) {
      // Hydra: 204 No Content; the app decides where the browser goes.
      const { status, json } = await call('PUT', url('logout', '/reject', challenge), {});
      if (status !== 204 && status !== 200) fail(status, json);
    },
    async acceptUserCode(deviceChallenge, userCode) {
      const target = `${base}/admin/oauth2/auth/requests/device/accept?device_challenge=${encodeURIComponent(deviceChallenge)}`;
      const { status, json } = await call('PUT', target, { user_code: userCode });
      return redirectTo(status, json);
    },
  };
}
