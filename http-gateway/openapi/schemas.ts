/**
 * The schemas routes declare, for `/admin/openapi.json` (openapi/document.ts): Hydra's own
 * (openapi/hydra-schemas.ts) registered as fastify shared schemas, plus `operation()`, which
 * writes a route's operationId, tag, summary and responses the way Hydra's document has them.
 *
 * Response schemas are documentation and the contract tests check answers against; they never
 * shape an answer. fastify would serialize through them, silently dropping any field a schema
 * does not list and coercing types, which would hide a broken contract from those tests.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import { HYDRA_SCHEMAS } from './hydra-schemas.js';

type Schema = Readonly<Record<string, unknown>>;

/** Every shared schema, by `$id` (Hydra's component name). */
export const API_SCHEMAS: readonly Schema[] = HYDRA_SCHEMAS;
const NAMES = new Set(API_SCHEMAS.map((schema) => String(schema.$id)));

/** Registers the shared schemas on a listener and keeps response schemas out of serialization. */
export function useApiSchemas(app: FastifyInstance): void {
  for (const schema of API_SCHEMAS) app.addSchema(schema);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** A reference to one of Hydra's schemas; an unknown name is a programming error caught at start. */
export function ref(name: string): { $ref: string } {
  if (!NAMES.has(name)) throw new Error(`no API schema named ${name}`);
  return { $ref: `${name}#` };
}

/** A documented answer: a Hydra schema by name, an inline JSON schema, or a body of another media type. */
export type Answer = string | { json: Schema; description: string } | { media: string; description: string } | { empty: string };

function response(answer: Answer): Schema {
  if (typeof answer === 'string') return { description: answer, ...ref(answer) };
  if ('json' in answer) return { description: answer.description, ...answer.json };
  if ('media' in answer) return { description: answer.description, content: { [answer.media]: { schema: { type: 'string' } } } };
  return { description: answer.empty, type: 'null' };
}

/**
 * A route's OpenAPI operation. `id`, `tag` and `summary` are Hydra's where Hydra has the
 * operation. `errors: true` adds Hydra's `default` answer, `errorOAuth2`.
 * @example app.get('/admin/clients/:id', { schema: operation({ id: 'getOAuth2Client', tag: 'oAuth2', summary: 'Get an OAuth 2.0 Client', responses: { 200: 'oAuth2Client' } }) }, handler)
 */
export function operation(op: {
  id: string;
  tag: 'oAuth2' | 'oidc' | 'jwk' | 'wellknown' | 'metadata' | 'tessera';
  summary: string;
  responses: Readonly<Record<number, Answer>>;
  errors?: boolean;
  body?: Schema;
  params?: Schema;
  /** Media types of the request body when not JSON (the OAuth 2.0 endpoints take forms). */
  consumes?: readonly string[];
}): FastifySchema {
  const responses: Record<string, Schema> = {};
  for (const [status, answer] of Object.entries(op.responses)) responses[status] = response(answer);
  if (op.errors ?? true) responses.default = { description: 'errorOAuth2', ...ref('errorOAuth2') };
  const schema: Record<string, unknown> = { operationId: op.id, tags: [op.tag], summary: op.summary, response: responses };
  if (op.body) schema.body = op.body;
  if (op.params) schema.params = op.params;
  if (op.consumes) schema.consumes = op.consumes;
  return schema as FastifySchema;
}
