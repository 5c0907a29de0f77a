/**
 * RFC 8628 over tessera.v1.DeviceService: `POST /oauth2/device/auth` (the device authorization
 * endpoint, answered like the token endpoint) and `GET /oauth2/device/verify` (the device
 * verification endpoint, answered like the authorization endpoint). Every decision is core's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeviceServiceClient } from '../../proto/gen/tessera/v1/device.js';
import { tesseraCookies } from '../cookies/tessera.js';
import { toHttpError } from '../errors/handlers.js';
import { call } from '../grpc-client/call.js';
import { operation } from '../openapi/schemas.js';
import { queryParams, render } from './authorize.js';
import { sendPage } from './browser-response.js';
import { credentialsOf, formParams } from './form.js';
import { errorPage } from './pages.js';
import { noStore, renderOAuthError } from './token.js';

export function registerDeviceRoutes(app: FastifyInstance, device: DeviceServiceClient, cookieNames: readonly string[]): void {
  const authSchema = operation({ id: 'oAuth2DeviceFlow', tag: 'oAuth2', summary: 'The OAuth 2.0 Device Authorize Endpoint', responses: { 200: 'deviceAuthorization' } });
  app.post('/oauth2/device/auth', { schema: authSchema }, async (request, reply) => {
    try {
      const params = formParams(request);
      const res = await call({ requestId: request.id }, device.deviceAuthorization.bind(device), { credentials: credentialsOf(request, params), form: params });
      // fosite's WriteDeviceResponse: no-store, as every response carrying a credential (RFC 6749 §5.1).
      return noStore(reply).send({
        device_code: res.device_code,
        user_code: res.user_code,
        verification_uri: res.verification_uri,
        verification_uri_complete: res.verification_uri_complete,
        expires_in: res.expires_in,
        interval: res.interval,
      });
    } catch (err) {
      return renderOAuthError(request, reply, err);
    }
  });

  const verifySchema = operation({
    id: 'performOAuth2DeviceVerificationFlow',
    tag: 'oAuth2',
    summary: 'OAuth 2.0 Device Verification Endpoint',
    errors: false,
    responses: {
      302: { empty: "To the user-code page, the login or consent app, or urls.device.success" },
      400: { media: 'text/html', description: 'An error shown to the browser' },
    },
  });
  app.get('/oauth2/device/verify', { schema: verifySchema }, async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const res = await call({ requestId: request.id }, device.verifyDevice.bind(device), { params: queryParams(request), cookies: tesseraCookies(request, cookieNames) });
      return render(request, reply, res);
    } catch (err) {
      // A browser gets a page, never JSON or a stack trace; the detail goes to the log.
      const httpErr = toHttpError(err);
      if (httpErr.status >= 500) request.log.error({ err }, 'device verification endpoint failed');
      return sendPage(request, reply, httpErr.status, errorPage({ error: httpErr.body.error, error_description: httpErr.body.error_description, error_hint: httpErr.body.error_hint ?? '' }));
    }
  });
}
