/**
 * The migrations of every dialect, in the order they run. Names are the same across dialects
 * (the SQL differs), so `migrator sql status` reads alike on all three. A new migration is a
 * file per dialect plus one line in each list below; never edit or rename an applied one.
 */
import type { MigrationObject } from '@mikro-orm/core';
import * as mysql from './mysql/20250601000000_create_clients_and_jwks.js';
import * as mysqlTokens from './mysql/20250602000000_create_oauth2_tokens.js';
import * as mysqlFlows from './mysql/20250603000000_create_flows.js';
import * as mysqlRotation from './mysql/20250604000000_add_refresh_token_rotation.js';
import * as mysqlCascade from './mysql/20250606000000_cascade_client_deletion.js';
import * as mysqlRegistration from './mysql/20250609000000_add_registration_access_token.js';
import * as mysqlRevocation from './mysql/20250605000000_add_grant_revocation.js';
import * as mysqlDevice from './mysql/20250607000000_create_device_codes.js';
import * as mysqlTrust from './mysql/20250608000000_create_trusted_jwt_bearer_issuers.js';
import * as mysqlChanges from './mysql/20250611000000_add_change_feed.js';
import * as postgres from './postgres/20250601000000_create_clients_and_jwks.js';
import * as postgresTokens from './postgres/20250602000000_create_oauth2_tokens.js';
import * as postgresFlows from './postgres/20250603000000_create_flows.js';
import * as postgresRotation from './postgres/20250604000000_add_refresh_token_rotation.js';
import * as postgresCascade from './postgres/20250606000000_cascade_client_deletion.js';
import * as postgresRegistration from './postgres/20250609000000_add_registration_access_token.js';
import * as postgresRevocation from './postgres/20250605000000_add_grant_revocation.js';
import * as postgresDevice from './postgres/20250607000000_create_device_codes.js';
import * as postgresTrust from './postgres/20250608000000_create_trusted_jwt_bearer_issuers.js';
import * as postgresChanges from './postgres/20250611000000_add_change_feed.js';
import * as sqlite from './sqlite/20250601000000_create_clients_and_jwks.js';
import * as sqliteTokens from './sqlite/20250602000000_create_oauth2_tokens.js';
import * as sqliteFlows from './sqlite/20250603000000_create_flows.js';
import * as sqliteRotation from './sqlite/20250604000000_add_refresh_token_rotation.js';
import * as sqliteCascade from './sqlite/20250606000000_cascade_client_deletion.js';
import * as sqliteRegistration from './sqlite/20250609000000_add_registration_access_token.js';
import * as sqliteRevocation from './sqlite/20250605000000_add_grant_revocation.js';
import * as sqliteDevice from './sqlite/20250607000000_create_device_codes.js';
import * as sqliteTrust from './sqlite/20250608000000_create_trusted_jwt_bearer_issuers.js';
import * as sqliteChanges from './sqlite/20250611000000_add_change_feed.js';

/**
 * The dialects migrations exist for: core's storage `Dialect` (storage/dsn.ts) must name the
 * same three, which the compiler checks where core passes its dialect in. Spelled here so the
 * migrations import nothing of the programs that run them (the lint's migrations-are-a-leaf).
 */
export type MigrationDialect = 'postgres' | 'mysql' | 'sqlite';

const LISTS: Record<MigrationDialect, MigrationObject[]> = {
  postgres: [
    { name: '20250601000000_create_clients_and_jwks', class: postgres.CreateClientsAndJwks },
    { name: '20250602000000_create_oauth2_tokens', class: postgresTokens.CreateOAuth2Tokens },
    { name: '20250603000000_create_flows', class: postgresFlows.CreateFlows },
    { name: '20250604000000_add_refresh_token_rotation', class: postgresRotation.AddRefreshTokenRotation },
    { name: '20250605000000_add_grant_revocation', class: postgresRevocation.AddGrantRevocation },
    { name: '20250606000000_cascade_client_deletion', class: postgresCascade.CascadeClientDeletion },
    { name: '20250607000000_create_device_codes', class: postgresDevice.CreateDeviceCodes },
    { name: '20250608000000_create_trusted_jwt_bearer_issuers', class: postgresTrust.CreateTrustedJwtBearerIssuers },
    { name: '20250609000000_add_registration_access_token', class: postgresRegistration.AddRegistrationAccessToken },
    { name: '20250611000000_add_change_feed', class: postgresChanges.AddChangeFeed },
  ],
  mysql: [
    { name: '20250601000000_create_clients_and_jwks', class: mysql.CreateClientsAndJwks },
    { name: '20250602000000_create_oauth2_tokens', class: mysqlTokens.CreateOAuth2Tokens },
    { name: '20250603000000_create_flows', class: mysqlFlows.CreateFlows },
    { name: '20250604000000_add_refresh_token_rotation', class: mysqlRotation.AddRefreshTokenRotation },
    { name: '20250605000000_add_grant_revocation', class: mysqlRevocation.AddGrantRevocation },
    { name: '20250606000000_cascade_client_deletion', class: mysqlCascade.CascadeClientDeletion },
    { name: '20250607000000_create_device_codes', class: mysqlDevice.CreateDeviceCodes },
    { name: '20250608000000_create_trusted_jwt_bearer_issuers', class: mysqlTrust.CreateTrustedJwtBearerIssuers },
    { name: '20250609000000_add_registration_access_token', class: mysqlRegistration.AddRegistrationAccessToken },
    { name: '20250611000000_add_change_feed', class: mysqlChanges.AddChangeFeed },
  ],
  sqlite: [
    { name: '20250601000000_create_clients_and_jwks', class: sqlite.CreateClientsAndJwks },
    { name: '20250602000000_create_oauth2_tokens', class: sqliteTokens.CreateOAuth2Tokens },
    { name: '20250603000000_create_flows', class: sqliteFlows.CreateFlows },
    { name: '20250604000000_add_refresh_token_rotation', class: sqliteRotation.AddRefreshTokenRotation },
    { name: '20250605000000_add_grant_revocation', class: sqliteRevocation.AddGrantRevocation },
    { name: '20250606000000_cascade_client_deletion', class: sqliteCascade.CascadeClientDeletion },
    { name: '20250607000000_create_device_codes', class: sqliteDevice.CreateDeviceCodes },
    { name: '20250608000000_create_trusted_jwt_bearer_issuers', class: sqliteTrust.CreateTrustedJwtBearerIssuers },
    { name: '20250609000000_add_registration_access_token', class: sqliteRegistration.AddRegistrationAccessToken },
    { name: '20250611000000_add_change_feed', class: sqliteChanges.AddChangeFeed },
  ],
};

/** The MikroORM `migrationsList` of one dialect, oldest first. */
export function migrationsFor(dialect: MigrationDialect): MigrationObject[] {
  return [...LISTS[dialect]];
}
