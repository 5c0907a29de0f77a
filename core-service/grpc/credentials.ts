/**
 * tessera.v1.CredentialService: `POST /credentials` for the gateway. Thin: every decision is in
 * credentials/issuance.ts.
 */
import type { CredentialServiceServer } from '../../proto/gen/tessera/v1/credentials.js';
import type { CredentialIssuance } from '../credentials/issuance.js';
import type { Logger } from '../shared/logger.js';
import { unary } from './unary.js';

export function credentialServiceHandlers(issuance: CredentialIssuance, logger: Logger): CredentialServiceServer {
  return {
    createVerifiableCredential: unary(logger, 'CreateVerifiableCredential', async (req) => {
      const res = await issuance.respond({
        authorizationHeader: req.authorization_header,
        format: req.format,
        ...(req.proof ? { proof: { proofType: req.proof.proof_type, jwt: req.proof.jwt } } : {}),
      });
      return res.kind === 'credential'
        ? { credential: { format: res.format, credential: res.credential }, nonce: undefined }
        : { credential: undefined, nonce: { c_nonce: res.nonce, c_nonce_expires_in: res.expiresIn } };
    }),
  };
}
