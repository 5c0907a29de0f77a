/**
 * tessera.v1.DeviceService (RFC 8628): parse → call device/authorization.ts or
 * flows/device-verification.ts → map.
 */
import type { DeviceServiceServer } from '../../proto/gen/tessera/v1/device.js';
import type { DeviceVerification } from '../flows/device-verification.js';
import type { DeviceAuthorization } from '../device/authorization.js';
import type { Logger } from '../shared/logger.js';
import { browserResponse } from './authorize.js';
import { presented } from './oauth2.js';
import { unary } from './unary.js';

export function deviceServiceHandlers(deps: { authorization: DeviceAuthorization; verification: DeviceVerification }, logger: Logger): DeviceServiceServer {
  return {
    deviceAuthorization: unary(logger, 'DeviceAuthorization', (req) => deps.authorization.authorize(presented(req.credentials), new Map(Object.entries(req.form)))),
    verifyDevice: unary(logger, 'VerifyDevice', async (req) =>
      browserResponse(await deps.verification.verify({ params: new Map(Object.entries(req.params)), cookies: new Map(Object.entries(req.cookies)) })),
    ),
    acceptUserCode: unary(logger, 'AcceptUserCode', async (req) => ({ redirect_to: await deps.verification.acceptUserCode(req.device_challenge, req.user_code) })),
  };
}
