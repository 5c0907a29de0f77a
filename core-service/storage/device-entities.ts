/** Table mapping of `oauth2_device_codes` (RFC 8628 device authorization requests, device/store.ts). */
import { EntitySchema } from '@mikro-orm/core';
import type { DeviceCodeRecord } from '../device/store.js';
import { JsonTextType } from './json-text-type.js';

/** The row as stored: the session column holds JSON text, sealed when `oauth2.session.encrypt_at_rest` is on. */
export type DeviceCodeRow = Omit<DeviceCodeRecord, 'session'> & { session: string | null };

export const DeviceCodeSchema = new EntitySchema<DeviceCodeRow>({
  name: 'DeviceCode',
  tableName: 'oauth2_device_codes',
  properties: {
    device_code_signature: { type: 'string', length: 128, primary: true },
    user_code_signature: { type: 'string', length: 128, unique: 'oauth2_device_codes_user_code_uq' },
    request_id: { type: 'string', length: 64 },
    client_id: { type: 'string', length: 255 },
    scope: { type: JsonTextType },
    audience: { type: JsonTextType },
    requested_at: { type: 'datetime' },
    expires_at: { type: 'datetime' },
    state: { type: 'string', length: 16 },
    polling_interval: { type: 'integer' },
    last_polled_at: { type: 'datetime', nullable: true },
    session: { type: 'text', nullable: true },
  },
  indexes: [
    { name: 'oauth2_device_codes_expires_at_idx', properties: ['expires_at'] },
    { name: 'oauth2_device_codes_request_id_idx', properties: ['request_id'] },
  ],
});
