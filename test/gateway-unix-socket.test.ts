/**
 * `serve.<listener>.host: unix:/path` with `serve.<listener>.socket` (owner, group, mode), as
 * Hydra: the listener answers HTTP on a unix socket whose file carries the configured permissions.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { startGateway } from '../http-gateway/app.js';
import { runProgram } from './support/processes.js';
import { testConfig, testLogger, unusedPort } from './support/cluster.js';

async function getOverSocket(socketPath: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const agent = new Agent({ connect: { socketPath } });
  try {
    const res = await request(`http://localhost${path}`, { dispatcher: agent, headers });
    return { status: res.statusCode, body: await res.body.text() };
  } finally {
    await agent.close();
  }
}

/** The id of a user or group other than root's, so a chown is visible (the tests may run as root). */
function otherId(database: 'passwd' | 'group'): { name: string; id: number } | undefined {
  for (const name of database === 'passwd' ? ['nobody', 'daemon'] : ['nogroup', 'nobody', 'daemon']) {
    try {
      const entry = execFileSync('getent', [database, name], { encoding: 'utf8' });
      return { name, id: Number(entry.split(':')[2]) };
    } catch {
      // try the next name
    }
  }
  return undefined;
}

describe('unix socket listeners', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-sock-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('serves HTTP on the socket with the configured mode, needs no certificate, and removes the socket on close', async () => {
    const publicSock = join(dir, 'public.sock');
    const adminSock = join(dir, 'admin.sock');
    const config = testConfig({
      SERVE_GRPC_PORT: String(await unusedPort()),
      SERVE_PUBLIC_HOST: `unix:${publicSock}`,
      SERVE_ADMIN_HOST: `unix:${adminSock}`,
      SERVE_PUBLIC_SOCKET_MODE: '0660',
      // allow_termination_from does not apply to a socket, as in Hydra: the file's mode decides who may connect.
      SERVE_TLS_ALLOW_TERMINATION_FROM: '10.0.0.0/8',
    });
    const gw = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'all' });
    try {
      assert.equal(gw.publicUrl, `unix:${publicSock}`);
      assert.equal(statSync(publicSock).mode & 0o777, 0o660);
      assert.equal(statSync(adminSock).mode & 0o777, 0o755, "Hydra's default mode");
      assert.deepEqual(await getOverSocket(publicSock, '/health/alive'), { status: 200, body: '{"status":"ok"}' });
      const version = await getOverSocket(adminSock, '/version');
      assert.equal(version.status, 200);
      assert.match(version.body, /"version":/);
    } finally {
      await gw.close();
    }
    assert.equal(existsSync(publicSock), false);
  });

  const user = otherId('passwd');
  const group = otherId('group');
  test('owner and group are set by name', { skip: user && group && process.getuid?.() === 0 ? false : 'needs root and a nobody user and group' }, async () => {
    const sock = join(dir, 'owned.sock');
    const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), SERVE_PUBLIC_HOST: `unix:${sock}`, SERVE_PUBLIC_SOCKET_OWNER: user?.name ?? '', SERVE_PUBLIC_SOCKET_GROUP: group?.name ?? '' });
    const gw = await startGateway({ config, logger: testLogger('http-gateway'), serve: 'public' });
    try {
      const stat = statSync(sock);
      assert.equal(stat.uid, user?.id);
      assert.equal(stat.gid, group?.id);
    } finally {
      await gw.close();
    }
  });

  test('an unknown owner stops the start, naming it', async () => {
    const sock = join(dir, 'unknown.sock');
    const config = testConfig({ SERVE_GRPC_PORT: String(await unusedPort()), SERVE_PUBLIC_HOST: `unix:${sock}`, SERVE_PUBLIC_SOCKET_OWNER: 'no-such-user-tessera' });
    await assert.rejects(startGateway({ config, logger: testLogger('http-gateway'), serve: 'public' }), /no user named "no-such-user-tessera"/);
  });

  test('a mode that is not a file mode is refused at load', () => {
    assert.throws(() => testConfig({ SERVE_ADMIN_SOCKET_MODE: '0999' }), /serve\.admin\.socket\.mode/);
  });

  test('main.ts serves the public listener on a socket and exits 0 on SIGTERM', async () => {
    const sock = join(dir, 'main.sock');
    const program = runProgram('http-gateway/main.ts', ['serve', 'public'], { SERVE_PUBLIC_HOST: `unix:${sock}` });
    const line = await program.waitFor(/gateway listening/);
    assert.match(line, new RegExp(`"publicUrl":"unix:${sock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    assert.equal((await getOverSocket(sock, '/health/alive')).status, 200);
    assert.equal(await program.stop('SIGTERM'), 0);
  });
});
