/**
 * Tessera's HTTP API as an OpenAPI 3.0 document, served at `GET /admin/openapi.json` on the admin
 * listener. Hydra serves none; its document ships with its source. Tessera generates its own
 * from the routes themselves (@fastify/swagger over the same registration both listeners run,
 * http-gateway/routes.ts), so a route, its path, operationId and response schemas cannot drift
 * from the document. It lives on the admin port, under `/admin/` like the rest of the admin API,
 * because it describes the admin operations too: whatever guards the admin API guards it.
 */
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { VERSION } from '../../core-service/shared/paths.js';
import { operation } from './schemas.js';

/** Where the document is served on the admin listener. */
export const OPENAPI_PATH = '/admin/openapi.json';

type Listener = 'public' | 'admin';

/** The document, built once on first use. */
export type ApiDocument = () => Promise<Record<string, unknown>>;

interface OpenApiParts {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

/** Builds one listener's routes on an instance that never listens, and reads its document. */
async function listenerDocument(listener: Listener, register: (app: FastifyInstance, listener: Listener) => void): Promise<OpenApiParts> {
  const app = Fastify({ logger: false });
  await app.register(fastifySwagger, {
    openapi: { openapi: '3.0.3', info: { title: 'Tessera', version: VERSION } },
    // Components keep Hydra's names (oAuth2Client, …) instead of def-0, def-1, ….
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  register(app, listener);
  await app.ready();
  const document = app.swagger() as OpenApiParts;
  await app.close();
  return document;
}

/**
 * The document of both listeners' routes; `register` is the registration the listeners run.
 * @example const document = apiDocument((app, listener) => registerRoutes(app, listener, deps)); await document();
 */
export function apiDocument(register: (app: FastifyInstance, listener: Listener) => void): ApiDocument {
  let built: Promise<Record<string, unknown>> | undefined;
  return () =>
    (built ??= Promise.all([listenerDocument('public', register), listenerDocument('admin', register)]).then(([pub, admin]) => ({
      openapi: '3.0.3',
      info: {
        title: 'Tessera',
        version: VERSION,
        description:
          "Tessera's HTTP API, a drop-in for Ory Hydra v2's: the public listener (OAuth 2.0 and OpenID Connect endpoints) and the admin listener (`/admin/…`). Schemas are Hydra's.",
      },
      tags: [
        { name: 'oAuth2', description: 'OAuth 2.0' },
        { name: 'oidc', description: 'OpenID Connect' },
        { name: 'jwk', description: 'JSON Web Keys' },
        { name: 'wellknown', description: 'Well-Known Endpoints' },
        { name: 'metadata', description: 'Service Metadata' },
        { name: 'tessera', description: 'Served by Tessera, not part of Hydra’s document' },
      ],
      // Health and version answer on both listeners: one entry each, merged.
      paths: { ...admin.paths, ...pub.paths },
      components: { schemas: { ...pub.components?.schemas, ...admin.components?.schemas } },
    })).catch((err: unknown) => {
      built = undefined;
      throw err;
    }));
}

/** Registers `GET /admin/openapi.json`. */
export function registerOpenApiRoute(app: FastifyInstance, document: ApiDocument): void {
  app.get(
    OPENAPI_PATH,
    { schema: operation({ id: 'getOpenApiDocument', tag: 'tessera', summary: "Tessera's HTTP API as an OpenAPI 3.0 document", responses: { 200: { json: { type: 'object' }, description: 'The document' } } }) },
    async () => document(),
  );
}
