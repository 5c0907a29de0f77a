/**
 * Table mappings as MikroORM EntitySchemas: no decorators, no reflect-metadata, every column
 * typed explicitly. The tables themselves are created by the hand-written migrations under
 * migrator/migrations/; these schemas only tell the ORM how to read and write them.
 */
import { BigIntType, EntitySchema } from '@mikro-orm/core';
import type { StoredClient } from '../clients/client.js';
import { JsonTextType } from './json-text-type.js';
import { flowEntities } from './flow-entities.js';
import { JtiSchema, RevokedGrantSchema, TokenSchema } from './token-entities.js';
import { TrustSchema } from './trust-entities.js';
import { DeviceCodeSchema } from './device-entities.js';

const json = { type: JsonTextType } as const;
const text = { type: 'text' } as const;

/** `clients`: one column per field of StoredClient (core-service/clients/client.ts). */
export const ClientSchema = new EntitySchema<StoredClient>({
  name: 'Client',
  tableName: 'clients',
  properties: {
    client_id: { type: 'string', length: 255, primary: true },
    client_name: { type: 'string', length: 255 },
    redirect_uris: json,
    grant_types: json,
    response_types: json,
    scope: text,
    audience: json,
    owner: { type: 'string', length: 255 },
    policy_uri: text,
    allowed_cors_origins: json,
    tos_uri: text,
    client_uri: text,
    logo_uri: text,
    contacts: json,
    // RFC 7591 §3.2.1: seconds since the epoch; past 2038 on 32-bit columns, hence bigint.
    client_secret_expires_at: { type: new BigIntType('number') },
    subject_type: { type: 'string', length: 16 },
    sector_identifier_uri: text,
    jwks: { ...json, nullable: true },
    jwks_uri: text,
    token_endpoint_auth_method: { type: 'string', length: 32 },
    token_endpoint_auth_signing_alg: { type: 'string', length: 16 },
    request_object_signing_alg: { type: 'string', length: 16 },
    userinfo_signed_response_alg: { type: 'string', length: 16 },
    request_uris: json,
    frontchannel_logout_uri: text,
    frontchannel_logout_session_required: { type: 'boolean' },
    post_logout_redirect_uris: json,
    backchannel_logout_uri: text,
    backchannel_logout_session_required: { type: 'boolean' },
    metadata: { ...json, nullable: true },
    skip_consent: { type: 'boolean' },
    skip_logout_consent: { type: 'boolean' },
    access_token_strategy: { type: 'string', length: 16 },
    lifespans: json,
    created_at: { type: 'datetime' },
    updated_at: { type: 'datetime' },
    secret_hash: text,
    rotated_secret_hashes: json,
    registration_access_token_signature: { type: 'string', length: 64 },
  },
  indexes: [
    { name: 'clients_owner_idx', properties: ['owner'] },
    { name: 'clients_client_name_idx', properties: ['client_name'] },
    { name: 'clients_created_at_idx', properties: ['created_at'] },
  ],
});

/** A row of `jwks`: one private key of a named key set, encrypted at rest. */
export interface JsonWebKeyRow {
  id: number;
  /** The key set id ("sid" in Hydra: `hydra.openid.id-token`, …). */
  set_id: string;
  kid: string;
  alg: string;
  /** RFC 7517 §4.2: `sig` or `enc`. */
  use: string;
  /** The private JWK, AES-256-GCM encrypted with the system secret. */
  key_data: string;
  created_at: Date;
}

export const JsonWebKeySchema = new EntitySchema<JsonWebKeyRow>({
  name: 'JsonWebKey',
  tableName: 'jwks',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    set_id: { type: 'string', length: 255 },
    kid: { type: 'string', length: 255 },
    alg: { type: 'string', length: 32 },
    use: { type: 'string', length: 8 },
    key_data: text,
    created_at: { type: 'datetime' },
  },
  uniques: [{ name: 'jwks_set_id_kid_key', properties: ['set_id', 'kid'] }],
  indexes: [{ name: 'jwks_set_id_idx', properties: ['set_id'] }],
});

export const allEntities = [ClientSchema, JsonWebKeySchema, TokenSchema, RevokedGrantSchema, JtiSchema, TrustSchema, DeviceCodeSchema, ...flowEntities];
