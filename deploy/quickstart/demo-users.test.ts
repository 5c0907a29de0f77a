import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticate, DEMO_USER, idTokenClaims } from './demo-users.js';

describe('the demo user', () => {
  it('signs in with the advertised password only', () => {
    assert.equal(authenticate('FOO@bar.com ', 'foobar')?.subject, 'foo@bar.com');
    assert.equal(authenticate('foo@bar.com', 'foobaz'), undefined);
    assert.equal(authenticate('nobody@bar.com', 'foobar'), undefined);
  });

  it('releases only the claims of granted scopes (OpenID Connect Core §5.4)', () => {
    assert.deepEqual(idTokenClaims(DEMO_USER, ['openid']), {});
    assert.deepEqual(idTokenClaims(DEMO_USER, ['openid', 'email']), { email: 'foo@bar.com', email_verified: true });
    assert.deepEqual(Object.keys(idTokenClaims(DEMO_USER, ['profile'])).sort(), ['family_name', 'given_name', 'name']);
  });
});
