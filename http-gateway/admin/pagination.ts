/**
 * Hydra's keyset pagination for admin lists (ory/x keysetpagination): `page_size` and
 * `page_token` in the query, and a `Link` header (RFC 8288) with `rel="first"` and, unless this
 * is the last page, `rel="next"`, each keeping the request's other query parameters.
 */
import { httpError } from '../errors/http-error.js';

export const DEFAULT_PAGE_SIZE = 250;
export const MAX_PAGE_SIZE = 1000;

/**
 * Reads `page_size` like Hydra: absent or below 1 means the default, above the maximum is
 * clamped; anything not a whole number is a 400 naming the parameter.
 */
export function parsePageSize(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) {
    throw httpError('invalid_request', { hint: 'Query parameter "page_size" must be a whole number.' });
  }
  const size = Number(raw);
  if (size < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

/** Single-valued query parameter; a repeated one keeps its first value, as Go's url.Values.Get. */
export function queryValue(raw: unknown): string {
  if (Array.isArray(raw)) return typeof raw[0] === 'string' ? raw[0] : '';
  return typeof raw === 'string' ? raw : '';
}

function link(path: string, query: URLSearchParams, rel: 'first' | 'next', pageToken: string | undefined, pageSize: number): string {
  const params = new URLSearchParams(query);
  params.delete('page_token');
  if (pageToken) params.set('page_token', pageToken);
  params.set('page_size', String(pageSize));
  return `<${path}?${params.toString()}>; rel="${rel}"`;
}

/**
 * The Link header values for one page of `url` (the request's path and query).
 * @example linkHeader('/admin/clients?page_size=2', 2, 'abc')
 *   // ['</admin/clients?page_size=2>; rel="first"', '</admin/clients?page_size=2&page_token=abc>; rel="next"']
 */
export function linkHeader(url: string, pageSize: number, nextPageToken: string): string[] {
  const [path = '', search = ''] = url.split('?', 2);
  const query = new URLSearchParams(search);
  const links = [link(path, query, 'first', undefined, pageSize)];
  if (nextPageToken) links.push(link(path, query, 'next', nextPageToken, pageSize));
  return links;
}
