/**
 * Hydra decodes request bodies with Go's encoding/json, and login apps rely on its rules:
 * `null` decodes to the zero value (for a field and for an array element: Ory's reference login
 * app sends `grant_scope: [null]` when every scope is unticked), unknown fields are ignored, and
 * an absent array is empty. A wrong type stays an error (Go's UnmarshalTypeError), which the
 * route's JSON schema reports naming the field.
 *
 * This applies the `null` rule before schema validation, guided by the route's body schema; the
 * other two hold already (schemas allow additional properties, the mappers default arrays to []).
 */
import type { FastifyInstance } from 'fastify';

/** The part of a JSON schema that says what a value's zero is. */
interface SchemaNode {
  type?: unknown;
  /** A Go pointer or Null* type (Hydra's NullDuration): `null` leaves it unset. */
  nullable?: boolean;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Go's zero value for a schema type; undefined (unset) for nullable, object and untyped values (a nil pointer or map). */
function zeroOf(schema: SchemaNode | undefined): unknown {
  if (schema?.nullable === true) return undefined;
  switch (schema?.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return undefined;
  }
}

/**
 * `value` with every `null` the schema types replaced by its zero value, as json.Unmarshal would
 * leave the Go field; a `null` object or untyped member is dropped (unset).
 *
 * @example withGoNulls({ type: 'array', items: { type: 'string' } }, [null, 'openid']) // ['', 'openid']
 */
export function withGoNulls(schema: SchemaNode | undefined, value: unknown): unknown {
  if (value === null) return zeroOf(schema);
  if (schema === undefined) return value;
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items === undefined) return value;
    // An element has no "unset": a null struct element is the zero struct.
    return value.map((item) => withGoNulls(items, item) ?? (items.type === 'object' ? {} : null));
  }
  if (typeof value === 'object' && schema.properties !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) {
      const decoded = withGoNulls(schema.properties[name], member);
      if (decoded !== undefined) out[name] = decoded;
    }
    return out;
  }
  return value;
}

/**
 * Applies Go's `null` rule to every JSON body whose route declares a body schema, before the
 * schema validates it. A body that is `null` itself decodes to the zero document, as in Go.
 */
export function installGoJsonDecoding(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.body as SchemaNode | undefined;
    if (schema === undefined || request.body === undefined) return;
    const decoded = withGoNulls(schema, request.body);
    request.body = decoded === undefined ? {} : decoded;
  });
}
