import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DsnError, parseDsn } from './dsn.js';

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
