/**
 * Hydra's client JSON ↔ the proto `Client`. Names are the same on both sides (clients.proto
 * uses Hydra's names); only the shapes differ: `jwks` and `metadata` are JSON documents carried
 * as strings, lifespans are flat in JSON but a message in proto, timestamps are RFC 3339 strings.
 */
import { Client, ClientLifespans } from '../../../proto/gen/tessera/v1/clients.js';
import { BOOLEAN_FIELDS, INTEGER_FIELDS, LIFESPAN_FIELDS, STRING_FIELDS, STRING_LIST_FIELDS } from './fields.js';

/** A client as Hydra's admin API reads and writes it (`oAuth2Client`). */
export type ClientDocument = Record<string, unknown>;

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** A JSON value stored as text; `null`/absent is stored as '' (unset). */
const asJsonText = (value: unknown): string => (value === undefined || value === null ? '' : JSON.stringify(value));

function parseJsonText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Flat lifespan fields of a JSON body → the proto message; absent ones stay '' (server default). */
export function lifespansFromJson(doc: ClientDocument): ClientLifespans {
  const lifespans = ClientLifespans.fromPartial({});
  for (const field of LIFESPAN_FIELDS) lifespans[field] = asString(doc[field]);
  return lifespans;
}

/**
 * A schema-validated request body → proto Client. Read-only fields (`created_at`, …) are
 * ignored; a whole document always carries lifespans, because PUT replaces them too.
 */
export function clientFromJson(doc: ClientDocument): Client {
  const client = Client.fromPartial({});
  for (const field of STRING_FIELDS) client[field] = asString(doc[field]);
  for (const field of STRING_LIST_FIELDS) client[field] = asStrings(doc[field]);
  for (const field of BOOLEAN_FIELDS) client[field] = doc[field] === true;
  for (const field of INTEGER_FIELDS) client[field] = typeof doc[field] === 'number' ? doc[field] : 0;
  client.jwks_json = asJsonText(doc.jwks);
  client.metadata_json = asJsonText(doc.metadata);
  client.lifespans = lifespansFromJson(doc);
  return client;
}

/** Fields Hydra leaves out of its JSON when empty (`omitempty` in its Go struct). */
const OMIT_WHEN_EMPTY = new Set<string>(['client_secret', 'access_token_strategy']);

/**
 * Proto Client → Hydra's JSON. `client_secret` appears only when core sent one (create,
 * update and patch responses that set it); unset lifespans, jwks and metadata are omitted.
 */
export function clientToJson(client: Client): ClientDocument {
  const doc: ClientDocument = {};
  for (const field of STRING_FIELDS) {
    if (client[field] || !OMIT_WHEN_EMPTY.has(field)) doc[field] = client[field];
  }
  for (const field of STRING_LIST_FIELDS) doc[field] = client[field];
  for (const field of BOOLEAN_FIELDS) doc[field] = client[field];
  for (const field of INTEGER_FIELDS) doc[field] = client[field];
  for (const field of LIFESPAN_FIELDS) {
    const value = client.lifespans?.[field];
    if (value) doc[field] = value;
  }
  const jwks = parseJsonText(client.jwks_json);
  if (jwks !== undefined) doc.jwks = jwks;
  const metadata = parseJsonText(client.metadata_json);
  if (metadata !== undefined) doc.metadata = metadata;
  if (client.created_at) doc.created_at = client.created_at.toISOString();
  if (client.updated_at) doc.updated_at = client.updated_at.toISOString();
  return doc;
}
