/**
 * tessera.v1.TrustService: maps wire messages to trust requests and relationships and back;
 * the decisions are in core-service/trust/service.ts.
 */
import type { JsonWebKey as WireJwk, TrustedJwtGrantIssuer as WireIssuer, TrustServiceServer } from '../../proto/gen/tessera/v1/trust.js';
import type { Logger } from '../shared/logger.js';
import type { TrustService } from '../trust/service.js';
import type { TrustRelationship } from '../trust/trust.js';
import { unary } from './unary.js';

/** The JWK's members as sent: proto3 reads an absent string as '', which is the same as absent here. */
function jwkMembers(wire: WireJwk): Record<string, string | string[]> {
  const members: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(wire)) {
    if ((typeof value === 'string' && value !== '') || (Array.isArray(value) && value.length > 0)) members[name] = value as string | string[];
  }
  return members;
}

function toWire(r: TrustRelationship): WireIssuer {
  return {
    id: r.id,
    issuer: r.issuer,
    subject: r.subject,
    allow_any_subject: r.allow_any_subject,
    scope: r.scope,
    public_key: r.public_key,
    created_at: r.created_at,
    expires_at: r.expires_at,
  };
}

export function trustServiceHandlers(trust: TrustService, logger: Logger): TrustServiceServer {
  return {
    trustJwtGrantIssuer: unary(logger, 'TrustJwtGrantIssuer', async (req) => {
      const relationship = await trust.trust({
        issuer: req.issuer,
        subject: req.subject,
        allow_any_subject: req.allow_any_subject,
        scope: req.scope,
        jwk: req.jwk ? jwkMembers(req.jwk) : undefined,
        expires_at: req.expires_at,
      });
      return { issuer: toWire(relationship) };
    }),
    getTrustedJwtGrantIssuer: unary(logger, 'GetTrustedJwtGrantIssuer', async (req) => ({ issuer: toWire(await trust.get(req.id)) })),
    listTrustedJwtGrantIssuers: unary(logger, 'ListTrustedJwtGrantIssuers', async (req) => {
      const page = await trust.list({ pageSize: req.page_size, pageToken: req.page_token, issuer: req.issuer });
      return { issuers: page.relationships.map(toWire), next_page_token: page.nextPageToken };
    }),
    deleteTrustedJwtGrantIssuer: unary(logger, 'DeleteTrustedJwtGrantIssuer', async (req) => {
      await trust.delete(req.id);
      return {};
    }),
  };
}
