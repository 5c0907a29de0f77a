/**
 * The device verification endpoint (RFC 8628 §3.3, `GET /oauth2/device/verify`; Hydra's
 * HandleOAuth2DeviceAuthorizationRequest) and the user-code step of the admin API
 * (`PUT /admin/oauth2/auth/requests/device/accept`, Hydra's acceptUserCodeRequest):
 *
 *   /oauth2/device/verify[?user_code]  ──▶ urls.device.verification?device_challenge=…[&user_code]
 *   app: PUT …/device/accept {user_code} ──▶ redirect_to /oauth2/device/verify?device_verifier=…&client_id=…
 *   /oauth2/device/verify?device_verifier ──▶ urls.login?login_challenge=…   (the usual login)
 *   /oauth2/device/verify?login_verifier  ──▶ urls.consent?consent_challenge=… (the usual consent)
 *   /oauth2/device/verify?consent_verifier ──▶ urls.device.success?client_id=… (device code accepted)
 *
 * Device challenge and verifier are sealed like the login ones (their own keys), single use,
 * bound to the browser by the device CSRF cookie, and expire after `ttl.login_consent_request`.
 */
import type { DeviceCodeStore } from '../device/store.js';
import type { UserCodeHasher } from '../device/user-code.js';
import type { SecretBox } from '../keys/secret-box.js';
import { flowErrorOf, showError, type BrowserOutcome } from '../oauth2/response.js';
import { OAuthError, errors } from '../shared/errors.js';
import type { AuthorizationEndpoint } from './authorize.js';
import { randomId } from './challenges.js';
import { browserCookie, csrfMatches, presentedCsrf, type CookieNames, type CookiePolicy } from './cookies.js';
import { openAndInvalidate } from './single-use.js';
import type { UsedChallengeStore } from './store.js';

/** What a device challenge carries (Hydra's flow in state DeviceFlowStateUnused). */
interface DeviceChallenge {
  id: string;
  csrf: string;
  /** `/oauth2/device/verify` as the browser opened it, without the user code (Hydra keeps it out of the flow). */
  request_url: string;
  /** ms since the epoch. */
  expires_at: number;
}

/** A device challenge whose user code was accepted: the device authorization it names. */
interface DeviceVerifier extends DeviceChallenge {
  request_id: string;
  client_id: string;
  scope: string[];
  audience: string[];
}

export interface DeviceVerificationDeps {
  authorization: Pick<AuthorizationEndpoint, 'startDeviceLogin' | 'continueDeviceFlow'>;
  devices: Pick<DeviceCodeStore, 'getByUserCode'>;
  userCodes: UserCodeHasher;
  challengeBox: SecretBox;
  verifierBox: SecretBox;
  used: UsedChallengeStore;
  cookies: CookieNames;
  cookiePolicy: CookiePolicy;
  /** `urls.device.verification`, `urls.error`; `self` is Tessera's /oauth2/device/verify, `fallback` Hydra's page for an unset verification URL. */
  urls: { verification: string; error: string; self: string; fallback: string };
  /** `ttl.login_consent_request` in ms. */
  ttlMs: number;
  exposeInternalErrors?: boolean;
  now: () => Date;
}

export interface VerifyDeviceInput {
  params: ReadonlyMap<string, string>;
  cookies: ReadonlyMap<string, string>;
}

// Hydra's acceptUserCodeRequest: one answer for unknown, expired and already used codes.
const USER_CODE_UNUSABLE = "The 'user_code' session could not be found or has expired or is otherwise malformed.";

export function createDeviceVerification(deps: DeviceVerificationDeps) {
  const nowMs = () => deps.now().getTime();
  const expose = deps.exposeInternalErrors ?? false;
  const shown = (err: OAuthError) => showError(flowErrorOf(err), deps.urls.error, expose);

  function seal(box: SecretBox, value: DeviceChallenge | DeviceVerifier): string {
    return box.seal(JSON.stringify(value));
  }

  function open<T extends DeviceChallenge>(box: SecretBox, sealed: string, what: string): T {
    let value: T;
    try {
      value = JSON.parse(box.open(sealed)) as T;
    } catch {
      throw errors.resourceNotFound(`The ${what} is unknown, malformed or was issued by another server.`);
    }
    if (nowMs() >= value.expires_at) throw new OAuthError('request_unauthorized', { hint: `The ${what} has expired, please try again.` });
    return value;
  }

  /** Leg 0 (Hydra's forwardDeviceRequest): to the operator's user-code page with a device challenge. */
  function start(params: ReadonlyMap<string, string>): BrowserOutcome {
    const requestUrl = new URL(deps.urls.self);
    // The user code stays out of the flow (and so out of the request_url the apps see).
    for (const [name, value] of params) if (name.toLowerCase() !== 'user_code') requestUrl.searchParams.append(name, value);
    const challenge: DeviceChallenge = { id: randomId(), csrf: randomId(), request_url: requestUrl.toString(), expires_at: nowMs() + deps.ttlMs };
    const target = new URL(deps.urls.verification || deps.urls.fallback);
    target.searchParams.set('device_challenge', seal(deps.challengeBox, challenge));
    const userCode = params.get('user_code');
    if (userCode !== undefined) target.searchParams.set('user_code', userCode);
    const maxAge = Math.max(1, Math.round(deps.ttlMs / 1000));
    return { redirect_to: target.toString(), cookies: [browserCookie(deps.cookiePolicy, deps.cookies.deviceCsrf, challenge.csrf, maxAge)] };
  }

  /** Leg 1: the device verifier the accepted user code earned; then the usual login. */
  async function verified(sealed: string, cookies: ReadonlyMap<string, string>): Promise<BrowserOutcome> {
    let verifier: DeviceVerifier;
    try {
      ({ opened: verifier } = await openAndInvalidate(deps.used, {
        open: () => open<DeviceVerifier>(deps.verifierBox, sealed, 'device verifier'),
        key: (opened) => ({ id: opened.id, expiresAt: opened.expires_at }),
        admit: (opened) => {
          if (!csrfMatches(presentedCsrf(cookies, deps.cookies.deviceCsrf, deps.cookiePolicy), opened.csrf)) {
            throw new OAuthError('request_forbidden', { description: 'The request is not allowed.', hint: 'No CSRF value available in the session cookie, or it does not match the device request; the browser must complete the flow it started (and accept cookies).' });
          }
        },
        replayed: () => new OAuthError('access_denied', { hint: 'The device verifier has already been used.' }),
      }));
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      return shown(err.code === 'Not Found' ? new OAuthError('access_denied', { hint: 'The device verifier has already been used, has not been granted, or is invalid.' }) : err);
    }
    const requestUrl = new URL(verifier.request_url);
    requestUrl.searchParams.set('client_id', verifier.client_id);
    const outcome = await deps.authorization.startDeviceLogin({
      requestId: verifier.request_id,
      deviceChallengeId: verifier.id,
      clientId: verifier.client_id,
      scope: verifier.scope,
      audience: verifier.audience,
      requestUrl: requestUrl.toString(),
      cookies,
    });
    // The device CSRF cookie has done its job.
    return { ...outcome, cookies: [...outcome.cookies, browserCookie(deps.cookiePolicy, deps.cookies.deviceCsrf, '', 0)] };
  }

  return {
    /** One request to /oauth2/device/verify: which leg runs depends on the verifier it carries. */
    async verify(input: VerifyDeviceInput): Promise<BrowserOutcome> {
      const consentVerifier = input.params.get('consent_verifier');
      if (consentVerifier) return deps.authorization.continueDeviceFlow('consent_verifier', consentVerifier, input.cookies);
      const loginVerifier = input.params.get('login_verifier');
      if (loginVerifier) return deps.authorization.continueDeviceFlow('login_verifier', loginVerifier, input.cookies);
      const deviceVerifier = input.params.get('device_verifier');
      if (deviceVerifier) return verified(deviceVerifier, input.cookies);
      return start(input.params);
    },

    /**
     * The operator's app accepts the user code the person typed (Hydra's acceptUserCodeRequest):
     * says where the browser goes next. Unknown, expired and finished codes are one invalid_request.
     */
    async acceptUserCode(deviceChallenge: string, userCode: string): Promise<string> {
      if (deviceChallenge === '') throw new OAuthError('invalid_request', { hint: "Query parameter 'device_challenge' is not defined but should have been." });
      if (userCode === '') throw new OAuthError('invalid_request', { hint: "Field 'user_code' must not be empty." });
      const { opened: challenge, admitted: device } = await openAndInvalidate(deps.used, {
        open: () => open<DeviceChallenge>(deps.challengeBox, deviceChallenge, 'device challenge'),
        key: (opened) => ({ id: opened.id, expiresAt: opened.expires_at }),
        admit: async () => {
          const device = await deps.devices.getByUserCode(deps.userCodes.candidates(userCode));
          if (!device || device.state !== 'pending' || device.expires_at.getTime() <= nowMs()) throw new OAuthError('invalid_request', { hint: USER_CODE_UNUSABLE });
          return device;
        },
        replayed: () => errors.conflict('The device challenge has been used already.'),
      });
      const verifier: DeviceVerifier = {
        ...challenge,
        id: randomId(),
        request_id: device.request_id,
        client_id: device.client_id,
        scope: device.scope,
        audience: device.audience,
      };
      const next = new URL(challenge.request_url);
      next.searchParams.set('device_verifier', seal(deps.verifierBox, verifier));
      next.searchParams.set('client_id', device.client_id);
      return next.toString();
    },
  };
}

export type DeviceVerification = ReturnType<typeof createDeviceVerification>;
