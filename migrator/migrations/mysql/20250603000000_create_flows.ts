import { Migration } from '@mikro-orm/migrations';

/**
 * MySQL / MariaDB: the browser flow (used challenge ids, login sessions, granted consents).
 * See the PostgreSQL migration for the why.
 */
export class CreateFlows extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE flow_used_challenges (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  expires_at DATETIME(3) NOT NULL,
  INDEX flow_used_challenges_expires_at_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    this.addSql(`CREATE TABLE login_sessions (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  subject VARCHAR(255) NOT NULL,
  authenticated_at DATETIME(3) NOT NULL,
  remember TINYINT(1) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  identity_provider_session_id VARCHAR(255) NOT NULL,
  INDEX login_sessions_subject_idx (subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    this.addSql(`CREATE TABLE oauth2_consent_sessions (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  request_id VARCHAR(64) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  client_id VARCHAR(255) NOT NULL,
  login_session_id VARCHAR(64) NOT NULL,
  login_challenge VARCHAR(64) NOT NULL,
  requested_scope TEXT NOT NULL,
  requested_audience TEXT NOT NULL,
  granted_scope TEXT NOT NULL,
  granted_audience TEXT NOT NULL,
  session_access_token MEDIUMTEXT NOT NULL,
  session_id_token MEDIUMTEXT NOT NULL,
  context MEDIUMTEXT NULL,
  acr TEXT NOT NULL,
  amr TEXT NOT NULL,
  remember TINYINT(1) NOT NULL,
  remember_for INT NOT NULL,
  skipped TINYINT(1) NOT NULL,
  request_url TEXT NOT NULL,
  handled_at DATETIME(3) NOT NULL,
  requested_at DATETIME(3) NOT NULL,
  INDEX oauth2_consent_sessions_subject_client_idx (subject, client_id),
  INDEX oauth2_consent_sessions_request_id_idx (request_id),
  INDEX oauth2_consent_sessions_login_session_id_idx (login_session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  override down(): void {
    this.addSql('DROP TABLE oauth2_consent_sessions');
    this.addSql('DROP TABLE login_sessions');
    this.addSql('DROP TABLE flow_used_challenges');
  }
}
