/** Everything served on the admin listener besides the health endpoints, one domain per line. */
import type { FastifyInstance } from 'fastify';
import type { CoreConnection } from '../grpc-client/core.js';
import { withFormBodies } from '../server.js';
import { registerClientRoutes } from './clients/routes.js';
import { registerFlowRoutes } from './flows.js';
import { registerKeyRoutes } from './keys.js';
import { registerLogoutAdminRoutes } from './logout.js';
import { registerTokenAdminRoutes } from './tokens.js';

/** Registers the admin API routes (Hydra's `/admin/...`). */
export function registerAdminRoutes(app: FastifyInstance, core: CoreConnection): void {
  registerClientRoutes(app, core.clients);
  registerKeyRoutes(app, core.keys);
  registerFlowRoutes(app, core.flows);
  registerLogoutAdminRoutes(app, core.flows);
  withFormBodies(app, (scope) => registerTokenAdminRoutes(scope, core.introspection, core.oauth2));
}
