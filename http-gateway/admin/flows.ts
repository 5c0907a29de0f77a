/**
 * Hydra's login/consent admin API over tessera.v1.FlowService:
 * `/admin/oauth2/auth/requests/{login,consent}[/accept|/reject]` and
 * `/admin/oauth2/auth/sessions/{consent,login}`. Bodies are validated against Hydra's types
 * here and travel typed (flows-json.ts maps both ways); the embedded client is rendered like
 * every other client document.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlowServiceClient } from '../../proto/gen/tessera/v1/flows.js';
import { call } from '../grpc-client/call.js';
import { httpError } from '../errors/http-error.js';
import { withIgnoredBodies } from '../server.js';
import { acceptConsentFromJson, acceptLoginFromJson, consentRequestToJson, consentSessionToJson, loginRequestToJson, rejectFromJson } from './flows-json.js';
import { linkHeader, parsePageSize, queryValue } from './pagination.js';
import { adminContext } from './api-key.js';
import { operation } from '../openapi/schemas.js';

type Schema = Record<string, unknown>;

const text: Schema = { type: 'string' };
const texts: Schema = { type: 'array', items: text };
const flag: Schema = { type: 'boolean' };
const seconds: Schema = { type: 'integer' };
const claims: Schema = { type: 'object' };
/** Hydra's JSONRawMessage (`context`): any JSON, handed on as it came. */
const anyJson: Schema = {};

/**
 * Request bodies as Hydra's Go structs type them (`acceptOAuth2LoginRequest`,
 * `acceptOAuth2ConsentRequest`, `rejectOAuth2Request`): JSON types only, so a wrong type is 400
 * naming the field; nulls decode to zero values first (go-json.ts). What the values mean is core's call.
 */
const BODY_SCHEMAS = {
  login: {
    accept: {
      type: 'object',
      properties: {
        subject: text,
        remember: flag,
        remember_for: seconds,
        acr: text,
        amr: texts,
        force_subject_identifier: text,
        extend_session_lifespan: flag,
        identity_provider_session_id: text,
        context: anyJson,
      },
    },
  },
  consent: {
    accept: {
      type: 'object',
      properties: {
        grant_scope: texts,
        grant_access_token_audience: texts,
        remember: flag,
        remember_for: seconds,
        session: { type: 'object', properties: { access_token: claims, id_token: claims } },
        context: anyJson,
      },
    },
  },
  reject: {
    type: 'object',
    properties: { error: text, error_description: text, error_hint: text, error_debug: text, status_code: seconds },
  },
} as const;

const context = adminContext;
const query = (request: FastifyRequest): Record<string, unknown> => request.query as Record<string, unknown>;

const bodyOf = (request: FastifyRequest): Record<string, unknown> => (request.body ?? {}) as Record<string, unknown>;

/** Hydra reads `login_challenge` / `consent_challenge`, or the older `challenge`. */
function challengeOf(request: FastifyRequest, name: string): string {
  const q = query(request);
  const value = queryValue(q[name]) || queryValue(q.challenge);
  if (value === '') throw httpError('invalid_request', { hint: "Query parameter 'challenge' is not defined but should have been." });
  return value;
}

/** Hydra's operation names and documents of the login and consent requests. */
const OPERATIONS = {
  login: { Name: 'Login', document: 'oAuth2LoginRequest' },
  consent: { Name: 'Consent', document: 'oAuth2ConsentRequest' },
} as const;

const LIST_CONSENT_SESSIONS = operation({ id: 'listOAuth2ConsentSessions', tag: 'oAuth2', summary: 'List OAuth 2.0 Consent Sessions of a Subject', responses: { 200: 'oAuth2ConsentSessions' } });

const REVOKE_CONSENT_SESSIONS = operation({ id: 'revokeOAuth2ConsentSessions', tag: 'oAuth2', summary: 'Revoke OAuth 2.0 Consent Sessions of a Subject', responses: { 204: { empty: 'No Content' } } });

const REVOKE_LOGIN_SESSIONS = operation({ id: 'revokeOAuth2LoginSessions', tag: 'oAuth2', summary: 'Revokes OAuth 2.0 Login Sessions by either a Subject or a SessionID', responses: { 204: { empty: 'No Content' } } });

export function registerFlowRoutes(app: FastifyInstance, flows: FlowServiceClient): void {
  for (const kind of ['login', 'consent'] as const) {
    const param = `${kind}_challenge`;
    const { Name, document: requestDocument } = OPERATIONS[kind];
    const doc = (verb: 'get' | 'accept' | 'reject', responses: Parameters<typeof operation>[0]['responses'], body?: Schema) =>
      operation({ id: `${verb}OAuth2${Name}Request`, tag: 'oAuth2', summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} OAuth 2.0 ${Name} Request`, responses, ...(body ? { body } : {}) });
    const challenge = (request: FastifyRequest) => challengeOf(request, param);

    if (kind === 'login') {
      app.get('/admin/oauth2/auth/requests/login', { schema: doc('get', { 200: requestDocument, 410: 'oAuth2RedirectTo' }) }, async (request, reply) => {
        const res = await call(context(request), flows.getLoginRequest.bind(flows), { challenge: challenge(request) });
        // Hydra: a request handled already is 410 Gone with oAuth2RedirectTo.
        if (res.handled) return reply.code(410).send({ redirect_to: res.handled.redirect_to });
        return res.login_request ? loginRequestToJson(res.login_request) : {};
      });
      app.put('/admin/oauth2/auth/requests/login/accept', { schema: doc('accept', { 200: 'oAuth2RedirectTo' }, BODY_SCHEMAS.login.accept) }, async (request) => {
        const res = await call(context(request), flows.acceptLoginRequest.bind(flows), { challenge: challenge(request), body: acceptLoginFromJson(bodyOf(request)) });
        return { redirect_to: res.redirect_to };
      });
    } else {
      app.get('/admin/oauth2/auth/requests/consent', { schema: doc('get', { 200: requestDocument, 410: 'oAuth2RedirectTo' }) }, async (request, reply) => {
        const res = await call(context(request), flows.getConsentRequest.bind(flows), { challenge: challenge(request) });
        if (res.handled) return reply.code(410).send({ redirect_to: res.handled.redirect_to });
        return res.consent_request ? consentRequestToJson(res.consent_request) : {};
      });
      app.put('/admin/oauth2/auth/requests/consent/accept', { schema: doc('accept', { 200: 'oAuth2RedirectTo' }, BODY_SCHEMAS.consent.accept) }, async (request) => {
        const res = await call(context(request), flows.acceptConsentRequest.bind(flows), { challenge: challenge(request), body: acceptConsentFromJson(bodyOf(request)) });
        return { redirect_to: res.redirect_to };
      });
    }
    const reject = kind === 'login' ? flows.rejectLoginRequest.bind(flows) : flows.rejectConsentRequest.bind(flows);
    app.put(`/admin/oauth2/auth/requests/${kind}/reject`, { schema: doc('reject', { 200: 'oAuth2RedirectTo' }, BODY_SCHEMAS.reject) }, async (request) => {
      const res = await call(context(request), reject, { challenge: challenge(request), body: rejectFromJson(bodyOf(request)) });
      return { redirect_to: res.redirect_to };
    });
  }

  app.get('/admin/oauth2/auth/sessions/consent', { schema: LIST_CONSENT_SESSIONS }, async (request, reply) => {
    const q = query(request);
    const pageSize = parsePageSize(queryValue(q.page_size) || undefined);
    const pageToken = queryValue(q.page_token);
    const res = await call(context(request), flows.listConsentSessions.bind(flows), {
      subject: queryValue(q.subject),
      login_session_id: queryValue(q.login_session_id),
      page_size: pageSize,
      page_token: pageToken,
    });
    const next = res.sessions.length === pageSize ? String((Number(pageToken) || 0) + pageSize) : '';
    void reply.header('link', linkHeader(request.url, pageSize, next));
    return res.sessions.map(consentSessionToJson);
  });

  // Hydra's revocation handlers read no body: any body, of any type, is ignored.
  withIgnoredBodies(app, (scope) => registerRevocationRoutes(scope, flows));
}

function registerRevocationRoutes(app: FastifyInstance, flows: FlowServiceClient): void {
  app.delete('/admin/oauth2/auth/sessions/consent', { schema: REVOKE_CONSENT_SESSIONS }, async (request, reply) => {
    const q = query(request);
    await call(context(request), flows.revokeConsentSessions.bind(flows), {
      subject: queryValue(q.subject),
      client_id: queryValue(q.client),
      all: queryValue(q.all) === 'true',
      consent_request_id: queryValue(q.consent_request_id),
    });
    return reply.code(204).send();
  });

  app.delete('/admin/oauth2/auth/sessions/login', { schema: REVOKE_LOGIN_SESSIONS }, async (request, reply) => {
    const q = query(request);
    await call(context(request), flows.revokeLoginSessions.bind(flows), { subject: queryValue(q.subject), sid: queryValue(q.sid) });
    return reply.code(204).send();
  });
}
