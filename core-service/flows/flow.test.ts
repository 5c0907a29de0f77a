import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OAuthError } from '../shared/errors.js';
import { acceptConsent, acceptLogin, initiateConsent, initiateFlow, rejectLogin, type AuthorizationParams, type LoginResult } from './flow.js';

const params: AuthorizationParams = {
  client_id: 'c',
  redirect_uri: 'https://app.example/cb',
  redirect_uri_given: true,
  response_type: ['code'],
  response_mode: 'query',
  state: 'state-1234',
  nonce: '',
  scope: ['openid'],
  audience: [],
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
const NOW = 1_700_000_000_000;
const session = { id: 'sid-1', subject: 'alice', authenticated_at: NOW / 1000 - 600 };
const start = (over: Partial<AuthorizationParams> = {}, withSession = true, hintMatchesSession = true) =>
  initiateFlow({
    id: 'flow',
    requestUrl: 'https://issuer/oauth2/auth?x=1',
    params: { ...params, ...over },
    now: NOW,
    ttlMs: 60_000,
    loginChallengeId: 'lc',
    loginCsrf: 'csrf',
    session: withSession ? session : undefined,
    freshSessionId: 'fresh',
    hintMatchesSession,
  });
const login = (subject: string): LoginResult => ({
  subject,
  remember: false,
  remember_for: 0,
  acr: '',
  amr: [],
  context: null,
  force_subject_identifier: '',
  extend_session_lifespan: false,
  identity_provider_session_id: '',
  authenticated_at: NOW / 1000,
});

test('a session lets login be skipped, keeping its sid, subject and auth_time', () => {
  const flow = start();
  assert.equal(flow.login_skip, true);
  assert.equal(flow.session_id, 'sid-1');
  const accepted = acceptLogin(flow, login('alice'));
  assert.equal(accepted.login?.authenticated_at, session.authenticated_at, 'nothing was re-authenticated');
  assert.equal(flow.expires_at, NOW + 60_000);
});

test('prompt=login, select_account, max_age exceeded or 0, and a foreign id_token_hint rule the session out', () => {
  for (const over of [{ prompt: ['login'] }, { prompt: ['select_account'] }, { max_age: 60 }, { max_age: 0 }]) {
    assert.equal(start(over).login_skip, false, JSON.stringify(over));
    // Session fixation: a login that is not skipped never continues the presented session.
    assert.equal(start(over).session_id, 'fresh', JSON.stringify(over));
  }
  assert.equal(start({ max_age: 3600 }).login_skip, true);
  assert.equal(start({}, true, false).login_skip, false);
  assert.equal(start({}, true, false).session_id, 'fresh');
  const fresh = start({}, false);
  assert.equal(fresh.login_skip, false);
  assert.equal(fresh.session_id, 'fresh');
});

test('a skipped login must confirm the session subject', () => {
  assert.throws(() => acceptLogin(start(), login('mallory')), OAuthError);
});

test('transitions only leave the state they start from', () => {
  const flow = start({}, false);
  const rejected = rejectLogin(flow, { error: 'access_denied', error_description: 'no', error_hint: '', status_code: 403 });
  assert.equal(rejected.state, 'login_rejected');
  assert.throws(() => initiateConsent(rejected, { consentChallengeId: 'cc', consentCsrf: 'x', skip: false }), OAuthError);
  assert.throws(() => acceptLogin(rejected, login('alice')), OAuthError);
  const consenting = initiateConsent(acceptLogin(flow, login('alice')), { consentChallengeId: 'cc', consentCsrf: 'x', skip: false });
  assert.equal(consenting.state, 'consent_initialized');
  const done = acceptConsent(consenting, {
    grant_scope: ['openid'],
    grant_access_token_audience: [],
    remember: false,
    remember_for: 0,
    session: { access_token: {}, id_token: {} },
    context: null,
    handled_at: NOW,
  });
  assert.equal(done.state, 'consent_accepted');
  assert.throws(() => acceptConsent(done, done.consent ?? assert.fail()), OAuthError);
});
