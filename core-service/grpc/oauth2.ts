/**
 * tessera.v1.OAuth2Service: the token, revocation, authorization, UserInfo, discovery and CORS
 * methods (Logout is grpc/logout.ts). The gateway forwards the request's credentials, form and
 * cookies untouched; every decision is made in the domain folders (grants/, tokens/,
 * authorization/, oidc/).
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { ClientCredentials, OAuth2ServiceServer } from '../../proto/gen/tessera/v1/oauth2.js';
import type { AuthorizationEndpoint } from '../flows/authorize.js';
import type { ClientAuthenticator, PresentedCredentials } from '../clients/authenticate.js';
import type { ClientOriginCheck } from '../cors/client-origins.js';
import { formOf, type TokenEndpoint } from '../grants/token-endpoint.js';
import type { Discovery } from '../oidc/discovery.js';
import type { Userinfo } from '../oidc/userinfo.js';
import type { Logger } from '../shared/logger.js';
import type { Revoker } from '../tokens/revocation.js';
import { authorizeHandler } from './authorize.js';
import { discoveryHandler, userinfoHandler } from './oidc.js';
import { unary } from './unary.js';

export function presented(credentials: ClientCredentials | undefined): PresentedCredentials {
  return {
    authorizationHeader: credentials?.authorization_header ?? '',
    clientId: credentials?.client_id ?? '',
    clientSecret: credentials?.client_secret ?? '',
    clientAssertionType: credentials?.client_assertion_type ?? '',
    clientAssertion: credentials?.client_assertion ?? '',
  };
}

export interface OAuth2Deps {
  tokenEndpoint: TokenEndpoint;
  authenticator: ClientAuthenticator;
  revoker: Revoker;
  /** The authorization endpoint (browser flow). */
  authorization: AuthorizationEndpoint;
  /** OIDC Core §5.3 UserInfo and OIDC Discovery metadata. */
  userinfo: Userinfo;
  discovery: Discovery;
  /** Hydra's per-client CORS: whether a request's client lists its origin. */
  corsOrigins: ClientOriginCheck;
  issuer: string;
  /** The token endpoint's URL (from the issuer), the audience of client assertions (RFC 7523 §3). */
  tokenEndpointUrl: string;
}

/** Every OAuth2Service method except Logout, which grpc/logout.ts serves (merged in where the service is registered). */
export function oauth2ServiceHandlers(deps: OAuth2Deps, logger: Logger): UntypedServiceImplementation {
  const implemented: Pick<OAuth2ServiceServer, 'token' | 'revoke' | 'revokeClientTokens' | 'authorize' | 'userinfo' | 'discovery' | 'checkCorsOrigin'> = {
    token: unary(logger, 'Token', async (req) => {
      const body = await deps.tokenEndpoint.exchange(
        presented(req.credentials),
        formOf(req.form),
        deps.tokenEndpointUrl,
      );
      return {
        access_token: body.access_token,
        token_type: body.token_type,
        expires_in: body.expires_in,
        scope: body.scope,
        refresh_token: body.refresh_token ?? '',
        id_token: body.id_token ?? '',
        c_nonce_draft_00: body.c_nonce_draft_00 ?? '',
        c_nonce_expires_in_draft_00: body.c_nonce_expires_in_draft_00 ?? 0,
      };
    }),
    revoke: unary(logger, 'Revoke', async (req) => {
      const client = await deps.authenticator.authenticate(presented(req.credentials), {
        tokenEndpointUrl: deps.tokenEndpointUrl,
        issuer: deps.issuer,
      });
      await deps.revoker.revoke(client, req.token);
      return {};
    }),
    revokeClientTokens: unary(logger, 'RevokeClientTokens', async (req) => {
      await deps.revoker.revokeClient(req.client_id);
      return {};
    }),
    authorize: authorizeHandler(deps.authorization, logger),
    userinfo: userinfoHandler(deps.userinfo, logger),
    discovery: discoveryHandler(deps.discovery, logger),
    checkCorsOrigin: unary(logger, 'CheckCorsOrigin', async (req) => ({
      allowed: await deps.corsOrigins.allowed({
        origin: req.origin,
        authorizationHeader: req.authorization_header,
        clientId: req.client_id,
        accessToken: req.access_token,
      }),
    })),
  };
  return { ...implemented };
}
