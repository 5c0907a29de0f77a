/**
 * The HTTP calls core makes outwards for clients: fetching a `jwks_uri`, delivering back-channel
 * Logout Tokens. Anyone can set one off (naming a client in an assertion is enough), so they
 * follow Hydra's `clients.http`: with `disallow_private_ip_ranges`, a call reaches only public
 * addresses, except for the exact URLs in `private_ip_exception_urls`.
 *
 * The check runs inside undici's connector, on the address actually dialled: the name is
 * resolved once, every address it resolves to must be public, and the connection goes to one of
 * those addresses. A name that resolves (or re-resolves, as in DNS rebinding) to an internal
 * address is refused, and no check-then-connect gap exists for a second resolution to exploit.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Agent, buildConnector, getGlobalDispatcher, type Dispatcher } from 'undici';
import type { Config } from '../shared/config.js';

/** Raised (through undici) when a call would reach a private, loopback or otherwise internal address. */
export class PrivateAddressError extends Error {
  readonly code = 'ERR_PRIVATE_ADDRESS';
  constructor(host: string) {
    super(`${host} resolves to an address in a private or reserved range (clients.http.disallow_private_ip_ranges)`);
    this.name = 'PrivateAddressError';
  }
}

/**
 * Not globally reachable (IANA IPv4 and IPv6 Special-Purpose Address Registries, RFC 6890):
 * "this network", RFC 1918 private, shared (CGNAT), loopback, link-local (cloud metadata),
 * IETF protocol, documentation, benchmarking, multicast and reserved; IPv6 unique local, and the
 * prefixes that embed IPv4 addresses (NAT64, 6to4, Teredo), which could carry a private one.
 * IPv4-mapped IPv6 addresses are checked against the IPv4 ranges by BlockList itself.
 */
const PRIVATE_RANGES: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const privateRanges = new BlockList();
for (const [network, prefix, type] of PRIVATE_RANGES) privateRanges.addSubnet(network, prefix, type);

/** True for an address outside the public internet (and for anything that is not an address). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return privateRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Resolves a host name to every address it has (an address literal resolves to itself). */
export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface OutboundHttp {
  /** The undici dispatcher a call to `url` must use. */
  dispatcherFor(url: string): Dispatcher;
}

/**
 * Builds the dispatchers for `clients.http`.
 *
 * @example
 * const http = createOutboundHttp(config.clients.http);
 * await request(uri, { dispatcher: http.dispatcherFor(uri) });
 */
export function createOutboundHttp(settings: Config['clients']['http'], resolve: Resolver = systemResolver): OutboundHttp {
  if (!settings.disallowPrivateIpRanges) return { dispatcherFor: () => getGlobalDispatcher() };

  const connect = buildConnector({});
  const guarded = new Agent({
    connect(options, callback) {
      const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
      const addresses = isIP(host) ? Promise.resolve([host]) : resolve(host);
      addresses.then(
        (all) => {
          const [first] = all;
          if (first === undefined || all.some(isPrivateAddress)) return callback(new PrivateAddressError(host), null);
          // Dial the address just checked; TLS still verifies the certificate for the name (undici
          // derives the SNI server name from `host`, which keeps the original name).
          connect({ ...options, hostname: first }, callback);
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
      );
    },
  });
  // Hydra: exceptions are exact, case-sensitive matches of the whole URL. (Idle undici sockets are
  // unref'd, so neither dispatcher keeps the process alive.)
  const exceptions = new Set(settings.privateIpExceptionUrls);
  return { dispatcherFor: (url) => (exceptions.has(url) ? getGlobalDispatcher() : guarded) };
}
