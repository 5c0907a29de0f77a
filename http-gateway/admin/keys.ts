/**
 * Hydra's JSON Web Key admin API (`/admin/keys/{set}…`) over tessera.v1.JwkService. Each route
 * parses, calls core, and maps the answer; algorithms, key validity, rotation and not-found are
 * decided in core. Like Hydra, these answers include private keys: the admin listener must never
 * be exposed publicly.
 */
import type { FastifyInstance } from 'fastify';
import type { JwkServiceClient } from '../../proto/gen/tessera/v1/keys.js';
import { call } from '../grpc-client/call.js';
import { httpError } from '../errors/http-error.js';
import { adminContext } from './api-key.js';
import { operation } from '../openapi/schemas.js';
import { withIgnoredBodies } from '../server.js';

interface SetParams {
  set: string;
}

interface KeyParams extends SetParams {
  kid: string;
}

interface CreateBody {
  alg?: string;
  use?: string;
  kid?: string;
}

const setParams = { type: 'object', required: ['set'], properties: { set: { type: 'string' } } };
const keyParams = { type: 'object', required: ['set', 'kid'], properties: { set: { type: 'string' }, kid: { type: 'string' } } };

/**
 * Hydra's `createJsonWebKeySet`. Its Go struct makes nothing required: a missing `use` is the
 * generator's default, a missing `kid` a UUID, a missing `alg` an unsupported algorithm (core decides).
 */
const createBody = {
  type: 'object',
  properties: { alg: { type: 'string' }, use: { type: 'string' }, kid: { type: 'string' } },
};

/** Hydra's `jsonWebKey`: JSON types and required members only; whether the key is valid is core's call. */
const jwkBody = {
  type: 'object',
  required: ['use', 'kty', 'kid', 'alg'],
  properties: { use: { type: 'string' }, kty: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' } },
};

/** Hydra's `jsonWebKeySet` (RFC 7517 §5). */
const jwksBody = {
  type: 'object',
  required: ['keys'],
  properties: { keys: { type: 'array', items: { type: 'object' } } },
};

const context = adminContext;

/** Core's JWKS JSON; unparsable JSON from core is core's bug, not the caller's. */
function jwks(json: string): { keys: unknown[] } {
  try {
    const parsed = JSON.parse(json) as { keys?: unknown };
    if (Array.isArray(parsed.keys)) return { keys: parsed.keys };
  } catch {
    // Falls through to the 500 below.
  }
  throw httpError('server_error');
}

/** Registers the key routes on the admin listener. */
export function registerKeyRoutes(app: FastifyInstance, keys: JwkServiceClient): void {
  app.post<{ Params: SetParams; Body: CreateBody }>('/admin/keys/:set', { schema: operation({ id: 'createJsonWebKeySet', tag: 'jwk', summary: 'Create JSON Web Key', params: setParams, body: createBody, responses: { 201: 'jsonWebKeySet' } }) }, async (request, reply) => {
    const { set } = request.params;
    const req = { set, alg: request.body.alg ?? '', use: request.body.use ?? '', kid: request.body.kid ?? '' };
    const res = await call(context(request), keys.createKeySet.bind(keys), req);
    return reply.code(201).header('location', `/admin/keys/${encodeURIComponent(set)}`).send(jwks(res.jwks_json));
  });

  app.get<{ Params: SetParams }>('/admin/keys/:set', { schema: operation({ id: 'getJsonWebKeySet', tag: 'jwk', summary: 'Retrieve a JSON Web Key Set', params: setParams, responses: { 200: 'jsonWebKeySet' } }) }, async (request) => {
    const res = await call(context(request), keys.getKeySet.bind(keys), { set: request.params.set });
    return jwks(res.jwks_json);
  });

  app.get<{ Params: KeyParams }>('/admin/keys/:set/:kid', { schema: operation({ id: 'getJsonWebKey', tag: 'jwk', summary: 'Get JSON Web Key', params: keyParams, responses: { 200: 'jsonWebKeySet' } }) }, async (request) => {
    const res = await call(context(request), keys.getKey.bind(keys), { set: request.params.set, kid: request.params.kid });
    return jwks(res.jwks_json);
  });

  app.put<{ Params: SetParams; Body: unknown }>('/admin/keys/:set', { schema: operation({ id: 'setJsonWebKeySet', tag: 'jwk', summary: 'Update a JSON Web Key Set', params: setParams, body: jwksBody, responses: { 200: 'jsonWebKeySet' } }) }, async (request) => {
    const req = { set: request.params.set, jwks_json: JSON.stringify(request.body) };
    const res = await call(context(request), keys.updateKeySet.bind(keys), req);
    return jwks(res.jwks_json);
  });

  app.put<{ Params: KeyParams; Body: unknown }>('/admin/keys/:set/:kid', { schema: operation({ id: 'setJsonWebKey', tag: 'jwk', summary: 'Set JSON Web Key', params: keyParams, body: jwkBody, responses: { 200: 'jsonWebKey' } }) }, async (request) => {
    const req = { set: request.params.set, kid: request.params.kid, jwk_json: JSON.stringify(request.body) };
    const res = await call(context(request), keys.updateKey.bind(keys), req);
    // Hydra answers this one with the bare `jsonWebKey`, not a set.
    const [key] = jwks(res.jwks_json).keys;
    if (key === undefined) throw httpError('server_error');
    return key;
  });

  // Hydra's delete handlers read no body: any body, of any type, is ignored.
  withIgnoredBodies(app, (scope) => registerDeleteRoutes(scope, keys));
}

function registerDeleteRoutes(app: FastifyInstance, keys: JwkServiceClient): void {
  app.delete<{ Params: SetParams }>('/admin/keys/:set', { schema: operation({ id: 'deleteJsonWebKeySet', tag: 'jwk', summary: 'Delete JSON Web Key Set', params: setParams, responses: { 204: { empty: 'No Content' } } }) }, async (request, reply) => {
    await call(context(request), keys.deleteKeySet.bind(keys), { set: request.params.set });
    return reply.code(204).send();
  });

  app.delete<{ Params: KeyParams }>('/admin/keys/:set/:kid', { schema: operation({ id: 'deleteJsonWebKey', tag: 'jwk', summary: 'Delete JSON Web Key', params: keyParams, responses: { 204: { empty: 'No Content' } } }) }, async (request, reply) => {
    await call(context(request), keys.deleteKey.bind(keys), { set: request.params.set, kid: request.params.kid });
    return reply.code(204).send();
  });
}
