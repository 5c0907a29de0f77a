/**
 * Credential nonces (`c_nonce`): what a holder signs into its proof of possession so a proof
 * cannot be replayed beyond the nonce's lifetime or with another access token. Stateless, as
 * Hydra's persistence/sql/persister_nonce.go: the nonce is the expiry sealed with AES-256-GCM
 * under `secrets.system`, bound to the access token it was issued for (Hydra binds it as AEAD
 * additional data; here a SHA-256 of the token is sealed beside the expiry and compared in
 * constant time). Nothing is stored, so the nonce may be used again until it expires, as in Hydra.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createSecretBox } from '../keys/secret-box.js';
import { OAuthError } from '../shared/errors.js';

export interface CredentialNonceDeps {
  /** `secrets.system`: the first seals, all open, so secrets rotate. */
  systemSecrets: string[];
  /** `ttl.vc_nonce` in ms (Hydra's default 1h). */
  ttlMs: number;
  now: () => Date;
}

/** A fresh nonce and its lifetime in whole seconds (`c_nonce_expires_in`). */
export interface IssuedNonce {
  nonce: string;
  expiresIn: number;
}

interface SealedNonce {
  /** Seconds since the epoch after which the nonce is refused. */
  exp: number;
  /** base64url SHA-256 of the access token the nonce was issued for. */
  at: string;
}

const tokenDigest = (accessToken: string) => createHash('sha256').update(accessToken, 'utf8').digest();

// Hydra's IsNonceValid answers both failures with fosite's ErrInvalidRequest and these hints.
const invalidNonce = () => new OAuthError('invalid_request', { hint: 'The nonce is invalid.' });

/**
 * Builds the nonce codec.
 *
 * @example
 * const nonces = createCredentialNonces({ systemSecrets: config.secrets.system, ttlMs: config.ttl.vcNonce, now });
 * const { nonce, expiresIn } = nonces.issue(accessToken);
 * nonces.check(accessToken, nonce); // throws OAuthError invalid_request when forged, foreign or expired
 */
export function createCredentialNonces(deps: CredentialNonceDeps) {
  const box = createSecretBox(deps.systemSecrets, 'vc_nonce');
  const expiresIn = Math.floor(deps.ttlMs / 1000);
  return {
    issue(accessToken: string): IssuedNonce {
      const sealed: SealedNonce = {
        exp: Math.floor(deps.now().getTime() / 1000) + expiresIn,
        at: tokenDigest(accessToken).toString('base64url'),
      };
      return { nonce: box.seal(JSON.stringify(sealed)), expiresIn };
    },

    /** Throws invalid_request unless `nonce` was issued by this server for `accessToken` and has not expired. */
    check(accessToken: string, nonce: string): void {
      let opened: Partial<SealedNonce>;
      try {
        opened = JSON.parse(box.open(nonce)) as Partial<SealedNonce>;
      } catch {
        throw invalidNonce();
      }
      if (typeof opened.exp !== 'number' || typeof opened.at !== 'string') throw invalidNonce();
      const bound = Buffer.from(opened.at, 'base64url');
      const presented = tokenDigest(accessToken);
      if (bound.length !== presented.length || !timingSafeEqual(bound, presented)) throw invalidNonce();
      if (opened.exp < Math.floor(deps.now().getTime() / 1000)) {
        throw new OAuthError('invalid_request', { hint: 'The nonce has expired.' });
      }
    },
  };
}

export type CredentialNonces = ReturnType<typeof createCredentialNonces>;
