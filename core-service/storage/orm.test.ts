import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { proxyFor, throughProxy } from '../../test/support/tcp-proxy.js';
import { isConnectionFailure } from '../grpc/errors.js';
import { createLogger } from '../shared/logger.js';
import { parseDsn } from './dsn.js';
import { closeOrm, openOrm, pingDatabase, pingOutsidePool, type Orm } from './orm.js';

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

const SLEEP: Record<'postgres' | 'mysql', (seconds: number) => string> = {
  postgres: (seconds) => `select pg_sleep(${seconds}) as slept`,
  mysql: (seconds) => `select sleep(${seconds}) as slept`,
};

/** Milliseconds `promise` took to settle, and whether it failed with a "database unreachable" error. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; unreachable: boolean; error?: unknown }> {
  const started = Date.now();
  try {
    await promise;
    return { ms: Date.now() - started, unreachable: false };
  } catch (error) {
    return { ms: Date.now() - started, unreachable: isConnectionFailure(error), error };
  }
}

/**
 * The `tr` (timer) column of the kernel's TCP table for established loopback connections to
 * `port`: 2 is the keepalive timer, 0 none (proc(5), /proc/net/tcp). Linux only.
 */
function tcpTimersTo(port: number): number[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[2]?.endsWith(`:${hexPort}`) && f[3] === '01')
    .map((f) => Number.parseInt((f[5] ?? '').split(':')[0] ?? '', 16));
}

describe('pingOutsidePool', () => {
  it('is false on SQLite, which has no connection apart from the pool', async () => {
    const orm = await openOrm(parseDsn('memory'));
    try {
      assert.equal(await pingOutsidePool(orm, 'sqlite'), false);
    } finally {
      await closeOrm(orm);
    }
  });
});

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

    if (db.name !== 'sqlite') {
      const name = db.name;
      it('the server cancels a statement after statement_timeout; the connection stays in the pool', async () => {
        const created = await db.create();
        const orm = await openOrm(parseDsn(withParams(created.dsn, 'max_conns=1&statement_timeout=500ms')));
        try {
          const id = await scalar(orm, CONNECTION_ID[name]);
          const slow = await timed(scalar(orm, SLEEP[name](5)));
          assert.ok(slow.error, 'the 5 s statement was cancelled');
          assert.ok(slow.ms < 1_400, `cancelled after ${slow.ms} ms`);
          assert.equal(await scalar(orm, CONNECTION_ID[name]), id, 'an answered timeout is no reason to drop the connection');
        } finally {
          await closeOrm(orm);
          await created.drop();
        }
      });

      it('a connection that goes silent is destroyed after statement_timeout + 1 s, with every connection opened before it', async () => {
        const created = await db.create();
        const proxy = await proxyFor(created.dsn);
        const orm = await openOrm(parseDsn(withParams(throughProxy(created.dsn, proxy.port), 'max_conns=4&max_idle_conns=4&statement_timeout=500ms')));
        try {
          // Four connections in the pool, all of which will go silent.
          await Promise.all(Array.from({ length: 4 }, () => scalar(orm, SLEEP[name](0.2))));
          assert.ok(proxy.connections() >= 4);
          proxy.blackhole();
          proxy.restore();
          const first = await timed(scalar(orm, 'select 1'));
          assert.ok(first.unreachable, `a silent connection fails as "unreachable" (503), not as ${String(first.error)}`);
          assert.ok(first.ms >= 1_400 && first.ms < 4_000, `given up after ${first.ms} ms (statement_timeout 500 ms + 1 s)`);
          // The three other silent connections were retired with it: no second request waits on one.
          const next = await timed(Promise.all(Array.from({ length: 4 }, () => scalar(orm, 'select 1'))));
          assert.equal(next.error, undefined, String(next.error));
          assert.ok(next.ms < 1_400, `the next queries took ${next.ms} ms`);
        } finally {
          await proxy.close();
          await closeOrm(orm);
          await created.drop();
        }
      });

      it('a query waits at most pool_timeout for a free connection, then fails as "unreachable"', async () => {
        const created = await db.create();
        const orm = await openOrm(parseDsn(withParams(created.dsn, 'max_conns=1&pool_timeout=300ms')));
        try {
          const holding = scalar(orm, SLEEP[name](1.5));
          const waiting = await timed(scalar(orm, 'select 1'));
          assert.ok(waiting.unreachable, String(waiting.error));
          assert.ok(waiting.ms >= 250 && waiting.ms < 1_200, `gave up after ${waiting.ms} ms`);
          await holding;
        } finally {
          await closeOrm(orm);
          await created.drop();
        }
      });

      it('database sockets carry TCP keepalive (tcp_keepalive; 0s turns it off)', { skip: process.platform !== 'linux' && 'reads /proc/net/tcp' }, async () => {
        const created = await db.create();
        for (const [params, timer] of [['', 2], ['tcp_keepalive=0s', 0]] as const) {
          const proxy = await proxyFor(created.dsn);
          const orm = await openOrm(parseDsn(withParams(throughProxy(created.dsn, proxy.port), `max_conns=1&${params}`)));
          try {
            await scalar(orm, 'select 1');
            assert.deepEqual(tcpTimersTo(proxy.port), [timer], params || 'default');
          } finally {
            await closeOrm(orm);
            await proxy.close();
          }
        }
        await created.drop();
      });

      it('pingOutsidePool answers while the pool is stuck, and not while the database is down', async () => {
        const created = await db.create();
        const proxy = await proxyFor(created.dsn);
        // No statement timeout: nothing frees the pool once its only connection is silent.
        const orm = await openOrm(parseDsn(withParams(throughProxy(created.dsn, proxy.port), 'max_conns=1&max_idle_conns=1&statement_timeout=0&pool_timeout=200ms')));
        try {
          await scalar(orm, 'select 1');
          proxy.blackhole();
          proxy.restore();
          assert.equal(await pingDatabase(orm, 500), false, 'the pool is stuck on its silent connection');
          assert.equal(await pingOutsidePool(orm, name, 2_000), true, 'a new connection gets through');
          proxy.cut();
          assert.equal(await pingOutsidePool(orm, name, 2_000), false, 'the database is down');
        } finally {
          await proxy.close();
          await closeOrm(orm);
          await created.drop();
        }
      });
    }

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
