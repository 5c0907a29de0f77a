/**
 * Hydra's `/admin/clients` API end to end: real HTTP into the gateway, real gRPC into core, a
 * real database of every available dialect. Every response body is checked against the schemas of
 * Tessera's OpenAPI document, which are Hydra's own, so a Hydra SDK would read it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loadApiSchemas, type ApiSchemas } from './support/openapi.js';

/** Tessera's OpenAPI document, read from the first cluster's admin listener. */
let apiSchemas: ApiSchemas | undefined;

function loaded(): ApiSchemas {
  if (!apiSchemas) throw new Error('the API document is not loaded');
  return apiSchemas;
}

type Expect = 'client' | 'clients' | 'error' | 'empty';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function check(kind: 'oAuth2Client' | 'errorOAuth2', value: unknown): void {
  const validate = loaded().schema(kind);
  assert.ok(validate(value), `${kind}: ${loaded().errorsText(validate)} in ${JSON.stringify(value)}`);
  if (kind === 'oAuth2Client') {
    const fields = new Set(Object.keys(loaded().document.components.schemas.oAuth2Client?.properties ?? {}));
    const unknown = Object.keys(value as object).filter((k) => !fields.has(k));
    assert.deepEqual(unknown, [], 'only Hydra field names');
  }
}

/** One admin call; the body is validated against the OpenAPI schema `expect` names. */
async function call(base: string, method: string, path: string, expect: Expect, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const res = await request(new URL(path, base), {
    method: method as 'GET',
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': contentType },
  });
  const text = await res.body.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (expect === 'empty') assert.equal(text, '');
  else assert.match(String(res.headers['content-type']), /^application\/json/);
  if (expect === 'client') check('oAuth2Client', parsed);
  if (expect === 'error') {
    check('errorOAuth2', parsed);
    const err = parsed as { status_code: number; error_description: string };
    assert.equal(err.status_code, res.statusCode);
    assert.doesNotMatch(err.error_description, /at .*\.(ts|js):\d+/, 'no stack trace');
  }
  if (expect === 'clients') {
    assert.ok(Array.isArray(parsed));
    for (const client of parsed) check('oAuth2Client', client);
  }
  return { status: res.statusCode, headers: res.headers, body: parsed };
}

/** RFC 8288 Link header → rel → URL. */
function links(header: string | string[] | undefined): Map<string, string> {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const out = new Map<string, string>();
  for (const part of values.flatMap((v) => v.split(/,(?=\s*<)/))) {
    const match = /<([^>]*)>\s*;\s*rel="([^"]+)"/.exec(part);
    if (match?.[1] !== undefined && match[2] !== undefined) out.set(match[2], match[1]);
  }
  return out;
}

const asClient = (body: unknown) => body as Record<string, unknown>;

for (const db of testDatabases()) {
  describe(`admin clients API on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let admin = '';
    const api = (method: string, path: string, expect: Expect, body?: unknown, type?: string) => call(admin, method, path, expect, body, type);

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn });
      admin = cluster.adminUrl;
      apiSchemas ??= await loadApiSchemas(admin);
    });
    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    test('create, read, list, replace and delete with Hydra field names', async () => {
      const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', use: 'sig', kid: 'k1', alg: 'ES256' }] };
      const document = {
        client_id: 'crud-1',
        client_name: 'CRUD one',
        redirect_uris: ['https://app.example/cb'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access',
        audience: ['https://api.example'],
        owner: 'team-a',
        contacts: ['ops@example.org'],
        jwks,
        metadata: { tier: 'gold', nested: { n: 1 } },
        skip_consent: true,
        authorization_code_grant_access_token_lifespan: '30m',
      };
      const created = await api('POST', '/admin/clients', 'client', document);
      assert.equal(created.status, 201);
      const c = asClient(created.body);
      for (const [key, value] of Object.entries(document)) assert.deepEqual(c[key], value, key);
      assert.equal(typeof c.client_secret, 'string', 'the generated secret is shown once');
      assert.ok(!Number.isNaN(Date.parse(String(c.created_at))));
      assert.ok(!Number.isNaN(Date.parse(String(c.updated_at))));

      const read = await api('GET', '/admin/clients/crud-1', 'client');
      assert.equal(read.status, 200);
      assert.equal('client_secret' in asClient(read.body), false, 'never readable later');
      assert.deepEqual(asClient(read.body).jwks, jwks);
      assert.deepEqual(asClient(read.body).metadata, document.metadata);

      const listed = await api('GET', '/admin/clients?owner=team-a', 'clients');
      assert.equal(listed.status, 200);
      assert.deepEqual((listed.body as { client_id: string }[]).map((x) => x.client_id), ['crud-1']);
      const byName = await api('GET', `/admin/clients?client_name=${encodeURIComponent('CRUD one')}`, 'clients');
      assert.deepEqual((byName.body as { client_id: string }[]).map((x) => x.client_id), ['crud-1']);

      // PUT replaces the whole document; the path names the client.
      const replaced = await api('PUT', '/admin/clients/crud-1', 'client', { client_id: 'ignored', client_name: 'CRUD uno', redirect_uris: ['https://app.example/cb2'] });
      assert.equal(replaced.status, 200);
      const r = asClient(replaced.body);
      assert.equal(r.client_id, 'crud-1');
      assert.equal(r.client_name, 'CRUD uno');
      assert.deepEqual(r.redirect_uris, ['https://app.example/cb2']);
      assert.equal('metadata' in r, false);
      assert.equal('authorization_code_grant_access_token_lifespan' in r, false);

      const deleted = await api('DELETE', '/admin/clients/crud-1', 'empty');
      assert.equal(deleted.status, 204);
      assert.equal((await api('GET', '/admin/clients/crud-1', 'error')).status, 404);
    });

    test('a client without client_id gets a generated one', async () => {
      const created = await api('POST', '/admin/clients', 'client', { client_name: 'no id' });
      assert.equal(created.status, 201);
      const clientId = asClient(created.body).client_id;
      assert.equal(typeof clientId, 'string');
      assert.match(String(clientId), /^[0-9a-f-]{36}$/, 'a generated UUID, as Hydra generates');
    });

    test('JSON Patch under both media types, and a failing test op', async () => {
      await api('POST', '/admin/clients', 'client', { client_id: 'patch-1', client_name: 'before', redirect_uris: ['https://a.example/cb'] });
      const patched = await api('PATCH', '/admin/clients/patch-1', 'client', [
        { op: 'replace', path: '/client_name', value: 'after' },
        { op: 'add', path: '/redirect_uris/-', value: 'https://b.example/cb' },
      ], 'application/json-patch+json');
      assert.equal(patched.status, 200);
      assert.equal(asClient(patched.body).client_name, 'after');
      assert.deepEqual(asClient(patched.body).redirect_uris, ['https://a.example/cb', 'https://b.example/cb']);

      const viaJson = await api('PATCH', '/admin/clients/patch-1', 'client', [{ op: 'add', path: '/metadata', value: { a: 1 } }]);
      assert.equal(viaJson.status, 200);
      assert.deepEqual(asClient(viaJson.body).metadata, { a: 1 });

      const failed = await api('PATCH', '/admin/clients/patch-1', 'error', [{ op: 'test', path: '/client_name', value: 'nope' }]);
      assert.equal(failed.status, 400);
      assert.equal(asClient((await api('GET', '/admin/clients/patch-1', 'client')).body).client_name, 'after');
    });

    test('lifespans and secret rotation', async () => {
      await api('POST', '/admin/clients', 'client', { client_id: 'life-1' });
      const set = await api('PUT', '/admin/clients/life-1/lifespans', 'client', {
        client_credentials_grant_access_token_lifespan: '15m',
        refresh_token_grant_refresh_token_lifespan: '720h',
      });
      assert.equal(set.status, 200);
      assert.equal(asClient(set.body).client_credentials_grant_access_token_lifespan, '15m');
      assert.equal(asClient(set.body).refresh_token_grant_refresh_token_lifespan, '720h');

      const rotated = await api('POST', '/admin/clients/life-1/secrets/rotate', 'client');
      assert.equal(rotated.status, 200);
      assert.equal(typeof asClient(rotated.body).client_secret, 'string');
      const cleared = await api('DELETE', '/admin/clients/life-1/secrets/rotate', 'client');
      assert.equal(cleared.status, 200);
      assert.equal('client_secret' in asClient(cleared.body), false);
    });

    test('bad bodies are 400 naming the problem', async () => {
      const notJson = await api('POST', '/admin/clients', 'error', '{"client_name": "x",');
      assert.equal(notJson.status, 400);
      assert.match(asClient(notJson.body).error_description as string, /not valid JSON/);

      const wrongType = await api('POST', '/admin/clients', 'error', { client_name: 'x', grant_types: 'client_credentials' });
      assert.equal(wrongType.status, 400);
      assert.match(asClient(wrongType.body).error_description as string, /"grant_types"/);

      const badLifespan = await api('PUT', '/admin/clients/whatever/lifespans', 'error', { implicit_grant_id_token_lifespan: 5 });
      assert.equal(badLifespan.status, 400);
      assert.match(asClient(badLifespan.body).error_description as string, /"implicit_grant_id_token_lifespan"/);

      const unsupported = await api('POST', '/admin/clients', 'error', 'client_name=x', 'text/plain');
      assert.equal(unsupported.status, 415);
    });

    test('unknown ids are 404 in Hydra\'s error shape', async () => {
      const calls: [string, string, unknown?][] = [
        ['GET', '/admin/clients/missing'],
        ['PUT', '/admin/clients/missing', { client_name: 'x' }],
        ['PATCH', '/admin/clients/missing', [{ op: 'replace', path: '/client_name', value: 'x' }]],
        ['DELETE', '/admin/clients/missing'],
        ['PUT', '/admin/clients/missing/lifespans', { implicit_grant_access_token_lifespan: '1h' }],
        ['POST', '/admin/clients/missing/secrets/rotate'],
      ];
      for (const [method, path, body] of calls) {
        const res = await api(method, path, 'error', body);
        assert.equal(res.status, 404, `${method} ${path}`);
        // Hydra's sqlcon.ErrNoRows, word for word.
        assert.equal(asClient(res.body).error, 'Unable to locate the resource');
        assert.equal(asClient(res.body).error_description, '');
      }
    });

    test('a duplicate client_id is 409', async () => {
      assert.equal((await api('POST', '/admin/clients', 'client', { client_id: 'dup-1' })).status, 201);
      const again = await api('POST', '/admin/clients', 'error', { client_id: 'dup-1' });
      assert.equal(again.status, 409);
      assert.equal(asClient(again.body).error, 'conflict');
    });

    test('pagination: walking rel="next" visits every client once', async () => {
      const ids = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
      for (const client_id of ids) await api('POST', '/admin/clients', 'client', { client_id, owner: 'pager' });

      const seen: string[] = [];
      let next: string | undefined = '/admin/clients?owner=pager&page_size=2';
      let pages = 0;
      while (next !== undefined) {
        const page = await api('GET', next, 'clients');
        assert.equal(page.status, 200);
        const rels = links(page.headers.link);
        assert.ok(rels.has('first'), 'rel="first" on every page');
        assert.match(rels.get('first') ?? '', /page_size=2/);
        assert.match(rels.get('first') ?? '', /owner=pager/);
        const batch = (page.body as { client_id: string }[]).map((x) => x.client_id);
        assert.ok(batch.length <= 2);
        seen.push(...batch);
        next = rels.get('next');
        if (next !== undefined) assert.match(next, /page_token=/);
        pages += 1;
        assert.ok(pages <= 4, 'the walk terminates');
      }
      assert.deepEqual([...seen].sort(), ids);
      assert.ok(pages >= 3);

      const clamped = await api('GET', '/admin/clients?owner=pager&page_size=5000', 'clients');
      assert.equal((clamped.body as unknown[]).length, 5);
      const badSize = await api('GET', '/admin/clients?page_size=many', 'error');
      assert.equal(badSize.status, 400);
      assert.match(asClient(badSize.body).error_description as string, /page_size/);
    });
  });
}
