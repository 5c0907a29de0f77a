/**
 * The UserInfo endpoint (OIDC Core §5.3): given a bearer access token of a user grant, the
 * subject and the claims the consent app put in `session.id_token`, as JSON or, when the client
 * registered `userinfo_signed_response_alg`, as a signed JWT (§5.3.2).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { importedKey } from '../keys/imported-key.js';
import type { Client } from '../clients/client.js';
import { ID_TOKEN_KEY_SET } from '../keys/service.js';
import { OAuthError } from '../shared/errors.js';
import { grantSessionOf } from '../tokens/grant-issuer.js';
import { idTokenClaims } from '../tokens/id-token.js';
import { isLive, type TokenLookup } from '../tokens/lookup.js';

export interface UserinfoDeps {
  lookup: TokenLookup;
  findClient: (clientId: string) => Promise<Client | undefined>;
  signingKey: (set: string) => Promise<JWK>;
  issuer: string;
  now: () => Date;
}

/** Where the bearer token came from (RFC 6750 §2.1 header, §2.2 form body). */
export interface PresentedBearer {
  authorizationHeader: string;
  accessToken: string;
}

export type UserinfoResponse = { claims: Record<string, unknown> } | { signedJwt: string };

// Claims of an ID token that describe the token, not the user (Hydra strips the same from userinfo).
const TOKEN_ONLY_CLAIMS = ['nonce', 'at_hash', 'c_hash', 'exp', 'iat', 'rat', 'jti', 'sid'];

const invalidToken = (hint: string) => new OAuthError('invalid_token', { description: 'The access token is invalid.', hint });

/** RFC 6750 §2: exactly one way of presenting the token. */
export function bearerToken(presented: PresentedBearer): string {
  const header = presented.authorizationHeader.trim();
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (header !== '' && !match) throw invalidToken('The Authorization header must use the Bearer scheme (RFC 6750 §2.1).');
  const fromHeader = match?.[1] ?? '';
  if (fromHeader !== '' && presented.accessToken !== '') {
    throw new OAuthError('invalid_request', { hint: 'The access token was sent in more than one way (RFC 6750 §2).' });
  }
  const token = fromHeader || presented.accessToken;
  if (token === '') throw invalidToken('No access token was presented.');
  return token;
}

/**
 * Builds the UserInfo endpoint.
 *
 * @example
 * const res = await userinfo.respond({ authorizationHeader: 'Bearer ory_at_…', accessToken: '' });
 * if ('claims' in res) reply.send(res.claims); else reply.type('application/jwt').send(res.signedJwt);
 */
export function createUserinfo(deps: UserinfoDeps) {
  return {
    async respond(presented: PresentedBearer): Promise<UserinfoResponse> {
      const found = await deps.lookup.find(bearerToken(presented));
      if (!found || found.record.kind !== 'access_token' || !isLive(found.record, deps.now())) {
        throw invalidToken('The access token is malformed, unknown, expired or revoked.');
      }
      const session = grantSessionOf(found.record);
      if (!session) throw invalidToken('The access token was not issued for a user (for example, it is a client_credentials token).');
      // OIDC Core §5.3: the UserInfo endpoint serves tokens of OpenID Connect authentications only.
      if (!found.record.scope.includes('openid')) {
        throw new OAuthError('insufficient_scope', { hint: 'The access token was not granted the "openid" scope.' });
      }
      const client = await deps.findClient(found.record.client_id);
      if (!client) throw invalidToken('The client the access token was issued to no longer exists.');

      const claims = idTokenClaims(
        {
          issuer: deps.issuer,
          subject: session.obfuscated_subject || session.subject,
          clientId: client.client_id,
          iat: 0,
          exp: 0,
          authTime: session.auth_time,
          nonce: '',
          acr: session.acr,
          amr: session.amr,
          sid: '',
          extra: session.id_token_claims,
        },
        'RS256',
      );
      for (const name of TOKEN_ONLY_CLAIMS) delete claims[name];

      const alg = client.userinfo_signed_response_alg;
      if (alg === '' || alg === 'none') return { claims };
      // OIDC Core §5.3.2: a signed response carries iss and aud (set above); signed with the ID token key as Hydra does.
      const key = await deps.signingKey(ID_TOKEN_KEY_SET);
      if (key.alg === undefined || key.kid === undefined) throw new OAuthError('server_error', { hint: 'The ID token signing key has no alg or kid.' });
      const signedJwt = await new SignJWT({ ...claims, iat: Math.floor(deps.now().getTime() / 1000), jti: randomUUID() })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .sign(await importedKey(key));
      return { signedJwt };
    },
  };
}

export type Userinfo = ReturnType<typeof createUserinfo>;
