import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OAuthError } from '../shared/errors.js';
import { readConsent, readLogin, readReject, type AcceptConsentBody, type AcceptLoginBody } from './documents.js';

const NOW = new Date('2026-01-02T03:04:05.678Z');
const login: AcceptLoginBody = { subject: 'alice', remember: false, remember_for: 0, acr: '', amr: [], context: undefined, force_subject_identifier: '', extend_session_lifespan: false, identity_provider_session_id: '' };
const consent: AcceptConsentBody = { grant_scope: [], grant_access_token_audience: [], remember: false, remember_for: 0, session: undefined, context: undefined };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OAuthError);
    assert.equal(err.status, 400);
    return err.hint ?? err.message;
  }
  return 'accepted';
}

test('an accepted login needs a subject and a non-negative whole remember_for', () => {
  assert.match(refusal(() => readLogin({ ...login, subject: '' }, NOW)), /subject/);
  assert.match(refusal(() => readLogin({ ...login, remember_for: -1 }, NOW)), /remember_for/);
  assert.match(refusal(() => readLogin({ ...login, remember_for: 1.5 }, NOW)), /remember_for/);
  const result = readLogin({ ...login, remember_for: 60, amr: ['pwd'] }, NOW);
  assert.equal(result.remember_for, 60);
  assert.deepEqual(result.amr, ['pwd']);
  assert.equal(result.authenticated_at, Math.floor(NOW.getTime() / 1000));
});

test('no context is null; a context of any JSON type is kept', () => {
  assert.equal(readLogin(login, NOW).context, null);
  assert.equal(readConsent(consent, NOW).context, null);
  assert.deepEqual(readLogin({ ...login, context: ['a', 1] }, NOW).context, ['a', 1]);
  assert.equal(readConsent({ ...consent, context: 'x' }, NOW).context, 'x');
});

test('granted scope and audience drop empty names: `grant_scope: [null]` grants nothing', () => {
  const result = readConsent({ ...consent, grant_scope: [''], grant_access_token_audience: ['', 'https://api.example'] }, NOW);
  assert.deepEqual(result.grant_scope, []);
  assert.deepEqual(result.grant_access_token_audience, ['https://api.example']);
  assert.deepEqual(result.session, { access_token: {}, id_token: {} });
  assert.deepEqual(readConsent({ ...consent, session: { id_token: { nickname: 'a' } } }, NOW).session, { access_token: {}, id_token: { nickname: 'a' } });
  assert.match(refusal(() => readConsent({ ...consent, remember_for: -5 }, NOW)), /remember_for/);
});

test('a reject defaults to request_denied and 400; a status outside 400-599 is 400', () => {
  const empty = { error: '', error_description: '', error_hint: '', error_debug: '', status_code: 0 };
  assert.deepEqual(readReject(empty), { error: 'request_denied', error_description: '', error_hint: '', status_code: 400 });
  assert.equal(readReject({ ...empty, status_code: 302 }).status_code, 400);
  assert.equal(readReject({ ...empty, status_code: 403 }).status_code, 403);
  assert.equal(readReject({ ...empty, error_debug: 'why' }).error_debug, 'why');
});
