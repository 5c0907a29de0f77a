/**
 * Table mappings of the browser flow: `flow_used_challenges` (single use of challenges and
 * verifiers), `login_sessions` (remembered authentication sessions) and
 * `oauth2_consent_sessions` (granted consents, written once per completed flow).
 */
import { EntitySchema } from '@mikro-orm/core';
import type { ConsentGrant, LoginSession } from '../flows/store.js';
import { JsonTextType } from './json-text-type.js';

export interface UsedChallengeRow {
  id: string;
  expires_at: Date;
}

export const UsedChallengeSchema = new EntitySchema<UsedChallengeRow>({
  name: 'UsedChallenge',
  tableName: 'flow_used_challenges',
  properties: {
    id: { type: 'string', length: 64, primary: true },
    expires_at: { type: 'datetime' },
  },
  indexes: [{ name: 'flow_used_challenges_expires_at_idx', properties: ['expires_at'] }],
});

export const LoginSessionSchema = new EntitySchema<LoginSession>({
  name: 'LoginSession',
  tableName: 'login_sessions',
  properties: {
    id: { type: 'string', length: 64, primary: true },
    subject: { type: 'string', length: 255 },
    authenticated_at: { type: 'datetime' },
    remember: { type: 'boolean' },
    expires_at: { type: 'datetime' },
    identity_provider_session_id: { type: 'string', length: 255 },
  },
  indexes: [{ name: 'login_sessions_subject_idx', properties: ['subject'] }],
});

const json = { type: JsonTextType } as const;

export const ConsentSessionSchema = new EntitySchema<ConsentGrant>({
  name: 'ConsentSession',
  tableName: 'oauth2_consent_sessions',
  properties: {
    id: { type: 'string', length: 64, primary: true },
    request_id: { type: 'string', length: 64 },
    subject: { type: 'string', length: 255 },
    client_id: { type: 'string', length: 255 },
    login_session_id: { type: 'string', length: 64 },
    login_challenge: { type: 'string', length: 64 },
    requested_scope: json,
    requested_audience: json,
    granted_scope: json,
    granted_audience: json,
    session_access_token: json,
    session_id_token: json,
    context: { ...json, nullable: true },
    acr: { type: 'text' },
    amr: json,
    remember: { type: 'boolean' },
    remember_for: { type: 'integer' },
    skipped: { type: 'boolean' },
    request_url: { type: 'text' },
    handled_at: { type: 'datetime' },
    requested_at: { type: 'datetime' },
  },
  indexes: [
    { name: 'oauth2_consent_sessions_subject_client_idx', properties: ['subject', 'client_id'] },
    { name: 'oauth2_consent_sessions_request_id_idx', properties: ['request_id'] },
    { name: 'oauth2_consent_sessions_login_session_id_idx', properties: ['login_session_id'] },
  ],
});

/** Every flow table, for allEntities in entities.ts. */
export const flowEntities = [UsedChallengeSchema, LoginSessionSchema, ConsentSessionSchema];
