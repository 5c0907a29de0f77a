/**
 * Response types (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response Types): which ones are served,
 * how a requested one is compared (its values as a set), and the response mode each defaults
 * to. The authorization request's checks, client registration and discovery all speak them.
 */
import type { ResponseMode } from './response.js';

/** OAuth 2.0 Multiple Response Types §2 and Form Post Response Mode: the response modes served. */
export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post'];

/** The values a response type is built from (`none` alone: OAuth 2.0 Multiple Response Types §4). */
export const RESPONSE_TYPE_VALUES: ReadonlySet<string> = new Set(['code', 'token', 'id_token', 'none']);

/**
 * The response types served, each as its values sorted and space-joined: the code flow, the
 * implicit flow (RFC 6749 §4.2; OIDC Core §3.2, including `id_token` alone) and every hybrid
 * flow (OIDC Core §3.3). Discovery advertises exactly this list.
 */
export const SUPPORTED_RESPONSE_TYPES = ['code', 'code id_token', 'code id_token token', 'code token', 'id_token', 'id_token token', 'token'];

/** Multiple Response Types §3: the order of the values does not matter, so compare them sorted and once each. */
export function responseTypeValues(responseType: string): string[] {
  return [...new Set(responseType.split(' ').filter((value) => value.length > 0))].sort();
}

/** OAuth 2.0 Multiple Response Types §5: `code` answers in the query, anything else in the fragment. */
export function defaultResponseMode(responseType: string): ResponseMode {
  const types = responseTypeValues(responseType);
  return types.length === 1 && types[0] === 'code' ? 'query' : 'fragment';
}
