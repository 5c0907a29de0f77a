import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '../../../proto/gen/tessera/v1/clients.js';
import { clientFromJson, clientToJson } from './hydra-json.js';

test('maps jwks, metadata and flat lifespans onto the proto shapes', () => {
  const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] };
  const client = clientFromJson({
    client_id: 'c1',
    redirect_uris: ['https://app.example/cb'],
    skip_consent: true,
    jwks,
    metadata: { team: 'a' },
    authorization_code_grant_access_token_lifespan: '30m',
    created_at: '2020-01-01T00:00:00Z',
  });
  assert.equal(client.client_id, 'c1');
  assert.deepEqual(client.redirect_uris, ['https://app.example/cb']);
  assert.equal(client.skip_consent, true);
  assert.deepEqual(JSON.parse(client.jwks_json), jwks);
  assert.deepEqual(JSON.parse(client.metadata_json), { team: 'a' });
  assert.equal(client.lifespans?.authorization_code_grant_access_token_lifespan, '30m');
  assert.equal(client.lifespans?.implicit_grant_id_token_lifespan, '');
  // Server-owned: never taken from the body.
  assert.equal(client.created_at, undefined);
});

test('null means unset, as in Hydra', () => {
  const client = clientFromJson({ client_name: null, redirect_uris: null, metadata: null, jwks: null });
  assert.equal(client.client_name, '');
  assert.deepEqual(client.redirect_uris, []);
  assert.equal(client.metadata_json, '');
  assert.equal(client.jwks_json, '');
});

test('renders Hydra JSON: RFC 3339 times, no empty secret, unset optional documents omitted', () => {
  const created = new Date('2024-05-01T10:00:00Z');
  const doc = clientToJson(
    Client.fromPartial({
      client_id: 'c1',
      scope: 'openid',
      metadata_json: '{"a":1}',
      lifespans: { refresh_token_grant_refresh_token_lifespan: '720h' },
      created_at: created,
      updated_at: created,
    }),
  );
  assert.equal(doc.client_id, 'c1');
  assert.equal('client_secret' in doc, false);
  assert.equal('jwks' in doc, false);
  assert.deepEqual(doc.metadata, { a: 1 });
  assert.equal(doc.refresh_token_grant_refresh_token_lifespan, '720h');
  assert.equal('authorization_code_grant_access_token_lifespan' in doc, false);
  assert.equal(doc.created_at, '2024-05-01T10:00:00.000Z');
  assert.deepEqual(doc.redirect_uris, []);
});

test('a secret is shown when the response carries one', () => {
  assert.equal(clientToJson(Client.fromPartial({ client_id: 'c1', client_secret: 's3cret' })).client_secret, 's3cret');
});
