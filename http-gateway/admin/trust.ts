/**
 * Hydra's trust API for the JWT-bearer grant (`/admin/trust/grants/jwt-bearer/issuers…`, Hydra's
 * oauth2/trust/handler.go) over tessera.v1.TrustService. Routes parse and map; which fields are
 * required, which keys are acceptable and what is a duplicate is decided in core.
 */
import type { FastifyInstance } from 'fastify';
import type { JsonWebKey as WireJwk, TrustedJwtGrantIssuer, TrustServiceClient } from '../../proto/gen/tessera/v1/trust.js';
import { httpError } from '../errors/http-error.js';
import { call } from '../grpc-client/call.js';
import { operation } from '../openapi/schemas.js';
import { withIgnoredBodies } from '../server.js';
import { adminContext } from './api-key.js';
import { linkHeader, parsePageSize, queryValue } from './pagination.js';

const PATH = '/admin/trust/grants/jwt-bearer/issuers';

interface IdParams {
  id: string;
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };

/** The JWK members Hydra's jsonWebKey schema names, all strings but x5c. */
const JWK_STRING_MEMBERS = ['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

interface TrustBody {
  issuer?: string | null;
  subject?: string | null;
  allow_any_subject?: boolean | null;
  scope?: string[] | null;
  jwk?: Partial<Record<(typeof JWK_STRING_MEMBERS)[number], string | null>> & { x5c?: string[] | null };
  expires_at?: string | null;
}

/**
 * Types only, from Hydra's trustOAuth2JwtGrantIssuer: a wrong-typed field fails here naming it;
 * a missing one is for core to name, with Hydra's words. Go decodes `null` as unset.
 */
const trustBodySchema = {
  type: 'object',
  properties: {
    issuer: { type: 'string', nullable: true },
    subject: { type: 'string', nullable: true },
    allow_any_subject: { type: 'boolean', nullable: true },
    scope: { type: 'array', items: { type: 'string' }, nullable: true },
    jwk: {
      type: 'object',
      nullable: true,
      properties: {
        ...Object.fromEntries(JWK_STRING_MEMBERS.map((member) => [member, { type: 'string', nullable: true }])),
        x5c: { type: 'array', items: { type: 'string' }, nullable: true },
      },
    },
    expires_at: { type: 'string', nullable: true },
  },
};

/** RFC 3339 as Go's time.Time marshals a UTC instant rounded to the second. */
const rfc3339 = (date: Date | undefined) => (date ?? new Date(0)).toISOString().replace(/\.000Z$/, 'Z');

function toJson(wire: TrustedJwtGrantIssuer | undefined) {
  // Every response of these calls carries a relationship; its absence is core's bug.
  if (!wire) throw httpError('server_error');
  return {
    id: wire.id,
    issuer: wire.issuer,
    subject: wire.subject,
    allow_any_subject: wire.allow_any_subject,
    scope: wire.scope,
    public_key: { set: wire.public_key?.set ?? '', kid: wire.public_key?.kid ?? '' },
    created_at: rfc3339(wire.created_at),
    expires_at: rfc3339(wire.expires_at),
  };
}

function jwkFromJson(jwk: NonNullable<TrustBody['jwk']>): WireJwk {
  const wire = { x5c: jwk.x5c ?? [] } as WireJwk;
  for (const member of JWK_STRING_MEMBERS) wire[member] = jwk[member] ?? '';
  return wire;
}

/** An RFC 3339 date-time, as Go's time.Time decodes it; a 400 naming the field otherwise. */
function expiresAt(raw: string | null | undefined): Date | undefined {
  if (raw === undefined || raw === null) return undefined;
  const date = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw) || Number.isNaN(date.getTime())) {
    throw httpError('invalid_request', { hint: `Field "expires_at" must be an RFC 3339 date-time, such as 2030-01-01T00:00:00Z; got "${raw}".` });
  }
  return date;
}

/** Registers the trust routes on the admin listener. */
export function registerTrustRoutes(app: FastifyInstance, trust: TrustServiceClient): void {
  app.get(PATH, { schema: operation({ id: 'listTrustedOAuth2JwtGrantIssuers', tag: 'oAuth2', summary: 'List Trusted OAuth2 JWT Bearer Grant Type Issuers', responses: { 200: 'trustedOAuth2JwtGrantIssuers' } }) }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const pageSize = parsePageSize(queryValue(query.page_size) || undefined);
    const req = { page_size: pageSize, page_token: queryValue(query.page_token), issuer: queryValue(query.issuer) };
    const res = await call(adminContext(request), trust.listTrustedJwtGrantIssuers.bind(trust), req);
    void reply.header('link', linkHeader(request.url, pageSize, res.next_page_token));
    return res.issuers.map(toJson);
  });

  app.post<{ Body: TrustBody }>(
    PATH,
    { schema: operation({ id: 'trustOAuth2JwtGrantIssuer', tag: 'oAuth2', summary: 'Trust OAuth2 JWT Bearer Grant Type Issuer', body: trustBodySchema, responses: { 201: 'trustedOAuth2JwtGrantIssuer' } }) },
    async (request, reply) => {
      const body = request.body;
      const req = {
        issuer: body.issuer ?? '',
        subject: body.subject ?? '',
        allow_any_subject: body.allow_any_subject ?? false,
        scope: body.scope ?? [],
        jwk: body.jwk ? jwkFromJson(body.jwk) : undefined,
        expires_at: expiresAt(body.expires_at),
      };
      const res = await call(adminContext(request), trust.trustJwtGrantIssuer.bind(trust), req);
      const created = toJson(res.issuer);
      return reply.code(201).header('location', `${PATH}/${encodeURIComponent(created.id)}`).send(created);
    },
  );

  app.get<{ Params: IdParams }>(`${PATH}/:id`, { schema: operation({ id: 'getTrustedOAuth2JwtGrantIssuer', tag: 'oAuth2', summary: 'Get Trusted OAuth2 JWT Bearer Grant Type Issuer', params: idParams, responses: { 200: 'trustedOAuth2JwtGrantIssuer' } }) }, async (request) => {
    const res = await call(adminContext(request), trust.getTrustedJwtGrantIssuer.bind(trust), { id: request.params.id });
    return toJson(res.issuer);
  });

  // Hydra's delete handler reads no body: any body, of any type, is ignored.
  withIgnoredBodies(app, (scope) => {
    scope.delete<{ Params: IdParams }>(`${PATH}/:id`, { schema: operation({ id: 'deleteTrustedOAuth2JwtGrantIssuer', tag: 'oAuth2', summary: 'Delete Trusted OAuth2 JWT Bearer Grant Type Issuer', params: idParams, responses: { 204: { empty: 'No Content' } } }) }, async (request, reply) => {
      await call(adminContext(request), trust.deleteTrustedJwtGrantIssuer.bind(trust), { id: request.params.id });
      return reply.code(204).send();
    });
  });
}
