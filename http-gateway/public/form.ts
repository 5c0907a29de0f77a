/**
 * Reading OAuth 2.0 form requests: the body must be a form, and no parameter may appear twice
 * (RFC 6749 §3.1 / §3.2: "Request and response parameters MUST NOT be included more than once").
 */
import type { FastifyRequest } from 'fastify';
import type { ClientCredentials } from '../../proto/gen/tessera/v1/oauth2.js';
import { httpError } from '../errors/http-error.js';
import type { FormBody } from '../server.js';

/** The form's parameters as single values; a repeated or missing body is invalid_request. */
export function formParams(request: FastifyRequest): Record<string, string> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw httpError('invalid_request', { hint: 'The request must be sent as application/x-www-form-urlencoded.' });
  }
  const body = (request.body ?? {}) as FormBody;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) throw httpError('invalid_request', { hint: `The parameter "${name}" is included more than once.` });
    params[name] = value;
  }
  return params;
}

/** The client credentials the request carries, untouched: core decides which method applies. */
export function credentialsOf(request: FastifyRequest, params: Record<string, string>): ClientCredentials {
  return {
    authorization_header: String(request.headers.authorization ?? ''),
    client_id: params.client_id ?? '',
    client_secret: params.client_secret ?? '',
    client_assertion_type: params.client_assertion_type ?? '',
    client_assertion: params.client_assertion ?? '',
  };
}
