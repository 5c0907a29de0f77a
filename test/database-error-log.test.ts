/**
 * Issue 15 §3: a database error is logged without the statement's values, and a refresh that
 * fails in the database leaves the refresh token usable. Core runs as a real process; the
 * database refuses the refresh's INSERT for one subject (a CHECK constraint on PostgreSQL,
 * whose error `detail` repeats the failing row; a trigger on MariaDB and SQLite). The error
 * line must name neither the subject nor the presented token's signature unless
 * LOG_LEAK_SENSITIVE_VALUES=true, in which case the subject shows (so the check can fail).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parseDsn, type Dialect } from '../core-service/storage/dsn.js';
import { closeOrm, openOrm, type Orm } from '../core-service/storage/orm.js';
import { storageKey } from '../core-service/tokens/opaque.js';
import { startGateway, type RunningGateway } from '../http-gateway/app.js';
import { startCluster, TEST_CALLERS_ENV, TEST_SYSTEM_SECRET, testConfig, testLogger, unusedPort, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { grantSession, inProcessRegistry, issueGrant, type InProcessRegistry } from './support/grants.js';
import { basic, createClient, postForm } from './support/oauth2.js';
import { runProgram, type Program } from './support/processes.js';

const SCOPE = ['openid', 'offline_access'];

/** Makes every new token row of `subject` fail to insert; returns the statement that undoes it. */
async function refuseInserts(orm: Orm, dialect: Dialect, subject: string): Promise<() => Promise<void>> {
  const knex = orm.em.getKnex();
  // The subject is ours (hex), so it may be spelled into the DDL.
  switch (dialect) {
    case 'postgres':
      await knex.raw(`ALTER TABLE oauth2_tokens ADD CONSTRAINT tessera_test_refuse CHECK (subject <> '${subject}') NOT VALID`);
      return async () => void (await knex.raw('ALTER TABLE oauth2_tokens DROP CONSTRAINT tessera_test_refuse'));
    case 'mysql':
      await knex.raw(
        `CREATE TRIGGER tessera_test_refuse BEFORE INSERT ON oauth2_tokens FOR EACH ROW IF NEW.subject = '${subject}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF`,
      );
      return async () => void (await knex.raw('DROP TRIGGER tessera_test_refuse'));
    case 'sqlite':
      await knex.raw(`CREATE TRIGGER tessera_test_refuse BEFORE INSERT ON oauth2_tokens WHEN NEW.subject = '${subject}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
      return async () => void (await knex.raw('DROP TRIGGER tessera_test_refuse'));
  }
}

for (const db of testDatabases()) {
  describe(`database error logs on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let reg: InProcessRegistry | undefined;
    let orm: Orm | undefined;
    let client = { client_id: '', client_secret: '' };

    before(async () => {
      database = await db.create();
      // The in-process cluster only migrates the database and registers the client.
      cluster = await startCluster({ dsn: database.dsn });
      reg = await inProcessRegistry(cluster.config);
      orm = await openOrm(parseDsn(database.dsn));
      client = await createClient(cluster.adminUrl, { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: SCOPE.join(' ') });
    });

    after(async () => {
      if (orm) await closeOrm(orm);
      await reg?.close();
      await cluster?.close();
      await database?.drop();
    });

    for (const leak of [false, true]) {
      test(`a refresh failing in the database: 500, the token stays usable, and the log ${leak ? 'shows the values (leak_sensitive_values)' : 'has no values'}`, { timeout: 120_000 }, async () => {
        if (!database || !reg || !orm) throw new Error('not started');
        const subject = `subject-${randomBytes(8).toString('hex')}`;
        const grant = await issueGrant(reg, client.client_id, grantSession(subject, SCOPE));
        const refreshToken = grant.refresh_token ?? '';
        const signature = refreshToken.slice(refreshToken.lastIndexOf('.') + 1);

        const grpcPort = await unusedPort();
        const env = { DSN: database.dsn, SECRETS_SYSTEM: TEST_SYSTEM_SECRET, LOG_LEAK_SENSITIVE_VALUES: String(leak), SERVE_GRPC_HOST: '127.0.0.1', SERVE_GRPC_PORT: String(grpcPort), SERVE_METRICS_PORT: '0', ...TEST_CALLERS_ENV };
        const core: Program = runProgram('core-service/main.ts', ['serve'], env);
        let gateway: RunningGateway | undefined;
        const undo = await refuseInserts(orm, parseDsn(database.dsn).dialect, subject);
        let undone = false;
        try {
          await core.waitFor(/core gRPC listening/, 60_000);
          gateway = await startGateway({ config: testConfig({ SERVE_GRPC_PORT: String(grpcPort) }), logger: testLogger('http-gateway'), serve: 'all', forceHttp: true });
          const pub = gateway.publicUrl ?? '';
          const refresh = () => postForm(pub, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]], basic(client.client_id, client.client_secret));

          const failed = await refresh();
          assert.equal(failed.status, 500, failed.text);
          const line = await core.waitFor(/unexpected error/, 30_000);
          assert.match(line, /oauth2_tokens/, 'the log names the statement');
          if (leak) {
            assert.ok(line.includes(subject), `with leak_sensitive_values the values are logged: ${line}`);
          } else {
            assert.ok(!core.output().includes(subject), `the subject was logged: ${line}`);
            assert.ok(!core.output().includes(signature) && !core.output().includes(storageKey(signature)), 'the token signature was logged');
          }

          // The failed exchange rolled back whole: the refresh token was not consumed.
          await undo();
          undone = true;
          const retried = await refresh();
          assert.equal(retried.status, 200, retried.text);
        } finally {
          if (!undone) await undo();
          await gateway?.close();
          await core.stop();
        }
      });
    }
  });
}
