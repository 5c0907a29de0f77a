/**
 * Request body schemas for the clients API, derived from Hydra's `oAuth2Client`,
 * `oAuth2ClientTokenLifespans` and `jsonPatchDocument`. They check JSON types only, so a
 * wrong-typed field fails at the boundary naming the field; what the values mean is core's call.
 * Hydra's Go decoder treats `null` as "unset", so every field is nullable.
 */
import { BOOLEAN_FIELDS, DURATION_PATTERN, INTEGER_FIELDS, LIFESPAN_FIELDS, STRING_FIELDS, STRING_LIST_FIELDS } from './fields.js';

type Schema = Record<string, unknown>;

const fromList = (fields: readonly string[], schema: Schema): Record<string, Schema> =>
  Object.fromEntries(fields.map((field) => [field, schema]));

const duration: Schema = { type: 'string', pattern: DURATION_PATTERN, nullable: true };

/** Lifespans alone (`PUT /admin/clients/{id}/lifespans`). */
export const lifespansSchema: Schema = {
  type: 'object',
  properties: fromList(LIFESPAN_FIELDS, duration),
};

/** A whole client document (`POST /admin/clients`, `PUT /admin/clients/{id}`). */
export const clientSchema: Schema = {
  type: 'object',
  properties: {
    ...fromList(STRING_FIELDS, { type: 'string', nullable: true }),
    ...fromList(STRING_LIST_FIELDS, { type: 'array', items: { type: 'string' }, nullable: true }),
    ...fromList(BOOLEAN_FIELDS, { type: 'boolean', nullable: true }),
    ...fromList(INTEGER_FIELDS, { type: 'integer', nullable: true }),
    ...fromList(LIFESPAN_FIELDS, duration),
    // RFC 7517 §5: a JWK Set is an object whose `keys` member is an array of JWK objects.
    jwks: {
      type: 'object',
      nullable: true,
      properties: { keys: { type: 'array', items: { type: 'object' } } },
    },
    // Server-set or registration-only fields are accepted and ignored, as Hydra does.
    created_at: { type: 'string', nullable: true },
    updated_at: { type: 'string', nullable: true },
    registration_access_token: { type: 'string', nullable: true },
    registration_client_uri: { type: 'string', nullable: true },
  },
};

/** RFC 6902 JSON Patch document (`PATCH /admin/clients/{id}`); core applies it. */
export const jsonPatchSchema: Schema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['op', 'path'],
    properties: {
      op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
      path: { type: 'string' },
      from: { type: 'string' },
    },
  },
};
