/**
 * Reading OAuth 2.0 form requests: the body must be a form, and no parameter may appear twice
 * (RFC 6749 §3.1 / §3.2: "Request and response parameters MUST NOT be included more than once");
 * the token endpoint forwards repeats and core refuses them by the grant's parameters.
 */
import type { FastifyRequest } from 'fastify';
import type { ClientCredentials, FormParameter } from '../../proto/gen/tessera/v1/oauth2.js';
import { httpError } from '../errors/http-error.js';
import type { FormBody } from '../server.js';

/** RFC 6749 §3.2: the body of an OAuth 2.0 form request is application/x-www-form-urlencoded. */
function formBody(request: FastifyRequest): FormBody {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw httpError('invalid_request', { hint: 'The request must be sent as application/x-www-form-urlencoded.' });
  }
  return (request.body ?? {}) as FormBody;
}

/**
 * A parameter's single value. Only `audience` may repeat: RFC 8693 §2.1 sends one value per
 * audience, and fosite's GetAudiences (Hydra's authorization and device endpoints) takes every
 * non-empty one; they go on joined by spaces, as one space-delimited value carries them.
 */
export function singleValue(name: string, values: readonly string[]): string {
  if (values.length === 1) return values[0] ?? '';
  if (name === 'audience') return values.filter((v) => v !== '').join(' ');
  throw httpError('invalid_request', { hint: `The parameter "${name}" is included more than once.` });
}

/** The form's parameters as single values; a repeated parameter (but `audience`) or a missing body is invalid_request. */
export function formParams(request: FastifyRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(formBody(request))) {
    params[name] = Array.isArray(value) ? singleValue(name, value) : value;
  }
  return params;
}

/**
 * The form's parameters as sent, a repeated one once per value, for the token endpoint: core
 * decides which may repeat (grants/token-endpoint.ts, from each grant's parameters).
 */
export function formFields(request: FastifyRequest): FormParameter[] {
  const fields: FormParameter[] = [];
  for (const [name, value] of Object.entries(formBody(request))) {
    for (const one of Array.isArray(value) ? value : [value]) fields.push({ name, value: one });
  }
  return fields;
}

/** Each parameter's first value, name → value. */
export function firstValues(fields: readonly FormParameter[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const { name, value } of fields) params[name] ??= value;
  return params;
}

/** The client credentials the request carries, untouched (a repeated one by its first value): core decides which method applies. */
export function credentialsOf(request: FastifyRequest, params: Record<string, string>): ClientCredentials {
  return {
    authorization_header: String(request.headers.authorization ?? ''),
    client_id: params.client_id ?? '',
    client_secret: params.client_secret ?? '',
    client_assertion_type: params.client_assertion_type ?? '',
    client_assertion: params.client_assertion ?? '',
  };
}
