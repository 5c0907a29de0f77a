import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { createLogger } from '../shared/logger.js';
import { parseDsn } from './dsn.js';
import { closeOrm, openOrm, pingDatabase, type Orm } from './orm.js';

const withParams = (dsn: string, params: string) => `${dsn}${dsn.includes('?') ? '&' : '?'}${params}`;

async function scalar(orm: Orm, sql: string): Promise<unknown> {
  const rows = await orm.em.getConnection().execute<Record<string, unknown>[]>(sql);
  const first = rows[0];
  return first === undefined ? undefined : Object.values(first)[0];
}

const CONNECTION_ID: Record<'postgres' | 'mysql', string> = {
  postgres: 'select pg_backend_pid() as id',
  mysql: 'select connection_id() as id',
};

describe('pingDatabase', () => {
  it('answers false, quickly, when nothing listens', async () => {
    const orm = await openOrm(parseDsn('postgres://nobody@127.0.0.1:1/none?connect_timeout=1'));
    try {
      const started = Date.now();
      assert.equal(await pingDatabase(orm, 1_500), false);
      assert.ok(Date.now() - started < 2_000);
    } finally {
      await closeOrm(orm);
    }
  });
});

for (const db of testDatabases()) {
  describe(`openOrm on ${db.name}`, { skip: db.skipReason }, () => {
    it('pings a live database', async () => {
      const { orm, drop } = await migratedDatabase(db);
      try {
        assert.equal(await pingDatabase(orm), true);
      } finally {
        await drop();
      }
    });

    it('replaces a connection after max_conn_lifetime and re-applies its session settings', async () => {
      const created = await db.create();
      const pool = 'max_conns=1&max_idle_conns=1&max_conn_lifetime=300ms';
      const orm = await openOrm(parseDsn(withParams(created.dsn, db.name === 'sqlite' ? `${pool}&_busy_timeout=1234` : pool)));
      try {
        if (db.name === 'sqlite') {
          // A TEMP table lives in one connection only: its absence shows the connection was replaced.
          await orm.em.getConnection().execute('create temp table probe (x integer)', [], 'run');
          await sleep(400);
          assert.equal(Number(await scalar(orm, "select count(*) from sqlite_temp_master where name = 'probe'")), 0, 'replaced after its lifetime');
          // Pragmas are per connection; the replacement must have them as well.
          assert.equal(Number(await scalar(orm, 'pragma foreign_keys')), 1);
          assert.equal(Number(await scalar(orm, 'pragma busy_timeout')), 1234);
          return;
        }
        const sql = CONNECTION_ID[db.name];
        const first = await scalar(orm, sql);
        assert.equal(await scalar(orm, sql), first, 'reused within its lifetime');
        await sleep(400);
        assert.notEqual(await scalar(orm, sql), first, 'replaced after its lifetime');
        if (db.name === 'mysql') assert.equal(await scalar(orm, 'select @@session.time_zone'), '+00:00');
      } finally {
        await closeOrm(orm);
        await created.drop();
      }
    });

    it('logs SQL at debug without its parameters', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString());
          callback();
        },
      });
      const logger = createLogger('test', { level: 'debug', format: 'json', leakSensitiveValues: false }, sink);
      const created = await db.create();
      const orm = await openOrm(parseDsn(created.dsn), { logger });
      try {
        await orm.em.getConnection().execute('select ? as secret', ['SENSITIVE-VALUE-123']);
        const log = lines.join('');
        assert.match(log, /select \S+ as secret/);
        assert.doesNotMatch(log, /SENSITIVE-VALUE-123/);
      } finally {
        await closeOrm(orm);
        await created.drop();
      }
    });
  });
}
