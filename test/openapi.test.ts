/**
 * `GET /admin/openapi.json`: Tessera's HTTP API document, generated from the gateway's routes.
 * It is served on the admin listener only, lists every operation both listeners serve (each one
 * answers on its listener, none is the gateway's "no route" 404), and its schemas compile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { request } from 'undici';
import { startGatewayWithoutCore } from './support/cluster.js';
import { fetchApiDocument, type ApiDocument } from './support/openapi.js';

describe('the OpenAPI document', () => {
  let gateway: Awaited<ReturnType<typeof startGatewayWithoutCore>> | undefined;
  let pub = '';
  let admin = '';
  let document: ApiDocument;

  before(async () => {
    // No core is needed: the document comes from the gateway's own route table.
    gateway = await startGatewayWithoutCore();
    pub = gateway.publicUrl ?? '';
    admin = gateway.adminUrl ?? '';
    document = await fetchApiDocument(admin);
  });
  after(() => gateway?.close());

  test('is served as OpenAPI 3 JSON on the admin listener, not on the public one', async () => {
    assert.equal(document.openapi, '3.0.3');
    const res = await request(`${admin}/admin/openapi.json`);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    await res.body.dump();
    const onPublic = await request(`${pub}/admin/openapi.json`);
    assert.equal(onPublic.statusCode, 404);
    await onPublic.body.dump();
  });

  test('every operation has a unique operationId and a documented success answer', () => {
    const ids: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        assert.ok(op.operationId, `${method} ${path} has an operationId`);
        ids.push(op.operationId);
        assert.ok(Object.keys(op.responses ?? {}).some((status) => /^[23]\d\d$/.test(status) || status === '500'), `${method} ${path} documents its answer`);
      }
    }
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  test('every schema compiles, and every reference resolves', () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    for (const format of ['int64', 'int32', 'uuid4']) ajv.addFormat(format, true);
    ajv.addSchema(document, 'tessera');
    for (const name of Object.keys(document.components.schemas)) assert.ok(ajv.getSchema(`tessera#/components/schemas/${name}`), name);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, answer] of Object.entries(op.responses ?? {})) {
          const ref = answer.content?.['application/json']?.schema?.$ref;
          if (ref !== undefined) assert.ok(ajv.getSchema(`tessera${ref}`), `${method} ${path} ${status}: ${ref}`);
        }
      }
    }
  });

  test('lists exactly what the listeners serve: every documented operation is routed', async () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      const base = path.startsWith('/admin/') ? admin : pub;
      const url = new URL(path.replace(/\{[^}]+\}/g, 'x'), base);
      for (const method of Object.keys(operations)) {
        const res = await request(url, { method: method.toUpperCase() as 'GET' });
        const text = await res.body.text();
        assert.doesNotMatch(text, /No route matches/, `${method.toUpperCase()} ${path} is served on the ${base === admin ? 'admin' : 'public'} listener`);
      }
    }
  });
});
