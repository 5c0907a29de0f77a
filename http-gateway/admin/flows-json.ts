/**
 * Hydra's login, consent and logout JSON ↔ the FlowService messages (flows.proto). Names are
 * Hydra's on both sides; only the shapes differ: timestamps are RFC 3339 strings in JSON, the
 * embedded client is rendered as every other client, and fields Hydra leaves out stay out.
 *
 * Bodies arrive schema-validated with Go's null rule applied (go-json.ts), so a field is either
 * absent or of its JSON type; absent is the zero value, as Go decodes it.
 */
import type {
  AcceptOAuth2ConsentRequest,
  AcceptOAuth2LoginRequest,
  AcceptOAuth2ConsentRequestSession,
  OAuth2ConsentRequest,
  OAuth2ConsentRequestOpenIDConnectContext,
  OAuth2ConsentSession,
  OAuth2LoginRequest,
  OAuth2LogoutRequest,
  RejectOAuth2Request,
} from '../../proto/gen/tessera/v1/flows.js';
import { clientToJson } from './clients/hydra-json.js';

type Json = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : []);
const flag = (value: unknown): boolean => value === true;
const claims = (value: unknown): Json | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined);

/**
 * A JSON integer as the wire's int64 carries it (within ±2^53). Beyond that Hydra's int64 still
 * reads it; every such value means "practically forever" (remember_for) or "not an HTTP status"
 * (status_code), so it is clamped, which keeps its meaning.
 */
function integer(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0;
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.trunc(value)));
}

/** Hydra's acceptOAuth2LoginRequest body → AcceptOAuth2LoginRequest. */
export function acceptLoginFromJson(body: Json): AcceptOAuth2LoginRequest {
  return {
    subject: text(body.subject),
    remember: flag(body.remember),
    remember_for: integer(body.remember_for),
    acr: text(body.acr),
    amr: texts(body.amr),
    context: body.context,
    force_subject_identifier: text(body.force_subject_identifier),
    extend_session_lifespan: flag(body.extend_session_lifespan),
    identity_provider_session_id: text(body.identity_provider_session_id),
  };
}

/** Hydra's acceptOAuth2ConsentRequest body → AcceptOAuth2ConsentRequest. `[null]` arrives as `['']`, which core reads as nothing granted. */
export function acceptConsentFromJson(body: Json): AcceptOAuth2ConsentRequest {
  const session = claims(body.session);
  return {
    grant_scope: texts(body.grant_scope),
    grant_access_token_audience: texts(body.grant_access_token_audience),
    remember: flag(body.remember),
    remember_for: integer(body.remember_for),
    session: session ? { access_token: claims(session.access_token), id_token: claims(session.id_token) } : undefined,
    context: body.context,
  };
}

/** Hydra's rejectOAuth2Request body → RejectOAuth2Request. */
export function rejectFromJson(body: Json): RejectOAuth2Request {
  return {
    error: text(body.error),
    error_description: text(body.error_description),
    error_hint: text(body.error_hint),
    error_debug: text(body.error_debug),
    status_code: integer(body.status_code),
  };
}

function oidcContextToJson(ctx: OAuth2ConsentRequestOpenIDConnectContext | undefined): Json {
  const out: Json = { acr_values: ctx?.acr_values ?? [], ui_locales: ctx?.ui_locales ?? [], login_hint: ctx?.login_hint ?? '', display: ctx?.display ?? '' };
  if (ctx?.id_token_hint_claims) out.id_token_hint_claims = ctx.id_token_hint_claims;
  return out;
}

/** The client is rendered last, and only when core named one. */
function withClient(doc: Json, client: OAuth2LoginRequest['client']): Json {
  return client ? { ...doc, client: clientToJson(client) } : doc;
}

/** OAuth2LoginRequest → Hydra's oAuth2LoginRequest. */
export function loginRequestToJson(req: OAuth2LoginRequest): Json {
  return withClient(
    {
      challenge: req.challenge,
      skip: req.skip,
      subject: req.subject,
      request_url: req.request_url,
      requested_scope: req.requested_scope,
      requested_access_token_audience: req.requested_access_token_audience,
      session_id: req.session_id,
      oidc_context: oidcContextToJson(req.oidc_context),
    },
    req.client,
  );
}

/** OAuth2ConsentRequest → Hydra's oAuth2ConsentRequest (without `oidc_context` when core sent none: a consent session's copy). */
export function consentRequestToJson(req: OAuth2ConsentRequest): Json {
  const doc: Json = {
    challenge: req.challenge,
    consent_request_id: req.consent_request_id,
    skip: req.skip,
    subject: req.subject,
    request_url: req.request_url,
    requested_scope: req.requested_scope,
    requested_access_token_audience: req.requested_access_token_audience,
    login_challenge: req.login_challenge,
    login_session_id: req.login_session_id,
    acr: req.acr,
    amr: req.amr,
    context: req.context ?? null,
  };
  if (req.oidc_context) doc.oidc_context = oidcContextToJson(req.oidc_context);
  return withClient(doc, req.client);
}

function sessionToJson(session: AcceptOAuth2ConsentRequestSession | undefined): Json {
  return { access_token: session?.access_token ?? {}, id_token: session?.id_token ?? {} };
}

/** OAuth2ConsentSession → Hydra's oAuth2ConsentSession. */
export function consentSessionToJson(session: OAuth2ConsentSession): Json {
  const doc: Json = {
    consent_request_id: session.consent_request_id,
    grant_scope: session.grant_scope,
    grant_access_token_audience: session.grant_access_token_audience,
    remember: session.remember,
    remember_for: session.remember_for,
    handled_at: session.handled_at?.toISOString() ?? null,
    context: session.context ?? null,
    session: sessionToJson(session.session),
  };
  if (session.consent_request) doc.consent_request = consentRequestToJson(session.consent_request);
  return doc;
}

/** OAuth2LogoutRequest → Hydra's oAuth2LogoutRequest. */
export function logoutRequestToJson(req: OAuth2LogoutRequest): Json {
  return withClient(
    {
      challenge: req.challenge,
      subject: req.subject,
      sid: req.sid,
      request_url: req.request_url,
      rp_initiated: req.rp_initiated,
      requested_at: req.requested_at?.toISOString() ?? null,
      expires_at: req.expires_at?.toISOString() ?? null,
    },
    req.client,
  );
}
