/**
 * Client management (Hydra's `/admin/clients`): create, read, list, replace, JSON-patch,
 * delete. Secrets are generated when missing, hashed before storage and returned only in the
 * response of the call that set them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import jsonPatch from 'fast-json-patch';
import type { SecretBox } from '../keys/secret-box.js';
import { errors, OAuthError } from '../shared/errors.js';
import { checkedPageSize, decodePageToken, encodePageToken } from '../shared/pagination.js';
import { LIFESPAN_FIELDS, type Client, type ClientLifespans, type StoredClient } from './client.js';
import type { ClientStore } from './store.js';
import type { UriPolicyOptions } from './uri-policy.js';
import { clientToDocument, readClientDocument, type ClientInput } from './validation.js';

export interface SecretHashing {
  hash(secret: string): Promise<string>;
}

export interface ClientServiceDeps {
  store: ClientStore;
  hasher: SecretHashing;
  now: () => Date;
  /** Which URIs a client may hold (clients/uri-policy.ts). */
  uriPolicy: UriPolicyOptions;
  /** Space-separated scope of a client registered without one (`oidc.dynamic_client_registration.default_scope`). */
  defaultScope?: string;
  /**
   * Seals page tokens (Hydra's `secrets.pagination`), so a token reveals no client_id and only
   * this server's tokens are accepted; without it tokens are plain base64url.
   */
  pageTokens?: SecretBox;
}

/** The stored form of a client's registration access token, from the presented one to its successor. */
export interface RegistrationTokenRotation {
  from: string;
  to: string;
}

/** A client plus the plaintext secret when this call set one ('' otherwise). */
export interface ClientWithSecret {
  client: Client;
  secret: string;
}

export interface ClientPage {
  clients: Client[];
  nextPageToken: string;
}

/** Hydra generates secrets of 26 characters; 32 random bytes base64url is stronger and URL-safe. */
function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Strips the stored hashes: what leaves core. */
export function publicClient(stored: StoredClient): Client {
  const { secret_hash: _hash, rotated_secret_hashes: _rotated, registration_access_token_signature: _registration, ...client } = stored;
  return client;
}

export function createClientService(deps: ClientServiceDeps) {
  const { store, hasher, now } = deps;
  const read = (document: unknown) => readClientDocument(document, deps.uriPolicy, deps.defaultScope);

  async function secretFor(input: ClientInput, existing?: StoredClient): Promise<{ secret: string; hash: string; rotated: string[] }> {
    if (input.token_endpoint_auth_method === 'none' || input.token_endpoint_auth_method === 'private_key_jwt') {
      return { secret: '', hash: '', rotated: [] };
    }
    if (input.client_secret !== '') {
      // Hydra: a new secret clears every rotated one.
      return { secret: input.client_secret, hash: await hasher.hash(input.client_secret), rotated: [] };
    }
    if (existing && existing.secret_hash !== '') {
      return { secret: '', hash: existing.secret_hash, rotated: existing.rotated_secret_hashes };
    }
    const secret = generateSecret();
    return { secret, hash: await hasher.hash(secret), rotated: [] };
  }

  async function mustGet(clientId: string): Promise<StoredClient> {
    const stored = clientId === '' ? undefined : await store.get(clientId);
    if (!stored) throw errors.notFound(`The OAuth 2.0 client "${clientId}" does not exist.`);
    return stored;
  }

  /** `rotation` replaces the registration access token's stored form; without it the token stays. */
  async function replace(existing: StoredClient, input: ClientInput, rotation?: RegistrationTokenRotation): Promise<ClientWithSecret> {
    if (input.client_id !== '' && input.client_id !== existing.client_id) {
      throw errors.invalidClientMetadata('Field "client_id" cannot be changed.');
    }
    const { secret, hash, rotated } = await secretFor(input, existing);
    const { client_secret: _secret, ...fields } = input;
    const stored: StoredClient = {
      ...fields,
      client_id: existing.client_id,
      created_at: existing.created_at,
      updated_at: now(),
      secret_hash: hash,
      rotated_secret_hashes: rotated,
      registration_access_token_signature: rotation?.to ?? existing.registration_access_token_signature,
    };
    if (!(await store.update(stored, rotation?.from))) throw errors.notFound(`The OAuth 2.0 client "${existing.client_id}" does not exist.`);
    return { client: publicClient(stored), secret };
  }

  return {
    /**
     * Registers a client from a Hydra client document; `registrationToken` is the stored form of
     * its registration access token when it registered itself (clients/registration.ts).
     */
    async create(document: unknown, registrationToken = ''): Promise<ClientWithSecret> {
      const input = read(document);
      const { secret, hash } = await secretFor(input);
      const { client_secret: _secret, ...fields } = input;
      const at = now();
      const stored: StoredClient = {
        ...fields,
        client_id: input.client_id || randomUUID(),
        created_at: at,
        updated_at: at,
        secret_hash: hash,
        rotated_secret_hashes: [],
        registration_access_token_signature: registrationToken,
      };
      await store.create(stored);
      return { client: publicClient(stored), secret };
    },

    async get(clientId: string): Promise<Client> {
      return publicClient(await mustGet(clientId));
    },

    /** Keyset pagination by client_id; the page token is opaque to callers. */
    async list(query: { pageSize: number; pageToken: string; clientName: string; owner: string }): Promise<ClientPage> {
      const pageSize = checkedPageSize(query.pageSize);
      const page = await store.list({
        limit: pageSize + 1,
        ...(query.pageToken ? { afterId: decodePageToken(query.pageToken, deps.pageTokens) } : {}),
        ...(query.clientName ? { clientName: query.clientName } : {}),
        ...(query.owner ? { owner: query.owner } : {}),
      });
      const more = page.length > pageSize;
      const clients = page.slice(0, pageSize).map(publicClient);
      const last = clients.at(-1);
      return { clients, nextPageToken: more && last ? encodePageToken(last.client_id, deps.pageTokens) : '' };
    },

    /**
     * Replaces a client (HTTP PUT); an empty secret keeps the stored one. With `rotation` the
     * registration access token changes too (RFC 7592 §2.2), only if it still is `rotation.from`;
     * otherwise, as for an unknown client, `Unable to locate the resource`.
     */
    async update(clientId: string, document: unknown, rotation?: RegistrationTokenRotation): Promise<ClientWithSecret> {
      const existing = await mustGet(clientId);
      return replace(existing, read(document), rotation);
    },

    /** Applies an RFC 6902 JSON Patch to the client's document, then validates it like PUT. */
    async patch(clientId: string, patchJson: string): Promise<ClientWithSecret> {
      const existing = await mustGet(clientId);
      let operations: unknown;
      try {
        operations = JSON.parse(patchJson);
      } catch {
        throw errors.badRequest('The JSON Patch document is not valid JSON.');
      }
      if (!Array.isArray(operations)) throw errors.badRequest('A JSON Patch document is an array of operations (RFC 6902 §3).');
      const document = clientToDocument(publicClient(existing));
      const invalidPatch = jsonPatch.validate(operations as jsonPatch.Operation[], document);
      if (invalidPatch) {
        throw errors.badRequest(`The JSON Patch is invalid: ${invalidPatch.message.split('\n')[0] ?? invalidPatch.name}.`);
      }
      let patched: unknown;
      try {
        patched = jsonPatch.applyPatch(document, operations as jsonPatch.Operation[], true, false).newDocument;
      } catch (err) {
        if (err instanceof OAuthError) throw err;
        throw errors.badRequest(`The JSON Patch could not be applied: ${(err as Error).message.split('\n')[0]}.`);
      }
      return replace(existing, read(patched));
    },

    async delete(clientId: string): Promise<void> {
      if (!(await store.delete(clientId))) throw errors.notFound(`The OAuth 2.0 client "${clientId}" does not exist.`);
    },

    /**
     * Issues a new secret and keeps accepting the previous ones, so a client can roll its
     * secret out without downtime; DeleteRotatedClientSecrets ends the overlap.
     */
    async rotateSecret(clientId: string): Promise<ClientWithSecret> {
      const existing = await mustGet(clientId);
      if (existing.secret_hash === '') {
        throw errors.badRequest(`The client "${clientId}" authenticates with ${existing.token_endpoint_auth_method} and has no secret to rotate.`);
      }
      const secret = generateSecret();
      const stored: StoredClient = {
        ...existing,
        secret_hash: await hasher.hash(secret),
        rotated_secret_hashes: [existing.secret_hash, ...existing.rotated_secret_hashes],
        updated_at: now(),
      };
      if (!(await store.update(stored))) throw errors.notFound(`The OAuth 2.0 client "${clientId}" does not exist.`);
      return { client: publicClient(stored), secret };
    },

    async deleteRotatedSecrets(clientId: string): Promise<void> {
      const existing = await mustGet(clientId);
      if (existing.rotated_secret_hashes.length === 0) return;
      await store.update({ ...existing, rotated_secret_hashes: [], updated_at: now() });
    },

    /** Sets the per-grant lifespans (Hydra's `/admin/clients/{id}/lifespans`). */
    async setLifespans(clientId: string, lifespans: ClientLifespans): Promise<Client> {
      const existing = await mustGet(clientId);
      // Hydra: the lifespans body replaces every lifespan; one left out returns to the default.
      const document: Record<string, unknown> = clientToDocument(publicClient(existing));
      for (const field of LIFESPAN_FIELDS) delete document[field];
      Object.assign(document, lifespans);
      const input = read(document);
      return (await replace(existing, { ...input, client_secret: '' })).client;
    },
  };
}

export type ClientService = ReturnType<typeof createClientService>;
