/**
 * The trust API (Hydra's oauth2/trust handler.go and validator.go): establish, read, list and
 * end trust relationships. Field rules and messages are Hydra's; a key must be a public RSA, EC
 * or OKP key, since it only ever verifies signatures.
 */
import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { errors, OAuthError } from '../shared/errors.js';
import { checkedPageSize, decodePageToken, encodePageToken, type PageTokenBox } from '../shared/pagination.js';
import type { TrustStore } from './store.js';
import type { TrustRelationship, TrustRequest } from './trust.js';

export interface TrustServiceDeps {
  store: TrustStore;
  now: () => Date;
  pageTokens?: PageTokenBox;
}

export interface TrustPage {
  relationships: TrustRelationship[];
  nextPageToken: string;
}

/** The key types that sign (RFC 7518 §6, RFC 8037 §2); `oct` would be a shared secret. */
const PUBLIC_KEY_TYPES = ['RSA', 'EC', 'OKP'];
/** RFC 7518 §6.2.2, §6.3.2 and RFC 8037 §2: members only a private or symmetric key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
/** The JWK members a trusted key keeps (RFC 7517 §4, RFC 7518 §6.2.1, §6.3.1, RFC 8037 §2). */
const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y', 'x5c'];
/** The columns' width: longer values could not be stored or matched. */
const MAX_FIELD_LENGTH = 255;

/** Hydra's trust.ErrMissingRequiredParameter. */
function missing(hint: string): OAuthError {
  return new OAuthError('missing_required_parameter', { hint });
}

/** Hydra's ids are UUIDs; anything else is a 400 before the database is asked (handler.go). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkedId(id: string): string {
  if (!UUID.test(id)) throw new OAuthError('Bad Request', { hint: `Unable to parse parameter id: "${id}" is not a UUID.` });
  return id.toLowerCase();
}

/** The public key of the request, refused unless it is a complete public RSA, EC or OKP key. */
function publicJwk(jwk: Record<string, string | string[]>): JWK {
  const kty = typeof jwk.kty === 'string' ? jwk.kty : '';
  if (!PUBLIC_KEY_TYPES.includes(kty)) {
    throw errors.badRequest(`Field "jwk": unknown json web key type "${kty}"; use RSA, EC or OKP.`);
  }
  const present = (member: string) => {
    const value = jwk[member];
    return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== '';
  };
  const privateMembers = PRIVATE_MEMBERS.filter(present);
  if (privateMembers.length > 0) {
    throw errors.badRequest(`Field "jwk" must be a public key; it carries the private member(s) ${privateMembers.join(', ')}.`);
  }
  const kept: Record<string, string | string[]> = {};
  for (const member of PUBLIC_MEMBERS) {
    const value = jwk[member];
    if (value !== undefined && present(member)) kept[member] = value;
  }
  try {
    // node:crypto checks the key material (modulus and exponent, curve point) as go-jose does.
    createPublicKey({ key: kept as JsonWebKey, format: 'jwk' });
  } catch (err) {
    throw errors.badRequest(`Field "jwk" is not a valid ${kty} public key: ${(err as Error).message}.`);
  }
  return kept as JWK;
}

function checkLength(field: string, value: string): void {
  if (value.length > MAX_FIELD_LENGTH) throw errors.badRequest(`Field "${field}" is longer than ${MAX_FIELD_LENGTH} characters.`);
}

/** Go's time.Round(time.Second), as Hydra stores both instants. */
const roundToSecond = (date: Date) => new Date(Math.round(date.getTime() / 1000) * 1000);

export function createTrustService(deps: TrustServiceDeps) {
  const { store, now } = deps;

  async function mustGet(id: string): Promise<TrustRelationship> {
    const relationship = await store.get(checkedId(id));
    if (!relationship) throw errors.notFound(`no trust relationship with id "${id}"`);
    return relationship;
  }

  return {
    /** Establishes a relationship (POST /admin/trust/grants/jwt-bearer/issuers). */
    async trust(request: TrustRequest): Promise<TrustRelationship> {
      // Hydra decodes the key before it checks the fields, so a bad key is reported first.
      const jwk = request.jwk ? publicJwk(request.jwk) : undefined;
      if (request.issuer === '') throw missing("Field 'issuer' is required.");
      if (request.subject === '' && !request.allow_any_subject) throw missing("One of 'subject' or 'allow_any_subject' field must be set.");
      if (request.subject !== '' && request.allow_any_subject) throw missing("Both 'subject' and 'allow_any_subject' fields cannot be set at the same time.");
      if (!request.expires_at) throw missing("Field 'expires_at' is required.");
      const kid = typeof jwk?.kid === 'string' ? jwk.kid : '';
      if (!jwk || kid === '') throw missing("Field 'jwk' must contain JWK with kid header.");
      checkLength('issuer', request.issuer);
      checkLength('subject', request.subject);
      checkLength('jwk.kid', kid);
      const relationship: TrustRelationship = {
        id: randomUUID(),
        issuer: request.issuer,
        subject: request.subject,
        allow_any_subject: request.allow_any_subject,
        scope: [...request.scope],
        public_key: { set: request.issuer, kid },
        jwk,
        created_at: roundToSecond(now()),
        expires_at: roundToSecond(request.expires_at),
      };
      await store.create(relationship);
      return relationship;
    },

    get: mustGet,

    /** Keyset pagination by id, optionally of one issuer's relationships only. */
    async list(query: { pageSize: number; pageToken: string; issuer: string }): Promise<TrustPage> {
      const pageSize = checkedPageSize(query.pageSize);
      const page = await store.list({
        limit: pageSize + 1,
        ...(query.pageToken ? { afterId: decodePageToken(query.pageToken, deps.pageTokens) } : {}),
        ...(query.issuer ? { issuer: query.issuer } : {}),
      });
      const relationships = page.slice(0, pageSize);
      const last = relationships.at(-1);
      return { relationships, nextPageToken: page.length > pageSize && last ? encodePageToken(last.id, deps.pageTokens) : '' };
    },

    /** Ends a relationship; its key stops verifying assertions at once. */
    async delete(id: string): Promise<void> {
      if (!(await store.delete(checkedId(id)))) throw errors.notFound(`no trust relationship with id "${id}"`);
    },
  };
}

export type TrustService = ReturnType<typeof createTrustService>;
