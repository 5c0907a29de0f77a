/**
 * Every route of one listener, in one place: app.ts registers them on the listeners it serves,
 * and openapi/document.ts registers them, without listening, on the instances it reads the API
 * document from, so the document lists exactly what the listeners serve.
 */
import type { FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './admin/routes.js';
import type { CoreConnection } from './grpc-client/core.js';
import { registerHealthRoutes } from './health.js';
import { registerMetricsRoute, type GatewayMetrics } from './metrics.js';
import { registerOpenApiRoute, type ApiDocument } from './openapi/document.js';
import { useApiSchemas } from './openapi/schemas.js';
import { registerAuthorizeRoutes } from './public/authorize.js';
import { registerCredentialRoutes } from './public/credentials.js';
import { registerDeviceRoutes } from './public/device.js';
import { registerFallbackRoutes } from './public/fallbacks.js';
import { registerJwksRoute } from './public/jwks.js';
import { registerLogoutRoutes } from './public/logout.js';
import { registerOidcRoutes } from './public/oidc.js';
import { registerRegistrationRoutes } from './public/registration.js';
import { registerTokenRoutes } from './public/token.js';
import { withFormBodies } from './server.js';

export type ListenerName = 'public' | 'admin';

export interface RouteDeps {
  core: CoreConnection;
  metrics: GatewayMetrics;
  draining: () => boolean;
  /** The API document served on the admin listener. */
  document: ApiDocument;
  /** `serve.admin.auth.enabled`: admin routes demand a caller's bearer key (admin/api-key.ts). */
  adminAuthRequired?: boolean;
  /** `serve.cookies.names`: the base names of the cookies forwarded to core (the configuration holds Hydra's defaults). */
  cookieNames: readonly string[];
  /** `serve.<listener>.request_log.disable_for_health`: no request log lines for the health checks. */
  quietHealth?: boolean;
}

/** Registers the routes of `name` on `app`. */
export function registerRoutes(app: FastifyInstance, name: ListenerName, deps: RouteDeps): void {
  const { core } = deps;
  useApiSchemas(app);
  registerHealthRoutes(app, core, deps.draining, deps.quietHealth ?? false);
  if (name === 'admin') {
    registerMetricsRoute(app, deps.metrics);
    registerAdminRoutes(app, core, { authRequired: deps.adminAuthRequired ?? false });
    registerOpenApiRoute(app, deps.document);
  }
  if (name === 'public') {
    registerJwksRoute(app, core.keys);
    registerFallbackRoutes(app);
    withFormBodies(app, (scope) => registerTokenRoutes(scope, core.oauth2));
    withFormBodies(app, (scope) => registerAuthorizeRoutes(scope, core.oauth2, deps.cookieNames));
    withFormBodies(app, (scope) => registerLogoutRoutes(scope, core.oauth2, deps.cookieNames));
    withFormBodies(app, (scope) => registerDeviceRoutes(scope, core.device, deps.cookieNames));
    withFormBodies(app, (scope) => registerOidcRoutes(scope, core.oauth2));
    registerRegistrationRoutes(app, core.registration);
    registerCredentialRoutes(app, core.credentials);
  }
}
