/**
 * OpenID Connect Dynamic Client Registration (RFC 7591) and its management protocol (RFC 7592),
 * as Hydra serves them at `/oauth2/register` (client/handler.go, client/validator.go
 * ValidateDynamicRegistration). A client registers itself without credentials and receives a
 * registration access token; with that token as a Bearer credential it reads, replaces and
 * deletes its own registration. Everything else is the admin API's client service
 * (clients/service.ts): the same validation, secrets and storage.
 *
 * What differs from the admin API, and why:
 * - Off unless `oidc.dynamic_client_registration.enabled`; Hydra then answers 404.
 * - The server picks `client_id` and `client_secret` (Hydra: a self-registering client may not
 *   choose them), and refuses the fields only an operator may set: `metadata`,
 *   `access_token_strategy`, `skip_consent`, `skip_logout_consent`.
 * - The endpoint faces the internet, so a registration document is bounded (REGISTRATION_LIMITS).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { errors, OAuthError } from '../shared/errors.js';
import type { Client, StoredClient } from './client.js';
import type { ClientService } from './service.js';
import type { ClientStore } from './store.js';

/** Mints and checks registration access tokens: the opaque token codec (tokens/opaque.ts), injected. */
export interface RegistrationTokens {
  /** A new token for the client, and the signature part the server keeps a hash of. */
  mint(): { token: string; signature: string };
  /** The signature part of a genuine token; undefined for anything forged or malformed. */
  signatureOf(token: string): string | undefined;
  /** What the database stores for a signature (a hash of it). */
  storageKey(signature: string): string;
}

export interface ClientRegistrationDeps {
  /** `oidc.dynamic_client_registration.enabled`. */
  enabled: boolean;
  /** `urls.self.public`: registration_client_uri is `<public>/oauth2/register/<client_id>`. */
  publicUrl: string;
  clients: ClientService;
  store: Pick<ClientStore, 'get'>;
  tokens: RegistrationTokens;
}

/** What a registration call returns (RFC 7591 §3.2.1, RFC 7592 §3). */
export interface RegisteredClient {
  /** Without `metadata`: the operator's notes are not the client's to read. */
  client: Client;
  /** The plaintext secret when this call generated one, '' otherwise. */
  secret: string;
  /** The new registration access token when this call issued one (register, update), '' otherwise. */
  registrationAccessToken: string;
  registrationClientUri: string;
}

/**
 * Bounds on a self-registered client (Tessera's; Hydra has none). A registration is anonymous,
 * so without them one request could store megabytes or thousands of URIs that every
 * authorization request of the client then scans.
 */
export const REGISTRATION_LIMITS = {
  /** The whole document, serialised as JSON. */
  documentBytes: 32 * 1024,
  /** Entries of any list (redirect_uris, contacts, …). */
  listItems: 20,
  /** One URI (a common limit of browsers and proxies). */
  uriLength: 2000,
  /** The space-separated scope. */
  scopeLength: 1000,
  /** Any other string (client_name, owner, a contact, …). */
  stringLength: 255,
} as const;

/** The fields that hold URIs, single or in lists. */
const URI_FIELDS = new Set([
  'redirect_uris',
  'post_logout_redirect_uris',
  'request_uris',
  'allowed_cors_origins',
  'policy_uri',
  'tos_uri',
  'client_uri',
  'logo_uri',
  'jwks_uri',
  'sector_identifier_uri',
  'frontchannel_logout_uri',
  'backchannel_logout_uri',
]);

const INCORRECT_CREDENTIALS = 'The requested OAuth 2.0 client does not exist or you provided incorrect credentials.';
const OWN_SECRET = 'It is not allowed to choose your own OAuth2 Client secret.';

/** Stands in for the stored signature of a client that has none, so that path compares too. */
const NO_SIGNATURE = 'no registration access token';

/**
 * Constant-time equality of two strings of any length: both are hashed first, so neither the
 * comparison nor a length check reveals how much of the stored value a guess matched.
 */
function sameDigest(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

type Doc = Record<string, unknown>;

function asDocument(document: unknown): Doc {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw errors.badRequest('The client must be a JSON object.');
  return document as Doc;
}

/** REGISTRATION_LIMITS over every field of the document; the first field past a limit is named. */
export function checkRegistrationLimits(doc: Doc): void {
  const bytes = Buffer.byteLength(JSON.stringify(doc), 'utf8');
  if (bytes > REGISTRATION_LIMITS.documentBytes) {
    throw errors.invalidClientMetadata(`The registration is ${bytes} bytes long; dynamic registration accepts at most ${REGISTRATION_LIMITS.documentBytes}.`);
  }
  const maxLength = (field: string) =>
    URI_FIELDS.has(field) ? REGISTRATION_LIMITS.uriLength : field === 'scope' ? REGISTRATION_LIMITS.scopeLength : REGISTRATION_LIMITS.stringLength;
  const checkString = (field: string, value: string) => {
    if (value.length > maxLength(field)) {
      throw errors.invalidClientMetadata(`Field "${field}" holds a value of ${value.length} characters; dynamic registration accepts at most ${maxLength(field)}.`);
    }
  };
  for (const [field, value] of Object.entries(doc)) {
    if (typeof value === 'string') checkString(field, value);
    if (!Array.isArray(value)) continue;
    if (value.length > REGISTRATION_LIMITS.listItems) {
      throw errors.invalidClientMetadata(`Field "${field}" lists ${value.length} entries; dynamic registration accepts at most ${REGISTRATION_LIMITS.listItems}.`);
    }
    for (const item of value) if (typeof item === 'string') checkString(field, item);
  }
}

/**
 * Hydra's ValidateDynamicRegistration (client/validator.go): the fields only an operator may set,
 * refused with Hydra's errors, in Hydra's order.
 */
function refuseOperatorFields(doc: Doc): void {
  if (doc.metadata !== undefined && doc.metadata !== null) {
    throw errors.invalidClientMetadata('"metadata" cannot be set for dynamic client registration');
  }
  if (typeof doc.access_token_strategy === 'string' && doc.access_token_strategy !== '') {
    throw new OAuthError('The request was malformed or contained invalid parameters', { description: 'It is not allowed to choose your own access token strategy.' });
  }
  if (doc.skip_consent === true) throw new OAuthError('invalid_request', { description: '"skip_consent" cannot be set for dynamic client registration' });
  if (doc.skip_logout_consent === true) throw new OAuthError('invalid_request', { description: '"skip_logout_consent" cannot be set for dynamic client registration' });
}

const hasOwnSecret = (doc: Doc) => typeof doc.client_secret === 'string' && doc.client_secret !== '';

/** RFC 6750 §2.1 as fosite's AccessTokenFromRequest reads it: `Bearer <token>`, scheme in any case. */
function bearerToken(authorization: string): string {
  const space = authorization.indexOf(' ');
  return space > 0 && authorization.slice(0, space).toLowerCase() === 'bearer' ? authorization.slice(space + 1) : '';
}

/**
 * Builds the registration endpoint's logic.
 *
 * @example
 * const registration = createClientRegistration({ enabled: true, publicUrl, clients, store, tokens });
 * const { client, secret, registrationAccessToken } = await registration.register(() => ({ redirect_uris: ['https://app.example/cb'] }));
 * await registration.get(client.client_id, `Bearer ${registrationAccessToken}`);
 */
export function createClientRegistration(deps: ClientRegistrationDeps) {
  const { clients, store, tokens } = deps;
  const base = deps.publicUrl.endsWith('/') ? deps.publicUrl : `${deps.publicUrl}/`;
  const clientUri = (clientId: string) => new URL(`oauth2/register/${encodeURIComponent(clientId)}`, base).toString();

  /** Hydra's requireDynamicAuth: every operation answers 404 while the feature is off. */
  function requireEnabled(): void {
    if (!deps.enabled) throw new OAuthError('The requested resource could not be found', { description: 'Dynamic registration is not enabled.' });
  }

  /**
   * Hydra's ValidDynamicAuth: the client exists, was registered dynamically, and the bearer
   * token's hashed signature equals the stored one. A caller must not learn which client ids
   * exist, so every failure is one error with one body (no debug detail: Hydra's ErrorEnhancer
   * drops it from these too, even with `oauth2.expose_internal_errors`), and every path does the
   * same work: the presented token is hashed and compared in constant time whether or not
   * there is a stored signature, against a dummy when there is none.
   */
  async function authenticate(clientId: string, authorization: string): Promise<StoredClient> {
    const stored = clientId === '' ? undefined : await store.get(clientId);
    const signature = tokens.signatureOf(bearerToken(authorization));
    const presented = tokens.storageKey(signature ?? '');
    const expected = stored?.registration_access_token_signature || NO_SIGNATURE;
    const matches = sameDigest(presented, expected);
    if (stored === undefined || stored.registration_access_token_signature === '' || signature === undefined || !matches) {
      throw new OAuthError('The request could not be authorized', { description: INCORRECT_CREDENTIALS });
    }
    return stored;
  }

  const answer = (client: Client, secret: string, registrationAccessToken: string): RegisteredClient => ({
    client: { ...client, metadata: null },
    secret,
    registrationAccessToken,
    registrationClientUri: clientUri(client.client_id),
  });

  return {
    /**
     * RFC 7591 §3: registers a client; the server picks its id and secret. The document is read
     * only once registration is known to be on, as Hydra decodes the body after that check.
     */
    async register(document: () => unknown): Promise<RegisteredClient> {
      requireEnabled();
      const doc = asDocument(document());
      if (hasOwnSecret(doc)) throw new OAuthError('The request was malformed or contained invalid parameters', { description: OWN_SECRET });
      refuseOperatorFields(doc);
      checkRegistrationLimits(doc);
      const { token, signature } = tokens.mint();
      // Hydra: "We do not allow to set the client ID for dynamic clients."
      const { client, secret } = await clients.create({ ...doc, client_id: '' }, tokens.storageKey(signature));
      return answer(client, secret, token);
    },

    /** RFC 7592 §2.1: the client's current registration; never its secret. */
    async get(clientId: string, authorization: string): Promise<RegisteredClient> {
      requireEnabled();
      const stored = await authenticate(clientId, authorization);
      return answer(await clients.get(stored.client_id), '', '');
    },

    /**
     * RFC 7592 §2.2: replaces the registration and rotates the registration access token (the
     * old one stops working). The secret stays; fields the operator set stay as they were. As in
     * Hydra, the document is read after the credentials are checked.
     */
    async update(clientId: string, authorization: string, document: () => unknown): Promise<RegisteredClient> {
      requireEnabled();
      const stored = await authenticate(clientId, authorization);
      const doc = asDocument(document());
      if (hasOwnSecret(doc)) throw new OAuthError('The requested action was forbidden', { description: OWN_SECRET });
      refuseOperatorFields(doc);
      checkRegistrationLimits(doc);
      const { token, signature } = tokens.mint();
      const kept = {
        client_id: stored.client_id,
        metadata: stored.metadata,
        access_token_strategy: stored.access_token_strategy,
        skip_consent: stored.skip_consent,
        skip_logout_consent: stored.skip_logout_consent,
      };
      const rotation = { from: stored.registration_access_token_signature, to: tokens.storageKey(signature) };
      try {
        const { client, secret } = await clients.update(stored.client_id, { ...doc, ...kept }, rotation);
        return answer(client, secret, token);
      } catch (err) {
        // A concurrent update rotated the token first (or a delete won): the presented token is
        // spent, and the answer is authenticate's.
        if (err instanceof OAuthError && err.code === 'Unable to locate the resource') {
          throw new OAuthError('The request could not be authorized', { description: INCORRECT_CREDENTIALS });
        }
        throw err;
      }
    },

    /** RFC 7592 §2.3: deletes the client, and with it every token issued to it. */
    async delete(clientId: string, authorization: string): Promise<void> {
      requireEnabled();
      const stored = await authenticate(clientId, authorization);
      await clients.delete(stored.client_id);
    },
  };
}

export type ClientRegistration = ReturnType<typeof createClientRegistration>;
