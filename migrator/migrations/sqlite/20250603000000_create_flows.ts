import { Migration } from '@mikro-orm/migrations';

/**
 * SQLite: the browser flow. See the PostgreSQL migration for the why.
 */
export class CreateFlows extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE flow_used_challenges (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  expires_at DATETIME NOT NULL
)`);
    this.addSql('CREATE INDEX flow_used_challenges_expires_at_idx ON flow_used_challenges (expires_at)');
    this.addSql(`CREATE TABLE login_sessions (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  subject VARCHAR(255) NOT NULL,
  authenticated_at DATETIME NOT NULL,
  remember BOOLEAN NOT NULL,
  expires_at DATETIME NOT NULL,
  identity_provider_session_id VARCHAR(255) NOT NULL
)`);
    this.addSql('CREATE INDEX login_sessions_subject_idx ON login_sessions (subject)');
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
  session_access_token TEXT NOT NULL,
  session_id_token TEXT NOT NULL,
  context TEXT NULL,
  acr TEXT NOT NULL,
  amr TEXT NOT NULL,
  remember BOOLEAN NOT NULL,
  remember_for INTEGER NOT NULL,
  skipped BOOLEAN NOT NULL,
  request_url TEXT NOT NULL,
  handled_at DATETIME NOT NULL,
  requested_at DATETIME NOT NULL
)`);
    this.addSql('CREATE INDEX oauth2_consent_sessions_subject_client_idx ON oauth2_consent_sessions (subject, client_id)');
    this.addSql('CREATE INDEX oauth2_consent_sessions_request_id_idx ON oauth2_consent_sessions (request_id)');
    this.addSql('CREATE INDEX oauth2_consent_sessions_login_session_id_idx ON oauth2_consent_sessions (login_session_id)');
  }

  override down(): void {
    this.addSql('DROP TABLE oauth2_consent_sessions');
    this.addSql('DROP TABLE login_sessions');
    this.addSql('DROP TABLE flow_used_challenges');
  }
}
