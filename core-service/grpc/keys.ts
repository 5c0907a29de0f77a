/**
 * tessera.v1.JwkService: JWKS travel as JSON strings (`jwks_json`, `jwk_json`); the decisions
 * are in core-service/keys/service.ts.
 */
import type { JwkServiceServer, KeySetResponse } from '../../proto/gen/tessera/v1/keys.js';
import type { JsonWebKeySet, KeyService } from '../keys/service.js';
import { errors } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { unary } from './unary.js';

function parseJson(field: string, json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw errors.badRequest(`Field "${field}" is not valid JSON.`);
  }
}

const keySet = (jwks: JsonWebKeySet): KeySetResponse => ({ jwks_json: JSON.stringify(jwks) });

export function jwkServiceHandlers(keys: KeyService, logger: Logger): JwkServiceServer {
  return {
    createKeySet: unary(logger, 'CreateKeySet', async (req) => keySet(await keys.createKey(req.set, { alg: req.alg, use: req.use, kid: req.kid }))),
    getKeySet: unary(logger, 'GetKeySet', async (req) => keySet(await keys.getKeySet(req.set))),
    getKey: unary(logger, 'GetKey', async (req) => keySet(await keys.getKey(req.set, req.kid))),
    updateKeySet: unary(logger, 'UpdateKeySet', async (req) => keySet(await keys.replaceKeySet(req.set, parseJson('jwks_json', req.jwks_json)))),
    // Hydra keys the update by the body's kid; the request's `kid` (the URL path's) is not used.
    updateKey: unary(logger, 'UpdateKey', async (req) => keySet({ keys: [await keys.putKey(req.set, parseJson('jwk_json', req.jwk_json))] })),
    deleteKeySet: unary(logger, 'DeleteKeySet', async (req) => {
      await keys.deleteKeySet(req.set);
      return {};
    }),
    deleteKey: unary(logger, 'DeleteKey', async (req) => {
      await keys.deleteKey(req.set, req.kid);
      return {};
    }),
    getPublicJwks: unary(logger, 'GetPublicJwks', async () => keySet(await keys.publicJwks())),
  };
}
