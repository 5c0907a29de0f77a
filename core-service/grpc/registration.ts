/**
 * tessera.v1.RegistrationService: maps wire messages to client documents and back; the decisions
 * are in core-service/clients/registration.ts.
 */
import type { RegistrationServiceServer } from '../../proto/gen/tessera/v1/registration.js';
import type { ClientRegistration } from '../clients/registration.js';
import type { Logger } from '../shared/logger.js';
import { clientToWire, wireToDocument } from './clients.js';
import { unary } from './unary.js';

export function registrationServiceHandlers(registration: ClientRegistration, logger: Logger): RegistrationServiceServer {
  return {
    registerClient: unary(logger, 'RegisterClient', async (req) => {
      const registered = await registration.register(() => wireToDocument(req.client));
      return {
        client: clientToWire(registered.client, registered.secret),
        registration_access_token: registered.registrationAccessToken,
        registration_client_uri: registered.registrationClientUri,
      };
    }),
    getRegisteredClient: unary(logger, 'GetRegisteredClient', async (req) => {
      const registered = await registration.get(req.client_id, req.authorization_header);
      return { client: clientToWire(registered.client), registration_client_uri: registered.registrationClientUri };
    }),
    updateRegisteredClient: unary(logger, 'UpdateRegisteredClient', async (req) => {
      const registered = await registration.update(req.client_id, req.authorization_header, () => wireToDocument(req.client));
      return {
        client: clientToWire(registered.client, registered.secret),
        registration_access_token: registered.registrationAccessToken,
        registration_client_uri: registered.registrationClientUri,
      };
    }),
    deleteRegisteredClient: unary(logger, 'DeleteRegisteredClient', async (req) => {
      await registration.delete(req.client_id, req.authorization_header);
      return {};
    }),
  };
}
