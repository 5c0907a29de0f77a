/**
 * Table mappings of the token engine: `oauth2_tokens` (access and refresh tokens and
 * authorization codes, one row each, keyed by a hash of the signature),
 * `oauth2_revoked_grants` (grants whose every token is revoked) and
 * `oauth2_jti` (client-assertion ids seen, until they expire).
 */
import { EntitySchema } from '@mikro-orm/core';
import type { TokenRecord } from '../tokens/store.js';
import { JsonTextType } from './json-text-type.js';

export const TokenSchema = new EntitySchema<TokenRecord>({
  name: 'Token',
  tableName: 'oauth2_tokens',
  properties: {
    signature: { type: 'string', length: 128, primary: true },
    kind: { type: 'string', length: 32 },
    request_id: { type: 'string', length: 64 },
    client_id: { type: 'string', length: 255 },
    subject: { type: 'string', length: 255 },
    scope: { type: JsonTextType },
    audience: { type: JsonTextType },
    requested_at: { type: 'datetime' },
    expires_at: { type: 'datetime', nullable: true },
    active: { type: 'boolean' },
    session: { type: JsonTextType },
    used_at: { type: 'datetime', nullable: true },
    reuse_count: { type: 'integer', default: 0 },
    access_token_signature: { type: 'string', length: 128, nullable: true },
  },
  indexes: [
    { name: 'oauth2_tokens_request_id_idx', properties: ['request_id'] },
    { name: 'oauth2_tokens_client_id_idx', properties: ['client_id'] },
    { name: 'oauth2_tokens_expires_at_idx', properties: ['expires_at'] },
  ],
});

/** A grant (request id) revoked as a whole; its tokens read as inactive whatever their row says. */
export interface RevokedGrantRow {
  request_id: string;
  revoked_at: Date;
}

export const RevokedGrantSchema = new EntitySchema<RevokedGrantRow>({
  name: 'RevokedGrant',
  tableName: 'oauth2_revoked_grants',
  properties: {
    request_id: { type: 'string', length: 64, primary: true },
    revoked_at: { type: 'datetime' },
  },
});

export interface JtiRow {
  key: string;
  expires_at: Date;
}

export const JtiSchema = new EntitySchema<JtiRow>({
  name: 'Jti',
  tableName: 'oauth2_jti',
  properties: {
    key: { type: 'string', length: 64, primary: true },
    expires_at: { type: 'datetime' },
  },
  indexes: [{ name: 'oauth2_jti_expires_at_idx', properties: ['expires_at'] }],
});
