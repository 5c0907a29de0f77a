/**
 * OpenID Provider metadata (OIDC Discovery 1.0 §3, RFC 8414 §2) for
 * `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`, with every
 * member Hydra's `oidcConfiguration` requires. Truthful by construction: it lists only what this
 * server serves (no `password` grant, no request objects, PKCE S256 only), and the response and
 * grant types come from the modules that accept them, so they cannot drift apart.
 */
import type { JWK } from 'jose';
import { ID_TOKEN_KEY_SET } from '../keys/service.js';
import type { Config } from '../shared/config.js';

export interface DiscoveryDeps {
  config: Config;
  signingKey: (set: string) => Promise<JWK>;
  /** The response types the authorization endpoint accepts (oauth2/response-type.ts). */
  responseTypes: readonly string[];
  /** The grant types the token endpoint accepts (the grant modules' `grantType`). */
  tokenGrantTypes: readonly string[];
  /** What `POST /credentials` issues (credentials/issuance.ts). */
  credentialsSupported: readonly CredentialSupported[];
}

/** Hydra's `credentialSupportedDraft00`: one kind of verifiable credential the endpoint issues. */
export interface CredentialSupported {
  format: string;
  types: readonly string[];
  cryptographic_binding_methods_supported: readonly string[];
  cryptographic_suites_supported: readonly string[];
}

/** RFC 8414 §2: `implicit` is the grant behind any response type that returns a token at the authorization endpoint. */
function grantTypesSupported(responseTypes: readonly string[], tokenGrantTypes: readonly string[]): string[] {
  const implicit = responseTypes.some((type) => type.split(' ').some((part) => part === 'token' || part === 'id_token'));
  return [...tokenGrantTypes, ...(implicit ? ['implicit'] : [])];
}

/** Claims the ID token and UserInfo carry (tokens/id-token.ts); consent claims come on top. */
const CLAIMS_SUPPORTED = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'at_hash', 'c_hash', 'sid', 'jti'];

/**
 * Builds the metadata document source.
 *
 * @example
 * const metadata = await createDiscovery({ config, signingKey, responseTypes: SUPPORTED_RESPONSE_TYPES, tokenGrantTypes: ['authorization_code'], credentialsSupported: CREDENTIALS_SUPPORTED }).metadata();
 */
export function createDiscovery(deps: DiscoveryDeps) {
  const { config } = deps;
  const base = config.urls.self.public.endsWith('/') ? config.urls.self.public : `${config.urls.self.public}/`;
  const at = (path: string) => new URL(path, base).toString();
  // Hydra's webfinger.oidc_discovery.*: an operator may serve some endpoints elsewhere (a proxy, their own userinfo).
  const advertised = config.webfinger.oidcDiscovery;
  const unique = (values: string[]) => [...new Set(values)];
  const registrationEndpoint = (): { registration_endpoint?: string } => {
    if (advertised.clientRegistrationUrl) return { registration_endpoint: advertised.clientRegistrationUrl };
    return config.oidc.dynamicClientRegistration.enabled ? { registration_endpoint: at('oauth2/register') } : {};
  };

  return {
    async metadata(): Promise<Record<string, unknown>> {
      // Hydra advertises the alg of the key that currently signs ID tokens; rotation may change it.
      const alg = (await deps.signingKey(ID_TOKEN_KEY_SET)).alg ?? 'RS256';
      const authMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
      return {
        issuer: config.urls.self.issuer,
        authorization_endpoint: advertised.authUrl || at('oauth2/auth'),
        token_endpoint: advertised.tokenUrl || at('oauth2/token'),
        jwks_uri: advertised.jwksUrl || at('.well-known/jwks.json'),
        userinfo_endpoint: advertised.userinfoUrl || at('userinfo'),
        // Hydra advertises webfinger.oidc_discovery.client_registration_url; without it, Tessera's
        // own endpoint while dynamic registration is on (RFC 8414 §2, OIDC Discovery §3).
        ...registrationEndpoint(),
        revocation_endpoint: at('oauth2/revoke'),
        // RFC 8628 §4; Hydra's webfinger.oidc_discovery.device_authorization_url overrides it.
        device_authorization_endpoint: advertised.deviceAuthorizationUrl || at('oauth2/device/auth'),
        response_types_supported: [...deps.responseTypes],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        // RFC 9700 §2.4: no password grant module exists, so it is never listed.
        grant_types_supported: grantTypesSupported(deps.responseTypes, deps.tokenGrantTypes),
        subject_types_supported: config.oidc.subjectIdentifiers.supportedTypes,
        id_token_signing_alg_values_supported: [alg],
        // Hydra's members (arrays, as Hydra sends them): the alg ID tokens and signed UserInfo use.
        id_token_signed_response_alg: [alg],
        userinfo_signed_response_alg: [alg],
        userinfo_signing_alg_values_supported: ['none', alg],
        token_endpoint_auth_methods_supported: authMethods,
        revocation_endpoint_auth_methods_supported: authMethods,
        // RFC 7636 §4.2: `plain` is refused by the authorization endpoint, so only S256.
        code_challenge_methods_supported: ['S256'],
        scopes_supported: unique([...advertised.supportedScope, 'offline_access', 'offline', 'openid']),
        claims_supported: unique([...CLAIMS_SUPPORTED, ...advertised.supportedClaims]),
        claims_parameter_supported: false,
        request_parameter_supported: false,
        // Discovery §3: this defaults to true, so it must be said.
        request_uri_parameter_supported: false,
        require_request_uri_registration: false,
        // RP-Initiated, Front-Channel and Back-Channel Logout (flows/logout.ts): iframes carry iss and sid, Logout Tokens carry sid.
        end_session_endpoint: at('oauth2/sessions/logout'),
        frontchannel_logout_supported: true,
        frontchannel_logout_session_supported: true,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        // OpenID Connect UserInfo Verifiable Credentials, draft 00 (credentials/issuance.ts), as Hydra names them.
        credentials_endpoint_draft_00: advertised.verifiableCredentialsUrl || at('credentials'),
        credentials_supported_draft_00: deps.credentialsSupported,
      };
    },
  };
}

export type Discovery = ReturnType<typeof createDiscovery>;
