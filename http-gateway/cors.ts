/**
 * Cross-Origin Resource Sharing (Fetch Standard §3.2) on one listener, as Hydra does it:
 * `serve.public.cors.*` / `serve.admin.cors.*` with rs/cors's rules, and on the public OAuth 2.0
 * endpoints Hydra wraps with x/oauth2cors (token, revocation, UserInfo, discovery, JWKS) also the
 * origins the request's client lists in `allowed_cors_origins`. @fastify/cors writes the headers
 * and answers preflights; which origin is allowed is decided here from the listener's config,
 * and by core for a client's origins (tessera.v1.OAuth2Service/CheckCorsOrigin).
 *
 * One difference from Hydra, on purpose: a preflight to an endpoint with per-client origins is
 * answered for any origin (it carries no credentials, so no client can be known yet; the actual
 * request is still checked against the client). In Hydra the listener's list answers it first,
 * so a client's origin alone could not send `Authorization` (ory/hydra#3795).
 */
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CorsConfig } from '../core-service/shared/config.js';
import { configAllowsOrigin } from '../core-service/shared/cors-origins.js';
import type { OAuth2ServiceClient } from '../proto/gen/tessera/v1/oauth2.js';
import { call } from './grpc-client/call.js';
import { formParams } from './public/form.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Hydra's x/oauth2cors: a client's `allowed_cors_origins` also allow cross-origin reads here. */
    perClientCors?: boolean;
  }
}

/** Asks core whether the client the request speaks for lists `origin`. */
export type ClientOriginCheck = (request: FastifyRequest, origin: string) => Promise<boolean>;

interface Decision {
  allowed: boolean;
  reason: string;
}

/** `a, B ,c` → ['a', 'b', 'c'] (Access-Control-Request-Headers, Fetch §3.2.2). */
const headerList = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? '';

/**
 * Adds CORS to `app` when `cors.enabled`. Call before any route is declared: routes marked
 * `config: { perClientCors: true }` are collected as they are added. `clientOrigins` is given on
 * the public listener only.
 */
export function registerCors(app: FastifyInstance, cors: CorsConfig, clientOrigins?: ClientOriginCheck): void {
  if (!cors.enabled) return;
  const methods = new Set(cors.allowedMethods.map((method) => method.toUpperCase()));
  const anyHeader = cors.allowedHeaders.includes('*');
  const headers = new Set(cors.allowedHeaders.map((name) => name.toLowerCase()));
  const perClientPaths = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (route.config?.perClientCors) perClientPaths.add(route.url);
  });

  async function decide(request: FastifyRequest, origin: string | undefined): Promise<Decision> {
    if (origin === undefined || origin === '') return { allowed: false, reason: 'no Origin header' };
    const requestedMethod = request.headers['access-control-request-method'];
    const preflight = request.method === 'OPTIONS' && typeof requestedMethod === 'string';
    // rs/cors: the method (the requested one, for a preflight) and every requested header must be allowed.
    const method = preflight ? requestedMethod.toUpperCase() : request.method;
    if (!methods.has(method)) return { allowed: false, reason: `method ${method} is not in allowed_methods` };
    const unlisted = preflight && !anyHeader ? headerList(request.headers['access-control-request-headers']).filter((name) => !headers.has(name)) : [];
    if (unlisted.length > 0) return { allowed: false, reason: `headers ${unlisted.join(', ')} are not in allowed_headers` };
    if (configAllowsOrigin(cors.allowedOrigins, origin)) return { allowed: true, reason: 'allowed_origins' };
    if (clientOrigins === undefined || !perClientPaths.has(pathOf(request))) return { allowed: false, reason: 'not in allowed_origins' };
    if (preflight) return { allowed: true, reason: 'preflight to an endpoint with per-client origins' };
    try {
      return (await clientOrigins(request, origin))
        ? { allowed: true, reason: "the client's allowed_cors_origins" }
        : { allowed: false, reason: "neither allowed_origins nor the client's allowed_cors_origins" };
    } catch (err) {
      // Core unreachable: no CORS headers; the endpoint itself answers (most likely 503).
      request.log.warn({ err }, 'could not ask core about the client’s CORS origins');
      return { allowed: false, reason: 'core did not answer' };
    }
  }

  const options = async (request: FastifyRequest): Promise<FastifyCorsOptions> => {
    const origin = request.headers.origin;
    const decision = await decide(request, origin);
    if (cors.debug) request.log.info({ cors: { origin, method: request.method, path: pathOf(request), ...decision } }, 'CORS decision');
    const answer: FastifyCorsOptions = {
      // true reflects the request's Origin, as rs/cors does whenever the origin is allowed.
      origin: decision.allowed,
      // rs/cors answers a preflight with the method and headers it asked for, once checked above
      // (@fastify/cors echoes Access-Control-Request-Headers when allowedHeaders is left out).
      methods: request.headers['access-control-request-method'] ?? cors.allowedMethods,
      credentials: cors.allowCredentials,
      preflight: true,
      // An OPTIONS without Access-Control-Request-Method is not a preflight; no 400 for it.
      strictPreflight: false,
    };
    if (cors.exposedHeaders.length > 0) answer.exposedHeaders = cors.exposedHeaders;
    // rs/cors sends no Access-Control-Max-Age for 0 (the browser's default then applies).
    if (cors.maxAge > 0) answer.maxAge = cors.maxAge;
    return answer;
  };
  // preValidation: the body is parsed by then, so a form's client_id can name the client.
  void app.register(fastifyCors, { hook: 'preValidation', delegator: options });
}

/**
 * The public listener's ClientOriginCheck: forwards what may name the client (the Authorization
 * header, a form body's client_id and access_token) to core, which decides.
 */
export function coreClientOriginCheck(oauth2: OAuth2ServiceClient): ClientOriginCheck {
  return async (request, origin) => {
    let form: Record<string, string> = {};
    try {
      // Like Go's PostFormValue: only a form body counts; the route refuses anything else itself.
      form = request.method === 'POST' ? formParams(request) : {};
    } catch {
      form = {};
    }
    const res = await call({ requestId: request.id }, oauth2.checkCorsOrigin.bind(oauth2), {
      origin,
      authorization_header: String(request.headers.authorization ?? ''),
      client_id: form.client_id ?? '',
      access_token: form.access_token ?? '',
    });
    return res.allowed;
  };
}
