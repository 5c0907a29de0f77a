/**
 * Hydra's user-code step of the device flow over tessera.v1.DeviceService:
 * `PUT /admin/oauth2/auth/requests/device/accept?device_challenge=…` with `{"user_code": "…"}`.
 */
import type { FastifyInstance } from 'fastify';
import type { DeviceServiceClient } from '../../proto/gen/tessera/v1/device.js';
import { call } from '../grpc-client/call.js';
import { operation, ref } from '../openapi/schemas.js';
import { adminContext } from './api-key.js';
import { queryValue } from './pagination.js';

const ACCEPT = operation({
  id: 'acceptUserCodeRequest',
  tag: 'oAuth2',
  summary: 'Accepts a device grant user_code request',
  responses: { 200: 'oAuth2RedirectTo' },
  body: ref('acceptDeviceUserCodeRequest'),
});

export function registerDeviceAdminRoutes(app: FastifyInstance, device: DeviceServiceClient): void {
  app.put('/admin/oauth2/auth/requests/device/accept', { schema: ACCEPT }, async (request) => {
    const query = request.query as Record<string, unknown>;
    const body = (request.body ?? {}) as { user_code?: string };
    const res = await call(adminContext(request), device.acceptUserCode.bind(device), {
      device_challenge: queryValue(query.device_challenge),
      user_code: body.user_code ?? '',
    });
    return { redirect_to: res.redirect_to };
  });
}
