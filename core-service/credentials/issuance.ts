/**
 * `POST /credentials`: OpenID Connect UserInfo Verifiable Credentials (draft 00), as Hydra's
 * oauth2/handler.go createVerifiableCredential. The holder of an access token granted `openid`
 * and `userinfo_credential_draft_00` sends a proof JWT that carries its public key in the `jwk`
 * header and a nonce Tessera issued; it receives a `jwt_vc_json` credential, signed with the ID
 * token key, that binds the user's claims to that key (`did:jwk`). Without a proof it receives a
 * fresh nonce instead (Hydra's "priming" answer).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { ID_TOKEN_KEY_SET } from '../keys/service.js';
import { OAuthError } from '../shared/errors.js';
import { grantSessionOf } from '../tokens/grant-issuer.js';
import { isLive, type TokenLookup } from '../tokens/lookup.js';
import type { CredentialNonces } from './nonce.js';
import { CREDENTIAL_SCOPE, grantsCredential } from './token-response.js';

export interface CredentialIssuanceDeps {
  lookup: TokenLookup;
  nonces: CredentialNonces;
  signingKey: (set: string) => Promise<JWK>;
  issuer: string;
  now: () => Date;
}

/** The only format Hydra issues (OpenID4VCI Appendix E.1.1, W3C VC signed as a JWT). */
export const CREDENTIAL_FORMAT = 'jwt_vc_json';

/** The types of every credential issued (Hydra's `credentials_supported_draft_00`). */
export const CREDENTIAL_TYPES = ['VerifiableCredential', 'UserInfoCredential'];

/** The proof algorithms Hydra advertises and accepts (`cryptographic_suites_supported`). */
export const PROOF_ALGORITHMS = ['PS256', 'RS256', 'ES256', 'PS384', 'RS384', 'ES384', 'PS512', 'RS512', 'ES512', 'EdDSA'];

/** Discovery's `credentials_supported_draft_00`, as Hydra's oauth2/handler.go lists it. */
export const CREDENTIALS_SUPPORTED = [
  { format: CREDENTIAL_FORMAT, types: CREDENTIAL_TYPES, cryptographic_binding_methods_supported: ['jwk'], cryptographic_suites_supported: PROOF_ALGORITHMS },
];

// Hydra signs every credential for one hour from its issuance (oauth2/handler.go, ExpiresAt).
const CREDENTIAL_LIFETIME_SECONDS = 3600;

// JWK members that exist only in private or symmetric keys (RFC 7518 §6.2.2, §6.3.2, §6.4).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export interface CredentialRequest {
  /** The Authorization header as sent (`Bearer <access token>`). */
  authorizationHeader: string;
  format: string;
  /** Absent: the holder asks for a nonce (priming). */
  proof?: { proofType: string; jwt: string };
}

export type CredentialResponse =
  | { kind: 'credential'; format: string; credential: string }
  | { kind: 'nonce'; nonce: string; expiresIn: number };

const invalidRequest = (hint: string) => new OAuthError('invalid_request', { hint });

/** fosite.AccessTokenFromRequest: the part after a case-insensitive `Bearer `; '' when there is none. */
function bearerOf(header: string): string {
  const space = header.indexOf(' ');
  return space > 0 && header.slice(0, space).toLowerCase() === 'bearer' ? header.slice(space + 1) : '';
}

/** The holder's public key from the proof's `jwk` header (Hydra: josex.LoadJSONWebKey, public only). */
async function holderKey(proofJwt: string): Promise<{ jwk: JWK; key: Awaited<ReturnType<typeof importJWK>> }> {
  if (!proofJwt.includes('.')) throw invalidRequest('The JWT in the proof is malformed.');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proofJwt);
  } catch {
    throw invalidRequest('The JWT header in the proof is malformed.');
  }
  const jwk = header.jwk;
  const malformedJwk = invalidRequest('The JWK in the JWT header is malformed.');
  // A private member would publish the holder's secret inside the credential's did:jwk.
  if (typeof jwk !== 'object' || jwk === null || PRIVATE_MEMBERS.some((member) => member in jwk)) throw malformedJwk;
  try {
    return { jwk, key: await importJWK(jwk, typeof header.alg === 'string' ? header.alg : undefined) };
  } catch {
    throw malformedJwk;
  }
}

/**
 * Builds the credential endpoint.
 *
 * @example
 * const res = await issuance.respond({ authorizationHeader: `Bearer ${accessToken}`, format: 'jwt_vc_json', proof: { proofType: 'jwt', jwt } });
 * if (res.kind === 'credential') send({ format: res.format, credential_draft_00: res.credential });
 */
export function createCredentialIssuance(deps: CredentialIssuanceDeps) {
  return {
    async respond(request: CredentialRequest): Promise<CredentialResponse> {
      const accessToken = bearerOf(request.authorizationHeader.trim());
      const found = accessToken === '' ? undefined : await deps.lookup.find(accessToken);
      if (!found || !isLive(found.record, deps.now())) {
        // fosite's IntrospectToken for an unknown, expired or revoked token: ErrRequestUnauthorized.
        throw new OAuthError('request_unauthorized', { hint: 'Check that you provided valid credentials in the right format.' });
      }
      if (found.record.kind !== 'access_token') throw invalidRequest('The provided token is not an access token.');
      const session = grantSessionOf(found.record);
      // Tessera's rule (Hydra checks no scope here; README, Differences from Hydra): only a token
      // granted the credential scope obtains a credential, the condition under which the token
      // response offers a nonce, since the credential attests the user's identity claims.
      if (!grantsCredential(found.record.scope)) {
        throw new OAuthError('insufficient_scope', { hint: `The access token was not granted the "openid" and "${CREDENTIAL_SCOPE}" scopes.` });
      }
      if (!session) throw invalidRequest('The access token was not issued for a user, so there is nothing to attest.');

      if (request.format !== CREDENTIAL_FORMAT) throw invalidRequest(`The format "${request.format}" is not supported.`);
      if (!request.proof) {
        const { nonce, expiresIn } = deps.nonces.issue(accessToken);
        return { kind: 'nonce', nonce, expiresIn };
      }
      if (request.proof.proofType !== 'jwt') throw invalidRequest(`The proof type "${request.proof.proofType}" is not supported.`);

      const holder = await holderKey(request.proof.jwt);
      let claims: Record<string, unknown>;
      try {
        ({ payload: claims } = await jwtVerify(request.proof.jwt, holder.key, { algorithms: PROOF_ALGORITHMS, currentDate: deps.now() }));
      } catch {
        throw invalidRequest('The JWT was not signed with the correct key supplied in the JWK header.');
      }
      const nonce = claims.nonce;
      if (typeof nonce !== 'string') throw invalidRequest('The JWT did not contain the "nonce" claim.');
      // OpenID4VCI §7.2.1.1 names the issuer as the proof's audience; Hydra does not read `aud`,
      // so a proof without one is accepted, but one meant for another issuer is not.
      const aud = claims.aud;
      if (aud !== undefined && !(Array.isArray(aud) ? aud.includes(deps.issuer) : aud === deps.issuer)) {
        throw invalidRequest(`The JWT's "aud" claim does not name this issuer (${deps.issuer}).`);
      }
      deps.nonces.check(accessToken, nonce);

      // did:jwk (https://github.com/quartzjer/did-jwk/blob/main/spec.md): the holder's public JWK, base64url.
      const did = `did:jwk:${Buffer.from(JSON.stringify(holder.jwk), 'utf8').toString('base64url')}`;
      const subject = session.obfuscated_subject || session.subject;
      // Hydra copies the ID token's extra claims (consent `session.id_token`, and `sid`) into
      // the credential subject; here they never replace `id` and `sub`, which bind key and user.
      const credentialSubject: Record<string, unknown> = { ...session.id_token_claims };
      if (session.sid !== '') credentialSubject.sid = session.sid;
      Object.assign(credentialSubject, { id: did, sub: subject });

      const key = await deps.signingKey(ID_TOKEN_KEY_SET);
      if (key.alg === undefined || key.kid === undefined) throw new OAuthError('server_error', { hint: 'The ID token signing key has no alg or kid.' });
      // Issued now: Hydra stamps the token's own issue time, which would make a credential asked
      // for more than an hour after the token was issued expired on arrival.
      const iat = Math.floor(deps.now().getTime() / 1000);
      const credential = await new SignJWT({
        vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: CREDENTIAL_TYPES, credentialSubject },
      })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .setIssuer(deps.issuer)
        .setSubject(did)
        .setJti(randomUUID())
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + CREDENTIAL_LIFETIME_SECONDS)
        .sign(await importJWK(key, key.alg));
      return { kind: 'credential', format: CREDENTIAL_FORMAT, credential };
    },
  };
}

export type CredentialIssuance = ReturnType<typeof createCredentialIssuance>;
