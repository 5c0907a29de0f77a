/**
 * Hydra's keyset pagination for admin lists (ory/x keysetpagination): a page holds at most
 * `page_size` rows ordered by id, and the next page starts after the last id of this one. The
 * page token carries that id sealed (`secrets.pagination`), so callers cannot forge or read it.
 */
import { errors } from './errors.js';

/** Hydra's page size when none is asked for, and the most one page holds. */
export const DEFAULT_PAGE_SIZE = 250;
export const MAX_PAGE_SIZE = 1000;

/** What seals page tokens (keys/secret-box.ts); without one, tokens are plain base64url. */
export interface PageTokenBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** The token of the page that starts after `afterId`. */
export function encodePageToken(afterId: string, box: PageTokenBox | undefined): string {
  const json = JSON.stringify({ after: afterId });
  return box ? box.seal(json) : Buffer.from(json).toString('base64url');
}

/** The id a page token starts after; a 400 for a token this server did not issue. */
export function decodePageToken(token: string, box: PageTokenBox | undefined): string {
  try {
    const parsed: unknown = JSON.parse(box ? box.open(token) : Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through to the error below
  }
  throw errors.badRequest('The page_token is not one this server issued.');
}

/** A requested page size checked against Hydra's bounds; 0 means the default. */
export function checkedPageSize(requested: number): number {
  const pageSize = requested === 0 ? DEFAULT_PAGE_SIZE : requested;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw errors.badRequest(`page_size must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return pageSize;
}
