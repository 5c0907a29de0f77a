/** `oauth2_trusted_jwt_bearer_issuers`: the trust relationships of the JWT-bearer grant (core-service/trust/). */
import { EntitySchema } from '@mikro-orm/core';
import { JsonTextType } from './json-text-type.js';

export interface TrustRow {
  id: string;
  issuer: string;
  subject: string;
  allow_any_subject: boolean;
  scope: string[];
  key_set: string;
  key_id: string;
  jwk: Record<string, unknown>;
  created_at: Date;
  expires_at: Date;
}

export const TrustSchema = new EntitySchema<TrustRow>({
  name: 'TrustedJwtBearerIssuer',
  tableName: 'oauth2_trusted_jwt_bearer_issuers',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    issuer: { type: 'string', length: 255 },
    subject: { type: 'string', length: 255 },
    allow_any_subject: { type: 'boolean' },
    scope: { type: JsonTextType },
    key_set: { type: 'string', length: 255 },
    key_id: { type: 'string', length: 255 },
    jwk: { type: JsonTextType },
    created_at: { type: 'datetime' },
    expires_at: { type: 'datetime' },
  },
});
