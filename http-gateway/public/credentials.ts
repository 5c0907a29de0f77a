/**
 * `POST /credentials` (OpenID Connect UserInfo Verifiable Credentials, draft 00) over
 * tessera.v1.CredentialService. Core decides; this renders Hydra's answers: 200 with the
 * credential, or, for a request without a proof, Hydra's 400 "priming" answer carrying a nonce.
 */
import type { FastifyInstance } from 'fastify';
import type { CredentialServiceClient } from '../../proto/gen/tessera/v1/credentials.js';
import { sendError, toHttpError } from '../errors/handlers.js';
import { call } from '../grpc-client/call.js';
import { operation, ref } from '../openapi/schemas.js';

/** What the route reads of Hydra's CreateVerifiableCredentialRequestBody; Hydra ignores its `types` too. */
interface CredentialBody {
  format?: string;
  proof?: { proof_type?: string; jwt?: string };
}

export function registerCredentialRoutes(app: FastifyInstance, credentials: CredentialServiceClient): void {
  const schema = operation({
    id: 'createVerifiableCredential',
    tag: 'oidc',
    summary: 'Issues a Verifiable Credential',
    body: ref('CreateVerifiableCredentialRequestBody'),
    responses: { 200: 'verifiableCredentialResponse', 400: 'verifiableCredentialPrimingResponse' },
  });
  // Hydra wraps this route with x/oauth2cors, as userinfo: a client's allowed_cors_origins count.
  app.post<{ Body: CredentialBody | undefined }>('/credentials', { schema, config: { perClientCors: true } }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    try {
      const body = request.body ?? {};
      const res = await call({ requestId: request.id }, credentials.createVerifiableCredential.bind(credentials), {
        authorization_header: String(request.headers.authorization ?? ''),
        format: body.format ?? '',
        proof: body.proof ? { proof_type: body.proof.proof_type ?? '', jwt: body.proof.jwt ?? '' } : undefined,
      });
      if (res.credential) return reply.send({ format: res.credential.format, credential_draft_00: res.credential.credential });
      if (!res.nonce) throw new Error('CredentialService answered neither a credential nor a nonce');
      // Hydra's VerifiableCredentialPrimingResponse, word for word (oauth2/handler.go).
      return reply.code(400).send({
        format: 'jwt_vc',
        c_nonce: res.nonce.c_nonce,
        c_nonce_expires_in: res.nonce.c_nonce_expires_in,
        error: 'missing_proof',
        error_description: 'Could not issue a verifiable credential because the proof is missing in the request.',
      });
    } catch (err) {
      const httpErr = toHttpError(err);
      if (httpErr.status >= 500) request.log.error({ err }, 'credential issuance failed');
      return sendError(reply, httpErr);
    }
  });
}
