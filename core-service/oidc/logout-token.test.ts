import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { createLogger } from '../shared/logger.js';
import { BACKCHANNEL_LOGOUT_EVENT, createBackChannelSender, signLogoutToken } from './logout-token.js';

test('a Logout Token is typed logout+jwt, carries events and sid, and never a nonce', async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', kid: 'k1' };
  const token = await signLogoutToken(jwk, { issuer: 'https://op.example/', clientId: 'app', subject: '', sid: 'sid-1', iat: 1_700_000_000 });
  const { payload, protectedHeader } = await jwtVerify(token, publicKey, { typ: 'logout+jwt', audience: 'app', currentDate: new Date(1_700_000_010_000) });
  assert.equal(protectedHeader.kid, 'k1');
  assert.deepEqual(payload.events, { [BACKCHANNEL_LOGOUT_EVENT]: {} });
  assert.equal(payload.sid, 'sid-1');
  assert.equal(payload.sub, undefined);
  assert.equal(payload.nonce, undefined);
  assert.ok(typeof payload.exp === 'number' && payload.exp > 1_700_000_000);
});

test('a relying party that fails is logged at warn, never thrown to the caller', async () => {
  const lines: string[] = [];
  const logger = createLogger('test', { level: 'debug', format: 'json', leakSensitiveValues: false }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
  const server = createServer((_req, res) => res.writeHead(500).end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  const send = createBackChannelSender({ logger, timeoutMs: 2000 });
  await send({ clientId: 'app', uri: `http://127.0.0.1:${address.port}/logout`, logoutToken: 'x' });
  server.close();
  await send({ clientId: 'app', uri: `http://127.0.0.1:${address.port}/logout`, logoutToken: 'x' });
  const warnings = lines.map((l) => JSON.parse(l) as { level: unknown; msg: string }).filter((l) => l.msg.startsWith('back-channel logout'));
  assert.equal(warnings.length, 2, lines.join('\n'));
  assert.ok(warnings.every((l) => l.level === 40 || l.level === 'warn'), lines.join('\n'));
});
