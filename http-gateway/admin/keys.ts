/**
 * Hydra's JSON Web Key admin API (`/admin/keys/{set}…`) over tessera.v1.JwkService. Each route
 * parses, calls core, and maps the answer; algorithms, key validity, rotation and not-found are
 * decided in core. Like Hydra, these answers include private keys: the admin listener must never
 * be exposed publicly.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JwkServiceClient } from '../../proto/gen/tessera/v1/keys.js';
import { call, type CallContext } from '../grpc-client/call.js';
import { httpError } from '../errors/http-error.js';
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

const context = (request: FastifyRequest): CallContext => ({ requestId: request.id });

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
  app.post<{ Params: SetParams; Body: CreateBody }>('/admin/keys/:set', { schema: { params: setParams, body: createBody } }, async (request, reply) => {
    const { set } = request.params;
    const req = { set, alg: request.body.alg ?? '', use: request.body.use ?? '', kid: request.body.kid ?? '' };
    const res = await call(context(request), keys.createKeySet.bind(keys), req);
    return reply.code(201).header('location', `/admin/keys/${encodeURIComponent(set)}`).send(jwks(res.jwks_json));
  });

  app.get<{ Params: SetParams }>('/admin/keys/:set', { schema: { params: setParams } }, async (request) => {
    const res = await call(context(request), keys.getKeySet.bind(keys), { set: request.params.set });
    return jwks(res.jwks_json);
  });

  app.get<{ Params: KeyParams }>('/admin/keys/:set/:kid', { schema: { params: keyParams } }, async (request) => {
    const res = await call(context(request), keys.getKey.bind(keys), { set: request.params.set, kid: request.params.kid });
    return jwks(res.jwks_json);
  });

  app.put<{ Params: SetParams; Body: unknown }>('/admin/keys/:set', { schema: { params: setParams, body: jwksBody } }, async (request) => {
    const req = { set: request.params.set, jwks_json: JSON.stringify(request.body) };
    const res = await call(context(request), keys.updateKeySet.bind(keys), req);
    return jwks(res.jwks_json);
  });

  app.put<{ Params: KeyParams; Body: unknown }>('/admin/keys/:set/:kid', { schema: { params: keyParams, body: jwkBody } }, async (request) => {
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
  app.delete<{ Params: SetParams }>('/admin/keys/:set', { schema: { params: setParams } }, async (request, reply) => {
    await call(context(request), keys.deleteKeySet.bind(keys), { set: request.params.set });
    return reply.code(204).send();
  });

  app.delete<{ Params: KeyParams }>('/admin/keys/:set/:kid', { schema: { params: keyParams } }, async (request, reply) => {
    await call(context(request), keys.deleteKey.bind(keys), { set: request.params.set, kid: request.params.kid });
    return reply.code(204).send();
  });
}
