/**
 * The OpenID Connect RPCs of tessera.v1.OAuth2Service: Userinfo and Discovery. Thin: the
 * decisions are in oidc/userinfo.ts and oidc/discovery.ts.
 */
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { DiscoveryRequest, DiscoveryResponse, UserinfoRequest, UserinfoResponse } from '../../proto/gen/tessera/v1/oauth2.js';
import type { Discovery } from '../oidc/discovery.js';
import type { Userinfo } from '../oidc/userinfo.js';
import type { Logger } from '../shared/logger.js';
import { unary } from './unary.js';

/** OIDC Core §5.3: the claims as JSON, or the signed JWT the client registered for. */
export function userinfoHandler(userinfo: Userinfo, logger: Logger): handleUnaryCall<UserinfoRequest, UserinfoResponse> {
  return unary(logger, 'Userinfo', async (req) => {
    const res = await userinfo.respond({ authorizationHeader: req.authorization_header, accessToken: req.access_token });
    return 'claims' in res ? { claims_json: JSON.stringify(res.claims), signed_jwt: '' } : { claims_json: '', signed_jwt: res.signedJwt };
  });
}

/** OIDC Discovery §4: the provider metadata as JSON. */
export function discoveryHandler(discovery: Discovery, logger: Logger): handleUnaryCall<DiscoveryRequest, DiscoveryResponse> {
  return unary(logger, 'Discovery', async () => ({ metadata_json: JSON.stringify(await discovery.metadata()) }));
}
