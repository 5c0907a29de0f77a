/** Everything served on the admin listener besides the health endpoints, one domain per line. */
import type { FastifyInstance } from 'fastify';
import type { CoreConnection } from '../grpc-client/core.js';
import { withFormBodies } from '../server.js';
import { requireAdminApiKey } from './api-key.js';
import { registerClientRoutes } from './clients/routes.js';
import { registerFlowRoutes } from './flows.js';
import { registerKeyRoutes } from './keys.js';
import { registerLogoutAdminRoutes } from './logout.js';
import { registerTokenAdminRoutes } from './tokens.js';
import { registerTrustRoutes } from './trust.js';

/**
 * Registers the admin API routes (Hydra's `/admin/...`); with `authRequired`
 * (serve.admin.auth.enabled) in a scope that demands a bearer key (api-key.ts).
 */
export function registerAdminRoutes(app: FastifyInstance, core: CoreConnection, opts: { authRequired?: boolean } = {}): void {
  void app.register(async (scope) => {
    if (opts.authRequired) requireAdminApiKey(scope);
    registerClientRoutes(scope, core.clients);
    registerKeyRoutes(scope, core.keys);
    registerFlowRoutes(scope, core.flows);
    registerLogoutAdminRoutes(scope, core.flows);
    registerTrustRoutes(scope, core.trust);
    withFormBodies(scope, (forms) => registerTokenAdminRoutes(forms, core.introspection, core.oauth2));
  });
}
