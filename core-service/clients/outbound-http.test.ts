import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { createBackChannelSender } from '../oidc/logout-token.js';
import { createLogger } from '../shared/logger.js';
import { createOutboundHttp, isPrivateAddress, PrivateAddressError, type Resolver } from './outbound-http.js';

let server: Server | undefined;
let base = '';
let hits = 0;

before(async () => {
  server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200).end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  base = `http://127.0.0.1:${address.port}`;
});
after(() => server?.close());

test('private, loopback, link-local, reserved and IPv4-embedding addresses are private; public ones are not', () => {
  const internal = [
    '127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1',
    '::1', '::', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', 'fd00::1', 'fe80::1', '64:ff9b::a00:1', '2002:a00:1::', '2001::1', 'not-an-address',
  ];
  for (const address of internal) assert.equal(isPrivateAddress(address), true, address);
  for (const address of ['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001::200e']) assert.equal(isPrivateAddress(address), false, address);
});

test('without disallow_private_ip_ranges, calls go anywhere (Hydra default)', async () => {
  const http = createOutboundHttp({ disallowPrivateIpRanges: false, privateIpExceptionUrls: [] });
  const res = await request(`${base}/x`, { dispatcher: http.dispatcherFor(`${base}/x`) });
  assert.equal(res.statusCode, 200);
  await res.body.dump();
});

test('with it, the address actually dialled decides: literals and names resolving inside are refused before connecting', async () => {
  // A resolver standing in for DNS: the names look public, the answers are not.
  const resolve: Resolver = async (host) =>
    ({ 'rebind.example': ['127.0.0.1'], 'mixed.example': ['93.184.216.34', '10.0.0.1'], localhost: ['127.0.0.1', '::1'] })[host] ?? [];
  const http = createOutboundHttp({ disallowPrivateIpRanges: true, privateIpExceptionUrls: [`${base}/allowed`] }, resolve);
  const port = new URL(base).port;
  const before = hits;
  for (const url of [`${base}/x`, `http://localhost:${port}/x`, `http://rebind.example:${port}/x`, `http://mixed.example:${port}/x`, `http://[::ffff:7f00:1]:${port}/x`, `${base}/Allowed`]) {
    await assert.rejects(request(url, { dispatcher: http.dispatcherFor(url) }), (err: unknown) => err instanceof PrivateAddressError, url);
  }
  assert.equal(hits, before, 'no request reached the server');
  const allowed = await request(`${base}/allowed`, { dispatcher: http.dispatcherFor(`${base}/allowed`) });
  assert.equal(allowed.statusCode, 200, 'an exact exception URL is called');
  await allowed.body.dump();
});

test('back-channel logout deliveries follow clients.http too', async () => {
  const lines: string[] = [];
  const logger = createLogger('test', { level: 'debug', format: 'json', leakSensitiveValues: false }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
  const send = createBackChannelSender({ logger, timeoutMs: 2000, http: createOutboundHttp({ disallowPrivateIpRanges: true, privateIpExceptionUrls: [] }) });
  const before = hits;
  await send({ clientId: 'app', uri: `${base}/logout`, logoutToken: 'x' });
  assert.equal(hits, before, 'the relying party on a private address was not called');
  assert.match(lines.join(''), /back-channel logout failed/);
});
