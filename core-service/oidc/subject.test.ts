import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuthError } from '../shared/errors.js';
import { subjectFor } from './subject.js';

const client = (over: Partial<Parameters<typeof subjectFor>[0]> = {}): Parameters<typeof subjectFor>[0] => ({
  client_id: 'app',
  subject_type: 'pairwise',
  sector_identifier_uri: '',
  redirect_uris: ['https://app.example/cb'],
  ...over,
});

describe('subjectFor (OIDC Core §8)', () => {
  it('gives public clients the local subject', () => {
    assert.equal(subjectFor(client({ subject_type: 'public' }), 'alice', 'salt'), 'alice');
  });

  it('is stable per sector: clients of one sector see the same pairwise sub', () => {
    const a = subjectFor(client({ client_id: 'a', redirect_uris: ['https://app.example/cb'] }), 'alice', 'salt');
    const b = subjectFor(client({ client_id: 'b', redirect_uris: ['https://app.example/other', 'https://app.example/cb2'] }), 'alice', 'salt');
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, 'alice');
  });

  it('differs across sectors, subjects and salts', () => {
    const here = subjectFor(client(), 'alice', 'salt');
    assert.notEqual(subjectFor(client({ redirect_uris: ['https://other.example/cb'] }), 'alice', 'salt'), here);
    assert.notEqual(subjectFor(client(), 'bob', 'salt'), here);
    assert.notEqual(subjectFor(client(), 'alice', 'pepper'), here);
  });

  it('prefers the host of sector_identifier_uri over the redirect host', () => {
    const viaSector = subjectFor(client({ sector_identifier_uri: 'https://sector.example/uris.json' }), 'alice', 'salt');
    assert.equal(viaSector, subjectFor(client({ redirect_uris: ['https://sector.example/cb'] }), 'alice', 'salt'));
  });

  it('refuses redirect URIs of several hosts without a sector_identifier_uri', () => {
    assert.throws(
      () => subjectFor(client({ redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] }), 'alice', 'salt'),
      (err: unknown) => err instanceof OAuthError && err.code === 'invalid_request',
    );
  });
});
