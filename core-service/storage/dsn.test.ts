import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DsnError, parseDsn, redactDsn } from './dsn.js';

test('postgres URL with pool parameters', () => {
  const t = parseDsn('postgres://hydra:s3cr%40t@db.internal:6543/hydra?sslmode=disable&max_conns=20&max_idle_conns=4&max_conn_lifetime=1h&max_conn_idle_time=30s');
  assert.equal(t.dialect, 'postgres');
  assert.equal(t.host, 'db.internal');
  assert.equal(t.port, 6543);
  assert.equal(t.user, 'hydra');
  assert.equal(t.password, 's3cr@t');
  assert.equal(t.database, 'hydra');
  assert.deepEqual(t.pool, { max: 20, minIdle: 4, maxLifetimeMs: 3_600_000, idleTimeoutMs: 30_000 });
  assert.deepEqual(t.params, { sslmode: 'disable' });
  assert.ok(!t.redacted.includes('s3cr'), 'password is not in the redacted form');
});

test("Hydra's Go MySQL form and the plain URL form", () => {
  const go = parseDsn('mysql://root:pa:ss@tcp(127.0.0.1:3306)/hydra?parseTime=true&max_conns=5');
  assert.equal(go.dialect, 'mysql');
  assert.equal(go.host, '127.0.0.1');
  assert.equal(go.port, 3306);
  assert.equal(go.user, 'root');
  assert.equal(go.password, 'pa:ss');
  assert.equal(go.database, 'hydra');
  assert.equal(go.pool.max, 5);
  const plain = parseDsn('mysql://root@localhost:3307/hydra');
  assert.equal(plain.host, 'localhost');
  assert.equal(plain.port, 3307);
  assert.equal(plain.password, '');
});

test('sqlite paths and memory', () => {
  const file = parseDsn('sqlite://./data/db.sqlite?_fk=true');
  assert.equal(file.dialect, 'sqlite');
  assert.equal(file.database, './data/db.sqlite');
  assert.equal(file.inMemory, false);
  assert.equal(parseDsn('sqlite:///var/lib/tessera.sqlite').database, '/var/lib/tessera.sqlite');
  const memory = parseDsn('memory');
  assert.equal(memory.inMemory, true);
  assert.equal(memory.pool.max, 1);
});

test('unknown parameters and bad values are rejected with a message naming them', () => {
  assert.throws(() => parseDsn('postgres://u@h/db?max_connections=5'), (e: Error) => e instanceof DsnError && /max_connections/.test(e.message));
  assert.throws(() => parseDsn('postgres://u@h/db?max_conns=many'), /max_conns/);
  assert.throws(() => parseDsn('postgres://u@h/db?max_conn_lifetime=forever'), /max_conn_lifetime/);
  assert.throws(() => parseDsn('postgres://u@h/db?max_conns=2&max_idle_conns=3'), /max_idle_conns/);
  assert.throws(() => parseDsn('oracle://u@h/db'), /unsupported DSN scheme "oracle"/);
  assert.throws(() => parseDsn(''), /DSN is empty/);
  assert.throws(() => parseDsn('postgres://u:secretpw@h/'), (e: Error) => /names no database/.test(e.message) && !e.message.includes('secretpw'));
});

test('passwords with @, : and / parse whole and never show in the redacted DSN or an error', () => {
  const postgres = parseDsn('postgres://u:p@ss@db.internal/hydra');
  assert.deepEqual([postgres.user, postgres.password, postgres.host, postgres.database], ['u', 'p@ss', 'db.internal', 'hydra']);
  assert.equal(postgres.redacted, 'postgres://u:***@db.internal/hydra');

  const colon = parseDsn('postgres://u:pa:ss@db.internal:5433/hydra?sslmode=disable');
  assert.deepEqual([colon.password, colon.port], ['pa:ss', 5433]);
  assert.equal(colon.redacted, 'postgres://u:***@db.internal:5433/hydra?sslmode=disable');

  const encoded = parseDsn('postgres://u:p%2Fs%3As%40s@db.internal/hydra');
  assert.equal(encoded.password, 'p/s:s@s');
  assert.equal(encoded.redacted, 'postgres://u:***@db.internal/hydra');

  const goForm = parseDsn('mysql://root:p@ss:w/rd@tcp(db.internal:3306)/hydra?parseTime=true');
  assert.deepEqual([goForm.user, goForm.password, goForm.host, goForm.database], ['root', 'p@ss:w/rd', 'db.internal', 'hydra']);
  assert.equal(goForm.redacted, 'mysql://root:***@tcp(db.internal:3306)/hydra?parseTime=true');

  const plain = parseDsn('mysql://root:p@ss:w%2Frd@db.internal:3306/hydra');
  assert.deepEqual([plain.password, plain.host], ['p@ss:w/rd', 'db.internal']);
  assert.equal(plain.redacted, 'mysql://root:***@db.internal:3306/hydra');

  // An unencoded '/' (or '?', '#') ends the URL's authority early: refused, naming the fix, never echoing the password.
  for (const dsn of ['postgres://u:12/secretpw@db.internal/hydra', 'postgres://u:a@b/secretpw@db.internal/hydra', 'mysql://root:x/secretpw@db.internal:3306/hydra', 'postgres://u:%zzsecretpw@db.internal/hydra']) {
    assert.throws(
      () => parseDsn(dsn),
      (e: Error) => e instanceof DsnError && /percent-encode/.test(e.message) && !e.message.includes('secretpw'),
      dsn,
    );
  }
});

test('secret query parameters are redacted too', () => {
  assert.equal(redactDsn('postgres://u@h/db?sslmode=require&password=hunter2&sslpassword=x'), 'postgres://u@h/db?sslmode=require&password=***&sslpassword=***');
  assert.throws(() => parseDsn('postgres://u@h/db?password=hunter2'), (e: Error) => /unknown DSN parameter "password"/.test(e.message) && !e.message.includes('hunter2'));
});

test('pool_timeout on any DSN; statement_timeout and tcp_keepalive on database servers only', () => {
  const pg = parseDsn('postgres://u@h/db?pool_timeout=2s&statement_timeout=1500&tcp_keepalive=30s');
  assert.equal(pg.pool.acquireTimeoutMs, 2_000);
  // A bare number is milliseconds, as in PostgreSQL's own statement_timeout.
  assert.deepEqual(pg.timeouts, { statementMs: 1_500, keepAliveMs: 30_000 });
  assert.deepEqual(pg.params, {});
  const mysql = parseDsn('mysql://root@tcp(127.0.0.1:3306)/hydra?statement_timeout=0&tcp_keepalive=0s');
  assert.deepEqual(mysql.timeouts, { statementMs: 0, keepAliveMs: 0 });
  assert.deepEqual(parseDsn('postgres://u@h/db').timeouts, {}, 'unset: openOrm applies its defaults');
  assert.equal(parseDsn('sqlite://x.sqlite?pool_timeout=1s').pool.acquireTimeoutMs, 1_000);
  assert.throws(() => parseDsn('sqlite://x.sqlite?statement_timeout=5s'), /unknown DSN parameter "statement_timeout" for sqlite/);
  assert.throws(() => parseDsn('postgres://u@h/db?pool_timeout=soon'), /pool_timeout/);
  assert.throws(() => parseDsn('postgres://u@h/db?statement_timeout=-1s'), /statement_timeout/);
  assert.throws(() => parseDsn('postgres://u@h/db?max_conn_lifetime=300'), /max_conn_lifetime/, 'pool durations still need a unit');
});
