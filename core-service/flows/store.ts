/**
 * Persistence the browser flow needs, as narrow interfaces (Hydra's persister_consent.go):
 * the used-challenge ids (single use), remembered login sessions, and granted consents.
 * Implemented in core-service/storage/flow-store.ts.
 */

export interface UsedChallengeStore {
  /** Records a challenge/verifier id as used; false when it was used before. */
  markUsed(id: string, expiresAt: Date): Promise<boolean>;
  isUsed(id: string): Promise<boolean>;
}

/** An authentication session ("remember me"), Hydra's login session. */
export interface LoginSession {
  /** The `sid`. */
  id: string;
  subject: string;
  authenticated_at: Date;
  remember: boolean;
  expires_at: Date;
  identity_provider_session_id: string;
}

export interface LoginSessionStore {
  /** Inserts or replaces the session with this id. */
  upsertLoginSession(session: LoginSession): Promise<void>;
  getLoginSession(id: string): Promise<LoginSession | undefined>;
  /** Deletes sessions by subject and/or sid; returns how many. */
  deleteLoginSessions(filter: { subject?: string; id?: string }): Promise<number>;
}

/** A granted consent, written once when the consent verifier comes back (Hydra's flow row). */
export interface ConsentGrant {
  /** The consent challenge id (`consent_request_id`). */
  id: string;
  /** The grant (request) id every token of this authorization carries. */
  request_id: string;
  subject: string;
  client_id: string;
  login_session_id: string;
  login_challenge: string;
  requested_scope: string[];
  requested_audience: string[];
  granted_scope: string[];
  granted_audience: string[];
  session_access_token: Record<string, unknown>;
  session_id_token: Record<string, unknown>;
  context: unknown;
  acr: string;
  amr: string[];
  remember: boolean;
  /** Seconds; 0 = until revoked. */
  remember_for: number;
  /** Whether this consent itself was skipped (a remembered one applied); such rows are not listed. */
  skipped: boolean;
  request_url: string;
  handled_at: Date;
  requested_at: Date;
}

export interface ConsentStore {
  insertConsent(grant: ConsentGrant): Promise<void>;
  /** The remembered, not skipped consents of a subject for a client, newest first. */
  rememberedConsents(subject: string, clientId: string): Promise<ConsentGrant[]>;
  /** Granted, not skipped consents of a subject (optionally of one login session), newest first. */
  listConsents(subject: string, loginSessionId: string, limit: number, offset: number): Promise<ConsentGrant[]>;
  /** Deletes consents (all of a subject, one client's, or one by id) and returns their request ids, skipped ones included. */
  deleteConsents(filter: ConsentFilter): Promise<string[]>;
}

/** Which consents a revocation ends: a subject's (all, or one client's), or one consent request. */
export type ConsentFilter = { subject: string; clientId?: string } | { consentRequestId: string };
