/**
 * The SQL side of logout: which clients took part in a login session, found through the
 * consents granted in it (Hydra's ListUserAuthenticatedClientsWith{Front,Back}ChannelLogout
 * joins its flow table the same way). Remembered consents applied in the session count too:
 * those clients received tokens carrying this `sid` as well.
 */
import type { LogoutClientStore } from '../flows/logout.js';
import { ConsentSessionSchema } from './flow-entities.js';
import type { Orm } from './orm.js';

export class SqlLogoutClientStore implements LogoutClientStore {
  constructor(private readonly orm: Orm) {}

  async clientIdsOfLoginSession(sid: string, subject: string): Promise<string[]> {
    if (sid === '') return [];
    const rows = await this.orm.em
      .fork({ clear: true, useContext: false })
      .find(ConsentSessionSchema, { login_session_id: sid, subject }, { fields: ['client_id'], disableIdentityMap: true });
    return [...new Set(rows.map((r) => r.client_id))];
  }
}
