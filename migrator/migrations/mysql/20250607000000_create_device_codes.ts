import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: `oauth2_device_codes` holds one device authorization request (RFC 8628 §3.1-3.2,
 * Hydra's hydra_oauth2_device_auth_codes): keyed by a hash of the device code's signature, with
 * the keyed hash of its user code (unique, so a collision is retried with a new code), the
 * user's answer (`state`), the polling interval that slow_down grows (RFC 8628 §3.5) and,
 * once the user consented, the grant session the tokens are minted from. Deleting a client
 * deletes its device codes, as its tokens.
 */
export class CreateDeviceCodes extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE oauth2_device_codes (
  device_code_signature VARCHAR(128) NOT NULL PRIMARY KEY,
  user_code_signature VARCHAR(128) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  client_id VARCHAR(255) NOT NULL,
  scope TEXT NOT NULL,
  audience TEXT NOT NULL,
  requested_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  state VARCHAR(16) NOT NULL,
  polling_interval INTEGER NOT NULL,
  last_polled_at DATETIME(3) NULL,
  session MEDIUMTEXT NULL,
  CONSTRAINT oauth2_device_codes_user_code_uq UNIQUE (user_code_signature),
  CONSTRAINT oauth2_device_codes_client_id_fk FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    this.addSql('CREATE INDEX oauth2_device_codes_expires_at_idx ON oauth2_device_codes (expires_at)');
    this.addSql('CREATE INDEX oauth2_device_codes_request_id_idx ON oauth2_device_codes (request_id)');
  }

  override down(): void {
    this.addSql('DROP TABLE oauth2_device_codes');
  }
}
