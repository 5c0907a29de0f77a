/**
 * Trust relationships of the JWT-bearer authorization grant (RFC 7523 §2.1; Hydra's
 * oauth2/trust): an operator trusts an issuer's public key to vouch for one subject, or for any
 * subject, and caps the scopes tokens obtained that way may carry.
 */
import type { JWK } from 'jose';

export interface TrustRelationship {
  /** A UUID. */
  id: string;
  /** The assertions' `iss`. */
  issuer: string;
  /** The assertions' `sub`; '' when `allow_any_subject`. */
  subject: string;
  allow_any_subject: boolean;
  scope: string[];
  /** Hydra groups trusted keys by issuer: the set is always the issuer. */
  public_key: { set: string; kid: string };
  /** The public key itself, as the operator gave it (public members only). */
  jwk: JWK;
  created_at: Date;
  expires_at: Date;
}

/** What an operator asks to trust (Hydra's `trustOAuth2JwtGrantIssuer` body). */
export interface TrustRequest {
  issuer: string;
  subject: string;
  allow_any_subject: boolean;
  scope: string[];
  /** Undefined when the request carries none. */
  jwk: Record<string, string | string[]> | undefined;
  expires_at: Date | undefined;
}
