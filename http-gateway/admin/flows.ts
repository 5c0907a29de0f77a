/**
 * Hydra's login/consent admin API over tessera.v1.FlowService:
 * `/admin/oauth2/auth/requests/{login,consent}[/accept|/reject]` and
 * `/admin/oauth2/auth/sessions/{consent,login}`. Bodies pass to core as Hydra's JSON; the
 * embedded client is rendered like every other client document.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlowDocument, FlowServiceClient } from '../../proto/gen/tessera/v1/flows.js';
import { call } from '../grpc-client/call.js';
import { httpError } from '../errors/http-error.js';
import { clientToJson } from './clients/hydra-json.js';
import { linkHeader, parsePageSize, queryValue } from './pagination.js';
import { adminContext } from './api-key.js';
import { operation } from '../openapi/schemas.js';

const context = adminContext;
const query = (request: FastifyRequest): Record<string, unknown> => request.query as Record<string, unknown>;

function document(doc: FlowDocument, clientField: 'client' | 'consent_request'): Record<string, unknown> {
  const parsed = JSON.parse(doc.json) as Record<string, unknown>;
  if (!doc.client) return parsed;
  const client = clientToJson(doc.client);
  if (clientField === 'client') return { ...parsed, client };
  const request = parsed.consent_request as Record<string, unknown> | undefined;
  return request ? { ...parsed, consent_request: { ...request, client } } : parsed;
}

function challengeOf(request: FastifyRequest, name: string): string {
  const value = queryValue(query(request)[name]);
  if (value === '') throw httpError('invalid_request', { hint: `Query parameter "${name}" is required.` });
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
    const doc = (verb: 'get' | 'accept' | 'reject', responses: Parameters<typeof operation>[0]['responses']) =>
      operation({ id: `${verb}OAuth2${Name}Request`, tag: 'oAuth2', summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} OAuth 2.0 ${Name} Request`, responses });
    const get = kind === 'login' ? flows.getLoginRequest.bind(flows) : flows.getConsentRequest.bind(flows);
    const accept = kind === 'login' ? flows.acceptLoginRequest.bind(flows) : flows.acceptConsentRequest.bind(flows);
    const reject = kind === 'login' ? flows.rejectLoginRequest.bind(flows) : flows.rejectConsentRequest.bind(flows);

    app.get(`/admin/oauth2/auth/requests/${kind}`, { schema: doc('get', { 200: requestDocument, 410: 'oAuth2RedirectTo' }) }, async (request, reply) => {
      const res = await call(context(request), get, { challenge: challengeOf(request, param) });
      // Hydra: a request handled already is 410 Gone with oAuth2RedirectTo.
      if (res.handled) return reply.code(410).send(JSON.parse(res.json) as unknown);
      return document(res, 'client');
    });
    app.put(`/admin/oauth2/auth/requests/${kind}/accept`, { schema: doc('accept', { 200: 'oAuth2RedirectTo' }) }, async (request) => {
      const res = await call(context(request), accept, { challenge: challengeOf(request, param), body_json: JSON.stringify(request.body ?? {}) });
      return { redirect_to: res.redirect_to };
    });
    app.put(`/admin/oauth2/auth/requests/${kind}/reject`, { schema: doc('reject', { 200: 'oAuth2RedirectTo' }) }, async (request) => {
      const res = await call(context(request), reject, { challenge: challengeOf(request, param), body_json: JSON.stringify(request.body ?? {}) });
      return { redirect_to: res.redirect_to };
    });
  }

  app.get('/admin/oauth2/auth/sessions/consent', { schema: LIST_CONSENT_SESSIONS }, async (request, reply) => {
    const q = query(request);
    const pageSize = parsePageSize(queryValue(q.page_size) || undefined);
    const pageToken = queryValue(q.page_token);
    const res = await call(context(request), flows.listConsentSessions.bind(flows), {
      subject: queryValue(q.subject),
      client_id: '',
      all: false,
      login_session_id: queryValue(q.login_session_id),
      page_size: pageSize,
      page_token: pageToken,
      consent_request_id: '',
    });
    const next = res.sessions.length === pageSize ? String((Number(pageToken) || 0) + pageSize) : '';
    void reply.header('link', linkHeader(request.url, pageSize, next));
    return res.sessions.map((s) => document(s, 'consent_request'));
  });

  app.delete('/admin/oauth2/auth/sessions/consent', { schema: REVOKE_CONSENT_SESSIONS }, async (request, reply) => {
    const q = query(request);
    await call(context(request), flows.revokeConsentSessions.bind(flows), {
      subject: queryValue(q.subject),
      client_id: queryValue(q.client),
      all: queryValue(q.all) === 'true',
      login_session_id: '',
      page_size: 0,
      page_token: '',
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
