/**
 * RFC 7662 token introspection. An expired, revoked, malformed or foreign token is simply
 * `active: false` (§2.2); nothing about why is revealed.
 */
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { isLive, type TokenLookup } from './lookup.js';

export interface Introspection {
  active: boolean;
  scope?: string;
  client_id?: string;
  sub?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  aud?: string[];
  iss?: string;
  token_type?: 'Bearer';
  token_use?: 'access_token' | 'refresh_token';
  ext?: Record<string, unknown>;
}

export interface IntrospectorDeps {
  lookup: TokenLookup;
  issuer: string;
  scopeStrategy: ScopeStrategy;
  now: () => Date;
}

const INACTIVE: Introspection = { active: false };
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function createIntrospector(deps: IntrospectorDeps) {
  return {
    /** `scope`: optional space-separated scopes the token must all hold to count as active. */
    async introspect(token: string, scope = ''): Promise<Introspection> {
      const found = token === '' ? undefined : await deps.lookup.find(token);
      if (!found || !isLive(found.record, deps.now())) return INACTIVE;
      const { record } = found;
      if (uncoveredScopes(deps.scopeStrategy, record.scope, splitScope(scope)).length > 0) return INACTIVE;
      const ext = record.session.ext;
      return {
        active: true,
        scope: record.scope.join(' '),
        client_id: record.client_id,
        // Hydra reports the client as the subject of a client_credentials token.
        sub: record.subject || record.client_id,
        ...(record.expires_at ? { exp: seconds(record.expires_at) } : {}),
        iat: seconds(record.requested_at),
        nbf: seconds(record.requested_at),
        aud: record.audience,
        iss: deps.issuer,
        token_type: 'Bearer',
        token_use: record.kind === 'refresh_token' ? 'refresh_token' : 'access_token',
        ext: ext && typeof ext === 'object' && !Array.isArray(ext) ? (ext as Record<string, unknown>) : {},
      };
    },
  };
}

export type Introspector = ReturnType<typeof createIntrospector>;
