/**
 * Persistence of device authorization requests (RFC 8628 §3.1-3.5; Hydra's device auth code
 * session). One row per request, keyed by the storage key of its device code; the user code
 * only as a keyed hash (device/user-code.ts).
 */
import type { GrantSession } from '../oauth2/grant-session.js';
import type { TokenRecord } from '../tokens/store.js';

/**
 * The user's answer (fosite's UserCodeState): `pending` until the user finishes the browser
 * flow, then `accepted` (tokens may be fetched once) or `rejected`; `used` after the tokens went out.
 */
export type DeviceCodeState = 'pending' | 'accepted' | 'rejected' | 'used';

export interface DeviceCodeRecord {
  /** storageKey() of the device code's signature. */
  device_code_signature: string;
  /** The keyed hash of the normalised user code. */
  user_code_signature: string;
  /** The grant (request) id every token of this authorization will carry. */
  request_id: string;
  client_id: string;
  /** What the device asked for (RFC 8628 §3.1 scope; Hydra's audience). */
  scope: string[];
  audience: string[];
  requested_at: Date;
  /** Device code and user code expire together (`ttl.device_user_code`). */
  expires_at: Date;
  state: DeviceCodeState;
  /** Seconds the device must wait between polls; slow_down adds 5 (RFC 8628 §3.5). */
  polling_interval: number;
  last_polled_at: Date | null;
  /** The consented grant, set when the state turns `accepted`. */
  session: GrantSession | null;
}

export interface DeviceCodeStore {
  /** Stores a new request; false (nothing stored) when its user code signature is taken already. */
  insert(record: DeviceCodeRecord): Promise<boolean>;
  getByDeviceCode(deviceCodeSignature: string): Promise<DeviceCodeRecord | undefined>;
  /** The request whose user code has any of these signatures (one per secret). */
  getByUserCode(userCodeSignatures: string[]): Promise<DeviceCodeRecord | undefined>;
  /**
   * Records a poll: `last_polled_at` becomes `now`, the interval `interval`, if the row still
   * has `previous` as its last poll (a conditional update); false when another poll came first.
   */
  recordPoll(deviceCodeSignature: string, previous: Date | null, now: Date, interval: number): Promise<boolean>;
  /** pending → accepted with the consented grant, unless expired at `now`; false otherwise. */
  accept(requestId: string, session: GrantSession, now: Date): Promise<boolean>;
  /** pending → rejected; false when it was not pending. */
  reject(requestId: string): Promise<boolean>;
  /**
   * accepted → used and the tokens stored, in one transaction (a conditional update: of
   * concurrent polls exactly one gets true); false, storing nothing, when it was not accepted.
   */
  redeem(deviceCodeSignature: string, issued: TokenRecord[]): Promise<boolean>;
}
