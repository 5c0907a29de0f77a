/**
 * A row that names a client cannot outlive it: oauth2_tokens and oauth2_consent_sessions
 * reference clients ON DELETE CASCADE (migration 20250606000000_cascade_client_deletion, as
 * Hydra's foreign keys). A request that authenticated its client just before an admin deleted
 * it fails at the insert; the caller hears what happened, not a server error.
 */
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { OAuthError } from '../shared/errors.js';

/** `err` (already converted by the ORM), or invalid_client when it is the client foreign key failing. */
export function deletedClientError(err: unknown): unknown {
  if (!(err instanceof ForeignKeyConstraintViolationException)) return err;
  return new OAuthError('invalid_client', { hint: 'The OAuth 2.0 Client was deleted.', debug: 'insert refused by the client foreign key' });
}
